package hil.targets.board;

import hil.targets.InfrastructureException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandPowerTest {

    @TempDir
    Path work;

    private Path state;

    @BeforeEach
    void createStateDirectory() {
        state = StateDirectory.create("test-board");
    }

    @AfterEach
    void deleteStateDirectory() {
        StateDirectory.delete(state);
    }

    private CommandPower power(String on, String off, String cycle, Duration offDelay, Duration timeout) {
        return new CommandPower(on, off, cycle, offDelay, timeout, work,
                Map.of("HIL_BOARD", "test-board", "HIL_STATE_DIR", state.toString()));
    }

    private CommandPower power(String on, String off) {
        return power(on, off, null, Duration.ZERO, Duration.ofSeconds(10));
    }

    @Test
    void onAndOffSeeTheBoardAndTheStateDirectory() throws IOException {
        CommandPower p = power("echo \"$HIL_BOARD\" > \"$HIL_STATE_DIR/on\"",
                "echo \"$HIL_BOARD $HIL_POWER_ACTION\" > \"$HIL_STATE_DIR/off\"");
        p.on();
        assertEquals("test-board\n", Files.readString(state.resolve("on")));
        assertFalse(Files.exists(state.resolve("off")));
        p.off();
        assertEquals("test-board off\n", Files.readString(state.resolve("off")));
    }

    @Test
    void aRelativeCommandRunsInTheWorkingDirectory() throws IOException {
        Path script = work.resolve("power-on.sh");
        Files.writeString(script, "#!/bin/sh\npwd -P > \"$HIL_STATE_DIR/pwd\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        power("./power-on.sh", "true").on();
        assertEquals(work.toRealPath().toString(), Files.readString(state.resolve("pwd")).strip());
    }

    @Test
    void aNonZeroExitIsAnInfrastructureFailureNamingCommandStatusAndStderr() {
        CommandPower p = power("echo relay stuck >&2; exit 3", "true");
        InfrastructureException e = assertThrows(InfrastructureException.class, p::on);
        assertEquals("power-on command failed (exit 3): `echo relay stuck >&2; exit 3` — stderr: relay stuck",
                e.getMessage());
        PowerEvent event = p.events().get(0);
        assertEquals(3, event.exitStatus());
        assertEquals("relay stuck\n", event.stderrTail());
    }

    @Test
    void theDefaultCycleIsOffThenTheDelayThenOn() throws IOException {
        Path log = state.resolve("log");
        CommandPower p = power("echo on >> \"$HIL_STATE_DIR/log\"", "echo off >> \"$HIL_STATE_DIR/log\"", null,
                Duration.ofMillis(400), Duration.ofSeconds(10));
        long start = System.nanoTime();
        p.cycle();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals("off\non\n", Files.readString(log));
        assertTrue(took.compareTo(Duration.ofMillis(400)) >= 0, "cycle took only " + took);
        assertEquals(List.of("power-off", "power-on"), p.events().stream().map(PowerEvent::action).toList());
    }

    @Test
    void aCycleCommandReplacesOffAndOn() throws IOException {
        CommandPower p = power("echo on >> \"$HIL_STATE_DIR/log\"", "echo off >> \"$HIL_STATE_DIR/log\"",
                "echo \"cycle $HIL_POWER_ACTION\" >> \"$HIL_STATE_DIR/log\"", Duration.ofSeconds(5),
                Duration.ofSeconds(10));
        p.cycle();
        assertEquals("cycle cycle\n", Files.readString(state.resolve("log")));
        assertEquals(List.of("power-cycle"), p.events().stream().map(PowerEvent::action).toList());
    }

    @Test
    void aCommandPastItsTimeoutIsKilledWithItsWholeProcessTree() throws IOException, InterruptedException {
        String command = "sleep 30 & echo $! > \"$HIL_STATE_DIR/bg.pid\"; "
                + "sh -c 'echo $$ > \"$HIL_STATE_DIR/fg.pid\"; exec sleep 30'; wait";
        CommandPower p = power("true", command, null, Duration.ZERO, Duration.ofMillis(500));
        long start = System.nanoTime();
        InfrastructureException e = assertThrows(InfrastructureException.class, p::off);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(e.getMessage().startsWith("power-off command timed out after 500 ms and was killed with 2 child"
                + " processes: `sleep 30 &"), e.getMessage());
        assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "the timeout did not stop the command: " + took);
        long background = Long.parseLong(Files.readString(state.resolve("bg.pid")).strip());
        long foreground = Long.parseLong(Files.readString(state.resolve("fg.pid")).strip());
        for (long pid : new long[] {background, foreground}) {
            assertTrue(gone(pid, Duration.ofSeconds(5)), "process " + pid + " of the killed command still runs");
        }
        assertEquals(PowerEvent.TIMED_OUT, p.events().get(0).exitStatus());
    }

    @Test
    void aBackgroundProcessKeepingStdoutOpenDoesNotHoldUpTheCommand() throws IOException {
        CommandPower p = power("echo started; sleep 5 & echo $! > \"$HIL_STATE_DIR/bg.pid\"", "true");
        long start = System.nanoTime();
        try {
            p.on();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            // A bound on a hang (waiting for the pipe's end would take 5 s), not a benchmark.
            assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "on() waited for the background process: " + took);
            assertEquals("started\n", p.events().get(0).stdoutTail());
        } finally {
            Path pidFile = state.resolve("bg.pid");
            if (Files.exists(pidFile)) {
                // Only while it is still that sleep: on a loaded machine its pid may already be another process's.
                ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip()))
                        .filter(h -> h.info().command().map(c -> c.endsWith("/sleep")).orElse(false))
                        .ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    @Test
    void everyRunIsRecorded() {
        CommandPower p = power("echo up", "echo down; echo failing >&2; exit 1");
        p.on();
        assertThrows(InfrastructureException.class, p::off);
        List<PowerEvent> events = p.events();
        assertEquals(2, events.size());
        assertEquals(new PowerEvent("power-on", "echo up", 0, "up\n", "", events.get(0).took()), events.get(0));
        assertEquals(new PowerEvent("power-off", "echo down; echo failing >&2; exit 1", 1, "down\n", "failing\n",
                events.get(1).took()), events.get(1));
        assertFalse(events.get(0).took().isNegative());
    }

    @Test
    void aCommandThatCannotStartIsAnInfrastructureFailure() {
        CommandPower p = new CommandPower("true", "true", null, Duration.ZERO, Duration.ofSeconds(5),
                work.resolve("missing"), Map.of());
        InfrastructureException e = assertThrows(InfrastructureException.class, p::on);
        assertTrue(e.getMessage().startsWith("power-on command could not be started: `true` in "), e.getMessage());
        assertEquals(PowerEvent.NOT_STARTED, p.events().get(0).exitStatus());
    }

    @Test
    void theStateIsUnknown() {
        assertEquals(Optional.empty(), power("true", "true").state());
    }

    /** Waits until a process is gone; a zombie (exited, not yet reaped by its new parent) counts as gone. */
    static boolean gone(long pid, Duration bound) throws InterruptedException {
        long end = System.nanoTime() + bound.toNanos();
        while (System.nanoTime() < end) {
            if (!running(pid)) {
                return true;
            }
            Thread.sleep(20);
        }
        return !running(pid);
    }

    private static boolean running(long pid) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }
}
