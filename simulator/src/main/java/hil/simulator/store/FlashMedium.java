package hil.simulator.store;

import hil.simulator.Profile;
import hil.simulator.flash.NorFlash;
import hil.simulator.uefi.EfiStatus;


/**
 * The non-volatile store on NOR flash, behind the firmware-volume header. In-place writes are FVB writes split at
 * block boundaries as the variable driver's UpdateVariableStore splits them, one program operation each; a new
 * record is written in the steps of the profile's {@link Profile.RecordWrite}; a rewrite (reclaim) is one
 * fault-tolerant write of the whole store.
 */
final class FlashMedium implements StoreMedium {

    private final NorFlash flash;
    private final int base;
    private final Profile.RecordWrite recordWrite;
    private final FaultTolerantWrite ftw;

    /**
     * @param flash       the VARS flash
     * @param base        offset of the store header in the flash (the FV HeaderLength)
     * @param recordWrite how a new record reaches flash
     * @param ftw         the started fault-tolerant write driver on the same flash
     */
    FlashMedium(NorFlash flash, int base, Profile.RecordWrite recordWrite, FaultTolerantWrite ftw) {
        this.flash = flash;
        this.base = base;
        this.recordWrite = recordWrite;
        this.ftw = ftw;
    }

    @Override
    public byte[] bytes() {
        return flash.view();
    }

    @Override
    public int base() {
        return base;
    }

    @Override
    public void write(int offset, byte[] data) {
        write(offset, data, 0, data.length);
    }

    private void write(int offset, byte[] data, int from, int length) {
        int at = base + offset;
        int blockSize = flash.blockSize();
        while (length > 0) {
            int chunk = Math.min(length, blockSize - at % blockSize);
            flash.program(at, data, from, chunk);
            at += chunk;
            from += chunk;
            length -= chunk;
        }
    }

    @Override
    public void appendRecord(int offset, byte[] record, int headerSize) {
        byte[] added = {(byte) VariableStore.VAR_ADDED};
        switch (recordWrite) {
            case FOUR_STEP -> {
                write(offset, record, 0, headerSize);
                write(offset + 2, new byte[] {(byte) VariableStore.VAR_HEADER_VALID_ONLY});
                write(offset + headerSize, record, headerSize, record.length - headerSize);
                write(offset + 2, added);
            }
            case TWO_STEP -> {
                write(offset, record);
                write(offset + 2, added);
            }
        }
    }

    @Override
    public void rewrite(byte[] image) {
        int blockSize = flash.blockSize();
        EfiStatus status = ftw.write(base / blockSize, base % blockSize, image);
        if (status != EfiStatus.SUCCESS) {
            // Start-up recovery leaves no write pending and nothing else uses the queue, so this is a model fault.
            throw new IllegalStateException("the fault-tolerant write of the 0x" + Integer.toHexString(image.length)
                    + "-byte variable store at flash offset 0x" + Integer.toHexString(base) + " returned " + status);
        }
    }
}
