package hil.transports.console;

import hil.transports.TransportException;

/**
 * A fail-fast pattern registered with {@link Console#failOn} appeared, e.g. a firmware {@code ASSERT} or a CPU
 * exception dump: the target is broken and waiting longer for a prompt would only waste the deadline.
 */
public class ConsoleFailureException extends TransportException {

    private final String diagnosis;
    private final String matched;

    public ConsoleFailureException(String endpoint, String diagnosis, String matched, String transcriptTail) {
        super(endpoint, diagnosis + " (saw \"" + matched + "\")", transcriptTail, null);
        this.diagnosis = diagnosis;
        this.matched = matched;
    }

    /** The diagnosis registered with the pattern. */
    public String diagnosis() {
        return diagnosis;
    }

    /** The text that matched the fail-fast pattern. */
    public String matched() {
        return matched;
    }
}
