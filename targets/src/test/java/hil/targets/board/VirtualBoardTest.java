package hil.targets.board;

import hil.reports.model.Observation;
import hil.simulator.uefi.EfiGuid;
import hil.targets.HilException;
import hil.targets.NotObservableException;
import hil.targets.TargetKind;
import hil.targets.firmware.AgentBuild;
import hil.targets.firmware.CallPath;
import hil.targets.firmware.Executables;
import hil.targets.labconfig.SettingSpec;
import hil.targets.labconfig.TargetConfig;
import hil.transports.tftp.TftpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Fault drills on QEMU playing a board through the repository's virtual-board power scripts: the machine killed
 * mid-scenario, a hung console, a power command that fails, a TFTP server that leaves out {@code tsize}, a second
 * lease. Each ends in a clear verdict, the target goes on where it can, and no QEMU is left running. Each drill has
 * a board of its own (name, state directory, ports, lease directory), so they run side by side.
 */
@Execution(ExecutionMode.CONCURRENT)
class VirtualBoardTest {

    private static final EfiGuid VENDOR = EfiGuid.parse("12345678-1234-1234-1234-123456789abc");
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path leases;

    private final List<BoardTarget> opened = new ArrayList<>();
    private final List<Path> qemuPidFiles = new ArrayList<>();

    @AfterEach
    void closeAndCheckNothingRuns() throws IOException {
        for (BoardTarget t : opened) {
            t.close();
        }
        for (Path pidFile : qemuPidFiles) {
            assertFalse(Files.exists(pidFile), "power-off removes the pid file of the QEMU it stopped: " + pidFile);
        }
    }

