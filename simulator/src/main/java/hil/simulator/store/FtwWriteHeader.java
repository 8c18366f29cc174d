package hil.simulator.store;

/**
 * EFI_FAULT_TOLERANT_WRITE_HEADER (40 bytes, reference 4.8): one entry of the FTW write queue, followed by its
 * NumberOfWrites records. Every flag is "set" by clearing its bit to 0.
 */
final class FtwWriteHeader {

    static final int SIZE = 40;
    static final int FLAGS = 0;
    static final int CALLER_ID = 4;
    static final int NUMBER_OF_WRITES = 24;
    static final int PRIVATE_DATA_SIZE = 32;

    static final int HEADER_ALLOCATED = 0x01;
    static final int WRITES_ALLOCATED = 0x02;
    static final int COMPLETE = 0x04;

    private FtwWriteHeader() {
    }

    /**
     * FTW_WRITE_TOTAL_SIZE: the header and its records. Computed in 64-bit arithmetic that wraps as the firmware's
     * UINTN does, so a torn header gives the same nonsense offsets it gives the firmware.
     */
    static long totalSize(long numberOfWrites, long privateDataSize) {
        return SIZE + numberOfWrites * FtwWriteRecord.size(privateDataSize);
    }
}
