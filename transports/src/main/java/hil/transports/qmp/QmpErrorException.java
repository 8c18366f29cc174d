package hil.transports.qmp;

import hil.transports.TransportException;

/** QEMU answered a command with an {@code error} reply; carries QEMU's error class and description. */
public class QmpErrorException extends TransportException {

    private final String command;
    private final String errorClass;
    private final String description;

    public QmpErrorException(String endpoint, String command, String errorClass, String description) {
        super(endpoint, "QMP command '" + command + "' failed: " + errorClass + ": " + description);
        this.command = command;
        this.errorClass = errorClass;
        this.description = description;
    }

    /** The command that failed, e.g. {@code screendump}. */
    public String command() {
        return command;
    }

    /** QEMU's error class, e.g. {@code GenericError} or {@code CommandNotFound}. */
    public String errorClass() {
        return errorClass;
    }

    /** QEMU's human-readable description. */
    public String description() {
        return description;
    }
}
