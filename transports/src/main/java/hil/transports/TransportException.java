package hil.transports;

/**
 * Root of the transport layer's unchecked exceptions: a harness failure (a dead link, a timeout, a malformed
 * reply), never a protocol outcome. Subclasses carry the context needed to diagnose without a debugger: the
 * endpoint, what was awaited, and the last bytes of the transcript.
 */
public class TransportException extends RuntimeException {

    private final String endpoint;
    private final String transcriptTail;

    public TransportException(String endpoint, String message) {
        this(endpoint, message, "", null);
    }

    public TransportException(String endpoint, String message, Throwable cause) {
        this(endpoint, message, "", cause);
    }

    /**
     * @param endpoint       what the transport talks to, e.g. {@code console 'ovmf' (unix:/tmp/x/console.sock)}
     * @param message        what went wrong
     * @param transcriptTail the last characters seen on the link, appended to the message when not empty
     */
    public TransportException(String endpoint, String message, String transcriptTail, Throwable cause) {
        super(compose(endpoint, message, transcriptTail), cause);
        this.endpoint = endpoint;
        this.transcriptTail = transcriptTail == null ? "" : transcriptTail;
    }

    /** What the transport talks to. */
    public String endpoint() {
        return endpoint;
    }

    /** The last characters seen on the link when this happened; empty where there is no transcript. */
    public String transcriptTail() {
        return transcriptTail;
    }

    private static String compose(String endpoint, String message, String tail) {
        StringBuilder text = new StringBuilder();
        text.append(endpoint).append(": ").append(message);
        if (tail != null && !tail.isEmpty()) {
            text.append("\n--- last ").append(tail.length()).append(" characters of the transcript ---\n")
                    .append(tail)
                    .append("\n--- end of transcript ---");
        }
        return text.toString();
    }
}
