package hil.transports.console;

import hil.transports.TransportTimeoutException;

import java.time.Duration;

/**
 * The target stopped talking: no byte arrived for the console's stall limit while an expect waited, long before
 * the expect's own deadline (see {@link Console#setStallLimit}).
 */
public class ConsoleStalledException extends TransportTimeoutException {

    public ConsoleStalledException(String endpoint, String awaited, Duration silence, String transcriptTail) {
        super(endpoint, awaited + " (no output at all for " + hil.transports.Deadline.describe(silence) + ")",
                silence, transcriptTail);
    }
}
