package hil.transports.shell;

import hil.transports.TransportException;

/** Shell output did not have the expected form (a truncated hex dump, an unknown attribute, a wrong size). */
public class ShellParseException extends TransportException {

    public ShellParseException(String message) {
        super("uefi shell output", message);
    }
}
