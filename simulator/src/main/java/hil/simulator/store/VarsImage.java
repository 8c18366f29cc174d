package hil.simulator.store;

import hil.simulator.Profile;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;

import java.util.Arrays;

/**
 * The layout of an {@code OVMF_VARS.fd} image: the variable firmware volume (FV header, then the variable store),
 * the unused event-log block, the fault-tolerant-write working block and the spare area.
 */
public final class VarsImage {

    /** "_FVH". */
    public static final int FV_SIGNATURE = 0x4856465F;
    public static final int FV_ATTRIBUTES = 0x0004FEFF;
    public static final int FV_OFFSET_ZERO_VECTOR = 0;
    public static final int FV_OFFSET_FILE_SYSTEM_GUID = 16;
    public static final int FV_OFFSET_LENGTH = 32;
    public static final int FV_OFFSET_SIGNATURE = 40;
    public static final int FV_OFFSET_ATTRIBUTES = 44;
    public static final int FV_OFFSET_HEADER_LENGTH = 48;
    public static final int FV_OFFSET_CHECKSUM = 50;
    public static final int FV_OFFSET_EXT_HEADER_OFFSET = 52;
    public static final int FV_OFFSET_REVISION = 55;
    public static final int FV_OFFSET_BLOCK_MAP = 56;

    public static final EfiGuid WORKING_BLOCK_SIGNATURE = FtwWorkingBlockHeader.SIGNATURE;
    public static final int WORKING_BLOCK_HEADER_SIZE = FtwWorkingBlockHeader.SIZE;

    private VarsImage() {
    }

    /** A factory-fresh image: formatted empty store, valid FTW working block, everything else erased. */
    public static byte[] fresh(Profile profile) {
        byte[] image = new byte[profile.varsSize()];
        Arrays.fill(image, (byte) 0xFF);
        byte[] fv = fvHeader(profile);
        System.arraycopy(fv, 0, image, 0, fv.length);
        int base = profile.fvHeaderLength();
        byte[] store = VariableStore.header(profile.nvRegionSize() - base, true);
        System.arraycopy(store, 0, image, base, store.length);
        byte[] wb = workingBlockHeader(workingBlockSize(profile));
        System.arraycopy(wb, 0, image, workingBlockOffset(profile), wb.length);
        return image;
    }

    /** Offset of the FTW working block: after the variable FV and one event-log block. */
    public static int workingBlockOffset(Profile profile) {
        return profile.nvRegionSize() + profile.blockSize();
    }

    public static int workingBlockSize(Profile profile) {
        return profile.blockSize();
    }

    /** The 0x48-byte EFI_FIRMWARE_VOLUME_HEADER OVMF puts in front of the variable store. */
    public static byte[] fvHeader(Profile profile) {
        byte[] h = new byte[profile.fvHeaderLength()];
        EfiGuid.SYSTEM_NV_DATA_FV.write(h, 16);
        Bytes.put64(h, FV_OFFSET_LENGTH, profile.varsSize());
        Bytes.put32(h, FV_OFFSET_SIGNATURE, FV_SIGNATURE);
        Bytes.put32(h, FV_OFFSET_ATTRIBUTES, FV_ATTRIBUTES);
        Bytes.put16(h, FV_OFFSET_HEADER_LENGTH, profile.fvHeaderLength());
        h[FV_OFFSET_REVISION] = 2;
        Bytes.put32(h, FV_OFFSET_BLOCK_MAP, profile.varsSize() / profile.blockSize());
        Bytes.put32(h, FV_OFFSET_BLOCK_MAP + 4, profile.blockSize());
        Bytes.put16(h, FV_OFFSET_CHECKSUM, checksum16(h));
        return h;
    }

    /** The value that makes the 16-bit sum of the header zero (with the checksum field zero). */
    public static int checksum16(byte[] header) {
        int sum = 0;
        for (int i = 0; i + 1 < header.length; i += 2) {
            if (i != FV_OFFSET_CHECKSUM) {
                sum += Bytes.u16(header, i);
            }
        }
        return (0x10000 - (sum & 0xFFFF)) & 0xFFFF;
    }

    /** Sum16 over the header, 0 for a valid one. */
    public static int sum16(byte[] image, int length) {
        int sum = 0;
        for (int i = 0; i + 1 < length; i += 2) {
            sum += Bytes.u16(image, i);
        }
        return sum & 0xFFFF;
    }

    /** EFI_FAULT_TOLERANT_WORKING_BLOCK_HEADER of a fresh working block: valid, empty write queue. */
    public static byte[] workingBlockHeader(int workingBlockSize) {
        return FtwWorkingBlockHeader.valid(workingBlockSize);
    }
}
