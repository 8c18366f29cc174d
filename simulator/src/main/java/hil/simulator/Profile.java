package hil.simulator;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A platform's variable configuration: the PCDs that fix sizes and limits, the flash geometry and the way the
 * variable driver writes a new record to flash. The reference is Debian's OVMF 2022.11 built with a 4 MB flash; other
 * geometries and driver versions are named profiles, never a silent change.
 *
 * @param name                    profile name used in lab-config
 * @param maxVariableSize         PcdMaxVariableSize
 * @param maxAuthVariableSize     PcdMaxAuthVariableSize (0: same as maxVariableSize)
 * @param maxVolatileVariableSize PcdMaxVolatileVariableSize (0: same as maxVariableSize)
 * @param maxHwErrVariableSize    PcdMaxHardwareErrorVariableSize
 * @param hwErrStorageSize        PcdHwErrStorageSize
 * @param volatileStoreSize       PcdVariableStoreSize
 * @param varsSize                the whole VARS flash (variable FV, event log, FTW working block and spare)
 * @param nvRegionSize            PcdFlashNvStorageVariableSize: the variable firmware volume, FV header included
 * @param blockSize               flash block size
 * @param fvChecksum              the FV header checksum OVMF ships for this geometry
 * @param recordWrite             how a new non-volatile record reaches flash
 * @param platformVariables       the data file of the variables the platform's drivers write at every boot before
 *                                the Shell runs a program ({@link hil.simulator.platform.PlatformVariables}), or null
 *                                for a bare store: only what the variable driver itself creates
 */
public record Profile(
        String name,
        int maxVariableSize,
        int maxAuthVariableSize,
        int maxVolatileVariableSize,
        int maxHwErrVariableSize,
        int hwErrStorageSize,
        int volatileStoreSize,
        int varsSize,
        int nvRegionSize,
        int blockSize,
        int fvChecksum,
        RecordWrite recordWrite,
        String platformVariables) {

    /** What Debian's OVMF 2022.11 with a 4 MB flash writes before the Shell, measured on it. */
    public static final String OVMF_4M_PLATFORM = "ovmf-4m-2022.11.vars";

    /**
     * How the variable driver writes a new record at the end of the non-volatile store (reference 4.3). Both leave
     * the same bytes once complete; they differ in what a power cut can leave behind.
     */
    public enum RecordWrite {
        /**
         * edk2 up to edk2-stable202311 (Debian's OVMF 2022.11): the header with State 0xFF, then State 0x7F
         * (VAR_HEADER_VALID_ONLY), then name and data, then State 0x3F.
         */
        FOUR_STEP,
        /** edk2-stable202402 and later: the whole record with State 0xFF, then State 0x3F. */
        TWO_STEP
    }

    /**
     * OVMF X64 with FD_SIZE 4 MB as Debian's ovmf package builds it (2022.11, with TLS): PcdMaxVariableSize and
     * PcdMaxAuthVariableSize 0x8400, PcdMaxVolatileVariableSize 0x40000 and a 512 KiB volatile store — measured on
     * the real firmware, whose QueryVariableInfo(BS|RT) reports 524260 bytes of storage and 262084 per variable. The
     * SMM payload is therefore 0x3FFF4, not the 0x83F4 of a build without TLS ({@link #OVMF_4M_NO_TLS}).
     */
    public static final Profile OVMF_4M = new Profile("ovmf-4m", 0x8400, 0x8400, 0x40000, 0x8000, 0,
            0x80000, 0x84000, 0x40000, 0x1000, 0xB8AF, RecordWrite.FOUR_STEP, OVMF_4M_PLATFORM);

    /**
     * The 4 MB geometry built without TLS (upstream OVMF's default): volatile limits follow PcdMaxVariableSize and a
     * 256 KiB volatile store, so the SMM payload is 0x83F4.
     */
    public static final Profile OVMF_4M_NO_TLS = new Profile("ovmf-4m-notls", 0x8400, 0x8400, 0, 0x8000, 0,
            0x40000, 0x84000, 0x40000, 0x1000, 0xB8AF, RecordWrite.FOUR_STEP, OVMF_4M_PLATFORM);

    /** Debian's 4 MB build with the record write of edk2-stable202402 and later. */
    public static final Profile OVMF_4M_2024 = new Profile("ovmf-4m-2024", 0x8400, 0x8400, 0x40000, 0x8000, 0,
            0x80000, 0x84000, 0x40000, 0x1000, 0xB8AF, RecordWrite.TWO_STEP, OVMF_4M_PLATFORM);

    /**
     * OVMF X64 with FD_SIZE 1 MB or 2 MB (2022.11). Its platform variables were not measured: a bare store.
     */
    public static final Profile OVMF_2M = new Profile("ovmf-2m", 0x2000, 0x2800, 0, 0x8000, 0,
            0xE000, 0x20000, 0xE000, 0x1000, 0xF919, RecordWrite.FOUR_STEP, null);

    /**
     * MdeModulePkg PCD defaults on a 64 KiB store, with the record write of the 2022.11 reference; a bare store (no
     * platform around the variable driver).
     */
    public static final Profile EDK2_DEFAULTS = new Profile("edk2-defaults", 0x400, 0, 0, 0x8000, 0,
            0x10000, 0x22000, 0x10000, 0x1000, 0, RecordWrite.FOUR_STEP, null);

    public static final List<Profile> ALL = List.of(OVMF_4M, OVMF_4M_NO_TLS, OVMF_4M_2024, OVMF_2M, EDK2_DEFAULTS);

    public static Optional<Profile> byName(String name) {
        return ALL.stream().filter(p -> p.name.equals(name)).findFirst();
    }

    public static List<String> names() {
        return Arrays.stream(ALL.toArray(Profile[]::new)).map(Profile::name).toList();
    }

    /**
     * The same platform with a bare store: no platform driver writes anything, so a fresh store holds only what the
     * variable driver itself creates. For unit tests that count records or bytes from an empty store; the real
     * firmware never starts like this.
     */
    public Profile withBareStore() {
        return new Profile(name, maxVariableSize, maxAuthVariableSize, maxVolatileVariableSize, maxHwErrVariableSize,
                hwErrStorageSize, volatileStoreSize, varsSize, nvRegionSize, blockSize, fvChecksum, recordWrite, null);
    }

    /** Whether the platform's drivers write nothing at boot ({@link #withBareStore}). */
    public boolean bareStore() {
        return platformVariables == null;
    }

    /** MaxAuthVariableSize as the driver derives it. */
    public int effectiveMaxAuthVariableSize() {
        return maxAuthVariableSize != 0 ? maxAuthVariableSize : maxVariableSize;
    }

    /** MaxVolatileVariableSize as the driver derives it. */
    public int effectiveMaxVolatileVariableSize() {
        return maxVolatileVariableSize != 0 ? maxVolatileVariableSize : maxVariableSize;
    }

    /** GetNonVolatileMaxVariableSize. */
    public int nonVolatileMaxVariableSize() {
        int max = Math.max(maxVariableSize, maxAuthVariableSize);
        return hwErrStorageSize != 0 ? Math.max(max, maxHwErrVariableSize) : max;
    }

    /** GetMaxVariableSize. */
    public int maxOfAllVariableSizes() {
        return Math.max(nonVolatileMaxVariableSize(), maxVolatileVariableSize);
    }

    /** The FV HeaderLength OVMF uses: 56 bytes plus one block-map entry and its terminator. */
    public int fvHeaderLength() {
        return 0x48;
    }
}
