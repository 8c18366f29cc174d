package hil.targets.board;

import hil.targets.HilException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BoardLeaseTest {

    private static final String BOARD = "virtual-board-serial";
    private static final Duration TTL = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private Path leases() {
        return tmp.resolve("leases");
    }

    /** The outcome of a {@link LeaseProbe} run in another JVM. */
    private record Probe(int exit, String line) {
    }

    private ProcessBuilder probeCommand(String mode) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), LeaseProbe.class.getName(),
                leases().toString(), BOARD, Long.toString(TTL.toMillis()), mode).redirectErrorStream(true);
    }

    /** Another process tries the lease once. */
    private Probe tryFromAnotherProcess() throws IOException, InterruptedException {
        Process p = probeCommand("try").start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the probe JVM did not finish");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return new Probe(p.exitValue(), out);
    }

    @Test
    void aHeldLeaseIsBusyForAnotherProcessWhichLearnsWhoHoldsIt() throws Exception {
        try (BoardLease lease = BoardLease.acquire(leases(), BOARD, TTL)) {
            BoardLease.Holder me = lease.holder();
            Probe probe = tryFromAnotherProcess();
            assertEquals(3, probe.exit(), probe.line());
            String expected = "BUSY board " + BOARD + " is leased by " + System.getProperty("user.name") + "@"
                    + me.host() + " (pid " + ProcessHandle.current().pid() + ", since " + me.start() + ", expires ";
            assertTrue(probe.line().startsWith(expected), probe.line());
            assertTrue(probe.line().endsWith("; lease file " + lease.leaseFile() + ")"), probe.line());
        }
        Probe after = tryFromAnotherProcess();
        assertEquals(0, after.exit(), after.line());
        assertTrue(after.line().startsWith("ACQUIRED "), after.line());
    }

    @Test
    void aSecondLeaseInTheSameProcessIsBusyAndDoesNotLoosenTheFirst() throws Exception {
        try (BoardLease lease = BoardLease.acquire(leases(), BOARD, TTL)) {
            BoardBusyException e = assertThrows(BoardBusyException.class,
                    () -> BoardLease.acquire(tmp.resolve("leases/../leases"), BOARD, TTL));
            assertTrue(e.getMessage().startsWith("board " + BOARD + " is leased by "
                    + System.getProperty("user.name") + "@"), e.getMessage());
            assertTrue(e.getMessage().endsWith("by this hil process itself: do two targets name the same board?"),
                    e.getMessage());
            assertEquals(lease.token(), e.holder().orElseThrow().token());
            // The failed attempt must not have opened and closed the file: that would drop this process's lock.
            Probe probe = tryFromAnotherProcess();
            assertEquals(3, probe.exit(), probe.line());
        }
    }

    @Test
    void afterCloseTheBoardCanBeLeasedAgain() throws IOException {
        BoardLease first = BoardLease.acquire(leases(), BOARD, TTL);
        first.close();
        first.close(); // idempotent
        assertEquals("", Files.readString(first.leaseFile()), "close empties the lease file");
        try (BoardLease second = BoardLease.acquire(leases(), BOARD, TTL)) {
            assertNotEquals(first.token(), second.token());
            assertEquals(second.token(), second.readFile().orElseThrow().token());
        }
    }

    @Test
    void aLeaseHeldByAnotherProcessIsBusyHereAndFreeOnceThatProcessDies() throws Exception {
        Process holder = probeCommand("hold").start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                    StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    return "ERROR " + e;
                }
            }).get(30, TimeUnit.SECONDS);
            assertTrue(line != null && line.startsWith("ACQUIRED "), String.valueOf(line));
            String[] parts = line.split(" ");
            String token = parts[1];
            long pid = Long.parseLong(parts[2]);

            BoardBusyException e = assertThrows(BoardBusyException.class,
                    () -> BoardLease.acquire(leases(), BOARD, TTL));
            assertTrue(e.getMessage().contains(" (pid " + pid + ", since "), e.getMessage());
            assertEquals(token, e.holder().orElseThrow().token());

            // The holder dies without releasing: its record stays in the file, the OS drops its lock.
            holder.destroyForcibly();
            assertTrue(holder.waitFor(10, TimeUnit.SECONDS));
            assertTrue(Files.readString(leases().resolve(BOARD + ".lease")).contains("token=" + token));
            try (BoardLease lease = BoardLease.acquire(leases(), BOARD, TTL)) {
                BoardLease.Holder record = lease.readFile().orElseThrow();
                assertEquals(ProcessHandle.current().pid(), record.pid());
                assertEquals(lease.token(), record.token());
            }
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void aLeftoverFileWithoutALockIsTakenOver() throws IOException {
        Files.createDirectories(leases());
        Instant later = Instant.now().plusSeconds(3600);
        Files.writeString(leases().resolve(BOARD + ".lease"), "board=" + BOARD + "\nowner=ghost\nhost=lab9\n"
                + "pid=999999999\ntoken=deadbeef00\nstart=" + Instant.now() + "\nexpiresAt=" + later + "\n");
        try (BoardLease lease = BoardLease.acquire(leases(), BOARD, TTL)) {
            BoardLease.Holder record = lease.readFile().orElseThrow();
            assertEquals(ProcessHandle.current().pid(), record.pid());
            assertEquals(System.getProperty("user.name"), record.owner());
            assertNotEquals("deadbeef00", record.token());
        }
    }

    @Test
    void theRefresherMovesExpiresAtForward() throws InterruptedException {
        try (BoardLease lease = BoardLease.acquire(leases(), BOARD, Duration.ofMillis(300))) {
            Instant first = lease.readFile().orElseThrow().expiresAt();
            Instant seen = first;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (!seen.isAfter(first) && System.nanoTime() < end) {
                Thread.sleep(50);
                seen = lease.readFile().orElseThrow().expiresAt();
            }
            assertTrue(seen.isAfter(first), "expiresAt stayed at " + first);
            assertEquals(seen, lease.holder().expiresAt());
            assertTrue(lease.refreshFailure().isEmpty());
        }
    }

    @Test
    void theLeaseDirectoryIsCreatedPrivate() throws IOException {
        Path dir = tmp.resolve("new/leases");
        try (BoardLease lease = BoardLease.acquire(dir, BOARD, TTL)) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
            assertEquals(dir.toRealPath().resolve(BOARD + ".lease"), lease.leaseFile());
        }
    }

    @Test
    void differentBoardsDoNotConflict() {
        try (BoardLease a = BoardLease.acquire(leases(), "board-a", TTL);
             BoardLease b = BoardLease.acquire(leases(), "board-b", TTL)) {
            assertNotEquals(a.leaseFile(), b.leaseFile());
        }
    }

    @Test
    void aBoardNameMustBeAFileName() {
        List<String> bad = new ArrayList<>(List.of("../x", "a/b", "", ".hidden"));
        for (String name : bad) {
            assertThrows(HilException.class, () -> BoardLease.acquire(leases(), name, TTL), name);
        }
    }

    @Test
    void theDefaultDirectoryIsUnderXdgRuntimeDirElsePerUserInTmp() {
        assertEquals(Path.of("/run/user/1000/hil/leases"),
                BoardLease.defaultLeaseDir(Map.of("XDG_RUNTIME_DIR", "/run/user/1000"), "/tmp", "alice"));
        assertEquals(Path.of("/var/tmp/hil-leases-alice"),
                BoardLease.defaultLeaseDir(Map.of(), "/var/tmp", "alice"));
        assertEquals(Path.of("/tmp/hil-leases-alice"),
                BoardLease.defaultLeaseDir(Map.of("XDG_RUNTIME_DIR", ""), "/tmp", "alice"));
    }

    @Test
    void aRecordRoundTripsAndAnEmptyFileIsNoRecord() {
        Instant start = Instant.parse("2026-12-05T13:40:00Z");
        BoardLease.Holder h = new BoardLease.Holder(BOARD, "alice", "lab1", 4242, "abcdefghij", start,
                start.plusSeconds(60));
        assertEquals(h, BoardLease.Holder.parse(h.format()).orElseThrow());
        assertTrue(BoardLease.Holder.parse("").isEmpty());
        assertEquals("alice@lab1 (pid 4242, since 2026-12-05T13:40:00Z, expires 13:41:00Z",
                h.describe(start.plusSeconds(1)));
        assertEquals("alice@lab1 (pid 4242, since 2026-12-05T13:40:00Z, expired 13:41:00Z but still locked: the"
                + " holder is alive and no longer refreshing it", h.describe(start.plusSeconds(61)));
    }
}
