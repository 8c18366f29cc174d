package hil.simulator.flash;

/**
 * Where a power cut hits. A program cut aims at the {@code operation}-th program operation counted from device
 * creation, or (with {@code operation} &lt; 0) at the next program operation of at least {@code minLength} bytes after
 * arming; the cut comes after {@code bytesBeforeCut} bytes of it were programmed (a negative value: half of its
 * bytes), and of the next byte only the bits in {@code tornByteMask} were programmed. {@code bytesBeforeCut} at or
 * beyond the operation's length cuts right after it completes. An erase cut aims at the {@code operation}-th block
 * erase counted from device creation and leaves that block half erased.
 */
public record PowerCut(Target target, long operation, int minLength, int bytesBeforeCut, int tornByteMask) {

    /** Which kind of flash operation the cut interrupts. */
    public enum Target { PROGRAM, ERASE }

    /** Cut after the whole {@code operation}-th program operation. */
    public static PowerCut after(long operation) {
        return new PowerCut(Target.PROGRAM, operation, 0, Integer.MAX_VALUE, 0);
    }

    /** Cut in the middle of the {@code operation}-th program operation. */
    public static PowerCut during(long operation, int bytesBeforeCut, int tornByteMask) {
        return new PowerCut(Target.PROGRAM, operation, 0, bytesBeforeCut, tornByteMask & 0xFF);
    }

    /** Cut halfway through the next program operation of at least {@code minLength} bytes (a record write). */
    public static PowerCut halfwayThroughNextWriteOf(int minLength) {
        return new PowerCut(Target.PROGRAM, -1, minLength, -1, 0x0F);
    }

    /**
     * Cut in the middle of the {@code eraseOperation}-th block erase: the first half of the block is erased, the
     * second half still holds its old bytes. Real NOR leaves an interrupted erase undefined; half-and-half is the
     * deterministic stand-in, and it is as bad as any: neither the old nor the erased content.
     */
    public static PowerCut duringErase(long eraseOperation) {
        return new PowerCut(Target.ERASE, eraseOperation, 0, -1, 0);
    }

    boolean firesOnProgram(long programOperation, int length) {
        if (target != Target.PROGRAM) {
            return false;
        }
        return operation >= 0 ? programOperation == operation : length >= minLength;
    }

    boolean firesOnErase(long eraseOperation) {
        return target == Target.ERASE && eraseOperation == operation;
    }

    int cutAfter(int length) {
        return bytesBeforeCut < 0 ? length / 2 : bytesBeforeCut;
    }
}
