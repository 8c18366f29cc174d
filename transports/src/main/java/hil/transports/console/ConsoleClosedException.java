package hil.transports.console;

import hil.transports.TransportException;

/** The console stream ended (the target process exited, the server hung up) or was closed. */
public class ConsoleClosedException extends TransportException {

    public ConsoleClosedException(String endpoint, String message, String transcriptTail, Throwable cause) {
        super(endpoint, message, transcriptTail, cause);
    }
}
