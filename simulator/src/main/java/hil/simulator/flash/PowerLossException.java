package hil.simulator.flash;

/**
 * The power failed during a flash program operation. Thrown through the firmware model to the platform, which
 * restarts; nothing in between may catch it.
 */
public final class PowerLossException extends RuntimeException {

    private final transient PowerCut cut;
    private final long operation;
    private final int offset;

    public PowerLossException(PowerCut cut, long operation, int offset) {
        super("power lost during flash program operation " + operation + " at offset 0x" + Integer.toHexString(offset));
        this.cut = cut;
        this.operation = operation;
        this.offset = offset;
    }

    public PowerCut cut() {
        return cut;
    }

    public long operation() {
        return operation;
    }

    /** The first flash offset not (fully) programmed. */
    public int offset() {
        return offset;
    }
}
