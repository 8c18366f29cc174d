package hil.reports;

/**
 * A report could not be written or read. The message names the file and the cause; results are never dropped
 * silently, so a run whose report fails ends with this exception instead of a quiet, partial report.
 */
public final class ReportException extends RuntimeException {

    public ReportException(String message) {
        super(message);
    }

    public ReportException(String message, Throwable cause) {
        super(message, cause);
    }
}
