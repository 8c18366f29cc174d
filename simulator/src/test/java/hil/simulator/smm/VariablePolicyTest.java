package hil.simulator.smm;

import hil.simulator.smm.VariablePolicyEntry.LockType;
import hil.simulator.smm.VariablePolicyEntry.VarState;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import hil.simulator.uefi.Ucs2;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.HashMap;
import java.util.Map;

import static hil.simulator.Machine.OTHER_VENDOR;
import static hil.simulator.Machine.VENDOR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The VariablePolicy engine on its own (reference 5.5): registration, best match and the SetVariable check. */
class VariablePolicyTest {

    /** Variables the engine's GetVariable probe sees, by name; a value of null makes the probe fail with DEVICE_ERROR. */
    private final Map<String, byte[]> variables = new HashMap<>();
    private final VariablePolicy policy = new VariablePolicy(this::read, false);

    private VariablePolicy.Read read(byte[] name, EfiGuid vendor, long capacity) {
        String key = vendor + ":" + Ucs2.decode(name, 0, name.length);
        if (!variables.containsKey(key)) {
            return new VariablePolicy.Read(EfiStatus.NOT_FOUND, null);
        }
        byte[] data = variables.get(key);
        if (data == null) {
            return new VariablePolicy.Read(EfiStatus.DEVICE_ERROR, null);
        }
        if (capacity < data.length) {
            return new VariablePolicy.Read(EfiStatus.BUFFER_TOO_SMALL, null);
        }
        return new VariablePolicy.Read(EfiStatus.SUCCESS, data);
    }

    private void exists(String name, byte... data) {
        variables.put(VENDOR + ":" + name, data);
    }

    private EfiStatus set(String name, int attributes, long dataSize) {
        return policy.validateSetVariable(Ucs2.encode(name), VENDOR, attributes, dataSize);
    }

    private static VariablePolicyEntry noLock(String name) {
        return VariablePolicyEntry.basic(VENDOR, name, 0, VariablePolicyEntry.NO_MAX_SIZE, 0, 0, LockType.NO_LOCK);
    }

    @Nested
    @DisplayName("RegisterVariablePolicy")
    class Register {

        @Test
        void aWellFormedPolicyIsRegistered() {
            assertEquals(EfiStatus.SUCCESS, policy.register(VariablePolicyEntry.lockNow(VENDOR, "A")));
            assertEquals(1, policy.policies().size());
        }

        @Test
        void theSameNameAndNamespaceAgainIsAlreadyStartedWhateverTheOtherFields() {
            policy.register(VariablePolicyEntry.lockNow(VENDOR, "A"));

            assertEquals(EfiStatus.ALREADY_STARTED, policy.register(noLock("A")));
            assertEquals(EfiStatus.SUCCESS, policy.register(VariablePolicyEntry.lockNow(OTHER_VENDOR, "A")));
        }

        @Test
        @DisplayName("a wildcard policy is never a duplicate, because '#' is not a hex digit when matched as a name")
        void wildcardPoliciesAreNeverDuplicates() {
            assertEquals(EfiStatus.SUCCESS, policy.register(VariablePolicyEntry.lockNow(VENDOR, "Boot####")));
            assertEquals(EfiStatus.SUCCESS, policy.register(VariablePolicyEntry.lockNow(VENDOR, "Boot####")));
            assertEquals(EfiStatus.SUCCESS, policy.register(VariablePolicyEntry.lockNow(VENDOR, "Boot0001")),
                    "the wildcard matches Boot0001 with priority 4, not 0");
        }

        @Test
        void aMalformedPolicyIsInvalidParameter() {
            byte[] b = VariablePolicyEntry.lockNow(VENDOR, "A").encode();
            b[28] = b[29] = b[30] = b[31] = 0; // MaxSize 0

            assertEquals(EfiStatus.INVALID_PARAMETER, policy.register(b, 0, b.length));
        }

        @Test
        void onceLockedEveryRegistrationIsWriteProtectedEvenAMalformedOne() {
            assertEquals(EfiStatus.SUCCESS, policy.lock());

            assertEquals(EfiStatus.WRITE_PROTECTED, policy.register(VariablePolicyEntry.lockNow(VENDOR, "A")));
            assertEquals(EfiStatus.WRITE_PROTECTED, policy.register(new byte[44], 0, 44));
            assertEquals(EfiStatus.WRITE_PROTECTED, policy.lock(), "a second lock");
        }

