package hil.transports.console;

import com.fazecast.jSerialComm.SerialPort;

import java.io.IOException;
import java.util.Objects;

/**
 * A link over an open jSerialComm {@link SerialPort}: a UART, a USB-UART or a pseudo-terminal slave. Opening,
 * retrying and locking are done by {@code hil.transports.serial.SerialConsoles}; this class only moves bytes.
 *
 * <p>{@link #configure} sets the port to semi-blocking reads with a timeout of {@link #READ_TIMEOUT_MILLIS}
 * ms. It must stay short, and could never exceed 25.5 s: jSerialComm turns it into termios {@code VTIME} in
 * tenths of a second, kept in one byte, so longer timeouts wrap (50 s acts as about 25 s). {@link #read} loops over those timeouts, so it returns only when
 * bytes arrive, when the link is closed (-1), or when the port is gone ({@link IOException}: a pulled USB-UART,
 * a pty whose master was closed). {@link SerialPort#readBytes} is used rather than the port's
 * {@code InputStream}, which reports each timeout as a {@code SerialPortTimeoutException}.
 *
 * <p>{@link #close} makes a blocked read return -1 within one timeout: jSerialComm's close switches the
 * descriptor to non-blocking before closing it, and the read loop checks the closed flag after every timeout.
 */
public final class SerialLink implements ByteLink {

    /** The semi-blocking read timeout {@link #configure} sets: how long {@link #close} may wait for a reader. */
    public static final int READ_TIMEOUT_MILLIS = 200;

    private final SerialPort port;
    private final AutoCloseable companion;
    private final String description;
    private volatile boolean closed;

    private SerialLink(SerialPort port, AutoCloseable companion, String description) {
        this.port = port;
        this.companion = companion;
        this.description = description;
    }

    /**
     * Sets up a port that is not open yet: {@code baud} 8N1, no flow control, semi-blocking reads with a
     * {@link #READ_TIMEOUT_MILLIS} timeout, and DTR and RTS cleared. jSerialComm applies the line states while
     * opening and raises both by default, so they must be cleared before {@link SerialPort#openPort()}: a board
     * whose DTR is wired to reset would otherwise reset when its console is opened.
     */
    public static void configure(SerialPort port, int baud) {
        if (port.isOpen()) {
            throw new IllegalStateException(port.getSystemPortPath() + ": configure the port before opening it");
        }
        port.setComPortParameters(baud, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
        port.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, READ_TIMEOUT_MILLIS, 0);
        port.clearDTR();
        port.clearRTS();
    }

    /**
     * A link over {@code port}, opened after {@link #configure}. The link owns the port and closes it.
     *
     * @param companion   closed after the port (e.g. a descriptor holding the tty in exclusive mode); may be null
     * @param description for messages, e.g. {@code serial:/dev/ttyUSB0 115200 8N1}
     */
    public static SerialLink over(SerialPort port, AutoCloseable companion, String description) {
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(description, "description");
        if (!port.isOpen()) {
            throw new IllegalArgumentException(description + ": the port is not open");
        }
        return new SerialLink(port, companion, description);
    }

    @Override
    public int read(byte[] buffer) throws IOException {
        while (true) {
            if (closed) {
                return -1;
            }
            int n = port.readBytes(buffer, buffer.length);
            if (n > 0) {
                return n;
            }
            if (closed) {
                return -1;
            }
            if (n < 0) {
                throw new IOException("the port appears to have been shut down or disconnected ("
                        + errorOf(port) + ")");
            }
            // n == 0: the semi-blocking timeout passed without data; wait again.
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        int written = 0;
        while (written < length) {
            if (closed) {
                throw new IOException("closed");
            }
            int n = port.writeBytes(bytes, length - written, offset + written);
            if (n <= 0) {
                throw new IOException("write failed after " + written + " of " + length + " bytes: the port appears"
                        + " to have been shut down or disconnected (" + errorOf(port) + ")");
            }
            written += n;
        }
    }

    @Override
    public String describe() {
        return description;
    }

    /** Closes the port, then the companion. A blocked {@link #read} returns -1 within one read timeout. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!port.closePort()) {
                throw new IOException(description + ": closing the port failed (" + errorOf(port) + ")");
            }
        } finally {
            closeCompanion();
        }
    }

    private void closeCompanion() throws IOException {
        if (companion == null) {
            return;
        }
        try {
            companion.close();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(description + ": " + e.getMessage(), e);
        }
    }

    private static String errorOf(SerialPort port) {
        return "native error " + port.getLastErrorCode() + " at SerialPort_Posix.c line "
                + port.getLastErrorLocation();
    }

    @Override
    public String toString() {
        return description;
    }
}
