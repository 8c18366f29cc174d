package hil.targets.board;

import hil.targets.InfrastructureException;

/** A power method failed: a command exited non-zero or hung, a PDU daemon refused, an operator did not answer. */
public class PowerException extends InfrastructureException {

    public PowerException(String message) {
        super(message);
    }

    public PowerException(String message, Throwable cause) {
        super(message, cause);
    }
}
