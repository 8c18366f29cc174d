package hil.transports;

import java.time.Duration;

/** A {@link Deadline} passed before the awaited thing happened (a prompt, a QMP reply, an event, a socket). */
public class TransportTimeoutException extends TransportException {

    private final String awaited;
    private final Duration budget;

    public TransportTimeoutException(String endpoint, String awaited, Duration budget, String transcriptTail) {
        this(endpoint, awaited, budget, transcriptTail, null);
    }

    public TransportTimeoutException(String endpoint, String awaited, Duration budget, String transcriptTail,
                                     Throwable cause) {
        super(endpoint, "timed out after " + Deadline.describe(budget) + " waiting for " + awaited,
                transcriptTail, cause);
        this.awaited = awaited;
        this.budget = budget;
    }

    /** What was awaited, e.g. {@code /(?m)^Shell> /} or {@code reply to QMP command 'cont'}. */
    public String awaited() {
        return awaited;
    }

    /** The budget of the deadline that passed. */
    public Duration budget() {
        return budget;
    }
}