        @Test
        void disablingIsWriteProtectedWhenThePlatformDoesNotAllowIt() {
            assertEquals(EfiStatus.WRITE_PROTECTED, policy.disable());
            assertTrue(policy.isEnabled());
        }

        @Test
        void disablingWorksOnceWhereAllowedAndThenNothingIsEnforced() {
            VariablePolicy allowing = new VariablePolicy(VariablePolicyTest.this::read, true);
            allowing.register(VariablePolicyEntry.lockNow(VENDOR, "A"));

            assertEquals(EfiStatus.SUCCESS, allowing.disable());
            assertEquals(EfiStatus.ALREADY_STARTED, allowing.disable());
            assertFalse(allowing.isEnabled());
            assertEquals(EfiStatus.SUCCESS, allowing.validateSetVariable(Ucs2.encode("A"), VENDOR, 7, 1));
        }

        @Test
        void disablingAfterTheLockIsWriteProtected() {
            VariablePolicy allowing = new VariablePolicy(VariablePolicyTest.this::read, true);
            allowing.lock();

            assertEquals(EfiStatus.WRITE_PROTECTED, allowing.disable());
        }

        @Test
        void theDumpIsEveryEntryAsRegisteredInOrder() {
            byte[] a = VariablePolicyEntry.lockNow(VENDOR, "A").encode();
            byte[] b = noLock("Bee").encode();
            policy.register(a, 0, a.length);
            policy.register(b, 0, b.length);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.writeBytes(a);
            expected.writeBytes(b);

            assertArrayEquals(expected.toByteArray(), policy.dump());
            assertEquals(a.length + b.length, policy.tableUsage());
        }
    }

    @Nested
    @DisplayName("best match")
    class BestMatch {

        @Test
        void anExactNameBeatsAWildcardWhichBeatsTheNamespace() {
            policy.register(VariablePolicyEntry.basic(VENDOR, null, 0, 16, 0, 0, LockType.NO_LOCK));
            policy.register(noLock("Boot##01"));
            policy.register(noLock("Boot#001"));
            policy.register(noLock("Boot0001"));

            assertEquals(0, policy.bestMatch("Boot0001", VENDOR).orElseThrow().priority());
            assertEquals(1, policy.bestMatch("Boot1001", VENDOR).orElseThrow().priority());
            assertEquals(2, policy.bestMatch("Boot1101", VENDOR).orElseThrow().priority());
            assertEquals(255, policy.bestMatch("Other", VENDOR).orElseThrow().priority());
            assertTrue(policy.bestMatch("Other", OTHER_VENDOR).isEmpty());
        }

        @Test
        void aWildcardMatchesOneHexDigitOfEitherCaseOnly() {
            policy.register(noLock("V#"));

            for (String name : new String[] {"V0", "V9", "VA", "VF", "Va", "Vf"}) {
                assertTrue(policy.bestMatch(name, VENDOR).isPresent(), name);
            }
            for (String name : new String[] {"VG", "Vg", "V#", "V", "V00"}) {
                assertTrue(policy.bestMatch(name, VENDOR).isEmpty(), name);
            }
        }

        @Test
        void amongEqualPrioritiesTheFirstRegisteredWins() {
            VariablePolicyEntry first = VariablePolicyEntry.basic(VENDOR, "A#", 0, 1, 0, 0, LockType.NO_LOCK);
            VariablePolicyEntry second = VariablePolicyEntry.basic(VENDOR, "#1", 0, 2, 0, 0, LockType.NO_LOCK);
            policy.register(first);
            policy.register(second);

            assertEquals(first, policy.bestMatch("A1", VENDOR).orElseThrow().policy());
        }

        @Test
        void onlyTheBestMatchIsEnforced() {
            policy.register(VariablePolicyEntry.basic(VENDOR, null, 0, 16, 0, 0, LockType.LOCK_NOW));
            policy.register(noLock("Free"));

            assertEquals(EfiStatus.SUCCESS, set("Free", 7, 100), "the named NO_LOCK policy wins over the namespace lock");
            assertEquals(EfiStatus.WRITE_PROTECTED, set("Other", 7, 1));
        }
    }

