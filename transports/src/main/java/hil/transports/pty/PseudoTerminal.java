package hil.transports.pty;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.ptr.IntByReference;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A Linux pseudo-terminal pair from {@code openpty}: the master side is this object's streams, the slave side is a
 * tty path ({@code /dev/pts/N}) that serial code opens as if it were a UART. It stands in for a board's serial
 * line in tests, the way QEMU's {@code -serial pty} does.
 *
 * <p>The slave is put in raw mode at once ({@code cfmakeraw}: no echo, no line editing, no CR/LF translation,
 * 8 bits), so a plain {@code FileInputStream} on {@link #slavePath()} sees the bytes exactly as written to the
 * master. Opening the slave with jSerialComm would also configure raw mode; doing it here makes the pair usable
 * without it.
 *
 * <p>This object keeps its own slave descriptor open until {@link #close()}. Without a holder, the master reads
 * {@code EIO} whenever no client has the slave open (before the client opens it, and between a client's close
 * and reopen), and the bytes written meanwhile are lost; held open, they wait in the slave's input queue.
 *
 * <p>The master descriptor is non-blocking and every read and write waits in {@code poll} in slices of
 * {@value #POLL_MILLIS} ms, so {@link #close()} ends a blocked read or write within one slice (closing a
 * descriptor does not wake a thread blocked in {@code read} on Linux) and never closes a descriptor number that
 * another thread is using. Reads return -1 once the pair is closed.
 */
public final class PseudoTerminal implements AutoCloseable {

    private static final int POLL_MILLIS = 100;

    private final int master;
    private final int slave;
    private final Path slavePath;
    /** I/O holds the read lock during its system calls, close takes the write lock: no descriptor is reused under us. */
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private volatile boolean closed;
    private final InputStream input = new MasterInput();
    private final OutputStream output = new MasterOutput();

    private PseudoTerminal(int master, int slave, Path slavePath) {
        this.master = master;
        this.slave = slave;
        this.slavePath = slavePath;
    }

    /**
     * Creates a pseudo-terminal pair with the slave in raw mode.
     *
     * @throws IOException {@code openpty} failed (no {@code /dev/ptmx}, no devpts mounted, too many ptys)
     */
    public static PseudoTerminal open() throws IOException {
        Libc libc = Libc.INSTANCE;
        IntByReference masterRef = new IntByReference(-1);
        IntByReference slaveRef = new IntByReference(-1);
        if (OpenPty.FUNCTION.invokeInt(new Object[]{masterRef, slaveRef, null, null, null}) != 0) {
            throw new IOException("openpty failed: " + Libc.describe(Libc.errno()));
        }
        int master = masterRef.getValue();
        int slave = slaveRef.getValue();
        try {
            Path path = ttyName(libc, slave);
            makeRaw(libc, slave);
            int flags = libc.fcntl(master, Libc.F_GETFL, 0);
            if (flags < 0 || libc.fcntl(master, Libc.F_SETFL, flags | Libc.O_NONBLOCK) < 0) {
                throw new IOException("cannot make the pty master non-blocking: " + Libc.describe(Libc.errno()));
            }
            return new PseudoTerminal(master, slave, path);
        } catch (IOException | RuntimeException e) {
            libc.close(slave);
            libc.close(master);
            throw e;
        }
    }

    /** The slave tty, e.g. {@code /dev/pts/7}: give it to whatever plays the host side of the serial line. */
    public Path slavePath() {
        return slavePath;
    }

    /** Bytes written to the slave. Blocks until some arrive; -1 once this pair is closed. */
    public InputStream masterInput() {
        return input;
    }

    /** Bytes for readers of the slave. A write blocks while the slave's input queue is full. */
    public OutputStream masterOutput() {
        return output;
    }

    /** False after {@link #close()}. */
    public boolean isOpen() {
        return !closed;
    }

    /**
     * Closes the master and the slave descriptor held here; waits for a blocked read or write to finish its
     * current {@code poll} slice, which then returns -1 or throws. Idempotent. A client that still has the slave open sees a
     * hang-up: its reads return end of file or {@code EIO}, like a UART whose USB adapter was pulled.
     */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return; // a second close must not close descriptor numbers that were reused meanwhile
            }
            closed = true;
            Libc.INSTANCE.close(master);
            Libc.INSTANCE.close(slave);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "pty:" + slavePath + (closed ? " (closed)" : "");
    }

    private static Path ttyName(Libc libc, int fd) throws IOException {
        byte[] name = new byte[128];
        int error = libc.ttyname_r(fd, name, new NativeLong(name.length));
        if (error != 0) {
            throw new IOException("ttyname_r on the pty slave failed: " + Libc.describe(error));
        }
        int length = 0;
        while (length < name.length && name[length] != 0) {
            length++;
        }
        return Path.of(new String(name, 0, length, StandardCharsets.UTF_8));
    }

    private static void makeRaw(Libc libc, int fd) throws IOException {
        try (Memory termios = new Memory(Libc.TERMIOS_SIZE)) {
            termios.clear();
            if (libc.tcgetattr(fd, termios) != 0) {
                throw new IOException("tcgetattr on the pty slave failed: " + Libc.describe(Libc.errno()));
            }
            libc.cfmakeraw(termios);
            if (libc.tcsetattr(fd, Libc.TCSANOW, termios) != 0) {
                throw new IOException("tcsetattr on the pty slave failed: " + Libc.describe(Libc.errno()));
            }
        }
    }

    /**
     * Waits up to one slice for {@code events} on the master; true when ready. The caller holds the read lock.
     * Error and hang-up count as ready, so that the following read or write reports them.
     */
    private boolean ready(Memory pollfd, short events) throws IOException {
        pollfd.setInt(0, master);
        pollfd.setShort(4, events);
        pollfd.setShort(6, (short) 0);
        int n = Libc.INSTANCE.poll(pollfd, new NativeLong(1), POLL_MILLIS);
        if (n < 0) {
            int errno = Libc.errno();
            if (errno == Libc.EINTR) {
                return false;
            }
            throw new IOException(this + ": poll failed: " + Libc.describe(errno));
        }
        return n > 0;
    }

    private static void checkInterrupt() throws InterruptedIOException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("interrupted");
        }
    }

    private final class MasterInput extends InputStream {

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, buffer.length);
            if (length == 0) {
                return 0;
            }
            byte[] chunk = offset == 0 ? buffer : new byte[length];
            try (Memory pollfd = new Memory(Libc.POLLFD_SIZE)) {
                while (true) {
                    checkInterrupt();
                    lifecycle.readLock().lock();
                    try {
                        if (closed) {
                            return -1;
                        }
                        if (!ready(pollfd, Libc.POLLIN)) {
                            continue;
                        }
                        long n = Libc.INSTANCE.read(master, chunk, new NativeLong(length)).longValue();
                        if (n > 0) {
                            if (chunk != buffer) {
                                System.arraycopy(chunk, 0, buffer, offset, (int) n);
                            }
                            return (int) n;
                        }
                        if (n == 0) {
                            return -1;
                        }
                        int errno = Libc.errno();
                        if (errno == Libc.EAGAIN || errno == Libc.EINTR) {
                            continue;
                        }
                        if (errno == Libc.EIO) {
                            // Every slave descriptor is closed; cannot happen while ours is open.
                            return -1;
                        }
                        throw new IOException(PseudoTerminal.this + ": read failed: " + Libc.describe(errno));
                    } finally {
                        lifecycle.readLock().unlock();
                    }
                }
            }
        }

        @Override
        public void close() {
            PseudoTerminal.this.close();
        }
    }

    private final class MasterOutput extends OutputStream {

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, bytes.length);
            byte[] rest = Arrays.copyOfRange(bytes, offset, offset + length);
            try (Memory pollfd = new Memory(Libc.POLLFD_SIZE)) {
                while (rest.length > 0) {
                    checkInterrupt();
                    lifecycle.readLock().lock();
                    try {
                        if (closed) {
                            throw new IOException(PseudoTerminal.this + ": closed");
                        }
                        if (!ready(pollfd, Libc.POLLOUT)) {
                            continue;
                        }
                        long n = Libc.INSTANCE.write(master, rest, new NativeLong(rest.length)).longValue();
                        if (n > 0) {
                            rest = Arrays.copyOfRange(rest, (int) n, rest.length);
                            continue;
                        }
                        int errno = Libc.errno();
                        if (n < 0 && (errno == Libc.EAGAIN || errno == Libc.EINTR)) {
                            continue;
                        }
                        throw new IOException(PseudoTerminal.this + ": write failed: " + Libc.describe(errno));
                    } finally {
                        lifecycle.readLock().unlock();
                    }
                }
            }
        }

        @Override
        public void close() {
            PseudoTerminal.this.close();
        }
    }

    /** {@code openpty}, found once: in libc since glibc 2.34, in libutil before. */
    private static final class OpenPty {
        static final Function FUNCTION = find();

        private static Function find() {
            try {
                return NativeLibrary.getInstance("c").getFunction("openpty");
            } catch (UnsatisfiedLinkError notInLibc) {
                try {
                    return NativeLibrary.getInstance("util").getFunction("openpty");
                } catch (UnsatisfiedLinkError notInLibutil) {
                    notInLibutil.addSuppressed(notInLibc);
                    throw notInLibutil;
                }
            }
        }
    }
}