    /** Real QEMU, OVMF, mtools and gnu-efi, or a skip (a failure under CI=true, where they are installed). */
    private static void requireQemu() {
        List<String> missing = new ArrayList<>(AgentBuild.missing(REPO.resolve("agent")));
        if (Executables.resolve(Path.of("qemu-system-x86_64")).isEmpty()) {
            missing.add("qemu-system-x86_64 not found (Debian package qemu-system-x86)");
        }
        if (!Files.isReadable(Path.of("/usr/share/OVMF/OVMF_CODE_4M.secboot.fd"))) {
            missing.add("OVMF not installed (Debian package ovmf)");
        }
        if (Executables.resolve(Path.of("mformat")).isEmpty()) {
            missing.add("mformat not found (Debian package mtools)");
        }
        if (!missing.isEmpty() && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true and the virtual board cannot run: " + missing);
        }
        assumeTrue(missing.isEmpty(), String.join("; ", missing));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A virtual board on a telnet console at a free port, with every default and {@code extra}. */
    private TargetConfig config(String name, Map<String, Object> extra) throws IOException {
        Map<String, Object> settings = new HashMap<>();
        for (SettingSpec spec : new BoardKind().settings()) {
            if (spec.defaultValue() != null) {
                settings.put(spec.key(), spec.defaultValue());
            }
        }
        settings.put(BoardKind.CONSOLE, "telnet:127.0.0.1:" + freePort());
        settings.put(BoardKind.POWER_ON, REPO.resolve("lab-config/virtual-board/power-on").toString());
        settings.put(BoardKind.POWER_OFF, REPO.resolve("lab-config/virtual-board/power-off").toString());
        settings.put(BoardKind.POWER_OFF_DELAY, Duration.ZERO);
        settings.put(BoardKind.TFTP_ADDRESS, "10.0.2.2");
        settings.put(BoardKind.TFTP_PORT, 0L);
        settings.put(BoardKind.TFTP_BIND, "127.0.0.1");
        settings.put(BoardKind.AGENT_ARGUMENTS, "qemu-uart-fifo direct-serial");
        settings.put(BoardKind.TX_CHUNK, 0L);
        settings.put(BoardKind.AGENT_SOURCE, REPO.resolve("agent"));
        settings.put(BoardKind.LEASE_DIR, leases);
        settings.put(BoardKind.CALL_TIMEOUT, Duration.ofSeconds(20));
        // OVMF under TCG prints its first byte after PEI and DXE: 3 s alone, over 60 s once seen with the build's
        // other QEMU tests on two cores.
        settings.put(BoardKind.SILENT_TIMEOUT, Duration.ofSeconds(150));
        settings.putAll(extra);
        return new TargetConfig(name, BoardKind.NAME, "test", settings, REPO.resolve("lab-config/" + name + ".yaml"));
    }

    private BoardTarget create(TargetConfig config, TftpServer.Options tftp) {
        BoardKind kind = new BoardKind();
        BoardTarget t = BoardTarget.create(config, BoardSettings.of(config), BoardKind.calls(config),
                kind.capabilities(config), tftp);
        opened.add(t);
        qemuPidFiles.add(t.stateDirForTest().resolve("qemu.pid"));
        return t;
    }

    private static long qemuPid(BoardTarget t) throws IOException {
        return Long.parseLong(Files.readString(t.stateDirForTest().resolve("qemu.pid")).strip());
    }

    @Test
    void aMachineKilledMidScenarioIsTheLabsFailureAndTheNextStartRecovers() throws Exception {
        requireQemu();
        // The stopped QEMU below ignores SIGTERM: power-off's wait for it before SIGKILL is shortened from 10 s.
        BoardTarget t = create(config("vb-kill", Map.of(BoardKind.CALL_TIMEOUT, Duration.ofSeconds(12),
                BoardKind.POWER_OFF, "HIL_VB_STOP_TIMEOUT=2 " + REPO.resolve("lab-config/virtual-board/power-off"))),
                TftpServer.Options.defaults());
        t.bootFresh();
        assertEquals("EFI_SUCCESS", t.setVariable("HilKill", VENDOR, 7, new byte[]{1, 2}).status());
        ProcessHandle qemu = ProcessHandle.of(qemuPid(t)).orElseThrow();
        qemu.destroyForcibly();
        qemu.onExit().get();

        NotObservableException lost = assertThrows(NotObservableException.class,
                () -> t.getVariable("HilKill", VENDOR, 64));
        assertTrue(lost.getMessage().startsWith("infrastructure: board vb-kill: CONSOLE_LOST"), lost.getMessage());

        // The next scenario powers the board up again; the variable written before the kill is put back (deleted).
        Observation boot = t.bootFresh();
        assertTrue(boot.outputs().get("boot").startsWith("fresh"), boot.outputs().toString());
        assertEquals("EFI_NOT_FOUND", t.getVariable("HilKill", VENDOR, 64).status());

        // A hung console: the machine stops (SIGSTOP), the call's output stalls and the step fails with that.
        long pid = qemuPid(t);
        Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start();
        assertEquals(0, stop.waitFor());
        HilException hung = assertThrows(HilException.class, () -> t.getVariable("HilKill", VENDOR, 64));
        assertFalse(hung instanceof NotObservableException, "a firmware that stops answering fails the step");
        assertTrue(hung.getMessage().contains("no output at all for") || hung.getMessage().contains("timed out"),
                hung.getMessage());
        // The stopped QEMU is powered off (SIGKILL after the script's grace time) and the board comes back.
        t.bootFresh();
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the hung QEMU was stopped");
        assertEquals("EFI_NOT_FOUND", t.getVariable("HilKill", VENDOR, 64).status());
    }

    @Test
    void aConsoleServerThatOutlivesThePowerKeepsOneSessionForTheWholeRun() throws Exception {
        requireQemu();
        int machinePort = freePort();
        try (ConsoleServer server = new ConsoleServer(machinePort)) {
            String env = "HIL_CONSOLE=tcp:127.0.0.1:" + machinePort + " ";
            BoardTarget t = create(config("vb-keep", Map.of(
                    BoardKind.CONSOLE, "tcp:127.0.0.1:" + server.port(),
                    BoardKind.POWER_ON, env + REPO.resolve("lab-config/virtual-board/power-on"),
                    BoardKind.POWER_OFF, env + REPO.resolve("lab-config/virtual-board/power-off"))),
                    TftpServer.Options.defaults());
            t.bootFresh();
            assertEquals("EFI_SUCCESS", t.setVariable("HilKeep", VENDOR, 7, new byte[]{4, 2}).status());
            t.reset();
            assertEquals("EFI_SUCCESS", t.getVariable("HilKeep", VENDOR, 64).status(), "NV survives the power cycle");

            assertEquals(2, server.machineSessions(), "the machine was powered up twice");
            assertEquals(1, server.clientSessions(), "hil kept its one console session across the power cycle");
        }
    }

    /**
     * A console server in the way of ser2net: it listens for hil at a port of its own for the whole test and joins
     * hil's session to the machine's console (QEMU's raw TCP server) whenever the machine is powered, so hil's
     * session outlives every power cycle.
     */
    private static final class ConsoleServer implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        private final int machinePort;
        private final java.util.concurrent.atomic.AtomicInteger clients = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.atomic.AtomicInteger machines = new java.util.concurrent.atomic.AtomicInteger();
        private final Thread acceptor;
        private volatile boolean closed;

        ConsoleServer(int machinePort) throws IOException {
            this.machinePort = machinePort;
            acceptor = new Thread(this::serve, "test-console-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        int clientSessions() {
            return clients.get();
        }

        int machineSessions() {
            return machines.get();
        }

        private void serve() {
            try {
                while (!closed) {
                    java.net.Socket client = listener.accept();
                    clients.incrementAndGet();
                    join(client);
                }
            } catch (IOException e) {
                // closed
            }
        }

        /** Joins the client to each machine session in turn until the client leaves. */
        private void join(java.net.Socket client) throws IOException {
            java.io.InputStream fromClient = client.getInputStream();
            java.io.OutputStream toClient = client.getOutputStream();
            java.util.concurrent.atomic.AtomicReference<java.net.Socket> machine = new java.util.concurrent.atomic.AtomicReference<>();
            Thread keys = new Thread(() -> {
                byte[] buf = new byte[4096];
                try {
                    int n;
                    while ((n = fromClient.read(buf)) >= 0) {
                        java.net.Socket m = machine.get();
                        if (m != null) {
                            try {
                                m.getOutputStream().write(buf, 0, n);
                            } catch (IOException e) {
                                // the machine went away: what was typed is lost, as on a real console server
                            }
                        }
                    }
                } catch (IOException e) {
                    // client gone
                }
            }, "test-console-server-keys");
            keys.setDaemon(true);
            keys.start();
            while (!closed && keys.isAlive()) {
                java.net.Socket m;
                try {
                    m = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), machinePort);
                } catch (IOException e) {
                    pause();
                    continue;
                }
                machine.set(m);
                try (m) {
                    // A session counts once the machine says something: a QEMU that is exiting may still accept a
                    // connection (its listener outlives the old session) and close it without a byte.
                    java.io.InputStream fromMachine = m.getInputStream();
                    int first = fromMachine.read();
                    if (first >= 0) {
                        machines.incrementAndGet();
                        toClient.write(first);
                        fromMachine.transferTo(toClient);
                    }
                } catch (IOException e) {
                    // the machine was powered off
                }
                machine.set(null);
            }
            client.close();
        }

