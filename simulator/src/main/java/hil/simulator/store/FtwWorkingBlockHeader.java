package hil.simulator.store;

import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;

import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * EFI_FAULT_TOLERANT_WORKING_BLOCK_HEADER (32 bytes, reference 4.8) at the start of the FTW working space. The FTW
 * driver accepts a working space only if these 32 bytes equal, byte for byte, the header it would write itself: the
 * signature, the CRC, the state byte with WorkingBlockValid cleared and WorkingBlockInvalid set, and the queue size.
 */
final class FtwWorkingBlockHeader {

    static final int SIZE = 32;
    static final int CRC = 16;
    /** The state byte: bit 0 WorkingBlockValid, bit 1 WorkingBlockInvalid, both "set" when cleared to 0. */
    static final int STATE = 20;
    static final int WRITE_QUEUE_SIZE = 24;

    static final int WORKING_BLOCK_VALID = 0x01;
    static final int WORKING_BLOCK_INVALID = 0x02;

    static final EfiGuid SIGNATURE = EfiGuid.parse("9E58292B-7C68-497D-A0CE-6500FD9F1B95");

    private FtwWorkingBlockHeader() {
    }

    /** The header of a valid working space of {@code workSpaceSize} bytes: WorkingBlockValid set, queue empty. */
    static byte[] valid(int workSpaceSize) {
        byte[] h = new byte[SIZE];
        Arrays.fill(h, (byte) 0xFF);
        SIGNATURE.write(h, 0);
        Bytes.put64(h, WRITE_QUEUE_SIZE, workSpaceSize - SIZE);
        // The CRC covers the header with the CRC and state bytes still erased.
        CRC32 crc = new CRC32();
        crc.update(h);
        Bytes.put32(h, CRC, crc.getValue());
        h[STATE] = (byte) ~WORKING_BLOCK_VALID;
        return h;
    }

    /** Whether the 32 bytes at {@code offset} are exactly the valid header (IsValidWorkSpace). */
    static boolean isValid(byte[] source, int offset, byte[] validHeader) {
        return offset >= 0 && offset + SIZE <= source.length
                && Arrays.equals(source, offset, offset + SIZE, validHeader, 0, SIZE);
    }
}
