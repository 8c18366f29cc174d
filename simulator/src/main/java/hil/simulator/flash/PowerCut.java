package hil.simulator.flash;

/**
 * Where a power cut hits. Either the {@code operation}-th program operation counted from device creation, or (with
 * {@code operation} &lt; 0) the next program operation of at least {@code minLength} bytes after arming. The cut comes
 * after {@code bytesBeforeCut} bytes of that operation were programmed (a negative value: half of its bytes); of the
 * next byte only the bits in {@code tornByteMask} were programmed. {@code bytesBeforeCut} at or beyond the
 * operation's length cuts right after it completes.
 */
public record PowerCut(long operation, int minLength, int bytesBeforeCut, int tornByteMask) {

    /** Cut after the whole {@code operation}-th program operation. */
    public static PowerCut after(long operation) {
        return new PowerCut(operation, 0, Integer.MAX_VALUE, 0);
    }

    /** Cut in the middle of the {@code operation}-th program operation. */
    public static PowerCut during(long operation, int bytesBeforeCut, int tornByteMask) {
        return new PowerCut(operation, 0, bytesBeforeCut, tornByteMask & 0xFF);
    }

    /** Cut halfway through the next program operation of at least {@code minLength} bytes (a record write). */
    public static PowerCut halfwayThroughNextWriteOf(int minLength) {
        return new PowerCut(-1, minLength, -1, 0x0F);
    }

    boolean fires(long programOperation, int length) {
        return operation >= 0 ? programOperation == operation : length >= minLength;
    }

    int cutAfter(int length) {
        return bytesBeforeCut < 0 ? length / 2 : bytesBeforeCut;
    }
}