        private static void pause() {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws IOException {
            closed = true;
            listener.close();
        }
    }

    @Test
    void aTftpServerWithoutTsizeIsATftpVerdictNamingTheShellsError() throws Exception {
        requireQemu();
        BoardTarget t = create(config("vb-notsize", Map.of(BoardKind.BOOT_RETRIES, 0L)),
                TftpServer.Options.defaults().withoutTsize());
        NotObservableException e = assertThrows(NotObservableException.class, t::bootFresh);
        assertTrue(e.getMessage().contains("out of service for the rest of this run: TFTP:"), e.getMessage());
        assertTrue(e.getMessage().contains("Unable to get the size of the file"), e.getMessage());
        assertEquals(List.of("TFTP"), t.verdicts().stream().map(v -> v.substring(0, v.indexOf(':'))).toList());
        NotObservableException again = assertThrows(NotObservableException.class, t::bootFresh);
        assertEquals(e.getMessage(), again.getMessage(), "out of service for the rest of the run, without a new try");
    }

    @Test
    void aFailingPowerCommandIsRetriedThenTheBoardIsOutOfService() throws Exception {
        BoardTarget t = create(config("vb-nopower", Map.of(
                BoardKind.POWER_ON, "echo 'relay 3 does not answer' >&2; exit 3",
                BoardKind.POWER_OFF, "true",
                BoardKind.BOOT_RETRIES, 2L)), TftpServer.Options.defaults());
        NotObservableException e = assertThrows(NotObservableException.class, t::bootFresh);
        assertTrue(e.getMessage().contains("power-on command failed (exit 3)"), e.getMessage());
        assertTrue(e.getMessage().contains("relay 3 does not answer"), e.getMessage());
        assertTrue(e.getMessage().contains("(after 3 starts)"), e.getMessage());
        assertEquals(3, t.verdicts().size());
    }

