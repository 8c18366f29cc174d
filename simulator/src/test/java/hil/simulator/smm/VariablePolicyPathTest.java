package hil.simulator.smm;

import hil.simulator.Machine;
import hil.simulator.smm.VariablePolicyEntry.LockType;
import hil.simulator.smm.VariablePolicyEntry.VarState;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiStatus;
import hil.simulator.uefi.Ucs2;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static hil.simulator.Machine.VENDOR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Policies and locks end to end: registered through the DXE VariablePolicy proxy or RequestToLock, enforced by the
 * SMM core on gRT SetVariable calls (reference 5.4, 5.5, 3.7.1).
 */
class VariablePolicyPathTest {

    private final Machine machine = new Machine();
    private final VariablePolicyProxy proxy = new VariablePolicyProxy(
            new SmmCommunication(new SmmVariableHandler(machine.platform().core())));

    private EfiStatus requestToLock(String name) {
        return machine.dxe(d -> d.requestToLock(Ucs2.encode(name), VENDOR));
    }

    private EfiStatus register(VariablePolicyEntry entry) {
        return proxy.register(entry.encode());
    }

    private EfiStatus trustedSet(String name, int attributes, byte... data) {
        return machine.platform().core().setVariable(Ucs2.encode(name), VENDOR, attributes, data, true);
    }

    @Nested
    @DisplayName("RequestToLock, a LOCK_NOW shim")
    class RequestToLock {

        @Test
        void aLockedVariableIsWritableUntilEndOfDxeAndWriteProtectedAfterItForUntrustedCallersOnly() {
            assertEquals(EfiStatus.SUCCESS, requestToLock("L"));
            assertEquals(EfiStatus.SUCCESS, machine.set("L", Attributes.NV_BS_RT, (byte) 1));
            machine.platform().signalEndOfDxe();

            assertEquals(EfiStatus.WRITE_PROTECTED, machine.set("L", Attributes.NV_BS_RT, (byte) 2));
            assertEquals(EfiStatus.WRITE_PROTECTED, machine.set("L", Attributes.NV_BS_RT), "delete");
            assertEquals(EfiStatus.SUCCESS, trustedSet("L", Attributes.NV_BS_RT, (byte) 3));
            assertArrayEquals(new byte[] {3}, machine.value("L"));
        }

        @Test
        void theLockIsTheLockNowPolicyForExactlyThatName() {
            requestToLock("L");

            assertEquals(VariablePolicyEntry.lockNow(VENDOR, "L"),
                    machine.platform().core().varCheck().policy().policies().get(0));
        }

        @Test
        void lockingTheSameVariableTwiceSucceedsBecauseTheExistingPolicyWriteProtectsIt() {
            assertEquals(EfiStatus.SUCCESS, requestToLock("L"));
            assertEquals(EfiStatus.SUCCESS, requestToLock("L"));
        }

        @Test
        void lockingAVariableThatHasANonLockingPolicyIsAccessDenied() {
            assertEquals(EfiStatus.SUCCESS, register(VariablePolicyEntry.basic(VENDOR, "P", 0, 8, 0, 0, LockType.NO_LOCK)));

            assertEquals(EfiStatus.ACCESS_DENIED, requestToLock("P"));
        }

        @Test
        void aLockOnCreatePolicyCountsAsALockOnlyOnceTheVariableExists() {
            register(VariablePolicyEntry.basic(VENDOR, "C", 0, VariablePolicyEntry.NO_MAX_SIZE, 0, 0, LockType.LOCK_ON_CREATE));
            assertEquals(EfiStatus.ACCESS_DENIED, requestToLock("C"));

            machine.set("C", Attributes.NV_BS_RT, (byte) 1);
            assertEquals(EfiStatus.SUCCESS, requestToLock("C"));
        }

        @Test
        void afterEndOfDxeRequestToLockIsAccessDenied() {
            machine.platform().signalEndOfDxe();

            assertEquals(EfiStatus.ACCESS_DENIED, requestToLock("L"));
        }

        @Test
        void onceThePolicyInterfaceIsLockedRequestToLockIsWriteProtected() {
            assertEquals(EfiStatus.SUCCESS, proxy.lock());

            assertEquals(EfiStatus.WRITE_PROTECTED, requestToLock("L"));
        }
    }

    @Nested
    @DisplayName("policies through the protocol")
    class Policies {

        @Test
        void aPolicyIsEnforcedOnlyAfterEndOfDxe() {
            register(VariablePolicyEntry.lockNow(VENDOR, "L"));
            assertEquals(EfiStatus.SUCCESS, machine.set("L", Attributes.NV_BS_RT, (byte) 1));
            machine.platform().signalEndOfDxe();

            assertEquals(EfiStatus.WRITE_PROTECTED, machine.set("L", Attributes.NV_BS_RT, (byte) 2));
        }

