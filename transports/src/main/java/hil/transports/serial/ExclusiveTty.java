package hil.transports.serial;

import com.sun.jna.NativeLong;
import com.sun.jna.ptr.IntByReference;
import hil.transports.pty.Libc;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A second descriptor on a tty that holds it in exclusive mode ({@code TIOCEXCL}) while a console uses it.
 *
 * <p>jSerialComm takes only an advisory {@code flock}, which programs such as {@code screen} or {@code cat}
 * ignore, and it does not expose its descriptor. Exclusive mode is a property of the tty, not of a descriptor, so
 * setting it through a descriptor of our own makes every later {@code open} of the device by anyone else fail
 * with {@code EBUSY}. Root is exempt: the kernel lets {@code CAP_SYS_ADMIN} open an exclusive tty.
 *
 * <p>{@link #close} clears exclusive mode ({@code TIOCNXCL}) before closing the descriptor: the flag lives as
 * long as the tty is open anywhere (a pty slave another process still holds), so it must not outlive us.
 */
final class ExclusiveTty implements AutoCloseable {

    private final Path device;
    private final int fd;
    private boolean closed;

    private ExclusiveTty(Path device, int fd) {
        this.device = device;
        this.fd = fd;
    }

    /**
     * Opens {@code device} ({@code O_RDWR|O_NOCTTY|O_NONBLOCK}) and sets exclusive mode on it.
     *
     * @throws AlreadyExclusiveException exclusive mode was already set: someone else holds the tty
     * @throws IOException               open or ioctl failed
     */
    static ExclusiveTty claim(Path device) throws IOException {
        Libc libc = Libc.INSTANCE;
        int fd = libc.open(device.toString(), Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        if (fd < 0) {
            int errno = Libc.errno();
            if (errno == Libc.EBUSY) {
                throw new AlreadyExclusiveException("exclusive mode (TIOCEXCL) is set on it: " + Libc.describe(errno));
            }
            throw new IOException("cannot open it to set exclusive mode: " + Libc.describe(errno));
        }
        try {
            if (exclusive(fd) == 1) {
                // Root opened it despite TIOCEXCL; whoever set the flag still holds the line.
                throw new AlreadyExclusiveException("exclusive mode (TIOCEXCL) was already set on it by another"
                        + " program (screen, minicom, another hil run), which still holds it");
            }
            if (libc.ioctl(fd, new NativeLong(Libc.TIOCEXCL)) != 0) {
                throw new IOException("ioctl(TIOCEXCL) failed: " + Libc.describe(Libc.errno()));
            }
            return new ExclusiveTty(device, fd);
        } catch (IOException | RuntimeException e) {
            libc.close(fd);
            throw e;
        }
    }

    /**
     * {@code TIOCGEXCL} (Linux 3.8 and later): 1 if exclusive mode is set on the tty open on {@code fd}, 0 if not,
     * -1 if the kernel cannot tell.
     */
    static int exclusive(int fd) {
        IntByReference value = new IntByReference(-1);
        if (Libc.INSTANCE.ioctl(fd, new NativeLong(Libc.TIOCGEXCL), value) != 0) {
            return -1;
        }
        return value.getValue() != 0 ? 1 : 0;
    }

    /** Clears exclusive mode and closes the descriptor; idempotent. */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        Libc libc = Libc.INSTANCE;
        int cleared = libc.ioctl(fd, new NativeLong(Libc.TIOCNXCL));
        int clearErrno = Libc.errno();
        libc.close(fd);
        // EIO: the tty was hung up (pty master closed, adapter pulled); there is no flag left to clear.
        if (cleared != 0 && clearErrno != Libc.EIO) {
            throw new IOException(device + ": ioctl(TIOCNXCL) failed: " + Libc.describe(clearErrno));
        }
    }

    /** Someone else has the tty in exclusive mode. */
    static final class AlreadyExclusiveException extends IOException {
        AlreadyExclusiveException(String message) {
            super(message);
        }
    }
}
