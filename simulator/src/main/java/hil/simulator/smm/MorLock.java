package hil.simulator.smm;

import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import hil.simulator.uefi.Ucs2;

import java.util.Arrays;

/**
 * The TCG MOR / MORLock checks of the SMM variable driver (TcgMorLockSmm, part of VariableSmm in the OVMF build;
 * reference 3.7.3). They run in every SetVariable after the size checks and before VarCheckLib, for trusted and
 * untrusted callers alike.
 *
 * <ul>
 *   <li>MemoryOverwriteRequestControl: exactly NV|BS|RT and 1 byte, else INVALID_PARAMETER; ACCESS_DENIED while
 *       MORLock is locked.</li>
 *   <li>MemoryOverwriteRequestControlLock: a delete (Attributes or DataSize 0) is WRITE_PROTECTED; otherwise exactly
 *       NV|BS|RT and 1 or 8 bytes. Unlocked: 0 unlocks, 1 locks without a key, any other single byte is
 *       INVALID_PARAMETER, 8 bytes lock with that key. Locked: only the 8-byte key unlocks; anything else is
 *       ACCESS_DENIED, and a wrong key also forgets the key. A handled request writes the state (0, 1 or 2) to the
 *       variable itself and reports EFI_SUCCESS without storing the caller's data.</li>
 * </ul>
 *
 * <p>The simulated platform has no TPM, so at EndOfDxe the driver treats any existing MOR variable as left behind
 * by an OS, deletes it, deletes MORLock too, and registers LOCK_NOW policies on both names: after EndOfDxe every
 * untrusted write to either one ends WRITE_PROTECTED. In edk2 2022.11 a wrong key does not rewrite the stored state
 * (later releases write 1 there).
 */
final class MorLock {

    static final byte[] MOR_NAME = Ucs2.encode("MemoryOverwriteRequestControl");
    static final byte[] MOR_LOCK_NAME = Ucs2.encode("MemoryOverwriteRequestControlLock");
    /** gEfiMemoryOverwriteControlDataGuid. */
    static final EfiGuid MOR_GUID = EfiGuid.parse("E20939BE-32D4-41BE-A150-897F85D49829");
    /** gEfiMemoryOverwriteRequestControlLockGuid. */
    static final EfiGuid MOR_LOCK_GUID = EfiGuid.parse("BB983CCF-151D-40E1-A07B-4A17BE168292");

    static final int UNLOCKED = 0;
    static final int LOCKED_WITHOUT_KEY = 1;
    static final int LOCKED_WITH_KEY = 2;
    private static final int KEY_SIZE = 8;

    private final VariableCore core;
    private boolean initializationRequired;
    private boolean morPassThru;
    private boolean lockPassThru;
    private boolean locked;
    /** The MORLock key, or null when none is held. */
    private byte[] key;

    MorLock(VariableCore core) {
        this.core = core;
    }

    /** MorLockInit, when the write service starts: the real work waits for EndOfDxe. */
    void init() {
        initializationRequired = true;
    }

    /**
     * MorLockInitAtEndOfDxe, on a platform without TCG protocols: an existing MOR variable is deleted, MORLock is
     * deleted, and both names get a LOCK_NOW policy. Runs before the policy interface is locked.
     */
    void initAtEndOfDxe() {
        if (!initializationRequired) {
            return;
        }
        VariableCore.GetResult mor = core.getVariable(MOR_NAME, MOR_GUID, 0, 0, false);
        if (mor.status() == EfiStatus.BUFFER_TOO_SMALL) {
            morPassThru = true;
            core.setVariable(MOR_NAME, MOR_GUID, 0, new byte[0], false);
            morPassThru = false;
        }
        core.varCheck().policy().register(VariablePolicyEntry.lockNow(MOR_GUID, name(MOR_NAME)));
        lockPassThru = true;
        core.setVariable(MOR_LOCK_NAME, MOR_LOCK_GUID, 0, new byte[0], false);
        lockPassThru = false;
        core.varCheck().policy().register(VariablePolicyEntry.lockNow(MOR_LOCK_GUID, name(MOR_LOCK_NAME)));
    }

