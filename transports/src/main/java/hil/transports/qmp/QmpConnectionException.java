package hil.transports.qmp;

import hil.transports.TransportException;

/** The QMP connection was lost, never established, or delivered something that is not QMP. */
public class QmpConnectionException extends TransportException {

    public QmpConnectionException(String endpoint, String message) {
        super(endpoint, message);
    }

    public QmpConnectionException(String endpoint, String message, Throwable cause) {
        super(endpoint, message, cause);
    }
}
