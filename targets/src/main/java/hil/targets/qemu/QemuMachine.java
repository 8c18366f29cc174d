package hil.targets.qemu;

import hil.targets.HilException;
import hil.transports.Deadline;
import hil.transports.console.Console;
import hil.transports.console.NamedPipes;
import hil.transports.qmp.QmpClient;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One QEMU process with a private copy of the variable flash. Started paused, with QMP on a UNIX socket and the
 * serial console on a pair of FIFOs in a private 0700 directory; both are connected before the CPU runs, so no
 * console byte is lost.
 * {@link #close()} stops and reaps it on every path; a JVM shutdown hook does the same for anything left.
 */
final class QemuMachine implements AutoCloseable {

    private final String name;
    private final Path dir;
    private final Process process;
    private final QmpClient qmp;
    private final Console console;
    private final List<String> command;
    private final QemuTraceLog trace;
    private volatile boolean stopped;

    private QemuMachine(String name, Path dir, Process process, QmpClient qmp, Console console, List<String> command,
                        QemuTraceLog trace) {
        this.name = name;
        this.dir = dir;
        this.process = process;
        this.qmp = qmp;
        this.console = console;
        this.command = command;
        this.trace = trace;
    }

    /**
     * Starts QEMU paused, connects QMP and the console, and lets the CPU run.
     *
     * @param varsImage the variable flash to copy for this machine
     * @param fatImage  the FAT drive (agent, startup.nsh), shared read-only
     */
    static QemuMachine start(String name, QemuSettings s, Path varsImage, Path fatImage, Deadline deadline) {
        return start(name, s, varsImage, fatImage, null, deadline);
    }

    /**
     * Starts QEMU from a state {@link #saveState} wrote, with the flash saved with it: QEMU starts paused waiting
     * for the state ({@code -incoming defer}), loads it, and the CPU runs on from where the saved machine was.
     */
    static QemuMachine restore(String name, QemuSettings s, SavedState saved, Path fatImage, Deadline deadline) {
        return start(name, s, saved.flash(), fatImage, saved.state(), deadline);
    }

    /** A machine's saved state: QEMU's migration stream (RAM, devices, CPUs) and its variable flash at that moment. */
    record SavedState(Path state, Path flash) {
    }

    private static QemuMachine start(String name, QemuSettings s, Path varsImage, Path fatImage, Path incoming,
                                     Deadline deadline) {
        Path dir;
        QemuTraceLog trace = null;
        try {
            dir = Files.createTempDirectory("hil-qemu-", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            Files.copy(varsImage, dir.resolve("vars.fd"), StandardCopyOption.REPLACE_EXISTING);
            // The serial console goes through FIFOs: over a UNIX socket QEMU's one-byte writes stall and OVMF's
            // serial driver drops the rest of a long line (see Console.openFifos).
            NamedPipes.create(dir.resolve("console.in"));
            NamedPipes.create(dir.resolve("console.out"));
            NamedPipes.create(dir.resolve("trace.fifo"));
            trace = QemuTraceLog.open(dir.resolve("trace.fifo"), dir.resolve("qemu.log"), name);
        } catch (IOException e) {
            if (trace != null) {
                trace.close();
            }
            throw new HilException("cannot prepare a machine directory for " + name + ": " + e.getMessage(), e);
        }
        List<String> cmd = new ArrayList<>(command(s, dir, fatImage));
        if (incoming != null) {
            cmd.addAll(List.of("-incoming", "defer"));
        }
        Process process;
        try {
            process = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("qemu.log").toFile())).start();
        } catch (IOException e) {
            trace.close();
            deleteTree(dir);
            throw new HilException("cannot start " + cmd.get(0) + " for target " + name + ": " + e.getMessage(), e);
        }
        QmpClient qmp = null;
        Console console = null;
        try {
            awaitSocket(process, dir.resolve("qmp.sock"), dir, deadline);
            trace.writerOpened();
            qmp = QmpClient.connect(UnixDomainSocketAddress.of(dir.resolve("qmp.sock")), deadline);
            console = Console.openFifos(dir.resolve("console.out"), dir.resolve("console.in"), name + " serial");
            QemuMachine m = new QemuMachine(name, dir, process, qmp, console, cmd, trace);
            MachineRegistry.add(m);
            if (incoming != null) {
                loadState(qmp, incoming, deadline);
            }
            qmp.cont(deadline);
            return m;
        } catch (RuntimeException e) {
            closeQuietly(console);
            closeQuietly(qmp);
            process.destroyForcibly();
            waitQuietly(process);
            trace.close();
            String log = readLog(dir);
            deleteTree(dir);
            throw new HilException("QEMU for target " + name + " did not start: " + e.getMessage()
                    + (log.isBlank() ? "" : " — QEMU said: " + log.strip()), e);
        }
    }

    static List<String> command(QemuSettings s, Path dir, Path fatImage) {
        String accel = AccelProbe.choose(s);
        List<String> cmd = new ArrayList<>();
        cmd.add(QemuOvmfKind.resolveExecutable(s.qemu()).map(Path::toString).orElse(s.qemu().toString()));
        cmd.addAll(List.of(
                "-machine", s.machine() + ",accel=" + accel,
                "-global", "driver=cfi.pflash01,property=secure,value=on",
                "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + s.code(),
                "-drive", "if=pflash,format=raw,unit=1,file=" + dir.resolve("vars.fd"),
                "-drive", "if=none,id=hilfat,format=raw,readonly=on,file=" + fatImage,
                "-device", "virtio-blk-pci,drive=hilfat",
                "-m", Integer.toString(s.memoryMiB()),
                "-nodefaults", "-no-user-config", "-net", "none",
                "-vga", "std", "-display", "none",
                "-chardev", "pipe,id=hilcon,path=" + dir.resolve("console"),
                "-serial", "chardev:hilcon",
                "-qmp", "unix:" + dir.resolve("qmp.sock") + ",server=on,wait=off",
                // Turns the log trace backend on (to the trace FIFO) with only the QMP marker; a power cut enables the
                // flash events for one call over QMP.
                "-trace", "enable=" + QemuTraceLog.MARKER_EVENT,
                "-D", dir.resolve("trace.fifo").toString(),
                "-S"));
        return cmd;
    }

    /** Feeds a saved state to a QEMU started with {@code -incoming defer} and waits until it is loaded (paused). */
    private static void loadState(QmpClient qmp, Path state, Deadline deadline) {
        qmp.execute("migrate-incoming", Map.of("uri", "exec:cat " + shellQuoted(state)), deadline);
        while (true) {
            String status = qmp.queryStatus(deadline);
            if ("paused".equals(status) || "postmigrate".equals(status)) {
                return;
            }
            if (!"inmigrate".equals(status)) {
                throw new HilException("QEMU did not load the saved state " + state + ": its run state is " + status);
            }
            pause(deadline, "loading a saved state");
        }
    }

    /**
     * Saves this machine's state to {@code dir}: the CPU stops, QEMU writes its migration stream (RAM, devices, CPU
     * state) to a file and the variable flash is copied at the same moment, then the CPU runs on. Restoring both
     * ({@link #restore}) gives a machine in exactly this state.
     */
    SavedState saveState(Path dir, Deadline deadline) {
        SavedState saved = new SavedState(dir.resolve("state.bin"), dir.resolve("vars.fd"));
        try {
            Files.createDirectories(dir);
            qmp.execute("stop", deadline);
            qmp.execute("migrate", Map.of("uri", "exec:cat > " + shellQuoted(saved.state())), deadline);
            while (true) {
                var info = qmp.execute("query-migrate", deadline);
                String status = info.path("status").asText();
                if ("completed".equals(status)) {
                    break;
                }
                if ("failed".equals(status) || "cancelled".equals(status)) {
                    throw new HilException("QEMU could not save the state of " + name + ": migration " + status
                            + (info.has("error-desc") ? " (" + info.path("error-desc").asText() + ")" : ""));
                }
                pause(deadline, "saving the machine state");
            }
            // The flash is written by QEMU as the guest writes it; stopped, nothing changes it until cont.
            Files.copy(varsFile(), saved.flash(), StandardCopyOption.REPLACE_EXISTING);
            qmp.cont(deadline);
            return saved;
        } catch (IOException e) {
            throw new HilException("cannot save the state of " + name + ": " + e.getMessage(), e);
        }
    }

    private static String shellQuoted(Path p) {
        return "'" + p.toString().replace("'", "'\\''") + "'";
    }

    private static void pause(Deadline deadline, String what) {
        if (deadline.expired()) {
            throw new HilException("timed out " + what);
        }
        try {
            // QEMU reports the progress of a migration only when asked.
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HilException("interrupted while " + what, e);
        }
    }

    /** Waits for QEMU to create its QMP socket; fails at once if QEMU exits. */
    private static void awaitSocket(Process process, Path socket, Path dir, Deadline deadline) {
        while (!Files.exists(socket)) {
            if (!process.isAlive()) {
                throw new HilException("QEMU exited with status " + process.exitValue() + " before opening QMP");
            }
            if (deadline.expired()) {
                throw new HilException("QEMU did not open its QMP socket in time");
            }
            try {
                // Polling a file QEMU creates within milliseconds of starting; there is no event to wait on.
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HilException("interrupted while starting QEMU", e);
            }
        }
    }

    String name() {
        return name;
    }

    QmpClient qmp() {
        return qmp;
    }

    Console console() {
        return console;
    }

    boolean alive() {
        return !stopped && process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    Path directory() {
        return dir;
    }

    List<String> commandLine() {
        return command;
    }

    /** This machine's copy of the variable flash. */
    Path varsFile() {
        return dir.resolve("vars.fd");
    }

    /**
     * What a power cut did: the writes the call made to the variable flash as far as they were traced, where the
     * kill landed and what the flash file holds now. The machine is dead afterwards.
     *
     * @param reply    the call's answer, when it arrived before the kill (else null)
     * @param aimedAt  the write the cut was aimed at: QEMU was killed as soon as the next write's trace line was read
     * @param traced   the writes traced before QEMU died
     * @param reached  of those, the writes that reached the flash file (the last may be traced but not written)
     * @param kept     the writes the flash file holds now: {@code aimedAt}, or all of them when the call made fewer
     * @param finished whether the call made no more than {@code aimedAt} writes, so the cut came right after it
     */
    record FlashCut<R>(R reply, int aimedAt, int traced, int reached, int kept, boolean finished) {

        /** Whether the call wrote nothing to the flash: then nothing was cut and QEMU still runs. */
        boolean nothingWritten() {
            return traced == 0;
        }

        /** How many writes QEMU made after the one the cut was aimed at, before the kill took effect. */
        int overshoot() {
            return reached - kept;
        }
    }

    /**
     * Makes {@code call} with the power cut after the {@code aimAt}-th write to the variable flash, and leaves the
     * flash file as that cut leaves it; when the call wrote nothing, nothing is cut and QEMU still runs.
     *
     * <p>While the call runs, QEMU traces every flash write to its trace log, and the reader kills QEMU (SIGKILL,
     * by pid) as soon as it reads the line of write {@code aimAt + 1}: QEMU traces a write before it makes it, and
     * makes it before it runs the firmware on to the next one, so that line proves the aimed write reached the
     * file. A killed QEMU writes nothing more, but the kill lands a few writes later (QEMU keeps running while
     * the line travels through the FIFO and the signal is delivered). Every
     * write before the kill is traced with its offset and value, so the cut is made exact: the file is first
     * checked to be the flash before the call plus the traced writes (all of them, or all but the last, which QEMU
     * traces just before writing it) — proof that the trace is complete — and then rewritten as the flash before
     * the call plus the first {@code aimAt} writes. A call that finishes with fewer writes is cut right after it.
     */
    <R> FlashCut<R> cutPower(int aimAt, Supplier<R> call, Deadline deadline) {
        if (aimAt < 1) {
            throw new IllegalArgumentException("a power cut is aimed at a flash write from 1 on, not " + aimAt);
        }
        byte[] before = readVars();
        QemuTraceLog.Recording recording = trace.record(aimAt + 1, process::destroyForcibly);
        R reply = null;
        try {
            traceFlash(true, deadline);
            reply = call.get();
        } catch (RuntimeException e) {
            if (!recording.fired()) {
                trace.stopRecording();
                throw e;
            }
            // The console or QMP ended because the cut killed QEMU: that is the power loss.
        }
        boolean finished = !recording.fired();
        if (finished) {
            long seen = trace.markers();
            try {
                traceFlash(false, deadline);
                trace.awaitMarker(seen + 1, deadline);
            } catch (RuntimeException e) {
                // The firmware went on writing after the call's reply (a write the reply did not wait for) and the
                // aimed write came then: the cut killed QEMU under the QMP command. That is the power loss too.
                if (!recording.fired()) {
                    trace.stopRecording();
                    throw e;
                }
            }
            finished = !recording.fired();
        }
        if (finished) {
            trace.stopRecording();
            if (recording.writes().isEmpty()) {
                return new FlashCut<>(reply, aimAt, 0, 0, 0, true);
            }
            process.destroyForcibly();
        }
        try {
            if (!process.waitFor(Math.max(1, deadline.remainingMillis()), TimeUnit.MILLISECONDS)) {
                throw new HilException("QEMU of " + name + " did not die after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HilException("interrupted while cutting the power of " + name, e);
        }
        trace.awaitEnd(deadline);
        List<FlashWrite> writes = recording.writes();
        byte[] after = readVars();
        int reached;
        if (Arrays.equals(after, FlashWrite.replay(before, writes, writes.size()))) {
            reached = writes.size();
        } else if (!writes.isEmpty() && Arrays.equals(after, FlashWrite.replay(before, writes, writes.size() - 1))) {
            reached = writes.size() - 1;
        } else {
            throw new HilException("the flash file of " + name + " after the power cut is not the flash before the"
                    + " call plus the " + writes.size() + " traced writes (it differs "
                    + differences(after, FlashWrite.replay(before, writes, writes.size())) + "): the trace is incomplete");
        }
        int kept = Math.min(aimAt, writes.size());
        if (reached < kept) {
            throw new HilException("the power cut of " + name + " landed before write " + kept + " reached the flash"
                    + " file (" + reached + " of " + writes.size() + " traced writes did)");
        }
        try {
            Files.write(varsFile(), FlashWrite.replay(before, writes, kept));
        } catch (IOException e) {
            throw new HilException("cannot write the flash file of " + name + " after the power cut: " + e.getMessage(), e);
        }
        return new FlashCut<>(reply, aimAt, writes.size(), reached, kept, finished);
    }

    /** Where two flash images differ, for a message: the count and the first offsets. */
    private static String differences(byte[] actual, byte[] expected) {
        List<String> at = new ArrayList<>();
        int count = 0;
        for (int i = 0; i < actual.length; i++) {
            if (actual[i] != expected[i]) {
                if (count++ < 8) {
                    at.add(String.format("0x%x: %02x, traced %02x", i, actual[i], expected[i]));
                }
            }
        }
        return "in " + count + " bytes, first " + at;
    }

    private void traceFlash(boolean on, Deadline deadline) {
        for (String event : FlashWrite.EVENTS) {
            qmp.execute("trace-event-set-state", Map.of("name", event, "enable", on), deadline);
        }
    }

    private byte[] readVars() {
        try {
            return Files.readAllBytes(varsFile());
        } catch (IOException e) {
            throw new HilException("cannot read the flash file of " + name + ": " + e.getMessage(), e);
        }
    }

    /** The last lines QEMU wrote to its own stdout/stderr. */
    String log() {
        return readLog(dir);
    }

    /** Asks QEMU to quit over QMP, then kills it if it lingers; always reaps it and removes its directory. */
    @Override
    public void close() {
        closeKeeping(false);
    }

    /** Like {@link #close()}, but keeps the directory (varstore copy, QEMU log) when {@code keepDirectory}. */
    void closeKeeping(boolean keepDirectory) {
        if (stopped) {
            return;
        }
        try {
            if (process.isAlive()) {
                try {
                    qmp.quit(Deadline.in(Duration.ofSeconds(5)));
                } catch (RuntimeException e) {
                    // QMP may already be gone; the process is killed below either way.
                }
            }
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            reap(keepDirectory);
        }
    }

    /** Kills at once (shutdown hook, a hung machine); safe while another thread closes the machine. */
    void kill() {
        if (stopped) {
            return;
        }
        process.destroyForcibly();
        reap(false);
    }

    /** Waits for the process and frees what it used, once, whichever thread comes first. */
    private synchronized void reap(boolean keepDirectory) {
        if (stopped) {
            return;
        }
        waitQuietly(process);
        try {
            trace.awaitEnd(Deadline.in(Duration.ofSeconds(5)));
        } catch (HilException e) {
            // a child QEMU left holding the pipe; the log may miss its last lines
        }
        closeQuietly(console);
        closeQuietly(qmp);
        stopped = true;
        MachineRegistry.remove(this);
        if (!keepDirectory) {
            deleteTree(dir);
        }
    }

    private static void waitQuietly(Process p) {
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            // closing a connection to a process that is gone
        }
    }

    private static String readLog(Path dir) {
        try {
            Path log = dir.resolve("qemu.log");
            if (!Files.exists(log)) {
                return "";
            }
            String text = Files.readString(log);
            return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
        } catch (IOException e) {
            return "";
        }
    }

    static void deleteTree(Path dir) {
        hil.targets.firmware.Trees.delete(dir);
    }
}