    @Nested
    @DisplayName("ValidateSetVariable")
    class Validate {

        @Test
        void lockNowRefusesWritesAndDeletes() {
            policy.register(VariablePolicyEntry.lockNow(VENDOR, "L"));

            assertEquals(EfiStatus.WRITE_PROTECTED, set("L", 7, 4));
            assertEquals(EfiStatus.WRITE_PROTECTED, set("L", 0, 0));
        }

        @Test
        void sizesOutsideTheRangeAreInvalidParameterButDeletesAreNotSizeChecked() {
            policy.register(VariablePolicyEntry.basic(VENDOR, "S", 2, 4, 0, 0, LockType.NO_LOCK));

            assertEquals(EfiStatus.INVALID_PARAMETER, set("S", 7, 1));
            assertEquals(EfiStatus.SUCCESS, set("S", 7, 2));
            assertEquals(EfiStatus.SUCCESS, set("S", 7, 4));
            assertEquals(EfiStatus.INVALID_PARAMETER, set("S", 7, 5));
            assertEquals(EfiStatus.SUCCESS, set("S", 7, 0), "DataSize 0 without APPEND is a delete");
            assertEquals(EfiStatus.INVALID_PARAMETER, set("S", 7 | Attributes.AP, 0), "an append is not a delete");
        }

        @Test
        void missingRequiredOrPresentForbiddenAttributesAreInvalidParameter() {
            policy.register(VariablePolicyEntry.basic(VENDOR, "A", 0, VariablePolicyEntry.NO_MAX_SIZE,
                    Attributes.NV | Attributes.RT, Attributes.AT, LockType.NO_LOCK));

            assertEquals(EfiStatus.INVALID_PARAMETER, set("A", Attributes.NV_BS, 1));
            assertEquals(EfiStatus.INVALID_PARAMETER, set("A", Attributes.NV_BS_RT | Attributes.AT, 1));
            assertEquals(EfiStatus.SUCCESS, set("A", Attributes.NV_BS_RT, 1));
            assertEquals(EfiStatus.SUCCESS, set("A", 0, 0), "deletes are not attribute-checked");
        }

        @Test
        void lockOnCreateRefusesWritesOnlyOnceTheVariableExists() {
            policy.register(VariablePolicyEntry.basic(VENDOR, "C", 0, VariablePolicyEntry.NO_MAX_SIZE, 0, 0,
                    LockType.LOCK_ON_CREATE));

            assertEquals(EfiStatus.SUCCESS, set("C", 7, 1));
            exists("C", (byte) 1);
            assertEquals(EfiStatus.WRITE_PROTECTED, set("C", 7, 1));
            assertEquals(EfiStatus.WRITE_PROTECTED, set("C", 0, 0));
        }

        @Test
        void lockOnVarStateRefusesWritesWhileTheOneByteStateVariableHoldsTheValue() {
            policy.register(VariablePolicyEntry.onVarState(VENDOR, "V", 0, VariablePolicyEntry.NO_MAX_SIZE, 0, 0,
                    new VarState(VENDOR, 1, "State")));

            assertEquals(EfiStatus.SUCCESS, set("V", 7, 1), "state variable missing");
            exists("State", (byte) 0);
            assertEquals(EfiStatus.SUCCESS, set("V", 7, 1), "other value");
            exists("State", (byte) 1);
            assertEquals(EfiStatus.WRITE_PROTECTED, set("V", 7, 1));
            exists("State", (byte) 1, (byte) 1);
            assertEquals(EfiStatus.SUCCESS, set("V", 7, 1), "larger than one byte: BUFFER_TOO_SMALL means no lock");
            variables.put(VENDOR + ":State", null);
            assertEquals(EfiStatus.ABORTED, set("V", 7, 1), "any other GetVariable error");
        }

        @Test
        void nothingMatchingMeansNoObjection() {
            assertEquals(EfiStatus.SUCCESS, set("Anything", 7, 1));
        }
    }
}
