package hil.transports.pty;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * The few C library calls the serial and pseudo-terminal code needs, through JNA, on Linux (glibc).
 *
 * <p>Calls return what C returns ({@code -1} on failure); read the error with {@link #errno()} right after the
 * call, on the same thread. Variadic C functions ({@code open}, {@code ioctl}) are declared with the fixed
 * argument types used here, which is safe on the Linux ABIs JNA supports.
 *
 * <p>{@code openpty} is not declared here: it moved from libutil into libc only in glibc 2.34, so
 * {@link PseudoTerminal} looks it up in either.
 *
 * <p>JNA extracts its own native stub ({@code jnidispatch}) to {@code java.io.tmpdir} unless it finds one on
 * {@code jna.boot.library.path}; with a {@code noexec} temporary directory set {@code -Djna.tmpdir} to an
 * executable directory.
 */
public interface Libc extends Library {

    Libc INSTANCE = Native.load("c", Libc.class);

    int O_RDWR = 0x2;
    int O_NOCTTY = 0x100;
    int O_NONBLOCK = 0x800;
    int O_CLOEXEC = 0x80000;

    /** Sets exclusive mode on a tty: further {@code open}s fail with {@code EBUSY}, except for root. */
    long TIOCEXCL = 0x540C;
    /** Clears exclusive mode. */
    long TIOCNXCL = 0x540D;
    /** Reads exclusive mode into an {@code int} (Linux 3.8 and later). */
    long TIOCGEXCL = 0x80045440L;

    int F_GETFL = 3;
    int F_SETFL = 4;

    short POLLIN = 0x1;
    short POLLOUT = 0x4;
    short POLLERR = 0x8;
    short POLLHUP = 0x10;
    short POLLNVAL = 0x20;
    /** Size of a {@code struct pollfd}: {@code int fd; short events; short revents;}. */
    int POLLFD_SIZE = 8;

    /** {@code tcsetattr}: apply at once. */
    int TCSANOW = 0;

    int ENOENT = 2;
    int EINTR = 4;
    int EIO = 5;
    int ENXIO = 6;
    int EAGAIN = 11;
    int EACCES = 13;
    int EBUSY = 16;
    int ENODEV = 19;
    int ENOTTY = 25;

    /** Room for a {@code struct termios} (60 bytes on glibc), treated as opaque. */
    int TERMIOS_SIZE = 256;

    int open(String path, int flags);

    int close(int fd);

    NativeLong read(int fd, byte[] buffer, NativeLong count);

    NativeLong write(int fd, byte[] buffer, NativeLong count);

    /** {@code fcntl} with an {@code int} argument, e.g. {@link #F_SETFL}; {@link #F_GETFL} ignores it. */
    int fcntl(int fd, int command, int argument);

    /** {@code poll} on {@code count} {@code struct pollfd}s at {@code fds}; returns how many are ready, 0 on timeout. */
    int poll(Pointer fds, NativeLong count, int timeoutMillis);

    /** {@code ioctl} without an argument, e.g. {@link #TIOCEXCL}. */
    int ioctl(int fd, NativeLong request);

    /** {@code ioctl} with an {@code int*} argument, e.g. {@link #TIOCGEXCL}. */
    int ioctl(int fd, NativeLong request, IntByReference value);

    /** The path of the terminal open on {@code fd}, NUL-terminated in {@code buffer}; 0 on success. */
    int ttyname_r(int fd, byte[] buffer, NativeLong length);

    int tcgetattr(int fd, Pointer termios);

    int tcsetattr(int fd, int when, Pointer termios);

    void cfmakeraw(Pointer termios);

    /** The calling thread's {@code errno} as left by the last call through JNA. */
    static int errno() {
        return Native.getLastError();
    }

    /** The message for an error number, e.g. "Device or resource busy". */
    String strerror(int errno);

    /** {@code strerror} text with the number, for exception messages. */
    static String describe(int errno) {
        return INSTANCE.strerror(errno) + " (errno " + errno + ")";
    }
}
