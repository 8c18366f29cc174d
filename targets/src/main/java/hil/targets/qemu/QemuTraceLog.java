package hil.targets.qemu;

import hil.targets.HilException;
import hil.transports.Deadline;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * QEMU's trace log ({@code -D}, a FIFO), read on a thread of its own: the trace lines of the variable flash go to
 * the recording of an armed power cut ({@link #record}), the markers of QMP commands are counted
 * ({@link #awaitMarker}), anything else goes to the machine's {@code qemu.log}.
 *
 * <p>Trace lines are read through the FIFO as QEMU writes them (it flushes after each), so a cut can stop QEMU
 * while the firmware is still writing; each line is written by QEMU before the write it reports changes the flash
 * file. A FIFO of our own, not the process's stderr stream: the JDK drains and closes a child's pipes when it
 * exits, and a reader blocked on one then loses the lines still in the pipe — exactly the last writes before a
 * kill, the ones a cut must see.
 */
final class QemuTraceLog {

    /**
     * The trace event that marks a QMP command: QEMU traces it when the command arrives. A command sent after the
     * firmware answered a call comes after every flash write of that call, so once its marker is read, every trace
     * line of the call has been read too.
     */
    static final String MARKER_EVENT = "handle_qmp_command";

    private final Thread thread;
    private final FileChannel in;
    /** Our own writer on the FIFO until QEMU has opened it; then QEMU's exit ends the stream. */
    private FileChannel standIn;
    private final Object lock = new Object();
    private Recording recording;
    private long markers;
    private boolean ended;

    private QemuTraceLog(FileChannel standIn, FileChannel in, Path log, String name) {
        this.standIn = standIn;
        this.in = in;
        this.thread = new Thread(() -> pump(Channels.newInputStream(in), log), "qemu-trace-" + name);
        thread.setDaemon(true);
    }

    /**
     * Opens the FIFO {@code fifo} for reading before QEMU starts (opening it read-write first, which never blocks,
     * so that QEMU's open for writing does not block either) and starts reading; lines that are not traces are
     * appended to {@code log}. Call {@link #writerOpened()} once QEMU runs.
     */
    static QemuTraceLog open(Path fifo, Path log, String name) throws IOException {
        FileChannel standIn = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileChannel in;
        try {
            in = FileChannel.open(fifo, StandardOpenOption.READ);
        } catch (IOException | RuntimeException e) {
            standIn.close();
            throw e;
        }
        QemuTraceLog t = new QemuTraceLog(standIn, in, log, name);
        t.thread.start();
        return t;
    }

    /** QEMU holds the FIFO open (it opens its log file while it parses its options): its exit now ends the stream. */
    void writerOpened() {
        closeStandIn();
    }

    /** Stops reading (QEMU did not start). */
    void close() {
        closeStandIn();
        try {
            in.close();
        } catch (IOException e) {
            // nothing to release
        }
    }

    private void closeStandIn() {
        synchronized (lock) {
            if (standIn != null) {
                try {
                    standIn.close();
                } catch (IOException e) {
                    // the reader still ends at QEMU's exit
                }
                standIn = null;
            }
        }
    }

    /** The writes to the variable flash since {@link #record}; the cut runs on the {@code cutAt}-th. */
    static final class Recording {
        private final int cutAt;
        private final Runnable cut;
        private final List<FlashWrite> writes = new ArrayList<>();
        private boolean fired;

        private Recording(int cutAt, Runnable cut) {
            this.cutAt = cutAt;
            this.cut = cut;
        }

        /** The writes read so far, in order. */
        synchronized List<FlashWrite> writes() {
            return List.copyOf(writes);
        }

        /** Whether the cut ran (the {@code cutAt}-th write was read). */
        synchronized boolean fired() {
            return fired;
        }

        private void add(FlashWrite w) {
            boolean fire;
            synchronized (this) {
                writes.add(w);
                fire = !fired && writes.size() == cutAt;
                fired |= fire;
            }
            if (fire) {
                cut.run();
            }
        }
    }

    /**
     * Starts a recording of the writes to the variable flash; {@code cut} runs on this reader's thread as soon as
     * the {@code cutAt}-th write's line is read, so nothing but the pipe lies between QEMU and the cut.
     */
    Recording record(int cutAt, Runnable cut) {
        synchronized (lock) {
            recording = new Recording(cutAt, cut);
            return recording;
        }
    }

    /** Ends the recording: later trace lines are dropped. */
    void stopRecording() {
        synchronized (lock) {
            recording = null;
        }
    }

    /** How many QMP command markers were read. */
    long markers() {
        synchronized (lock) {
            return markers;
        }
    }

    /** Waits until more than {@code seen} markers were read, i.e. every line QEMU wrote before that command. */
    void awaitMarker(long seen, Deadline deadline) {
        synchronized (lock) {
            while (markers <= seen && !ended) {
                waitOn(deadline, "the trace line of a QMP command");
            }
            if (markers <= seen) {
                throw new HilException("QEMU's trace log ended before the trace line of a QMP command arrived");
            }
        }
    }

    /** Waits until QEMU closed the trace log (it exited) and every line was read. */
    void awaitEnd(Deadline deadline) {
        synchronized (lock) {
            while (!ended) {
                waitOn(deadline, "the end of QEMU's standard error");
            }
        }
    }

    private void waitOn(Deadline deadline, String what) {
        long ms = deadline.remaining().toMillis();
        if (ms <= 0) {
            throw new HilException("timed out waiting for " + what);
        }
        try {
            lock.wait(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HilException("interrupted while waiting for " + what, e);
        }
    }

    private void pump(InputStream in, Path log) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
             OutputStream out = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (FlashWrite.isTrace(line)) {
                    Recording rec;
                    synchronized (lock) {
                        rec = recording;
                    }
                    if (rec != null) {
                        FlashWrite.parse(line).ifPresent(rec::add);
                    }
                } else if (line.contains(MARKER_EVENT)) {
                    synchronized (lock) {
                        markers++;
                        lock.notifyAll();
                    }
                } else {
                    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        } catch (IOException e) {
            // closed by close(): QEMU did not start
        } finally {
            synchronized (lock) {
                ended = true;
                lock.notifyAll();
            }
        }
    }
}