    /**
     * A console server whose sessions end under the start: the odd ones close after a moment without a byte (the
     * old machine's session, whose end reaches hil only after power-on), the even ones say one byte and close (the
     * console lost while the board starts). The first kind is opened again at once; the second is the lab's failure,
     * and the start is tried again with a power cycle until the retries are spent.
     */
    @Test
    void aConsoleLostWhileStartingIsReopenedOrRetried() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress())) {
            java.util.concurrent.atomic.AtomicInteger sessions = new java.util.concurrent.atomic.AtomicInteger();
            Thread serve = new Thread(() -> {
                try {
                    while (true) {
                        try (java.net.Socket s = server.accept()) {
                            if (sessions.incrementAndGet() % 2 == 1) {
                                Thread.sleep(300);
                            } else {
                                s.getOutputStream().write('x');
                                s.getOutputStream().flush();
                            }
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    // server closed
                }
            }, "test-dropping-console-server");
            serve.setDaemon(true);
            serve.start();
            BoardTarget t = create(config("vb-drop", Map.of(
                    BoardKind.CONSOLE, "tcp:127.0.0.1:" + server.getLocalPort(),
                    BoardKind.POWER_ON, "true",
                    BoardKind.POWER_OFF, "true",
                    BoardKind.BOOT_RETRIES, 1L)), TftpServer.Options.defaults());
            NotObservableException e = assertThrows(NotObservableException.class, t::bootFresh);
            assertTrue(e.getMessage().contains("is out of service for the rest of this run: CONSOLE_LOST"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("(after 2 starts)"), e.getMessage());
            assertEquals(2, t.verdicts().size(), t.verdicts().toString());
            for (String verdict : t.verdicts()) {
                assertTrue(verdict.startsWith("CONSOLE_LOST: starting the firmware"), verdict);
                assertFalse(verdict.contains("while waiting for the first byte"), "the silent session was reopened: "
                        + verdict);
            }
            assertEquals(4, sessions.get(), "two starts, each a dropped session and the one that said something");
        }
    }

    @Test
    void aLeasedBoardIsRefusedAtOnceNamingItsHolder() throws Exception {
        TargetConfig config = config("vb-lease", Map.of(BoardKind.POWER_ON, "true", BoardKind.POWER_OFF, "true"));
        TargetKind kind = new BoardKind();
        assertTrue(kind.availability(config).available(), kind.availability(config).reason());
        BoardTarget first = create(config, TftpServer.Options.defaults());
        BoardBusyException busy = assertThrows(BoardBusyException.class,
                () -> BoardLease.acquire(leases, "vb-lease", Duration.ofSeconds(5)));
        assertTrue(busy.getMessage().contains("board vb-lease is leased by"), busy.getMessage());
        assertTrue(busy.getMessage().contains("pid " + ProcessHandle.current().pid()), busy.getMessage());
        first.close();
        opened.remove(first);
        assertTrue(kind.availability(config).available(), "free again after close");
        Optional<String> leaseText = Optional.of(Files.readString(leases.resolve("vb-lease.lease"),
                StandardCharsets.UTF_8));
        assertTrue(leaseText.get().isBlank(), "a released lease file is emptied: " + leaseText.get());
    }

    @Test
    void shellOnlyWithoutTftp() throws Exception {
        Map<String, Object> noTftp = new HashMap<>();
        noTftp.put(BoardKind.CALLS, "auto");
        TargetConfig c = config("vb-shell", noTftp);
        Map<String, Object> settings = new HashMap<>(c.settings());
        settings.remove(BoardKind.TFTP_ADDRESS);
        TargetConfig shellOnly = new TargetConfig(c.name(), c.kind(), c.description(), settings, c.file());
        assertEquals(CallPath.SHELL, BoardKind.calls(shellOnly));
    }
}
