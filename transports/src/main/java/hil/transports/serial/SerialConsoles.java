package hil.transports.serial;

import com.fazecast.jSerialComm.SerialPort;
import com.fazecast.jSerialComm.SerialPortInvalidPortException;
import hil.transports.Deadline;
import hil.transports.TransportException;
import hil.transports.TransportTimeoutException;
import hil.transports.console.Console;
import hil.transports.console.SerialLink;
import hil.transports.pty.Libc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Consoles on local serial devices through jSerialComm: a UART ({@code /dev/ttyS0}), a USB-UART (best named by its
 * {@code /dev/serial/by-id/...} link, which survives re-enumeration), or a pseudo-terminal slave such as the one
 * QEMU creates for {@code -serial pty}.
 *
 * <p><b>Line settings.</b> 8N1 at the given baud rate, no flow control. DTR and RTS are cleared <em>before</em>
 * the port is opened, so they stay low: jSerialComm raises both on open by default, which resets a board whose
 * DTR is wired to reset. jSerialComm puts the tty in raw mode on open (no echo, no CR/LF translation), so bytes
 * pass unchanged both ways.
 *
 * <p><b>Devices that appear late.</b> A USB-UART powered by the board appears only after power-on, and QEMU
 * creates its pty a moment after it starts. While the path (or the target of the symlink) does not exist, or
 * the kernel says there is no such device yet, opening is retried with a backoff of 100 ms doubling to 2 s until
 * the deadline, then fails with a {@link TransportTimeoutException} naming the device.
 *
 * <p><b>Devices in use.</b> A device that exists but is held by someone else fails at once with a
 * {@link TransportException} that names it and says it is in use:
 * <ul>
 *   <li>jSerialComm takes {@code flock(LOCK_EX|LOCK_NB)} after opening; a holder of that lock (another
 *       jSerialComm program, picocom, another JVM) makes the open fail with {@code EAGAIN} (error 11).</li>
 *   <li>A holder that set exclusive mode ({@code screen}, another hil run) makes the open fail with
 *       {@code EBUSY} (16), or, for root, who may open an exclusive tty, is seen through {@code TIOCGEXCL}.</li>
 *   <li>Within this JVM, a device already open here is refused before jSerialComm is asked (jSerialComm itself
 *       would refuse it with error 2, the same number as {@code ENOENT}).</li>
 * </ul>
 * Once open, the tty is put in exclusive mode ({@code TIOCEXCL}) through a descriptor of our own, kept for the
 * life of the console: jSerialComm's {@code flock} is only advisory and ignored by {@code cat} or {@code screen},
 * while after {@code TIOCEXCL} every other {@code open} of the device fails with {@code EBUSY}. <b>Root is
 * exempt from {@code TIOCEXCL}</b> (and {@code flock} binds only programs that take it), so a process running as
 * root can still open the device and steal bytes. Closing the console clears exclusive mode and releases both.
 *
 * <p><b>Native libraries.</b> jSerialComm extracts its native library under {@code java.io.tmpdir} and JNA its
 * stub likewise; on a host whose {@code /tmp} is mounted {@code noexec} the launcher must set
 * {@code -DjSerialComm.library.path=DIR} and {@code -Djna.tmpdir=DIR} (or {@code -Djava.io.tmpdir=DIR}) to an
 * executable directory.
 */
public final class SerialConsoles {

    private static final System.Logger LOG = System.getLogger(SerialConsoles.class.getName());

    static final long FIRST_BACKOFF_MILLIS = 100;
    static final long MAX_BACKOFF_MILLIS = 2000;

    /** Devices (real paths) open through this class in this JVM, and the name of the console holding each. */
    private static final Map<Path, String> HELD = new ConcurrentHashMap<>();
    /**
     * jSerialComm reports the error of a failed open in one global variable; opens are serialised so that
     * {@code getLastErrorCode} reads our own.
     */
    private static final Object OPEN_LOCK = new Object();

    private SerialConsoles() {
    }

    /**
     * Opens {@code device} at {@code baud} (8N1, no flow control, DTR and RTS low) and starts a console on it.
     *
     * @param device   a tty path, a {@code /dev/serial/by-id} link or a pty slave path
     * @param name     the console's name, e.g. the board's
     * @param deadline how long to wait for a device that does not exist yet
     * @throws TransportTimeoutException the device did not appear before the deadline
     * @throws TransportException        the device is in use, not accessible, or cannot be configured
     */
    public static Console open(String device, int baud, String name, Deadline deadline) {
        return Console.open(openLink(device, baud, name, deadline), name);
    }

    /** {@link #open(String, int, String, Deadline)} for a path, e.g. {@code PseudoTerminal.slavePath()}. */
    public static Console open(Path device, int baud, String name, Deadline deadline) {
        return open(Objects.requireNonNull(device, "device").toString(), baud, name, deadline);
    }

