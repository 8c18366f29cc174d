package hil.transports.console;

import hil.transports.Deadline;
import hil.transports.TransportException;
import hil.transports.TransportTimeoutException;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Everything a console received since its first byte: the raw bytes, and the cleaned text that expects search.
 * The cleaned text is built incrementally (UTF-8 decoding and {@link TerminalFilter} both keep state across
 * reads), so a multi-byte character or an escape sequence split between two reads is handled whole.
 *
 * <p>A read mark separates what expects have consumed from what they have not; each successful expect moves it
 * past its match. Thread-safe: the reader thread appends while callers wait on the same lock.
 */
final class ConsoleBuffer implements TerminalFilter.Sink {

    /** How much of the cleaned transcript an error message quotes. */
    static final int TAIL_CHARS = 2000;

    private final String endpoint;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final TerminalFilter filter = new TerminalFilter();
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    /** Bytes of a UTF-8 sequence whose rest has not arrived yet (write mode). */
    private final ByteBuffer partial = ByteBuffer.allocate(8);
    private final StringBuilder text = new StringBuilder();
    private byte[] raw = new byte[64 * 1024];
    private int rawLength;
    private int readMark;
    private String closedReason;
    private Throwable closedCause;
    /** When each piece of the cleaned text arrived: text position where it starts, wall-clock milliseconds. */
    private int[] arrivalPositions = new int[1024];
    private long[] arrivalMillis = new long[1024];
    private int arrivals;
    /** System.nanoTime() of the last byte received, or of creation. */
    private long lastByteNanos = System.nanoTime();
    /** Bytes received so far. */
    private long bytesReceived;
    /** The longest silence an expect accepts before it reports a stall; zero: no limit. */
    private long stallNanos;

    ConsoleBuffer(String endpoint) {
        this.endpoint = endpoint;
    }

