package hil.targets.board;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Power switched by shell commands that hil runs itself (LAVA's {@code power_on_command}, labgrid's
 * {@code ExternalPowerDriver}).
 *
 * <p>Each command runs as {@code /bin/sh -c COMMAND} in the given working directory (the lab-config file's directory,
 * so {@code ./power-on.sh} works), with stdin from {@code /dev/null} and the given environment added to hil's own
 * (hil passes {@code HIL_BOARD}, {@code HIL_STATE_DIR} and more); {@code HIL_POWER_ACTION} is set to {@code on},
 * {@code off} or {@code cycle}.
 *
 * <p>stdout and stderr go to files in a private temporary directory, read after the shell exits: a power-on command
 * may leave a background process (e.g. {@code setsid qemu … &}) holding them open, and waiting for end-of-file on a
 * pipe would wait for that process. Only the shell's exit is awaited. A command running past its timeout is killed
 * together with its process tree (found through {@link ProcessHandle#descendants()}, never by name).
 *
 * <p>Every run is recorded as a {@link PowerEvent}; a non-zero exit, a timeout or a command that cannot start is a
 * {@link PowerException} naming the action, the command line, the exit status and the end of stderr.
 */
public final class CommandPower implements Power {

    /** How much of each of stdout and stderr a {@link PowerEvent} keeps: the last 64 KiB. */
    public static final int TAIL_BYTES = 64 * 1024;

    /** How much of stderr an error message quotes. */
    private static final int MESSAGE_TAIL_CHARS = 800;

    private final String onCommand;
    private final String offCommand;
    private final String cycleCommand;
    private final Duration offDelay;
    private final Duration timeout;
    private final Path workingDirectory;
    private final Map<String, String> environment;
    private final List<PowerEvent> events = new CopyOnWriteArrayList<>();

    /**
     * @param onCommand        shell command switching the board on
     * @param offCommand       shell command switching it off
     * @param cycleCommand     shell command cycling it, or null for: off, wait {@code offDelay}, on
     * @param offDelay         the wait between off and on when there is no cycle command
     * @param timeout          the most each command may take before it is killed
     * @param workingDirectory where the commands run (relative script paths resolve here)
     * @param environment      variables added to each command's environment
     */
    public CommandPower(String onCommand, String offCommand, String cycleCommand, Duration offDelay, Duration timeout,
                        Path workingDirectory, Map<String, String> environment) {
        this.onCommand = requireCommand("on", onCommand);
        this.offCommand = requireCommand("off", offCommand);
        this.cycleCommand = cycleCommand == null ? null : requireCommand("cycle", cycleCommand);
        this.offDelay = Objects.requireNonNull(offDelay, "offDelay");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (offDelay.isNegative()) {
            throw new IllegalArgumentException("the off-to-on delay must not be negative: " + offDelay);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the power command timeout must be positive: " + timeout);
        }
        this.workingDirectory = Objects.requireNonNull(workingDirectory, "workingDirectory");
        this.environment = Map.copyOf(environment == null ? Map.of() : new LinkedHashMap<>(environment));
    }

    private static String requireCommand(String what, String command) {
        if (command == null || command.isBlank()) {
            throw new IllegalArgumentException("the power " + what + " command is empty");
        }
        return command;
    }

    @Override
    public void on() {
        run("power-on", "on", onCommand);
    }

    @Override
    public void off() {
        run("power-off", "off", offCommand);
    }

    @Override
    public void cycle() {
        if (cycleCommand != null) {
            run("power-cycle", "cycle", cycleCommand);
            return;
        }
        off();
        sleep(offDelay);
        on();
    }

    @Override
    public String describe() {
        return "commands (on: `" + onCommand + "`, off: `" + offCommand + "`, cycle: "
                + (cycleCommand != null ? "`" + cycleCommand + "`" : "off, " + format(offDelay) + ", on")
                + "; in " + workingDirectory + ")";
    }

    /** Every command run so far, oldest first. */
    public List<PowerEvent> events() {
        return List.copyOf(events);
    }

    private void run(String action, String verb, String command) {
        Path io;
        try {
            io = createPrivateTempDirectory();
        } catch (IOException e) {
            throw new PowerException(action + " command `" + command + "` not run: cannot create a directory for its"
                    + " output: " + e.getMessage(), e);
        }
        try {
            Path out = io.resolve("stdout");
            Path err = io.resolve("stderr");
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command)
                    .directory(workingDirectory.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            pb.environment().putAll(environment);
            pb.environment().put("HIL_POWER_ACTION", verb);
            long start = System.nanoTime();
            Process process;
            try {
                process = pb.start();
            } catch (IOException e) {
                events.add(new PowerEvent(action, command, PowerEvent.NOT_STARTED, "", e.getMessage(), since(start)));
                throw new PowerException(action + " command could not be started: `" + command + "` in "
                        + workingDirectory + " — " + e.getMessage(), e);
            }
            boolean exited;
            try {
                exited = process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                int killed = killTree(process);
                Thread.currentThread().interrupt();
                events.add(new PowerEvent(action, command, PowerEvent.TIMED_OUT, tail(out), tail(err), since(start)));
                throw new PowerException(action + " command interrupted and killed" + children(killed) + ": `"
                        + command + "`", e);
            }
            if (!exited) {
                int killed = killTree(process);
                Duration took = since(start);
                String stderr = tail(err);
                events.add(new PowerEvent(action, command, PowerEvent.TIMED_OUT, tail(out), stderr, took));
                throw new PowerException(action + " command timed out after " + format(timeout)
                        + " and was killed" + children(killed) + ": `" + command + "`" + quote(stderr, tail(out)));
            }
            int status = process.exitValue();
            String stdout = tail(out);
            String stderr = tail(err);
            events.add(new PowerEvent(action, command, status, stdout, stderr, since(start)));
            if (status != 0) {
                throw new PowerException(action + " command failed (exit " + status + "): `" + command + "`"
                        + quote(stderr, stdout));
            }
        } finally {
            deleteTree(io);
        }
    }

    /**
     * Kills the shell and every process below it. The tree is listed before the shell dies (its children are then
     * re-parented and no longer its descendants), and each listed process's children are looked up again just
     * before it is killed, to catch one forked in between.
     *
     * @return how many processes below the shell were killed
     */
    private static int killTree(Process process) {
        ProcessHandle shell = process.toHandle();
        Deque<ProcessHandle> todo = new ArrayDeque<>(shell.descendants().toList());
        shell.destroyForcibly();
        Set<Long> seen = new HashSet<>();
        int killed = 0;
        while (!todo.isEmpty()) {
            ProcessHandle p = todo.poll();
            if (!seen.add(p.pid())) {
                continue;
            }
            p.children().forEach(todo::add);
            if (p.isAlive() && p.destroyForcibly()) {
                killed++;
            }
        }
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return killed;
    }

    private static String children(int killed) {
        return killed == 0 ? "" : " with " + killed + " child process" + (killed == 1 ? "" : "es");
    }

    /** The end of stderr for a message, or of stdout when stderr is empty. */
    private static String quote(String stderr, String stdout) {
        if (!stderr.isBlank()) {
            return " — stderr: " + lastChars(stderr.strip());
        }
        if (!stdout.isBlank()) {
            return " — stderr empty; stdout: " + lastChars(stdout.strip());
        }
        return " — no output";
    }

    private static String lastChars(String text) {
        return text.length() <= MESSAGE_TAIL_CHARS ? text : "…" + text.substring(text.length() - MESSAGE_TAIL_CHARS);
    }

    /** The last {@link #TAIL_BYTES} bytes of a file, as far as written when read; empty if unreadable. */
    static String tail(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            long from = Math.max(0, size - TAIL_BYTES);
            ByteBuffer buf = ByteBuffer.allocate((int) (size - from));
            while (buf.hasRemaining() && ch.read(buf, from + buf.position()) > 0) {
                // reads until the size seen above; a background writer may append more, which is ignored
            }
            return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static void sleep(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PowerException("interrupted while waiting " + format(d) + " between power off and on", e);
        }
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** "300 ms", "2 s", "1.5 s". */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        return ms % 1000 == 0 ? ms / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.3f s", ms / 1000.0)
                .replaceAll("0+ s$", " s");
    }

    private static Path createPrivateTempDirectory() throws IOException {
        try {
            return Files.createTempDirectory("hil-power-", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            return Files.createTempDirectory("hil-power-");
        }
    }

    private static void deleteTree(Path dir) {
        StateDirectory.delete(dir);
    }
}
