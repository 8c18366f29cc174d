package hil.simulator.flash;

/**
 * One program or erase operation as a {@link NorFlash} journal records it.
 *
 * @param erase  whether it is a block erase
 * @param offset where it starts (for an erase, the block's first byte)
 * @param data   the bytes programmed (empty for an erase)
 */
public record FlashOperation(boolean erase, int offset, byte[] data) {

    static FlashOperation program(int offset, byte[] data) {
        return new FlashOperation(false, offset, data);
    }

    static FlashOperation erase(int blockStart) {
        return new FlashOperation(true, blockStart, new byte[0]);
    }

    /**
     * Applies this operation to {@code flash}; with {@code cut} only its first half, the byte after that half torn
     * (some of its bits programmed) — the state a power cut in the middle of it leaves.
     */
    public void replay(NorFlash flash, boolean cut) {
        if (erase) {
            flash.arm(cut ? PowerCut.duringErase(flash.eraseOperations() + 1) : null);
            flash.erase(offset, flash.blockSize());
        } else {
            flash.arm(cut ? PowerCut.during(flash.programOperations() + 1, data.length / 2, 0x0F) : null);
            flash.program(offset, data);
        }
    }

    /**
     * How many writes this operation is on a flash programmed one byte per command, as OVMF's flash driver
     * programs QEMU's CFI flash: one per byte programmed; an erase is one (QEMU erases a sector in one step).
     */
    public int byteWrites() {
        return erase ? 1 : data.length;
    }

    /**
     * Applies the first {@code writes} of this operation's {@link #byteWrites()} and cuts the power there: for a
     * program, its first bytes, each whole (a byte-programming flash has no torn byte); for an erase, nothing.
     */
    public void replayFirst(NorFlash flash, int writes) {
        if (erase) {
            // An erase in QEMU's model is all or nothing.
            throw new IllegalArgumentException("an erase is one write: replay it whole or not at all");
        }
        flash.arm(PowerCut.during(flash.programOperations() + 1, writes, 0));
        flash.program(offset, data);
    }
}
