package hil.targets;

/**
 * The lab failed, not the firmware: a power command, a console connection, a TFTP server, a lease. Such a failure
 * says nothing about the firmware under test, so it is never reported as a test failure of the firmware.
 */
public class InfrastructureException extends HilException {

    public InfrastructureException(String message) {
        super(message);
    }

    public InfrastructureException(String message, Throwable cause) {
        super(message, cause);
    }
}