    void append(byte[] bytes, int offset, int length) {
        lock.lock();
        try {
            if (rawLength + length > raw.length) {
                raw = Arrays.copyOf(raw, Math.max(raw.length * 2, rawLength + length));
            }
            System.arraycopy(bytes, offset, raw, rawLength, length);
            rawLength += length;
            bytesReceived += length;
            lastByteNanos = System.nanoTime();
            int before = text.length();
            decode(bytes, offset, length);
            if (text.length() > before) {
                noteArrival(before, System.currentTimeMillis());
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Marks the end of the stream; the first reason given is kept. */
    void close(String reason, Throwable cause) {
        lock.lock();
        try {
            if (closedReason != null) {
                return;
            }
            CharBuffer out = CharBuffer.allocate(16);
            partial.flip();
            decoder.decode(partial, out, true);
            decoder.flush(out);
            partial.clear();
            out.flip();
            filter.feed(out, this);
            filter.flush(this);
            closedReason = reason;
            closedCause = cause;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closedReason != null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until one of {@code patterns} matches the cleaned text after the read mark, moves the mark past the
     * earliest match and returns it. A fail-fast pattern that matches before the end of that match wins.
     */
    Match await(List<Pattern> patterns, List<FailPattern> failures, Deadline deadline) {
        lock.lock();
        try {
            // Silence before this expect started (an idle console between steps) is not held against the target.
            long started = System.nanoTime();
            while (true) {
                int from = readMark;
                Match found = earliest(patterns, from);
                FailHit failure = earliestFailure(failures, from);
                if (failure != null && (found == null || failure.start < found.end())) {
                    throw new ConsoleFailureException(endpoint, failure.pattern.diagnosis(), failure.text,
                            tail(TAIL_CHARS));
                }
                if (found != null) {
                    readMark = found.end();
                    return found;
                }
                if (closedReason != null) {
                    throw new ConsoleClosedException(endpoint, "stream ended (" + closedReason
                            + ") while waiting for " + describe(patterns), tail(TAIL_CHARS), closedCause);
                }
                Deadline stall = stallDeadline(started);
                if (stall != null && stall.remainingNanos() < deadline.remainingNanos()) {
                    if (!awaitChange(stall) && stallDeadline(started).expired()) {
                        throw new ConsoleStalledException(endpoint, describe(patterns), Duration.ofNanos(stallNanos),
                                tail(TAIL_CHARS));
                    }
                    continue;
                }
                if (!awaitChange(deadline)) {
                    throw new TransportTimeoutException(endpoint, describe(patterns), deadline.budget(),
                            tail(TAIL_CHARS));
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Caller holds the lock. The moment the silence limit runs out, or null without a limit. */
    private Deadline stallDeadline(long awaitStarted) {
        if (stallNanos <= 0) {
            return null;
        }
        long left = Math.max(lastByteNanos, awaitStarted) + stallNanos - System.nanoTime();
        return Deadline.in(Duration.ofNanos(Math.max(0, left)));
    }

    void stallLimit(Duration limit) {
        lock.lock();
        try {
            stallNanos = limit == null ? 0 : limit.toNanos();
            // The silence is counted from now: time spent before the limit was set is not held against the target.
            lastByteNanos = System.nanoTime();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until more than {@code count} bytes have been received in all.
     *
     * @return false when the deadline passed first
     */
    boolean awaitBytes(long count, Deadline deadline) {
        lock.lock();
        try {
            while (bytesReceived <= count) {
                if (closedReason != null) {
                    throw new ConsoleClosedException(endpoint, "stream ended (" + closedReason
                            + ") while waiting for the first byte", tail(TAIL_CHARS), closedCause);
                }
                if (!awaitChange(deadline)) {
                    return false;
                }
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    long bytesReceived() {
        lock.lock();
        try {
            return bytesReceived;
        } finally {
            lock.unlock();
        }
    }

    /** Caller holds the lock. */
    private void noteArrival(int position, long millis) {
        if (arrivals == arrivalPositions.length) {
            arrivalPositions = Arrays.copyOf(arrivalPositions, arrivals * 2);
            arrivalMillis = Arrays.copyOf(arrivalMillis, arrivals * 2);
        }
        arrivalPositions[arrivals] = position;
        arrivalMillis[arrivals] = millis;
        arrivals++;
    }

    /**
     * The cleaned text from {@code position}, each line prefixed with the wall-clock time (UTC,
     * {@code HH:mm:ss.SSS}) at which its first character arrived.
     */
    String sinceTimestamped(int position) {
        lock.lock();
        try {
            int from = Math.min(Math.max(0, position), text.length());
            StringBuilder out = new StringBuilder(text.length() - from + (text.length() - from) / 8);
            int lineStart = from;
            int entry = 0;
            while (lineStart < text.length()) {
                int end = text.indexOf("\n", lineStart);
                int lineEnd = end < 0 ? text.length() : end + 1;
                while (entry + 1 < arrivals && arrivalPositions[entry + 1] <= lineStart) {
                    entry++;
                }
                long millis = arrivals == 0 ? System.currentTimeMillis() : arrivalMillis[entry];
                out.append('[').append(TIME.format(java.time.Instant.ofEpochMilli(millis))).append("] ");
                out.append(text, lineStart, lineEnd);
                lineStart = lineEnd;
            }
            return out.toString();
        } finally {
            lock.unlock();
        }
    }

    private static final java.time.format.DateTimeFormatter TIME =
            java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(java.time.ZoneOffset.UTC);

    String text() {
        lock.lock();
        try {
            return text.toString();
        } finally {
            lock.unlock();
        }
    }

    byte[] raw() {
        lock.lock();
        try {
            return Arrays.copyOf(raw, rawLength);
        } finally {
            lock.unlock();
        }
    }

    String tail(int chars) {
        lock.lock();
        try {
            return text.substring(Math.max(0, text.length() - chars));
        } finally {
            lock.unlock();
        }
    }

    int mark() {
        lock.lock();
        try {
            return readMark;
        } finally {
            lock.unlock();
        }
    }

    /** Moves the read mark to the end of what has arrived, so the next expect only sees new text. */
    int skip() {
        lock.lock();
        try {
            readMark = text.length();
            return readMark;
        } finally {
            lock.unlock();
        }
    }

    String since(int position) {
        lock.lock();
        try {
            return text.substring(Math.min(Math.max(0, position), text.length()));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void emit(char c) {
        text.append(c);
    }

    /** Text an expect already consumed is never edited, so match positions stay valid. */
    @Override
    public void backspace() {
        int length = text.length();
        if (length > readMark && text.charAt(length - 1) != '\n') {
            text.setLength(length - 1);
        }
    }

    /** Caller holds the lock. */
    private void decode(byte[] bytes, int offset, int length) {
        ByteBuffer input;
        if (partial.position() > 0) {
            partial.flip();
            input = ByteBuffer.allocate(partial.remaining() + length);
            input.put(partial).put(bytes, offset, length).flip();
            partial.clear();
        } else {
            input = ByteBuffer.wrap(bytes, offset, length);
        }
        // UTF-8 never yields more chars than bytes; an incomplete trailing sequence stays in the input.
        CharBuffer out = CharBuffer.allocate(input.remaining() + 1);
        decoder.decode(input, out, false);
        partial.put(input);
        out.flip();
        filter.feed(out, this);
    }

    private Match earliest(List<Pattern> patterns, int from) {
        Match best = null;
        for (Pattern pattern : patterns) {
            Matcher matcher = Matching.from(pattern, text, from);
            if (matcher.find() && (best == null || matcher.start() < best.start())) {
                best = Matching.snapshot(pattern, matcher, text, from);
            }
        }
        return best;
    }

    private FailHit earliestFailure(List<FailPattern> failures, int from) {
        FailHit best = null;
        for (FailPattern failure : failures) {
            Matcher matcher = Matching.from(failure.pattern(), text, from);
            if (matcher.find() && (best == null || matcher.start() < best.start)) {
                best = new FailHit(failure, matcher.start(), matcher.group());
            }
        }
        return best;
    }

    private boolean awaitChange(Deadline deadline) {
        try {
            return deadline.await(changed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException(endpoint, "interrupted while waiting", e);
        }
    }

    private static String describe(List<Pattern> patterns) {
        return patterns.stream().map(p -> "/" + p.pattern() + "/").collect(Collectors.joining(" or "));
    }

    private record FailHit(FailPattern pattern, int start, String text) {
    }
}
