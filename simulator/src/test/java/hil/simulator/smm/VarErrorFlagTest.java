package hil.simulator.smm;

import hil.simulator.Machine;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import org.junit.jupiter.api.Test;

import static hil.simulator.Machine.VENDOR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * VarErrorFlag as EDK II 2022.11 keeps it (Variable.c RecordVarErrorFlag, InitializeVarErrorFlag; Guid/VarErrorFlag.h):
 * 0xFF no error, 0xEF system error (the common NV space is exhausted), 0xFE user error (the user-variable quota is
 * exhausted). With PcdMaxUserNvVariableSpaceSize 0 (OVMF) the user quota is the whole common space, but it is measured
 * against CommonUserVariableTotalSize, the bytes of variables without a VarCheck property only.
 *
 * <p>Sizes on the 4 MB store: 262044 bytes of common space; a variable "Fnn" with 8000 bytes takes 60 (authenticated
 * header) + 8 (name) + 8000 = 8068; VarErrorFlag takes 60 + 26 + 1, aligned 88.
 */
class VarErrorFlagTest {

    private static final int FILL = 8000;
    private static final int FILL_FOOTPRINT = 8068;
    private static final long COMMON_SPACE = 262044;
    private static final long VAR_ERROR_FLAG_FOOTPRINT = 88;

    private final Machine machine = new Machine();

    private byte[] flag() {
        return machine.get("VarErrorFlag", EfiGuid.VAR_ERROR_FLAG).data();
    }

    @Test
    void endOfDxeWritesNoErrorOnAStoreWithoutTheVariable() {
        assertEquals(EfiStatus.NOT_FOUND, machine.get("VarErrorFlag", EfiGuid.VAR_ERROR_FLAG).status());

        machine.platform().signalEndOfDxe();

        assertArrayEquals(new byte[] {(byte) 0xFF}, flag());
        assertEquals(Attributes.NV_BS_RT, machine.get("VarErrorFlag", EfiGuid.VAR_ERROR_FLAG).attributes());
    }

    /**
     * Before EndOfDxe an error is only kept in mCurrentBootVarErrFlag; InitializeVarErrorFlag writes it at EndOfDxe.
     * The 33rd fill variable needs 8068 bytes where 262044 - 32 * 8068 = 3868 remain: both the common and the user
     * total (every fill variable is a user variable) are over, so 0xEF & 0xFE.
     */
    @Test
    void aStoreFullBeforeEndOfDxeShowsAtEndOfDxe() {
        assertEquals(32, machine.fillNv(FILL));
        assertEquals(EfiStatus.NOT_FOUND, machine.get("VarErrorFlag", EfiGuid.VAR_ERROR_FLAG).status());

        machine.platform().signalEndOfDxe();

        assertArrayEquals(new byte[] {(byte) 0xEE}, flag());
    }

    /** Fills the store after EndOfDxe to 88 + 32 * 8068 = 258264 bytes (3780 remain) and enters runtime. */
    private void fullAtRuntime() {
        machine.platform().signalEndOfDxe();
        for (int i = 0; i < 32; i++) {
            assertEquals(EfiStatus.SUCCESS, machine.set(String.format("F%02d", i), VENDOR, Attributes.NV_BS_RT,
                    new byte[FILL]));
        }
        assertEquals(COMMON_SPACE - VAR_ERROR_FLAG_FOOTPRINT - 32L * FILL_FOOTPRINT,
                machine.query(Attributes.NV_BS_RT).remainingVariableStorageSize());
        machine.exitBootServices();
    }

    /**
     * "G" with 3750 bytes is 60 + 4 + 3750 = 3814: over the 3780 bytes left, but the user total (32 * 8068 = 258176)
     * leaves the user quota 3868, so only the system error is recorded, in place in the flag's data byte.
     */
    @Test
    void aRuntimeOutOfResourcesRecordsASystemError() {
        fullAtRuntime();
        long records = machine.platform().core().nvStore().records().size();

        assertEquals(EfiStatus.OUT_OF_RESOURCES, machine.set("G", VENDOR, Attributes.NV_BS_RT, new byte[3750]));

        assertArrayEquals(new byte[] {(byte) 0xEF}, flag());
        assertEquals(records, machine.platform().core().nvStore().records().size(), "no new record");
    }

    /** 60 + 4 + 3900 = 3964 is over the user quota's 3868 too: 0xFE, then 0xEF, leaves 0xEE. */
    @Test
    void aRuntimeOutOfResourcesOverTheUserQuotaRecordsBoth() {
        fullAtRuntime();

        assertEquals(EfiStatus.OUT_OF_RESOURCES, machine.set("G", VENDOR, Attributes.NV_BS_RT, new byte[3900]));

        assertArrayEquals(new byte[] {(byte) 0xEE}, flag());
    }

    @Test
    void aWriteThatFitsRecordsNothing() {
        fullAtRuntime();

        assertEquals(EfiStatus.SUCCESS, machine.set("G", VENDOR, Attributes.NV_BS_RT, new byte[3000]));

        assertArrayEquals(new byte[] {(byte) 0xFF}, flag());
    }
}
