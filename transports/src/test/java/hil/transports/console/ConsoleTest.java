package hil.transports.console;

import hil.transports.Deadline;
import hil.transports.TransportTimeoutException;
import hil.transports.testing.ByteQueueInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsoleTest {

    private static final Pattern PROMPT = Pattern.compile("(?m)^Shell> ");

    @TempDir
    Path dir;

    private final ByteQueueInputStream target = new ByteQueueInputStream();
    private final RecordingOutputStream typed = new RecordingOutputStream();
    private final Console console = Console.over(target, typed, "ovmf-1");

    @AfterEach
    void close() {
        console.close();
    }

    private static Deadline soon() {
        return Deadline.in(Duration.ofSeconds(10));
    }

    @Test
    void anExpectFindsOutputThatArrivedBeforeItWasCalled() {
        target.feed("BdsDxe: starting Boot0001\r\n");
        target.feed("Shell> ");

        Match match = console.expect(PROMPT, soon());

        assertEquals("BdsDxe: starting Boot0001\n", match.before());
        assertTrue(console.transcript().startsWith("BdsDxe"));
    }

    @Test
    void anExpectReturnsGroupsAndTextBeforeAndMovesTheMarkPastTheMatch() {
        target.feed("noise status=0x5\nstatus=0x7\n");
        Pattern status = Pattern.compile("status=(?<value>0x[0-9A-F]+)\n");

        Match first = console.expect(status, soon());
        Match second = console.expect(status, soon());

        assertEquals("0x5", first.group(1));
        assertEquals("0x5", first.group("value"));
        assertEquals("noise ", first.before());
        assertEquals("0x7", second.group(1));
        assertEquals("", second.before());
        assertEquals(second.end(), console.mark());
    }

    @Test
    void askingForAGroupThePatternDoesNotHaveIsAnError() {
        target.feed("x\n");
        Match match = console.expect(Pattern.compile("x\n"), soon());

        assertThrows(IllegalArgumentException.class, () -> match.group("missing"));
    }

    @Test
    void expectAnyReturnsTheEarliestMatchAndSaysWhichPatternMatched() {
        Pattern countdown = Pattern.compile("Press ESC");
        target.feed("Press ESC in 5 seconds\nShell> ");

        Match match = console.expectAny(soon(), PROMPT, countdown);

        assertSame(countdown, match.pattern());
    }

    @Test
    void aLineStartAnchorOnlyMatchesAtRealLineStartsAlsoAtTheMark() {
        target.feed("xShell> \n");
        console.expect(Pattern.compile("\n"), soon());
        target.feed("Shell> ");

        Match match = console.expect(PROMPT, soon());

        assertEquals("", match.before(), "matched right at the mark, which follows a line end");
        assertEquals("xShell> \nShell> ", console.transcript());
    }

    @Test
    void aTimeoutNamesWhatWasAwaitedAndQuotesTheEndOfTheTranscript() {
        target.feed("x".repeat(3000) + "\r\nlast words");
        console.expect(Pattern.compile("last words"), soon());

        TransportTimeoutException timeout = assertThrows(TransportTimeoutException.class,
                () -> console.expect(Pattern.compile("never printed"), Deadline.in(Duration.ofMillis(100))));

        assertEquals("/never printed/", timeout.awaited());
        assertEquals(2000, timeout.transcriptTail().length());
        assertTrue(timeout.transcriptTail().endsWith("x\nlast words"));
        assertTrue(timeout.getMessage().contains("console 'ovmf-1'"), timeout.getMessage());
        assertTrue(timeout.getMessage().contains("timed out after 100 ms waiting for /never printed/"));
    }

    @Test
    void aFailFastPatternEndsTheWaitAtOnceWithTheDiagnosisAndStaysReported() {
        console.failOn(Pattern.compile("ASSERT \\[\\w+\\][^\n]*"), "firmware assertion");
        target.feed("Loading driver\r\nASSERT [VariableSmm] Variable.c(1234): !EFI_ERROR (Status)\r\n");

        ConsoleFailureException failure = assertThrows(ConsoleFailureException.class,
                () -> console.expect(PROMPT, Deadline.in(Duration.ofMinutes(5))));

        assertEquals("firmware assertion", failure.diagnosis());
        assertEquals("ASSERT [VariableSmm] Variable.c(1234): !EFI_ERROR (Status)", failure.matched());
        assertTrue(failure.transcriptTail().contains("Loading driver"));
        assertThrows(ConsoleFailureException.class, () -> console.expect(PROMPT, Deadline.in(Duration.ofMinutes(5))));
    }

    @Test
    void aFailurePrintedAfterTheAwaitedTextFailsOnlyTheNextExpect() {
        console.failOn(Pattern.compile("!!!! X64 Exception"), "CPU exception");
        target.feed("Shell> \r\n!!!! X64 Exception Type - 0D(#GP - General Protection)\r\n");

        console.expect(PROMPT, soon());

        assertThrows(ConsoleFailureException.class, () -> console.expect(PROMPT, soon()));
    }

    @Test
    void anEndedStreamFailsTheExpectWithTheLastOutput() {
        target.feed("reboot: Power down\r\n");
        target.end();

        ConsoleClosedException closed = assertThrows(ConsoleClosedException.class,
                () -> console.expect(PROMPT, Deadline.in(Duration.ofMinutes(5))));

        assertTrue(closed.transcriptTail().contains("reboot: Power down"));
        assertTrue(closed.getMessage().contains("end of stream"), closed.getMessage());
        assertFalse(console.isOpen());
    }

    @Test
    void closingTheConsoleReleasesAWaitingExpect() throws Exception {
        CompletableFuture<Match> waiting = CompletableFuture.supplyAsync(
                () -> console.expect(PROMPT, Deadline.in(Duration.ofMinutes(5))));

        console.close();

        ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
        assertInstanceOf(ConsoleClosedException.class, e.getCause());
    }

    @Test
    void theRawTranscriptKeepsEveryByteAndTheCleanedOneDropsEscapes() {
        byte[] bytes = "\u001b[1m\u001b[33mShell> \u001b[0m\r\n".getBytes(StandardCharsets.US_ASCII);
        target.feed(bytes);
        console.expect(Pattern.compile("Shell> \n"), soon());

        assertArrayEquals(bytes, console.rawTranscript());
        assertEquals("Shell> \n", console.transcript());
    }

    @Test
    void aCharacterSplitAcrossTwoReadsIsDecodedWhole() {
        byte[] bytes = "é\n".getBytes(StandardCharsets.UTF_8);
        target.feed(new byte[] {bytes[0]});
        target.feed(new byte[] {bytes[1], bytes[2]});

        console.expect(Pattern.compile("\n"), soon());

        assertEquals("é\n", console.transcript());
    }

    @Test
    void anEscapeSequenceSplitAcrossTwoReadsIsRemovedWhole() {
        target.feed("a\u001b[4");
        target.feed("7;01Hb\n");

        console.expect(Pattern.compile("\n"), soon());

        assertEquals("ab\n", console.transcript());
    }

    @Test
    void backspaceNeverEditsTextAnExpectAlreadyConsumed() {
        target.feed("ab");
        console.expect(Pattern.compile("ab"), soon());
        target.feed("\bc\n");

        console.expect(Pattern.compile("\n"), soon());

        assertEquals("abc\n", console.transcript());
    }

    @Test
    void sinceAndSkipWorkOnPositionsInTheCleanedTranscript() {
        target.feed("one\n");
        console.expect(Pattern.compile("one\n"), soon());
        int mark = console.mark();
        target.feed("two\nthree\n");
        console.expect(Pattern.compile("three\n"), soon());

        assertEquals("two\nthree\n", console.since(mark));
        target.feed("four\n");
        console.expect(Pattern.compile("four\n"), soon());
        assertEquals(console.transcript().length(), console.skip());
        assertThrows(TransportTimeoutException.class,
                () -> console.expect(Pattern.compile("one"), Deadline.in(Duration.ofMillis(50))));
    }

    @Test
    void aListenerGetsEverythingFromTheFirstByteExactlyOnceBeforeExpectsSeeIt() {
        ByteArrayOutputStream heard = new ByteArrayOutputStream();
        target.feed("early\n");
        console.expect(Pattern.compile("early\n"), soon());

        console.addListener(heard::writeBytes);
        target.feed("late\n");
        console.expect(Pattern.compile("late\n"), soon());

        assertEquals("early\nlate\n", heard.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aFailingListenerDoesNotStopTheConsole() {
        console.addListener(bytes -> {
            throw new IllegalStateException("disk full");
        });
        target.feed("still recorded\n");

        assertEquals("still recorded\n", console.expect(Pattern.compile("still recorded\n"), soon()).text());
    }

    @Test
    void withoutPacingTextIsSentInOneWrite() {
        console.send("setvar X =01");

        assertEquals(List.of(12), typed.writeSizes());
        assertEquals("setvar X =01", typed.text());
    }

    @Test
    void pacingSplitsWhatIsSentIntoChunks() {
        console.setPacing(4, Duration.ofMillis(1));

        console.send("0123456789");

        assertEquals(List.of(4, 4, 2), typed.writeSizes());
        assertEquals("0123456789", typed.text());
    }

    @Test
    void sendingOnAClosedLinkFailsWithTheConsoleNamed() {
        typed.broken = true;

        ConsoleClosedException e = assertThrows(ConsoleClosedException.class, () -> console.send("x"));

        assertTrue(e.getMessage().contains("ovmf-1"));
    }

    @Test
    void aConsoleConnectsToAUnixSocketAndTalksBothWays() throws Exception {
        Path socket = dir.resolve("console.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            try (Console remote = Console.connect(UnixDomainSocketAddress.of(socket), "qemu", soon());
                 SocketChannel peer = server.accept()) {
                peer.write(ByteBuffer.wrap("UEFI Interactive Shell v2.2\r\n".getBytes(StandardCharsets.US_ASCII)));
                remote.expect(Pattern.compile("Shell v2\\.2\n"), soon());
                remote.send("ver\r");
                ByteBuffer received = ByteBuffer.allocate(4);
                while (received.hasRemaining()) {
                    peer.read(received);
                }

                assertEquals("ver\r", new String(received.array(), StandardCharsets.US_ASCII));
                assertTrue(remote.endpoint().contains("unix:" + socket), remote.endpoint());
            }
        }
    }

    @Test
    void connectingToASocketThatNeverAppearsTimesOut() {
        TransportTimeoutException timeout = assertThrows(TransportTimeoutException.class,
                () -> Console.connect(UnixDomainSocketAddress.of(dir.resolve("none.sock")), "qemu",
                        Deadline.in(Duration.ofMillis(150))));

        assertTrue(timeout.getMessage().contains("console 'qemu'"), timeout.getMessage());
    }

    @Test
    void aConsoleOnNamedPipesTalksBothWaysAndSeesTheTargetGo() throws Exception {
        Path fromTarget = dir.resolve("con.out");
        Path toTarget = dir.resolve("con.in");
        NamedPipes.create(fromTarget);
        NamedPipes.create(toTarget);

        // Like QEMU, the target holds both FIFOs open read-write before the console opens them.
        FileChannel targetOutput = FileChannel.open(fromTarget, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try (FileChannel targetInput = FileChannel.open(toTarget, StandardOpenOption.READ, StandardOpenOption.WRITE);
             Console fifo = Console.openFifos(fromTarget, toTarget, "qemu")) {
            try {
                targetOutput.write(ByteBuffer.wrap("Shell> ".getBytes(StandardCharsets.US_ASCII)));
                fifo.expect(PROMPT, soon());
                fifo.send("dmpstore\r");
                ByteBuffer received = ByteBuffer.allocate(9);
                while (received.hasRemaining()) {
                    targetInput.read(received);
                }
                assertEquals("dmpstore\r", new String(received.array(), StandardCharsets.US_ASCII));
            } finally {
                targetOutput.close();
            }

            assertThrows(ConsoleClosedException.class, () -> fifo.expect(PROMPT, soon()));
        }
    }

    /** Records what the console writes and in how many calls. */
    private static final class RecordingOutputStream extends OutputStream {
        private final List<Integer> sizes = new ArrayList<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        volatile boolean broken;

        @Override
        public synchronized void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            if (broken) {
                throw new IOException("Broken pipe");
            }
            sizes.add(len);
            bytes.write(b, off, len);
        }

        synchronized List<Integer> writeSizes() {
            return List.copyOf(sizes);
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }
}
