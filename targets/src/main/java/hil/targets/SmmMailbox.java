package hil.targets;

/**
 * Raw access to the SMM communicate buffer: send hand-built (possibly malformed) messages to the SMM variable handler
 * and observe what comes back. Offered by targets that can observe it.
 */
public interface SmmMailbox {
}
