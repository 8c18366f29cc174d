package hil.simulator.smm;

import hil.simulator.Machine;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import hil.simulator.uefi.Ucs2;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** MOR and MORLock as TcgMorLockSmm handles them in the OVMF build, on a platform without a TPM (reference 3.7.3). */
class MorLockTest {

    private static final String MOR = "MemoryOverwriteRequestControl";
    private static final String MOR_LOCK = "MemoryOverwriteRequestControlLock";
    private static final byte[] KEY = {1, 2, 3, 4, 5, 6, 7, 8};

    private final Machine machine = new Machine();

    private EfiStatus mor(int attributes, byte... data) {
        return machine.set(MOR, MorLock.MOR_GUID, attributes, data);
    }

    private EfiStatus morLock(int attributes, byte... data) {
        return machine.set(MOR_LOCK, MorLock.MOR_LOCK_GUID, attributes, data);
    }

    private byte[] value(String name, EfiGuid vendor) {
        var r = machine.dxe(d -> d.getVariable(Ucs2.encode(name), vendor, Machine.LARGE, 0, true));
        return r.status() == EfiStatus.SUCCESS ? r.data() : null;
    }

    private byte[] morLockValue() {
        return value(MOR_LOCK, MorLock.MOR_LOCK_GUID);
    }

    @Nested
    @DisplayName("before EndOfDxe")
    class BeforeEndOfDxe {

        @Test
        void morTakesExactlyOneByteWithNvBsRt() {
            assertEquals(EfiStatus.INVALID_PARAMETER, mor(Attributes.NV_BS, (byte) 1));
            assertEquals(EfiStatus.INVALID_PARAMETER, mor(Attributes.NV_BS_RT, (byte) 1, (byte) 0));
            assertEquals(EfiStatus.INVALID_PARAMETER, mor(0), "a delete is not a pass-through request");
            assertEquals(EfiStatus.SUCCESS, mor(Attributes.NV_BS_RT, (byte) 1));
            assertArrayEquals(new byte[] {1}, value(MOR, MorLock.MOR_GUID));
        }

        @Test
        void deletingMorLockIsWriteProtected() {
            assertEquals(EfiStatus.WRITE_PROTECTED, morLock(0));
            assertEquals(EfiStatus.WRITE_PROTECTED, morLock(Attributes.NV_BS_RT));
        }

        @Test
        void morLockTakesOneOrEightBytesWithNvBsRt() {
            assertEquals(EfiStatus.INVALID_PARAMETER, morLock(Attributes.NV_BS, (byte) 1));
            assertEquals(EfiStatus.INVALID_PARAMETER, morLock(Attributes.NV_BS_RT, (byte) 1, (byte) 1));
            assertEquals(EfiStatus.INVALID_PARAMETER, morLock(Attributes.NV_BS_RT, (byte) 2), "only 0 and 1 as one byte");
        }

        @Test
        void lockingWithoutAKeyStoresOneAndThenRefusesMorAndEveryUnlock() {
            assertEquals(EfiStatus.SUCCESS, morLock(Attributes.NV_BS_RT, (byte) 1));
            assertArrayEquals(new byte[] {MorLock.LOCKED_WITHOUT_KEY}, morLockValue());

            assertEquals(EfiStatus.ACCESS_DENIED, mor(Attributes.NV_BS_RT, (byte) 0));
            assertEquals(EfiStatus.ACCESS_DENIED, morLock(Attributes.NV_BS_RT, (byte) 0));
            assertEquals(EfiStatus.ACCESS_DENIED, morLock(Attributes.NV_BS_RT, KEY));
        }

        @Test
        void unlockedZeroStoresZero() {
            assertEquals(EfiStatus.SUCCESS, morLock(Attributes.NV_BS_RT, (byte) 0));
            assertArrayEquals(new byte[] {MorLock.UNLOCKED}, morLockValue());
        }

        @Test
        void lockingWithAKeyStoresTwoAndTheSameKeyUnlocks() {
            assertEquals(EfiStatus.SUCCESS, morLock(Attributes.NV_BS_RT, KEY));
            assertArrayEquals(new byte[] {MorLock.LOCKED_WITH_KEY}, morLockValue(), "the key is not stored");
            assertEquals(EfiStatus.ACCESS_DENIED, mor(Attributes.NV_BS_RT, (byte) 1));

            assertEquals(EfiStatus.SUCCESS, morLock(Attributes.NV_BS_RT, KEY));
            assertArrayEquals(new byte[] {MorLock.UNLOCKED}, morLockValue());
            assertEquals(EfiStatus.SUCCESS, mor(Attributes.NV_BS_RT, (byte) 1));
        }

        @Test
        @DisplayName("a wrong key is ACCESS_DENIED and forgets the key, but 2022.11 leaves the stored state at 2")
        void aWrongKeyForgetsTheKey() {
            morLock(Attributes.NV_BS_RT, KEY);

            assertEquals(EfiStatus.ACCESS_DENIED, morLock(Attributes.NV_BS_RT, new byte[8]));
            assertEquals(EfiStatus.ACCESS_DENIED, morLock(Attributes.NV_BS_RT, KEY), "the right key no longer helps");
            assertArrayEquals(new byte[] {MorLock.LOCKED_WITH_KEY}, morLockValue());
        }
    }

    @Nested
    @DisplayName("at and after EndOfDxe, without a TPM")
    class AfterEndOfDxe {

        @Test
        void aMorVariableLeftBehindIsDeletedAndBothNamesAreLocked() {
            mor(Attributes.NV_BS_RT, (byte) 1);
            morLock(Attributes.NV_BS_RT, (byte) 0);

            machine.platform().signalEndOfDxe();

            assertNull(value(MOR, MorLock.MOR_GUID));
            assertNull(morLockValue());
            assertEquals(EfiStatus.WRITE_PROTECTED, mor(Attributes.NV_BS_RT, (byte) 1));
            assertEquals(EfiStatus.WRITE_PROTECTED, morLock(Attributes.NV_BS_RT, (byte) 1),
                    "the handler's own write of the state is refused by the LOCK_NOW policy");
            assertEquals(EfiStatus.INVALID_PARAMETER, mor(Attributes.NV_BS, (byte) 1), "the MOR checks come first");
        }

        @Test
        void theLocksAreTheLockNowPoliciesOnBothNames() {
            machine.platform().signalEndOfDxe();

            assertEquals(java.util.List.of(
                            VariablePolicyEntry.lockNow(MorLock.MOR_GUID, MOR),
                            VariablePolicyEntry.lockNow(MorLock.MOR_LOCK_GUID, MOR_LOCK)),
                    machine.platform().core().varCheck().policy().policies().stream()
                            .filter(p -> !p.namespace().equals(hil.simulator.uefi.EfiGuid.GLOBAL_VARIABLE)).toList(),
                    "besides the boot manager's locks of its read-only global variables");
        }

        @Test
        void aTrustedCallerMayStillLock() {
            machine.platform().signalEndOfDxe();

            EfiStatus s = machine.platform().core().setVariable(Ucs2.encode(MOR_LOCK), MorLock.MOR_LOCK_GUID,
                    Attributes.NV_BS_RT, new byte[] {1}, true);

            assertEquals(EfiStatus.SUCCESS, s);
            assertArrayEquals(new byte[] {MorLock.LOCKED_WITHOUT_KEY}, morLockValue());
        }
    }
}
