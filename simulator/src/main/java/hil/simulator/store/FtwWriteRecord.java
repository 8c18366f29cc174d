package hil.simulator.store;

/**
 * EFI_FAULT_TOLERANT_WRITE_RECORD (40 bytes plus private data, reference 4.8): one target range of a queued write.
 * Every flag is "set" by clearing its bit to 0.
 */
final class FtwWriteRecord {

    static final int SIZE = 40;
    static final int FLAGS = 0;
    static final int LBA = 8;
    static final int OFFSET = 16;
    static final int LENGTH = 24;
    /** Target address minus spare address (INT64). */
    static final int RELATIVE_OFFSET = 32;

    static final int BOOT_BLOCK_UPDATE = 0x01;
    static final int SPARE_COMPLETE = 0x02;
    static final int DESTINATION_COMPLETE = 0x04;

    private FtwWriteRecord() {
    }

    /** FTW_RECORD_SIZE. */
    static long size(long privateDataSize) {
        return SIZE + privateDataSize;
    }
}