    private static String name(byte[] encoded) {
        return Ucs2.decode(encoded, 0, encoded.length);
    }

    /**
     * SetVariableCheckHandlerMor.
     *
     * @param payload     the data without any authentication descriptor: the last {@code payloadSize} bytes of
     *                    {@code data}
     * @return SUCCESS to go on with the normal path, ALREADY_STARTED when the request was handled here (the caller
     *         reports EFI_SUCCESS), or the error
     */
    EfiStatus check(byte[] name, EfiGuid vendor, int attributes, byte[] data, long payloadSize, boolean trusted) {
        boolean isLock = vendor.equals(MOR_LOCK_GUID) && Arrays.equals(name, MOR_LOCK_NAME);
        boolean isMor = vendor.equals(MOR_GUID) && Arrays.equals(name, MOR_NAME);
        if (!isLock && !isMor) {
            return EfiStatus.SUCCESS;
        }
        boolean delete = attributes == 0 || payloadSize == 0;
        if (!core.varCheck().policy().isEnabled() && delete) {
            return EfiStatus.SUCCESS;
        }
        if (isLock) {
            return checkLock(attributes, data, payloadSize, trusted);
        }
        if (delete && morPassThru) {
            return EfiStatus.SUCCESS;
        }
        if (attributes != Attributes.NV_BS_RT || payloadSize != 1) {
            return EfiStatus.INVALID_PARAMETER;
        }
        return locked ? EfiStatus.ACCESS_DENIED : EfiStatus.SUCCESS;
    }

    private EfiStatus checkLock(int attributes, byte[] data, long payloadSize, boolean trusted) {
        if (attributes == 0 || payloadSize == 0) {
            return lockPassThru ? EfiStatus.SUCCESS : EfiStatus.WRITE_PROTECTED;
        }
        if (attributes != Attributes.NV_BS_RT || (payloadSize != 1 && payloadSize != KEY_SIZE)) {
            return EfiStatus.INVALID_PARAMETER;
        }
        if (lockPassThru) {
            return EfiStatus.SUCCESS;
        }
        byte[] value = Arrays.copyOfRange(data, data.length - (int) payloadSize, data.length);
        if (!locked) {
            if (payloadSize == 1) {
                if (value[0] == UNLOCKED) {
                    return store(UNLOCKED, trusted);
                }
                if (value[0] == LOCKED_WITHOUT_KEY) {
                    EfiStatus s = store(LOCKED_WITHOUT_KEY, trusted);
                    if (s == EfiStatus.ALREADY_STARTED) {
                        locked = true;
                    }
                    return s;
                }
                return EfiStatus.INVALID_PARAMETER;
            }
            EfiStatus s = store(LOCKED_WITH_KEY, trusted);
            if (s == EfiStatus.ALREADY_STARTED) {
                key = value;
                locked = true;
            }
            return s;
        }
        if (key == null || payloadSize != KEY_SIZE) {
            return EfiStatus.ACCESS_DENIED;
        }
        if (Arrays.equals(value, key)) {
            EfiStatus s = store(UNLOCKED, trusted);
            if (s == EfiStatus.ALREADY_STARTED) {
                locked = false;
                key = null;
            }
            return s;
        }
        // A wrong key: stay locked and forget the key, against guessing.
        key = null;
        return EfiStatus.ACCESS_DENIED;
    }

    /** SetMorLockVariable: writes the state through the normal path; ALREADY_STARTED on success. */
    private EfiStatus store(int state, boolean trusted) {
        lockPassThru = true;
        EfiStatus s;
        try {
            s = core.setVariable(MOR_LOCK_NAME, MOR_LOCK_GUID, Attributes.NV_BS_RT, new byte[] {(byte) state}, trusted);
        } finally {
            lockPassThru = false;
        }
        return s.isError() ? s : EfiStatus.ALREADY_STARTED;
    }

    /** Whether MORLock is locked (for tests). */
    boolean locked() {
        return locked;
    }
}