    /**
     * Opens the device as {@link #open(String, int, String, Deadline)} does, without a console on top.
     *
     * @param holder who holds the device, for the message of a later open that finds it in use
     */
    public static SerialLink openLink(String device, int baud, String holder, Deadline deadline) {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(deadline, "deadline");
        if (baud <= 0) {
            throw new IllegalArgumentException("baud rate must be positive: " + baud);
        }
        String endpoint = "console '" + holder + "' (serial:" + device + ")";
        long backoff = FIRST_BACKOFF_MILLIS;
        while (true) {
            Attempt attempt = attempt(device, baud, holder, endpoint);
            if (attempt.link != null) {
                return attempt.link;
            }
            if (deadline.expired()) {
                throw new TransportTimeoutException(endpoint, device + " to " + attempt.missing,
                        deadline.budget(), "");
            }
            LOG.log(System.Logger.Level.DEBUG, "{0}: {1}, retrying in {2} ms", endpoint, attempt.missing, backoff);
            try {
                Thread.sleep(Math.max(1, Math.min(backoff, deadline.remainingMillis())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransportException(endpoint, "interrupted while waiting for " + device + " to appear", e);
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
        }
    }

    /** An open link, or what is missing for a retry ("appear", "become ready (...)"). */
    private record Attempt(SerialLink link, String missing) {
        static Attempt retry(String missing) {
            return new Attempt(null, missing);
        }
    }

    private static Attempt attempt(String device, int baud, String holder, String endpoint) {
        Path real;
        try {
            real = Path.of(device).toRealPath();
        } catch (NoSuchFileException e) {
            return Attempt.retry("appear");
        } catch (IOException e) {
            throw new TransportException(endpoint, "cannot resolve " + device + ": " + e.getMessage(), e);
        }
        String description = "serial:" + device + (real.toString().equals(device) ? "" : " (" + real + ")")
                + " " + baud + " 8N1";
        synchronized (OPEN_LOCK) {
            String other = HELD.get(real);
            if (other != null) {
                throw inUse(endpoint, device, real, "console '" + other + "' in this process has it open");
            }
            SerialPort port;
            try {
                port = SerialPort.getCommPort(real.toString());
            } catch (SerialPortInvalidPortException e) {
                return Attempt.retry("appear");
            } catch (LinkageError e) {
                throw new TransportException(endpoint, "jSerialComm's native library could not be loaded: "
                        + e + ". It is extracted under java.io.tmpdir, which must allow execution; set"
                        + " -DjSerialComm.library.path=DIR (or -Djava.io.tmpdir=DIR) to an executable directory", e);
            }
            if (!real.toString().equals(port.getSystemPortPath())) {
                // jSerialComm substitutes /dev/<name> for a path that does not exist: it vanished meanwhile.
                return Attempt.retry("appear");
            }
            // DTR and RTS low before openPort: afterwards a board with DTR wired to reset has already reset.
            SerialLink.configure(port, baud);
            if (!port.openPort()) {
                int code = port.getLastErrorCode();
                int location = port.getLastErrorLocation();
                return failedOpen(endpoint, device, real, code, location);
            }
            ExclusiveTty exclusive;
            try {
                exclusive = ExclusiveTty.claim(real);
            } catch (ExclusiveTty.AlreadyExclusiveException e) {
                port.closePort();
                throw inUse(endpoint, device, real, e.getMessage());
            } catch (IOException | RuntimeException | LinkageError e) {
                port.closePort();
                throw new TransportException(endpoint, "opened " + device + " but could not put it in exclusive mode"
                        + " (TIOCEXCL through JNA; JNA needs an executable jna.tmpdir): " + e.getMessage(), e);
            }
            HELD.put(real, holder);
            AutoCloseable release = () -> {
                try {
                    exclusive.close();
                } finally {
                    HELD.remove(real, holder);
                }
            };
            LOG.log(System.Logger.Level.DEBUG, "{0}: opened {1}", endpoint, description);
            return new Attempt(SerialLink.over(port, release, description), null);
        }
    }

    /** Turns jSerialComm's error code (an errno, or its own 1 and 2) into a retry or a failure. */
    private static Attempt failedOpen(String endpoint, String device, Path real, int code, int location) {
        String detail = describe(code) + ", jSerialComm SerialPort_Posix.c line " + location;
        switch (code) {
            case Libc.EAGAIN:
                throw inUse(endpoint, device, real, "another process holds its lock (flock): " + detail);
            case Libc.EBUSY:
                throw inUse(endpoint, device, real, "another process has it in exclusive mode (TIOCEXCL): " + detail);
            case Libc.ENOENT:
                if (Files.exists(real)) {
                    // jSerialComm's own "already open in this process" is error 2 too.
                    throw inUse(endpoint, device, real, "jSerialComm already has it open in this process");
                }
                return Attempt.retry("appear");
            case Libc.ENXIO:
            case Libc.ENODEV:
                return Attempt.retry("become ready (last: " + detail + ")");
            case Libc.ENOTTY:
                throw new TransportException(endpoint, device + " is not a serial device (a tty): " + detail);
            case Libc.EACCES:
            case 1: // EPERM
                throw new TransportException(endpoint, "permission denied opening " + device
                        + " (is the user in the group owning it, usually dialout?): " + detail);
            default:
                throw new TransportException(endpoint, "cannot open " + device + ": " + detail);
        }
    }

    private static TransportException inUse(String endpoint, String device, Path real, String why) {
        String shown = real.toString().equals(device) ? device : device + " (" + real + ")";
        return new TransportException(endpoint, shown + " is in use: " + why + "; 'fuser -v " + real
                + "' shows the holder");
    }

    private static String describe(int code) {
        try {
            return Libc.describe(code);
        } catch (LinkageError e) {
            return "errno " + code;
        }
    }
}
