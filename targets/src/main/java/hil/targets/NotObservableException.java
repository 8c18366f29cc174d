package hil.targets;

/**
 * A target cannot make a call or observe an output. The step ends as "not observable on target X: reason", which
 * is reported as a skip, never as a pass.
 */
public class NotObservableException extends HilException {

    public NotObservableException(String target, String reason) {
        super("not observable on target " + target + ": " + reason);
    }

    /** A skip whose whole message the subclass words (e.g. an infrastructure failure). */
    protected NotObservableException(String message) {
        super(message);
    }
}