        @Test
        void registeringAfterEndOfDxeIsWriteProtectedBecauseTheInterfaceIsLockedThen() {
            machine.platform().signalEndOfDxe();

            assertEquals(EfiStatus.WRITE_PROTECTED, register(VariablePolicyEntry.lockNow(VENDOR, "L")));
            assertEquals(EfiStatus.WRITE_PROTECTED, proxy.lock(), "the driver locked it already");
        }

        @Test
        void readyToBootWithoutEndOfDxeAlsoLocksTheInterface() {
            machine.platform().signalReadyToBoot();

            assertEquals(EfiStatus.WRITE_PROTECTED, register(VariablePolicyEntry.lockNow(VENDOR, "L")));
        }

        @Test
        void aWildcardPolicyLocksEveryMatchingNameAndOnlyThose() {
            register(VariablePolicyEntry.lockNow(VENDOR, "Slot##"));
            machine.platform().signalEndOfDxe();

            assertEquals(EfiStatus.WRITE_PROTECTED, machine.set("Slot0A", Attributes.NV_BS_RT, (byte) 1));
            assertEquals(EfiStatus.SUCCESS, machine.set("SlotXY", Attributes.NV_BS_RT, (byte) 1));
            assertEquals(EfiStatus.SUCCESS, machine.set("Slot001", Attributes.NV_BS_RT, (byte) 1));
        }

        @Test
        void aNamespacePolicyAppliesToEveryNameOfItsVendor() {
            register(VariablePolicyEntry.basic(VENDOR, null, 0, 2, 0, 0, LockType.NO_LOCK));
            machine.platform().signalEndOfDxe();

            assertEquals(EfiStatus.INVALID_PARAMETER, machine.set("Any", Attributes.NV_BS_RT, new byte[3]));
            assertEquals(EfiStatus.SUCCESS, machine.set("Any", Attributes.NV_BS_RT, new byte[2]));
        }

        @Test
        @DisplayName("size and attribute constraints bind trusted callers too; only WRITE_PROTECTED is waived (3.7.1)")
        void constraintsBindTrustedCallersToo() {
            register(VariablePolicyEntry.basic(VENDOR, "S", 0, 1, 0, 0, LockType.LOCK_NOW));
            machine.platform().signalEndOfDxe();

            assertEquals(EfiStatus.INVALID_PARAMETER, trustedSet("S", Attributes.NV_BS_RT, (byte) 1, (byte) 2));
            assertEquals(EfiStatus.SUCCESS, trustedSet("S", Attributes.NV_BS_RT, (byte) 1));
        }

        @Test
        void aVarStatePolicyFollowsItsStateVariable() {
            register(VariablePolicyEntry.onVarState(VENDOR, "Guarded", 0, VariablePolicyEntry.NO_MAX_SIZE, 0, 0,
                    new VarState(VENDOR, 1, "Gate")));
            machine.set("Gate", Attributes.BS_RT, (byte) 0);
            machine.platform().signalEndOfDxe();

            assertEquals(EfiStatus.SUCCESS, machine.set("Guarded", Attributes.NV_BS_RT, (byte) 5));
            machine.set("Gate", Attributes.BS_RT, (byte) 1);
            assertEquals(EfiStatus.WRITE_PROTECTED, machine.set("Guarded", Attributes.NV_BS_RT, (byte) 6));
        }

        @Test
        void aMalformedEntryIsInvalidParameterAndAnOversizedOneOutOfResources() {
            byte[] noMax = VariablePolicyEntry.lockNow(VENDOR, "L").encode();
            noMax[28] = noMax[29] = noMax[30] = noMax[31] = 0;
            assertEquals(EfiStatus.INVALID_PARAMETER, proxy.register(noMax));

            byte[] huge = VariablePolicyEntry.lockNow(VENDOR, "x".repeat(9000)).encode();
            assertEquals(EfiStatus.OUT_OF_RESOURCES, proxy.register(huge), "24 + 20 + 18046 bytes exceed 16 KiB");
        }

        @Test
        void disablingIsWriteProtectedOnOvmf() {
            assertEquals(EfiStatus.WRITE_PROTECTED, proxy.disable());
            assertEquals(new VariablePolicyProxy.Enabled(EfiStatus.SUCCESS, true), proxy.isEnabled());
        }

        @Test
        void theDumpReturnsTheTableAcrossPages() {
            // About 300 policies of 60 bytes fill more than one 16327-byte page.
            for (int i = 0; i < 300; i++) {
                assertEquals(EfiStatus.SUCCESS, register(VariablePolicyEntry.lockNow(VENDOR, String.format("Name%04d", i))));
            }
            VariablePolicyProxy.Dump dump = proxy.dump();

            assertEquals(EfiStatus.SUCCESS, dump.status());
            assertEquals(300 * 62, dump.table().length);
            assertArrayEquals(machine.platform().core().varCheck().policy().dump(), dump.table());
        }

        @Test
        void aLockedVariableIsNotStoredWhenRefused() {
            register(VariablePolicyEntry.lockNow(VENDOR, "Never"));
            machine.platform().signalEndOfDxe();

            machine.set("Never", Attributes.NV_BS_RT, (byte) 1);
            assertNull(machine.value("Never"));
        }
    }
}
