package hil.transports.console;

import hil.transports.Deadline;
import hil.transports.SocketConnector;
import hil.transports.TransportException;
import hil.transports.TransportTimeoutException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A text console on a byte stream pair (a serial line, a QEMU chardev socket, a telnet session).
 *
 * <p>A reader thread starts with the console and appends every byte to a buffer, so nothing printed before the
 * first {@code expect} is lost, and hands each chunk to listeners (a transcript file, a logger). Expects search a
 * <em>cleaned</em> transcript (escape sequences removed, line ends normalised; see {@link #transcript()}) after a
 * read mark, and wait until a {@link Deadline}. Fail-fast patterns registered with {@link #failOn} make any expect
 * throw as soon as the firmware reports a fatal error, instead of waiting out the deadline.
 *
 * <p>The transcript grows while an expect waits, so a pattern should end in something that is only printed
 * once the awaited text is complete ({@code \n}, a prompt); {@code $} would also match at the end of a half
 * received line.
 */
public final class Console implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Console.class.getName());
    private static final int READ_CHUNK = 64 * 1024;

    private final String name;
    private final String endpoint;
    private final ByteLink link;
    private final ConsoleBuffer buffer;
    private final Thread reader;
    private final Object writeLock = new Object();
    /** Serialises fan-out with listener registration, so a new listener gets each byte exactly once. */
    private final Object fanOutLock = new Object();
    private final List<Consumer<byte[]>> listeners = new CopyOnWriteArrayList<>();
    private final List<FailPattern> failures = new CopyOnWriteArrayList<>();
    private volatile int pacingChunk;
    private volatile Duration pacingPause = Duration.ZERO;
    private volatile boolean closing;

    private Console(ByteLink link, String name) {
        this.name = name;
        this.link = link;
        this.endpoint = "console '" + name + "' (" + link.describe() + ")";
        this.buffer = new ConsoleBuffer(endpoint);
        this.reader = new Thread(this::readLoop, "console-reader " + name);
        this.reader.setDaemon(true);
    }

    /**
     * Connects to a UNIX domain or TCP socket, retrying until {@code deadline} because the server may not have
     * created it yet, and starts recording. For the serial console of a local QEMU use {@link #openFifos}: QEMU
     * loses serial output on a UNIX socket whose reader falls behind by a few hundred bytes.
     */
    public static Console connect(SocketAddress address, String name, Deadline deadline) {
        String description = SocketConnector.describe(address);
        SocketChannel channel;
        try {
            channel = SocketConnector.connect(address, deadline);
        } catch (TransportTimeoutException e) {
            throw new TransportTimeoutException("console '" + name + "' (" + description + ")", e.awaited(),
                    e.budget(), "", e.getCause());
        }
        return start(new ChannelLink(channel, description), name);
    }

    /**
     * Opens a console on two named pipes (see {@link NamedPipes#create}): {@code fromTarget} carries the target's
     * output, {@code toTarget} its input. QEMU's {@code -chardev pipe,id=ID,path=P} reads {@code P.in} and writes
     * {@code P.out}. The target must already hold both open, as QEMU does (read-write, from start-up, before its
     * QMP socket answers): a {@code fromTarget} nobody writes to reads as an ended stream. Does not block.
     *
     * <p>For a QEMU serial console this is the link to use. QEMU's UART model writes one byte per call, and on a
     * UNIX socket every byte costs a whole socket buffer: the socket is full after a few hundred bytes unless
     * the reader runs at once. QEMU then holds the byte back, OVMF's serial driver gives up after about 1.5 ms
     * and TerminalDxe drops the rest of the string. Measured with QEMU 7.2 and OVMF 2022.11 on two cores:
     * a 2.6 KB {@code help} output arrived intact 3 times in 10 over a UNIX socket, 10 in 10 over FIFOs (and
     * 15 in 15 over TCP). A FIFO holds 64 KiB however the bytes were written.
     */
    public static Console openFifos(Path fromTarget, Path toTarget, String name) {
        Objects.requireNonNull(fromTarget, "fromTarget");
        Objects.requireNonNull(toTarget, "toTarget");
        try {
            return start(FifoLink.open(fromTarget, toTarget), name);
        } catch (IOException e) {
            throw new TransportException("console '" + name + "' (fifo:" + fromTarget + "," + toTarget + ")",
                    "cannot open: " + e.getMessage(), e);
        }
    }

    /** A console over existing streams (tests, serial ports, telnet); starts recording at once. */
    public static Console over(InputStream in, OutputStream out, String name) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(out, "out");
        return start(new StreamLink(in, out, "streams"), name);
    }

    /**
     * A console over any link (a serial port, a telnet session, a socket opened elsewhere); starts recording at
     * once. The console owns the link and closes it.
     */
    public static Console open(ByteLink link, String name) {
        return start(Objects.requireNonNull(link, "link"), name);
    }

    private static Console start(ByteLink link, String name) {
        Console console = new Console(link, Objects.requireNonNull(name, "name"));
        console.reader.start();
        return console;
    }

    /** The name given at creation, e.g. the target's name. */
    public String name() {
        return name;
    }

    /** How this console appears in messages: name and link. */
    public String endpoint() {
        return endpoint;
    }

    /** Sends text as UTF-8, paced as set by {@link #setPacing}. */
    public void send(String text) {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends bytes, paced as set by {@link #setPacing}. */
    public void send(byte[] bytes) {
        int chunk = pacingChunk;
        long pauseMillis = pacingPause.toMillis();
        synchronized (writeLock) {
            try {
                if (chunk <= 0) {
                    link.write(bytes, 0, bytes.length);
                    return;
                }
                for (int offset = 0; offset < bytes.length; offset += chunk) {
                    if (offset > 0) {
                        // Pacing is the point here: the receiver drops what arrives faster than it polls.
                        Thread.sleep(pauseMillis);
                    }
                    link.write(bytes, offset, Math.min(chunk, bytes.length - offset));
                }
            } catch (IOException e) {
                throw new ConsoleClosedException(endpoint, "sending failed: " + e.getMessage(), tail(300), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransportException(endpoint, "interrupted while sending", e);
            }
        }
    }

    /**
     * Splits everything sent into chunks of {@code chunkBytes} with {@code pause} between them, for receivers
     * that poll a small FIFO and lose what overflows it. {@code chunkBytes <= 0} turns pacing off (the default).
     */
    public void setPacing(int chunkBytes, Duration pause) {
        Objects.requireNonNull(pause, "pause");
        if (pause.isNegative()) {
            throw new IllegalArgumentException("pause must not be negative: " + pause);
        }
        this.pacingPause = pause;
        this.pacingChunk = chunkBytes;
    }

    /**
     * Waits until {@code pattern} matches the cleaned transcript after the read mark, moves the mark past the
     * match and returns it.
     *
     * @throws ConsoleFailureException   a fail-fast pattern appeared before the match
     * @throws ConsoleClosedException    the stream ended first
     * @throws TransportTimeoutException the deadline passed; the message quotes the transcript tail
     */
    public Match expect(Pattern pattern, Deadline deadline) {
        return buffer.await(List.of(Objects.requireNonNull(pattern, "pattern")), failures, deadline);
    }

    /** Like {@link #expect} for several patterns; the earliest match wins, {@link Match#pattern()} says which. */
    public Match expectAny(Deadline deadline, Pattern... patterns) {
        if (patterns.length == 0) {
            throw new IllegalArgumentException("expectAny needs at least one pattern");
        }
        return buffer.await(Arrays.asList(patterns), failures, deadline);
    }

    /**
     * Registers a pattern that means the target is broken (e.g. {@code ASSERT }, {@code !!!! X64 Exception}).
     * Any expect whose unread text contains it before the awaited match throws {@link ConsoleFailureException}
     * with {@code diagnosis}; the mark stays put, so later expects report it again.
     */
    public void failOn(Pattern pattern, String diagnosis) {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(diagnosis, "diagnosis");
        // The same pattern registered again (a console kept across boots) counts once.
        if (failures.stream().noneMatch(f -> f.pattern().pattern().equals(pattern.pattern()))) {
            failures.add(new FailPattern(pattern, diagnosis));
        }
    }

    /** Removes a pattern registered with {@link #failOn} (same regular expression); nothing if there is none. */
    public void removeFailOn(Pattern pattern) {
        failures.removeIf(f -> f.pattern().pattern().equals(pattern.pattern()));
    }

    /**
     * Everything received so far as plain text: escape sequences (CSI, OSC, charset selects, cursor moves)
     * removed, CR LF and lone CR turned into LF, backspace applied, control characters other than LF and TAB
     * dropped. Bytes are decoded as UTF-8; invalid bytes become U+FFFD.
     */
    public String transcript() {
        return buffer.text();
    }

    /** Every byte received so far, exactly as it arrived. */
    public byte[] rawTranscript() {
        return buffer.raw();
    }

    /** The last {@code chars} characters of the cleaned transcript. */
    public String tail(int chars) {
        return buffer.tail(chars);
    }

    /** The read mark: the position in the cleaned transcript where the next expect starts searching. */
    public int mark() {
        return buffer.mark();
    }

    /** Moves the read mark to the end of what has arrived, discarding unread text for expects; returns it. */
    public int skip() {
        return buffer.skip();
    }

    /**
     * Sets the longest silence an expect tolerates: when no byte arrives for {@code limit} while an expect waits,
     * it throws {@link ConsoleStalledException} before its own deadline. Null or zero turns it off (the default).
     * The silence is counted from the last byte received, or from this call.
     */
    public void setStallLimit(Duration limit) {
        buffer.stallLimit(limit);
    }

    /** Bytes received since the console was opened. */
    public long bytesReceived() {
        return buffer.bytesReceived();
    }

    /**
     * Waits until more than {@code count} bytes have been received in all (e.g. the count before power-on, to see
     * whether the target says anything at all).
     *
     * @return false when the deadline passed first
     * @throws ConsoleClosedException the stream ended first
     */
    public boolean awaitBytes(long count, Deadline deadline) {
        return buffer.awaitBytes(count, deadline);
    }

    /** Like {@link #since}, each line prefixed with the UTC time its first character arrived. */
    public String sinceTimestamped(int position) {
        return buffer.sinceTimestamped(position);
    }

    /** The cleaned transcript from {@code position} (e.g. an earlier {@link #mark()}) to now. */
    public String since(int position) {
        return buffer.since(position);
    }

    /**
     * Adds a consumer of raw bytes. It first receives everything recorded so far in one chunk, then every chunk
     * as it arrives, on the reader thread and before expects can see it; it must not block. A failing listener is
     * logged and kept.
     */
    public void addListener(Consumer<byte[]> listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (fanOutLock) {
            byte[] recorded = buffer.raw();
            if (recorded.length > 0) {
                notify(listener, recorded);
            }
            listeners.add(listener);
        }
    }

    /** False once the stream has ended or the console was closed. */
    public boolean isOpen() {
        return !buffer.isClosed();
    }

    /** Closes the link and stops the reader; waiting expects fail with {@link ConsoleClosedException}. */
    @Override
    public void close() {
        closing = true;
        try {
            link.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: close failed: {1}", endpoint, e.getMessage());
        }
        // A stream read may ignore close (PipedInputStream does); an interrupt ends it.
        reader.interrupt();
        if (Thread.currentThread() != reader) {
            try {
                reader.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        buffer.close("closed by the client", null);
    }

    @Override
    public String toString() {
        return endpoint;
    }

    private void readLoop() {
        byte[] chunk = new byte[READ_CHUNK];
        try {
            while (true) {
                int n = link.read(chunk);
                if (n < 0) {
                    buffer.close(closing ? "closed by the client" : "end of stream", null);
                    return;
                }
                if (n == 0) {
                    continue;
                }
                byte[] copy = Arrays.copyOf(chunk, n);
                synchronized (fanOutLock) {
                    // Listeners first: when an expect returns, a transcript file already holds its match.
                    for (Consumer<byte[]> listener : listeners) {
                        notify(listener, copy);
                    }
                    buffer.append(copy, 0, n);
                }
            }
        } catch (IOException e) {
            buffer.close(closing ? "closed by the client" : "read failed: " + e.getMessage(), closing ? null : e);
        }
    }

    private void notify(Consumer<byte[]> listener, byte[] bytes) {
        try {
            listener.accept(bytes.clone());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, endpoint + ": console listener failed", e);
        }
    }
}
