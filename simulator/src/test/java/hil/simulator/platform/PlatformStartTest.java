package hil.simulator.platform;

import hil.simulator.Machine;
import hil.simulator.Profile;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The simulated platform starts like Debian's OVMF 2022.11 (OVMF_CODE_4M.secboot.fd, a fresh OVMF_VARS_4M.fd, the
 * qemu-ovmf machine): the expected values are what the real firmware answered to the UEFI agent started from the
 * Shell, and what its flash held after that boot.
 *
 * <p>AuthVariableLib's variables are created by their own component; until it is part of the simulator they are
 * missing here, and the expected figures leave them out only when the simulator does not have them.
 */
class PlatformStartTest {

    /** A walk from "" on the real firmware at the agent's start (GetNextVariableName until EFI_NOT_FOUND). */
    private static final List<String> OVMF_WALK = List.of("SetupMode", "SignatureSupport", "SecureBoot", "certdbv",
            "VendorKeys", "OsIndicationsSupported", "BootOptionSupport", "LangCodes", "PlatformLangCodes",
            "PlatformRecovery0000", "ConOutDev", "ErrOutDev", "ConInDev", "BootCurrent", "path", "nonesting",
            "debuglasterror", "lasterror", "cat", "cd..", "cd\\", "copy", "del", "dir", "md", "mem", "mount", "move",
            "ren", "profiles", "uefishellsupport", "uefishellversion", "uefiversion", "cwd", "CustomMode", "certdb",
            "VendorKeysNv", "MTC", "Attempt 1", "Attempt 2", "Attempt 3", "Attempt 4", "Attempt 5", "Attempt 6",
            "Attempt 7", "InitialAttemptOrder", "Attempt 8", "Boot0000", "Timeout", "PlatformLang", "Lang",
            "VarErrorFlag", "Key0000", "Key0001", "ConOut", "ConIn", "ErrOut", "Boot0001", "BootOrder", "Boot0002",
            "MemoryTypeInformation");

    /** AuthVariableLib's variables, with the footprint of each record (60-byte header + name + data, aligned). */
    private static final Set<String> AUTH_VARIABLE_LIB_NV = Set.of("CustomMode", "certdb", "VendorKeysNv");
    private static final long AUTH_VARIABLE_LIB_NV_BYTES = 84 + 80 + 88;
    private static final Set<String> AUTH_VARIABLE_LIB_VOLATILE = Set.of("SetupMode", "SignatureSupport",
            "SecureBoot", "certdbv", "VendorKeys");
    private static final long AUTH_VARIABLE_LIB_VOLATILE_BYTES = 84 + 160 + 84 + 80 + 84;

    /** QueryVariableInfo on the real firmware at the agent's start: maximum storage, remaining. */
    private static final long OVMF_NV_REMAINING = 250808;
    private static final long OVMF_VOLATILE_REMAINING = 518936;

    private final SimulatedPlatform platform = new SimulatedPlatform(Profile.OVMF_4M);
    private final Machine machine = new Machine(platform);

    private boolean hasAuthVariableLib() {
        return machine.get("SetupMode", EfiGuid.GLOBAL_VARIABLE).status() == EfiStatus.SUCCESS;
    }

    @Test
    void aWalkListsWhatTheFirmwareListed() {
        boolean auth = hasAuthVariableLib();
        List<String> expected = OVMF_WALK.stream().filter(n -> auth
                || !AUTH_VARIABLE_LIB_NV.contains(n) && !AUTH_VARIABLE_LIB_VOLATILE.contains(n)).toList();
        assertEquals(expected, machine.names());
    }

    @Test
    void remainingStorageIsTheFirmwares() {
        boolean auth = hasAuthVariableLib();
        assertEquals(OVMF_NV_REMAINING + (auth ? 0 : AUTH_VARIABLE_LIB_NV_BYTES),
                machine.query(Attributes.NV_BS_RT).remainingVariableStorageSize());
        assertEquals(OVMF_VOLATILE_REMAINING + (auth ? 0 : AUTH_VARIABLE_LIB_VOLATILE_BYTES),
                machine.query(Attributes.BS_RT).remainingVariableStorageSize());
    }

    /**
     * The flash after the first boot: the records of every write, superseded ones included, end at store offset
     * 0x3F28 (the FV at 0x48 + 0x3F28 = 0x3F70 in the file) — 16140 bytes of records, AuthVariableLib's 252 first.
     */
    @Test
    void theFlashHoldsTheFirmwaresRecords() {
        var nv = platform.core().nvStore();
        long authBytes = hasAuthVariableLib() ? 0 : AUTH_VARIABLE_LIB_NV_BYTES;
        assertEquals(16140 - authBytes, nv.commonTotal());
        assertEquals(53 - (authBytes == 0 ? 0 : 3), nv.records().size());
    }

    @Test
    void deviceBearingVariablesHoldTheMeasuredBytes() {
        assertArrayEquals(HexFormat.of().parseHex("02010c00d041030a0000000001010600000102030800000101807f01040002010c"
                        + "00d041030a0000000001010600001f02010c00d041010500000000030e13000000000000c2010000000000080101"
                        + "030a14005347c1e0bef9d2119a0c0090273fc14d7fff0400"),
                machine.get("ConOut", EfiGuid.GLOBAL_VARIABLE).data());
        assertArrayEquals(new byte[] {2, 0}, machine.get("BootCurrent", EfiGuid.GLOBAL_VARIABLE).data());
        assertEquals(Attributes.BS_RT, machine.get("BootCurrent", EfiGuid.GLOBAL_VARIABLE).attributes());
    }

    /**
     * A later boot on the same flash (measured by booting the firmware twice): MonotonicCounter writes MTC 2 and the
     * boot manager connects the consoles again, 15 records and 3572 bytes more (the flash's records then ended at
     * 0x4D64 instead of 0x3F70); nothing else is written again.
     */
    @Test
    void aResetWritesWhatTheFirmwaresSecondBootWrote() {
        var before = platform.core().nvStore();
        long total = before.commonTotal();
        int records = before.records().size();

        platform.reset();

        var nv = platform.core().nvStore();
        assertEquals(total + 3572, nv.commonTotal());
        assertEquals(records + 15, nv.records().size());
        assertArrayEquals(new byte[] {2, 0, 0, 0},
                machine.get("MTC", EfiGuid.parse("EB704011-1402-11D3-8E77-00A0C969723B")).data());
    }

    @Test
    void theBareStoreStartsEmpty() {
        Machine bare = new Machine(new SimulatedPlatform(Profile.OVMF_4M.withBareStore()));
        assertEquals(List.of(), bare.names());
        assertTrue(Profile.OVMF_4M.withBareStore().bareStore());
    }

    @Test
    void badPlatformDataNamesTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PlatformVariables.parse(
                "[first boot]\nnv 0x07 not-a-guid 00 X\n", "test.vars"));
        assertTrue(e.getMessage().startsWith("test.vars line 2: "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PlatformVariables.parse(
                "[first boot]\nvol 0x07 8be4df61-93ca-11d2-aa0d-00e098032b8c 00 X\n", "test.vars"));
        assertTrue(e.getMessage().contains("does not match attributes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PlatformVariables.parse("[boot]\n", "test.vars"));
        assertTrue(e.getMessage().contains("unknown section"), e.getMessage());
    }
}
