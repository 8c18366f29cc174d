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
import java.util.List;
import java.util.concurrent.TimeUnit;

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
    private volatile boolean stopped;

    private QemuMachine(String name, Path dir, Process process, QmpClient qmp, Console console, List<String> command) {
        this.name = name;
        this.dir = dir;
        this.process = process;
        this.qmp = qmp;
        this.console = console;
        this.command = command;
    }

    /**
     * Starts QEMU paused, connects QMP and the console, and lets the CPU run.
     *
     * @param varsImage the variable flash to copy for this machine
     * @param fatImage  the FAT drive (agent, startup.nsh), shared read-only
     */
    static QemuMachine start(String name, QemuSettings s, Path varsImage, Path fatImage, Deadline deadline) {
        Path dir;
        try {
            dir = Files.createTempDirectory("hil-qemu-", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            Files.copy(varsImage, dir.resolve("vars.fd"), StandardCopyOption.REPLACE_EXISTING);
            // The serial console goes through FIFOs: over a UNIX socket QEMU's one-byte writes stall and OVMF's
            // serial driver drops the rest of a long line (see Console.openFifos).
            NamedPipes.create(dir.resolve("console.in"));
            NamedPipes.create(dir.resolve("console.out"));
        } catch (IOException e) {
            throw new HilException("cannot prepare a machine directory for " + name + ": " + e.getMessage(), e);
        }
        List<String> cmd = command(s, dir, fatImage);
        Process process;
        try {
            process = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("qemu.log").toFile()).start();
        } catch (IOException e) {
            deleteTree(dir);
            throw new HilException("cannot start " + cmd.get(0) + " for target " + name + ": " + e.getMessage(), e);
        }
        QmpClient qmp = null;
        Console console = null;
        try {
            awaitSocket(process, dir.resolve("qmp.sock"), dir, deadline);
            qmp = QmpClient.connect(UnixDomainSocketAddress.of(dir.resolve("qmp.sock")), deadline);
            console = Console.openFifos(dir.resolve("console.out"), dir.resolve("console.in"), name + " serial");
            QemuMachine m = new QemuMachine(name, dir, process, qmp, console, cmd);
            MachineRegistry.add(m);
            qmp.cont(deadline);
            return m;
        } catch (RuntimeException e) {
            closeQuietly(console);
            closeQuietly(qmp);
            process.destroyForcibly();
            waitQuietly(process);
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
                "-S"));
        return cmd;
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
