package hil.simulator.runtime;

import hil.simulator.platform.SimulatedPlatform;
import hil.simulator.Profile;
import hil.simulator.Machine;
import hil.simulator.store.VariableStore;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiStatus;
import hil.simulator.uefi.Ucs2;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static hil.simulator.Machine.OTHER_VENDOR;
import static hil.simulator.Machine.VENDOR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** SetVariable at boot time through gRT (reference 3.4, checklist 8.6–8.8, 8.10, 8.11). */
class SetVariableRulesTest {

    private static final byte[] ONE = {1};

    private final Machine machine = new Machine();
    /**
     * Authenticated requests need AuthVariableLib, which the bare store leaves out (AuthVariableLibNull refuses AT/AW
     * with INVALID_PARAMETER): they run on the full profile.
     */
    private final Machine withAuth = new Machine(new SimulatedPlatform(Profile.OVMF_4M));

    private VariableStore nv() {
        return machine.platform().core().nvStore();
    }

    private List<Integer> nvStates() {
        return nv().records().stream().map(nv()::state).toList();
    }

    @Nested
    @DisplayName("ordered checks")
    class Checks {

        @Test
        void anEmptyNameIsInvalidParameterInDxeAndInTheCore() {
            assertEquals(EfiStatus.INVALID_PARAMETER, machine.set("", Attributes.NV_BS_RT, ONE));
            assertEquals(EfiStatus.INVALID_PARAMETER,
                    machine.platform().core().setVariable(Ucs2.encode(""), VENDOR, Attributes.NV_BS_RT, ONE, false));
        }

        @ParameterizedTest(name = "attributes 0x{0}")
        @ValueSource(ints = {0x80, 0x87, 0x100})
        void anyAttributeBitAbove0x7FIsInvalidParameter(int attributes) {
            assertEquals(EfiStatus.INVALID_PARAMETER, machine.set("T", attributes, ONE));
        }

        @Test
        void runtimeAccessWithoutBootServiceAccessIsInvalidParameter() {
            assertEquals(EfiStatus.INVALID_PARAMETER, machine.set("T", Attributes.RT, ONE));
            assertEquals(EfiStatus.INVALID_PARAMETER, machine.set("T", Attributes.NV | Attributes.RT, ONE));
        }

        @Test
        void nonVolatileAloneIsInvalidParameter() {
            assertEquals(EfiStatus.INVALID_PARAMETER, machine.set("T", Attributes.NV, ONE));
        }

        @Test
        void nonVolatileWithAppendIsNotNonVolatileAloneAndEndsAsACreateWithoutAccessBits() {
            // (0x41 & 0x6F) != NV, so check 4b passes; UpdateVariable then finds no BS/RT bits: NOT_FOUND.
            assertEquals(EfiStatus.NOT_FOUND, machine.set("T", Attributes.NV | Attributes.AP, ONE));
        }

        @Test
        void hardwareErrorRecordsWithoutHwErrStorageAreInvalidParameter() {
            assertEquals(EfiStatus.INVALID_PARAMETER, machine.set("HwErrRec0001", Attributes.NV_BS_RT | Attributes.HR, ONE));
        }

        @Test
        void aMalformedTimeBasedAuthenticationDescriptorIsASecurityViolation() {
            assertEquals(EfiStatus.SECURITY_VIOLATION, withAuth.set("T", Attributes.NV_BS_RT | Attributes.AT, new byte[39]));
        }

        @Test
        void nameAndDataOverTheVolatileLimitAreInvalidParameter() {
            // Debian's build: PcdMaxVolatileVariableSize 0x40000, so name + data up to 0x40000 - 60 = 262084.
            assertEquals(EfiStatus.INVALID_PARAMETER, machine.set("V", Attributes.BS_RT, new byte[262085 - 4]));
            assertEquals(EfiStatus.SUCCESS, machine.set("V", Attributes.BS_RT, new byte[262084 - 4]));
        }

        @Test
        void withoutTlsTheVolatileLimitIsTheNonVolatileOne() {
            Machine noTls = new Machine(new SimulatedPlatform(Profile.OVMF_4M_NO_TLS.withBareStore()));
            assertEquals(EfiStatus.INVALID_PARAMETER, noTls.set("V", Attributes.BS_RT, new byte[33733 - 4]));
            assertEquals(EfiStatus.SUCCESS, noTls.set("V", Attributes.BS_RT, new byte[33732 - 4]));
        }
    }

    @Nested
    @DisplayName("AW (0x10) quirks")
    class AuthenticatedWriteAccess {

