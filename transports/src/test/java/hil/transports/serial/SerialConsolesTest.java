package hil.transports.serial;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.ptr.IntByReference;
import hil.transports.Deadline;
import hil.transports.TransportException;
import hil.transports.TransportTimeoutException;
import hil.transports.console.Console;
import hil.transports.console.ConsoleClosedException;
import hil.transports.console.SerialLink;
import hil.transports.pty.Libc;
import hil.transports.pty.PseudoTerminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@EnabledOnOs(OS.LINUX)
class SerialConsolesTest {

    private static final int BAUD = 115200;

    /** Calls only a test needs: another holder's lock, and who we are. */
    interface TestLibc extends Library {
        TestLibc INSTANCE = Native.load("c", TestLibc.class);
        int LOCK_EX = 2;
        int LOCK_NB = 4;

        int flock(int fd, int operation);

        int geteuid();
    }

    @TempDir
    Path dir;

    private final PseudoTerminal pty = openPty();
    private final List<AutoCloseable> opened = new ArrayList<>();

    private static PseudoTerminal openPty() {
        try {
            return PseudoTerminal.open();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
        pty.close();
    }

    private Console open(Object device, String name, Duration budget) {
        Console console = SerialConsoles.open(device.toString(), BAUD, name, Deadline.in(budget));
        opened.add(console);
        return console;
    }

    private Console open() {
        return open(pty.slavePath(), "board-1", Duration.ofSeconds(5));
    }

    private static Deadline soon() {
        return Deadline.in(Duration.ofSeconds(5));
    }

    private void toConsole(String text) throws IOException {
        pty.masterOutput().write(text.getBytes(StandardCharsets.US_ASCII));
    }

    private byte[] fromConsole(int n) throws Exception {
        return readExactly(pty.masterInput(), n, Duration.ofSeconds(5));
    }

    static byte[] readExactly(InputStream in, int n, Duration timeout) throws Exception {
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            byte[] bytes = new byte[n];
            int got = 0;
            try {
                while (got < n) {
                    int count = in.read(bytes, got, n - got);
                    if (count < 0) {
                        throw new IllegalStateException("end of stream after " + got + " of " + n + " bytes");
                    }
                    got += count;
                }
                return bytes;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        return read.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The slave opened the way another program would, or -1 with errno in {@code error}. */
    private int openSlaveDirectly(IntByReference error) {
        int fd = Libc.INSTANCE.open(pty.slavePath().toString(), Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_NONBLOCK);
        error.setValue(fd < 0 ? Libc.errno() : 0);
        return fd;
    }

    private static boolean root() {
        return TestLibc.INSTANCE.geteuid() == 0;
    }

    @Test
    void whatTheBoardPrintsReachesExpect() throws IOException {
        Console console = open();

        toConsole("UEFI Interactive Shell v2.2\r\nShell> ");

        console.expect(Pattern.compile("Shell> "), soon());
        assertTrue(console.transcript().startsWith("UEFI Interactive Shell v2.2\n"), console.transcript());
        assertTrue(console.endpoint().contains(pty.slavePath().toString()), console.endpoint());
    }

    @Test
    void whatTheConsoleSendsArrivesByteExactWithoutEcho() throws Exception {
        Console console = open();

        console.send("ver\r");
        console.send(".");

        // CR LF translation would make the fifth byte '\n'; an echo would put "ver" into the transcript.
        assertEquals("ver\r.", new String(fromConsole(5), StandardCharsets.US_ASCII));
        toConsole("Shell> ");
        console.expect(Pattern.compile("Shell> "), soon());
        assertEquals("Shell> ", console.transcript());
    }

    @Test
    void aBurstOf64KiBArrivesIntactBothWays() throws Exception {
        Console console = open();
        byte[] burst = new byte[64 * 1024];
        new Random(42).nextBytes(burst);
        for (int i = 0; i < 256; i++) {
            burst[i] = (byte) i; // every byte value, XON/XOFF and NUL included
        }

        pty.masterOutput().write(burst);
        Deadline deadline = soon();
        while (console.rawTranscript().length < burst.length && !deadline.expired()) {
            Thread.sleep(10);
        }
        assertArrayEquals(burst, console.rawTranscript());

        CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
            try {
                return readExactly(pty.masterInput(), burst.length, Duration.ofSeconds(10));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        console.send(burst);
        assertArrayEquals(burst, received.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aSecondOpenOfTheSameDeviceFailsAtOnceSayingItIsInUse() {
        open();
        long start = System.nanoTime();

        TransportException e = assertThrows(TransportException.class,
                () -> open(pty.slavePath(), "board-2", Duration.ofSeconds(10)));

        assertFalse(e instanceof TransportTimeoutException, e.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 2000, "should fail at once");
        assertTrue(e.getMessage().contains(pty.slavePath().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("is in use"), e.getMessage());
        assertTrue(e.getMessage().contains("board-1"), "names the holder: " + e.getMessage());
    }

    @Test
    void aDeviceLockedByAnotherProgramFailsAtOnceSayingItIsInUse() {
        // flock binds open file descriptions, so a lock on a descriptor of our own stands in for another process.
        IntByReference error = new IntByReference();
        int fd = openSlaveDirectly(error);
        assertTrue(fd >= 0, "open: " + Libc.describe(error.getValue()));
        try {
            assertEquals(0, TestLibc.INSTANCE.flock(fd, TestLibc.LOCK_EX | TestLibc.LOCK_NB));
            long start = System.nanoTime();

            TransportException e = assertThrows(TransportException.class,
                    () -> open(pty.slavePath(), "board-1", Duration.ofSeconds(10)));

            assertFalse(e instanceof TransportTimeoutException, e.getMessage());
            assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() < 2000, "should fail at once");
            assertTrue(e.getMessage().contains(pty.slavePath() + " is in use"), e.getMessage());
            assertTrue(e.getMessage().contains("flock"), e.getMessage());
        } finally {
            Libc.INSTANCE.close(fd);
        }
        // The lock went with the descriptor: now it opens.
        open();
    }

    @Test
    void aDeviceInExclusiveModeFailsAtOnceSayingItIsInUse() {
        // What screen does: TIOCEXCL on its descriptor. Root still opens the tty, so the flag is read back too.
        IntByReference error = new IntByReference();
        int fd = openSlaveDirectly(error);
        assertTrue(fd >= 0, "open: " + Libc.describe(error.getValue()));
        try {
            assertEquals(0, Libc.INSTANCE.ioctl(fd, new NativeLong(Libc.TIOCEXCL)));

            TransportException e = assertThrows(TransportException.class,
                    () -> open(pty.slavePath(), "board-1", Duration.ofSeconds(10)));

            assertFalse(e instanceof TransportTimeoutException, e.getMessage());
            assertTrue(e.getMessage().contains(pty.slavePath() + " is in use"), e.getMessage());
            assertTrue(e.getMessage().contains("TIOCEXCL"), e.getMessage());
        } finally {
            Libc.INSTANCE.ioctl(fd, new NativeLong(Libc.TIOCNXCL));
            Libc.INSTANCE.close(fd);
        }
    }

    @Test
    void anOpenConsoleHoldsTheTtyInExclusiveModeUntilClosed() {
        Console console = open();
        IntByReference error = new IntByReference();
        int fd = openSlaveDirectly(error);
        if (fd < 0) {
            // Not root: TIOCEXCL refuses other openers, which is the point.
            assertFalse(root());
            assertEquals(Libc.EBUSY, error.getValue(), Libc.describe(error.getValue()));
        } else {
            // Root bypasses TIOCEXCL; read the flag back instead.
            try {
                assertTrue(root(), "a non-root open should have failed with EBUSY");
                assertEquals(1, ExclusiveTty.exclusive(fd), "TIOCGEXCL while the console is open");
            } finally {
                Libc.INSTANCE.close(fd);
            }
        }

        console.close();

        fd = openSlaveDirectly(error);
        assertTrue(fd >= 0, "open after close: " + Libc.describe(error.getValue()));
        try {
            assertEquals(0, ExclusiveTty.exclusive(fd), "TIOCGEXCL after the console closed");
        } finally {
            Libc.INSTANCE.close(fd);
        }
    }

    @Test
    void closingTheConsoleReleasesTheDevice() throws Exception {
        Console first = open();
        first.close();

        Console second = open(pty.slavePath(), "board-1 again", Duration.ofSeconds(5));

        toConsole("again\n");
        second.expect(Pattern.compile("again\n"), soon());
    }

    @Test
    void aDeviceThatAppearsLaterIsOpenedWithinTheDeadline() throws Exception {
        Path link = dir.resolve("usb-FTDI_FT232R-if00-port0");
        CompletableFuture<Void> plugIn = CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(300);
                Files.createSymbolicLink(link, pty.slavePath());
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        long start = System.nanoTime();

        Console console = open(link, "board-1", Duration.ofSeconds(5));

        long elapsed = Duration.ofNanos(System.nanoTime() - start).toMillis();
        plugIn.get(1, TimeUnit.SECONDS);
        assertTrue(elapsed >= 250 && elapsed < 3000, "opened after " + elapsed + " ms");
        assertTrue(console.endpoint().contains(link.toString()), console.endpoint());
        toConsole("hello\n");
        console.expect(Pattern.compile("hello\n"), soon());
    }

    @Test
    void aDeviceThatNeverAppearsFailsAtTheDeadlineNamingIt() {
        Path missing = dir.resolve("ttyUSB-never");
        long start = System.nanoTime();

        TransportTimeoutException e = assertThrows(TransportTimeoutException.class,
                () -> open(missing, "board-1", Duration.ofMillis(700)));

        long elapsed = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(elapsed >= 690 && elapsed < 2500, "failed after " + elapsed + " ms");
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("to appear"), e.getMessage());
    }

    @Test
    void closingThePtyMasterEndsTheConsoleInsteadOfHangingIt() throws Exception {
        Console console = open();
        toConsole("booting\n");
        console.expect(Pattern.compile("booting\n"), soon());

        pty.close();

        assertThrows(ConsoleClosedException.class,
                () -> console.expect(Pattern.compile("never"), Deadline.in(Duration.ofSeconds(5))));
        assertFalse(console.isOpen());
    }

    @Test
    void closingTheLinkEndsABlockedReadPromptly() throws Exception {
        SerialLink link = SerialConsoles.openLink(pty.slavePath().toString(), BAUD, "board-1", soon());
        opened.add(link);
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            try {
                return link.read(new byte[64]);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(600);
        assertFalse(read.isDone(), "the read must wait through its timeouts while nothing arrives");

        link.close();

        assertEquals(-1, read.get(1, TimeUnit.SECONDS));
    }
}
