package hil.simulator.flash;

import java.util.Arrays;

/**
 * A NOR flash device: a program operation can only clear bits (new = old AND data), an erase sets a whole block
 * to 0xFF. Every program and erase is counted, erases per block (wear). A {@link PowerCut} can be armed to cut the
 * power during a chosen program operation, leaving exactly the bytes programmed before the cut (a torn byte
 * included), or during a chosen block erase, leaving the block half erased.
 */
public final class NorFlash {

    private final byte[] cells;
    private final int blockSize;
    private final long[] erasesPerBlock;
    private long programOperations;
    private long eraseOperations;
    private PowerCut armed;
    private boolean powered = true;
    private java.util.List<FlashOperation> journal;

    public NorFlash(int size, int blockSize) {
        if (size <= 0 || blockSize <= 0 || size % blockSize != 0) {
            throw new IllegalArgumentException("flash size " + size + " is not a positive multiple of block size " + blockSize);
        }
        this.cells = new byte[size];
        Arrays.fill(cells, (byte) 0xFF);
        this.blockSize = blockSize;
        this.erasesPerBlock = new long[size / blockSize];
    }

    /** A device holding a copy of {@code image}. */
    public static NorFlash of(byte[] image, int blockSize) {
        NorFlash f = new NorFlash(image.length, blockSize);
        System.arraycopy(image, 0, f.cells, 0, image.length);
        return f;
    }

    public int size() {
        return cells.length;
    }

    public int blockSize() {
        return blockSize;
    }

    /** Reads {@code length} bytes. */
    public byte[] read(int offset, int length) {
        checkRange(offset, length);
        return Arrays.copyOfRange(cells, offset, offset + length);
    }

    /** Reads one byte. */
    public byte readByte(int offset) {
        checkRange(offset, 1);
        return cells[offset];
    }

    /** The whole content (a copy), e.g. to export an image. */
    public byte[] snapshot() {
        return cells.clone();
    }

    /** Direct read access for hot paths; callers must not modify it. */
    public byte[] view() {
        return cells;
    }

    /**
     * Programs bytes: each cell becomes {@code old AND new}. One call is one program operation, the unit a power cut
     * is aimed at.
     *
     * @throws PowerLossException if an armed cut fires during this operation
     */
    public void program(int offset, byte[] data) {
        program(offset, data, 0, data.length);
    }

    public void program(int offset, byte[] data, int from, int length) {
        checkPowered();
        checkRange(offset, length);
        programOperations++;
        if (journal != null) {
            journal.add(FlashOperation.program(offset, Arrays.copyOfRange(data, from, from + length)));
        }
        boolean cut = armed != null && armed.firesOnProgram(programOperations, length);
        int limit = cut ? Math.min(armed.cutAfter(length), length) : length;
        for (int i = 0; i < limit; i++) {
            cells[offset + i] &= data[from + i];
        }
        if (cut) {
            if (limit < length) {
                // The byte under programming when the power failed: only some of its bits reached 0.
                cells[offset + limit] &= (byte) (data[from + limit] | ~armed.tornByteMask());
            }
            PowerCut fired = armed;
            armed = null;
            powered = false;
            throw new PowerLossException(fired, programOperations, offset + limit);
        }
    }

    /**
     * Erases the blocks covering [offset, offset + length), one block at a time (each block is one erase operation,
     * the unit an erase cut is aimed at); the range must be block-aligned.
     *
     * @throws PowerLossException if an armed erase cut fires on one of these blocks
     */
    public void erase(int offset, int length) {
        checkPowered();
        checkRange(offset, length);
        if (offset % blockSize != 0 || length % blockSize != 0) {
            throw new IllegalArgumentException("erase of [" + offset + ", +" + length + ") is not block-aligned (block " + blockSize + ")");
        }
        for (int b = offset / blockSize; b < (offset + length) / blockSize; b++) {
            checkPowered();
            eraseOperations++;
            if (journal != null) {
                journal.add(FlashOperation.erase(b * blockSize));
            }
            erasesPerBlock[b]++;
            if (armed != null && armed.firesOnErase(eraseOperations)) {
                int erased = Math.min(armed.cutAfter(blockSize), blockSize);
                Arrays.fill(cells, b * blockSize, b * blockSize + erased, (byte) 0xFF);
                PowerCut fired = armed;
                armed = null;
                powered = false;
                throw new PowerLossException(fired, eraseOperations, b * blockSize + erased);
            }
            Arrays.fill(cells, b * blockSize, (b + 1) * blockSize, (byte) 0xFF);
        }
    }

    /** Arms a power cut; it fires once. */
    public void arm(PowerCut cut) {
        this.armed = cut;
    }

    public void disarm() {
        this.armed = null;
    }

    public boolean isArmed() {
        return armed != null;
    }

    /** Restores power after a cut (the platform restarts). */
    public void powerOn() {
        powered = true;
    }

    public boolean isPowered() {
        return powered;
    }

    public long programOperations() {
        return programOperations;
    }

    public long eraseOperations() {
        return eraseOperations;
    }

    /** Erase count of one block. */
    public long wear(int block) {
        return erasesPerBlock[block];
    }

    /** Starts recording every program and erase operation (see {@link #stopJournal()}). */
    public void startJournal() {
        journal = new java.util.ArrayList<>();
    }

    /** Stops recording and returns the operations since {@link #startJournal()}, in order. */
    public java.util.List<FlashOperation> stopJournal() {
        java.util.List<FlashOperation> ops = journal == null ? java.util.List.of() : java.util.List.copyOf(journal);
        journal = null;
        return ops;
    }

    /** The device state at one moment: contents and counters, to go back to with {@link #restore}. */
    public record State(byte[] cells, long programOperations, long eraseOperations, long[] erasesPerBlock) {
    }

    public State state() {
        return new State(cells.clone(), programOperations, eraseOperations, erasesPerBlock.clone());
    }

    /** Puts the device back to an earlier {@link #state()} (contents and counters); the power is on. */
    public void restore(State state) {
        System.arraycopy(state.cells(), 0, cells, 0, cells.length);
        System.arraycopy(state.erasesPerBlock(), 0, erasesPerBlock, 0, erasesPerBlock.length);
        programOperations = state.programOperations();
        eraseOperations = state.eraseOperations();
        armed = null;
        powered = true;
    }

    /** Erase counts of every block, indexed by block number (a copy): compare two to see which blocks an action erased. */
    public long[] wearByBlock() {
        return erasesPerBlock.clone();
    }

    private void checkPowered() {
        if (!powered) {
            throw new IllegalStateException("flash accessed while the power is off");
        }
    }

    private void checkRange(int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > cells.length) {
            throw new IndexOutOfBoundsException("flash access [" + offset + ", +" + length + ") outside 0.." + cells.length);
        }
    }
}