        @Test
        void awTurnsRuntimeWithoutBootServiceIntoUnsupported() {
            assertEquals(EfiStatus.UNSUPPORTED, machine.set("T", Attributes.RT | Attributes.AW, ONE));
        }

        /** Observed on Debian's OVMF 2022.11 under QEMU: NV|AW is refused like NV alone. */
        @Test
        void awLeavesNonVolatileAloneInvalidAsRealOvmfDoes() {
            assertEquals(EfiStatus.INVALID_PARAMETER, machine.set("T", Attributes.NV | Attributes.AW, ONE));
        }

        @Test
        void awTogetherWithAtIsUnsupported() {
            assertEquals(EfiStatus.UNSUPPORTED, withAuth.set("T", Attributes.NV_BS_RT | Attributes.AW | Attributes.AT, new byte[560]));
        }

        @Test
        void awWithADataSizeOtherThan560IsUnsupported() {
            assertEquals(EfiStatus.UNSUPPORTED, withAuth.set("T", Attributes.NV_BS_RT | Attributes.AW, ONE));
            assertEquals(EfiStatus.UNSUPPORTED, withAuth.set("T", Attributes.NV_BS_RT | Attributes.AW, new byte[561]));
        }

        @Test
        void awWithExactly560BytesStillEndsUnsupportedInCounterBasedProcessing() {
            assertEquals(EfiStatus.UNSUPPORTED, withAuth.set("T", Attributes.NV_BS_RT | Attributes.AW, new byte[560]));
            assertNull(withAuth.value("T"));
        }
    }

    @Nested
    @DisplayName("existing variables")
    class Existing {

        @Test
        void rewritingWithDifferentAttributesIsInvalidParameterAndKeepsTheValue() {
            machine.set("T", Attributes.NV_BS, ONE);

            assertEquals(EfiStatus.INVALID_PARAMETER, machine.set("T", Attributes.NV_BS_RT, new byte[] {2}));
            assertArrayEquals(ONE, machine.value("T"));
        }

        @Test
        void attributesDifferingOnlyInAppendAreAccepted() {
            machine.set("T", Attributes.NV_BS_RT, ONE);

            assertEquals(EfiStatus.SUCCESS, machine.set("T", Attributes.NV_BS_RT | Attributes.AP, new byte[] {2}));
            assertArrayEquals(new byte[] {1, 2}, machine.value("T"));
            assertEquals(Attributes.NV_BS_RT, machine.get("T").attributes(), "APPEND is never stored");
        }

        @Test
        void anUpdateWritesANewCopyAtTheEndAndMarksTheOldOneReplaced() {
            machine.set("T", Attributes.NV_BS_RT, ONE);

            assertEquals(EfiStatus.SUCCESS, machine.set("T", Attributes.NV_BS_RT, new byte[] {2}));

            assertEquals(List.of(0x3C, 0x3F), nvStates(), "old: ADDED & IN_DELETED & DELETED; new: ADDED");
            assertArrayEquals(new byte[] {2}, machine.value("T"));
        }

        @Test
        void anIdenticalRewriteSucceedsWithoutAnyFlashWrite() {
            machine.set("T", Attributes.NV_BS_RT, new byte[] {1, 2, 3});
            long ops = machine.programOperations();

            assertEquals(EfiStatus.SUCCESS, machine.set("T", Attributes.NV_BS_RT, new byte[] {1, 2, 3}));

            assertEquals(ops, machine.programOperations());
        }
    }

    @Nested
    @DisplayName("deletes")
    class Deletes {

        @Test
        void dataSizeZeroDeletesWithOneStateWrite() {
            machine.set("T", Attributes.NV_BS_RT, ONE);
            long ops = machine.programOperations();

            assertEquals(EfiStatus.SUCCESS, machine.set("T", Attributes.NV_BS_RT));

            assertEquals(EfiStatus.NOT_FOUND, machine.get("T").status());
            assertEquals(ops + 1, machine.programOperations());
            assertEquals(List.of(0x3D), nvStates(), "ADDED & DELETED, still occupying space");
        }

        @Test
        void attributesZeroDeletesWhateverTheData() {
            machine.set("T", Attributes.NV_BS_RT, ONE);

            assertEquals(EfiStatus.SUCCESS, machine.set("T", 0, new byte[10]));
            assertEquals(EfiStatus.NOT_FOUND, machine.get("T").status());
        }

        @Test
        void deletingAVolatileVariableAtBootTimeWorks() {
            machine.set("V", Attributes.BS_RT, ONE);

            assertEquals(EfiStatus.SUCCESS, machine.set("V", Attributes.BS_RT));
            assertEquals(EfiStatus.NOT_FOUND, machine.get("V").status());
        }

