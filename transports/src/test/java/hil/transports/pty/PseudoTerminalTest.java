package hil.transports.pty;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@EnabledOnOs(OS.LINUX)
class PseudoTerminalTest {

    private final PseudoTerminal pty = openPty();

    private static PseudoTerminal openPty() {
        try {
            return PseudoTerminal.open();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void close() {
        pty.close();
    }

    /**
     * Reads exactly {@code n} bytes on another thread, so that a missing byte fails the test instead of hanging it.
     * A loop of plain reads: {@code FileInputStream.readNBytes} of this JDK asks a tty for its position and fails.
     */
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

    @Test
    void theSlaveIsATerminalUnderDevPts() {
        assertTrue(pty.slavePath().toString().startsWith("/dev/pts/"), pty.slavePath().toString());
        assertTrue(Files.exists(pty.slavePath()));
        assertTrue(pty.isOpen());
    }

    @Test
    void bytesWrittenToTheMasterArriveOnTheSlaveUnchanged() throws Exception {
        // Cooked mode would turn CR into LF (ICRNL) and hold the line until the LF; raw mode passes every byte.
        byte[] sent = {'v', 'e', 'r', '\r', 0x00, 0x03, 0x11, 0x13, (byte) 0xFF, '\n'};
        try (FileInputStream slave = new FileInputStream(pty.slavePath().toFile())) {
            pty.masterOutput().write(sent);
            assertArrayEquals(sent, readExactly(slave, sent.length, Duration.ofSeconds(5)));
        }
    }

    @Test
    void bytesWrittenToTheSlaveArriveOnTheMasterUnchanged() throws Exception {
        // Cooked output would turn LF into CR LF (ONLCR): the fifth byte would be '\n', not 'Z'.
        try (FileOutputStream slave = new FileOutputStream(pty.slavePath().toFile())) {
            slave.write("abc\nZ".getBytes(StandardCharsets.US_ASCII));
        }
        assertEquals("abc\nZ", new String(readExactly(pty.masterInput(), 5, Duration.ofSeconds(5)),
                StandardCharsets.US_ASCII));
    }

    @Test
    void theSlaveDoesNotEchoWhatTheMasterWrites() throws Exception {
        try (FileInputStream slave = new FileInputStream(pty.slavePath().toFile());
             FileOutputStream slaveOut = new FileOutputStream(pty.slavePath().toFile())) {
            pty.masterOutput().write("hello\r".getBytes(StandardCharsets.US_ASCII));
            readExactly(slave, 6, Duration.ofSeconds(5));
            slaveOut.write('!');
            // With echo on, the master would read "hello" back before the '!'.
            assertEquals('!', readExactly(pty.masterInput(), 1, Duration.ofSeconds(5))[0]);
        }
    }

    @Test
    void bytesWrittenBeforeAnyClientOpensTheSlaveWaitForIt() throws Exception {
        // The slave descriptor held by the PseudoTerminal keeps them; without it the master would read EIO.
        pty.masterOutput().write("early".getBytes(StandardCharsets.US_ASCII));
        try (FileInputStream slave = new FileInputStream(pty.slavePath().toFile())) {
            assertEquals("early", new String(readExactly(slave, 5, Duration.ofSeconds(5)), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void closeEndsABlockedMasterReadPromptly() throws Exception {
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            try {
                return pty.masterInput().read(new byte[16]);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertFalse(read.isDone(), "the read should block while nothing arrives");

        pty.close();

        assertEquals(-1, read.get(2, TimeUnit.SECONDS));
        assertFalse(pty.isOpen());
    }

    @Test
    void twoPairsHaveDifferentSlaves() throws IOException {
        try (PseudoTerminal other = PseudoTerminal.open()) {
            assertNotEquals(pty.slavePath(), other.slavePath());
        }
    }
}
