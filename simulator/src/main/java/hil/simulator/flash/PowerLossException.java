package hil.simulator.flash;

/**
 * The power failed during a flash program or erase operation. Thrown through the firmware model to the platform,
 * which restarts; nothing in between may catch it.
 */
public final class PowerLossException extends RuntimeException {

    private final transient PowerCut cut;
    private final long operation;
    private final int offset;

    public PowerLossException(PowerCut cut, long operation, int offset) {
        this(cut, operation, offset, "power lost during flash " + (cut.target() == PowerCut.Target.ERASE ? "erase" : "program")
                + " operation " + operation);
    }

    /** With a description of where the cut hit; the offset is appended. */
    public PowerLossException(PowerCut cut, long operation, int offset, String what) {
        super(what + " at offset 0x" + Integer.toHexString(offset));
        this.cut = cut;
        this.operation = operation;
        this.offset = offset;
    }

    public PowerCut cut() {
        return cut;
    }

    /** The number of the interrupted operation: a program operation, or a block erase for an erase cut. */
    public long operation() {
        return operation;
    }

    /** The first flash offset the interrupted operation did not (fully) program or erase. */
    public int offset() {
        return offset;
    }
}