        @Test
        void deletingAMissingVariableIsNotFound() {
            assertEquals(EfiStatus.NOT_FOUND, machine.set("T", Attributes.NV_BS_RT));
            assertEquals(EfiStatus.NOT_FOUND, machine.set("T", 0, ONE));
        }

        @Test
        void creatingWithoutAccessAttributesIsNotFound() {
            assertEquals(EfiStatus.NOT_FOUND, machine.set("T", Attributes.AP, ONE));
        }

        @Test
        void aVariableOfTheSameNameUnderAnotherGuidIsAnotherVariable() {
            machine.set("T", Attributes.NV_BS_RT, ONE);

            assertEquals(EfiStatus.NOT_FOUND, machine.set("T", OTHER_VENDOR, Attributes.NV_BS_RT, new byte[0]));
            assertArrayEquals(ONE, machine.value("T"));
        }
    }

    @Nested
    @DisplayName("append")
    class Append {

        private static final int NV_BS_RT_AP = Attributes.NV_BS_RT | Attributes.AP;

        @Test
        void appendWithNoDataOnAMissingVariableSucceedsWithoutWritingAnything() {
            long ops = machine.programOperations();

            assertEquals(EfiStatus.SUCCESS, machine.set("T", NV_BS_RT_AP));

            assertEquals(ops, machine.programOperations());
            assertEquals(EfiStatus.NOT_FOUND, machine.get("T").status());
        }

        @Test
        void appendOnAMissingVariableCreatesItWithoutTheAppendBit() {
            assertEquals(EfiStatus.SUCCESS, machine.set("T", NV_BS_RT_AP, ONE));

            assertEquals(Attributes.NV_BS_RT, machine.get("T").attributes());
        }

        @Test
        void appendWithNoDataOnAnExistingVariableStillRewritesIt() {
            machine.set("T", Attributes.NV_BS_RT, ONE);
            long ops = machine.programOperations();

            assertEquals(EfiStatus.SUCCESS, machine.set("T", NV_BS_RT_AP));

            assertEquals(ops + 6, machine.programOperations(),
                    "old to 0x3E, new header, its State 0x7F, name and data, its State 0x3F, old to DELETED");
            assertArrayEquals(ONE, machine.value("T"));
            assertEquals(List.of(0x3C, 0x3F), nvStates());
        }

        @Test
        @DisplayName("an append that would exceed MaxVariableSize − (60 + NameSize) is INVALID_PARAMETER")
        void appendBeyondTheMaximumIsInvalidParameter() {
            machine.set("A", Attributes.NV_BS_RT, new byte[33000]);

            assertEquals(EfiStatus.INVALID_PARAMETER, machine.set("A", NV_BS_RT_AP, new byte[33729 - 33000]));
            assertEquals(EfiStatus.SUCCESS, machine.set("A", NV_BS_RT_AP, new byte[33728 - 33000]));
            assertEquals(33728L, machine.get("A").dataSize());
        }

        @Test
        void appendingToAVolatileVariableConcatenatesTheData() {
            machine.set("V", Attributes.BS_RT, ONE);

            assertEquals(EfiStatus.SUCCESS, machine.set("V", Attributes.BS_RT | Attributes.AP, new byte[] {2, 3}));
            assertArrayEquals(new byte[] {1, 2, 3}, machine.value("V"));
        }
    }

    @Nested
    @DisplayName("volatile store")
    class VolatileStore {

        private int fillVolatile() {
            for (int i = 0; i < 100; i++) {
                EfiStatus s = machine.set(String.format("V%02d", i), Attributes.BS_RT, new byte[8000]);
                if (s != EfiStatus.SUCCESS) {
                    assertEquals(EfiStatus.OUT_OF_RESOURCES, s);
                    return i;
                }
            }
            throw new AssertionError("the volatile store never filled up");
        }

        @Test
        @DisplayName("A full volatile store refuses a write, and after a delete the write succeeds through a volatile reclaim")
        void aFullVolatileStoreReclaimsDeadRecords() {
            assertEquals(64, fillVolatile(), "(0x80000 - 28) / 8068");
            assertEquals(EfiStatus.SUCCESS, machine.set("V00", Attributes.BS_RT));
            long flashOps = machine.programOperations();

            assertEquals(EfiStatus.SUCCESS, machine.set("New", Attributes.BS_RT, new byte[8000]));

            assertEquals(64, machine.names().size());
            assertEquals(8000L, machine.get("New").dataSize());
            assertEquals(flashOps, machine.programOperations(), "the volatile store lives in RAM");
        }
    }
}
