package hil.targets;

/** Root of the orchestrator's unchecked exceptions: harness failures with context, never protocol outcomes. */
public class HilException extends RuntimeException {

    public HilException(String message) {
        super(message);
    }

    public HilException(String message, Throwable cause) {
        super(message, cause);
    }
}
