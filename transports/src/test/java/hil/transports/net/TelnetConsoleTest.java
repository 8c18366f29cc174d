package hil.transports.net;

import hil.transports.Deadline;
import hil.transports.TransportException;
import hil.transports.TransportTimeoutException;
import hil.transports.console.Console;
import hil.transports.console.ConsoleClosedException;
import hil.transports.console.TelnetLink;
import hil.transports.net.FakeConsoleServer.Mode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static hil.transports.net.Bytes.allValues;
import static hil.transports.net.Bytes.ascii;
import static hil.transports.net.Bytes.concat;
import static hil.transports.net.Bytes.show;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link NetworkConsoles#telnet} against an in-process telnet server. What these tests pin down about Commons
 * Net 3.13 (see {@link TelnetLink}): with BINARY both ways every byte passes as it is (0xFF escaped as IAC IAC
 * on the wire only); with BINARY refused, a CR sent goes out as CR LF, the LF only with the next byte written,
 * and a NUL after a received CR is dropped; with a server that never answers, nothing is translated.
 */
class TelnetConsoleTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Pattern NEVER = Pattern.compile("never printed");
    private static final String LOCALHOST = "127.0.0.1";

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T resource) {
        resources.add(resource);
        return resource;
    }

    private FakeConsoleServer server(Mode mode) throws IOException {
        return closeLater(FakeConsoleServer.start(mode));
    }

    private Console telnet(FakeConsoleServer server) {
        return closeLater(NetworkConsoles.telnet(LOCALHOST, server.port(), "board-1", Deadline.in(WAIT)));
    }

    @Test
    void binaryAndSuppressGoAheadAreNegotiatedBothWaysAndTheServersEchoIsAccepted() throws Exception {
        FakeConsoleServer server = server(Mode.BINARY);

        TelnetLink link = closeLater(NetworkConsoles.telnetLink(LOCALHOST, server.port(), Deadline.in(WAIT)));
        server.awaitNegotiation("DO ECHO", WAIT);

        assertTrue(link.binaryNegotiated());
        assertEquals("telnet:127.0.0.1:" + server.port(), link.describe());
        List<String> received = server.negotiation();
        for (String item : List.of("WILL BINARY", "DO BINARY", "WILL SGA", "DO SGA", "DO ECHO")) {
            assertTrue(received.contains(item), item + " missing from " + received);
        }
        assertFalse(received.contains("WILL ECHO"), "the client must not offer to echo: " + received);
        assertFalse(received.stream().anyMatch(item -> item.startsWith("WONT") || item.startsWith("DONT")),
                "nothing refused: " + received);
    }

    @Test
    void aCrReachesTheServerAsALoneCrWithNoLfOrNulAdded() throws Exception {
        FakeConsoleServer server = server(Mode.BINARY);
        Console console = telnet(server);

        console.send("ver\r");
        // In NVT mode Commons Net would send the LF of CR LF with the next byte: send one and look.
        console.send("x");

        assertEquals(show(ascii("ver\rx")), show(server.awaitData(5, WAIT)));
        Thread.sleep(100);
        assertEquals(show(ascii("ver\rx")), show(server.data()), "nothing more may follow");
    }

    @Test
    void everyByteValueSentArrivesUnchangedWith0xFfDoubledOnlyOnTheWire() throws Exception {
        FakeConsoleServer server = server(Mode.BINARY);
        Console console = telnet(server);
        byte[] sent = concat(allValues(), ascii("\r\n\r\u0000\n"));

        console.send(sent);

        assertEquals(show(sent), show(server.awaitData(sent.length, WAIT)));
        byte[] escapedTail = concat(ascii("\u00fe"), new byte[] {(byte) 0xFF, (byte) 0xFF}, ascii("\r\n\r\u0000\n"));
        assertTrue(Bytes.contains(server.wire(), escapedTail), "0xFF goes out as IAC IAC: " + show(server.wire()));
    }

    @Test
    void everyByteValueFromTheServerArrivesUnchangedIncludingCrNul() throws Exception {
        FakeConsoleServer server = server(Mode.BINARY);
        Console console = telnet(server);
        byte[] expected = concat(allValues(), ascii("A\r\u0000B\r\nC\rEND"));

        server.sendData(expected); // 0xFF goes out as IAC IAC

        byte[] raw = Bytes.awaitRawEndingWith(console, ascii("END"), WAIT);
        assertEquals(show(expected), show(raw));
    }

    @Test
    void aServerThatRefusesBinaryStillGetsAConsoleButCommonsNetTranslatesCrAndNul() throws Exception {
        FakeConsoleServer server = server(Mode.REFUSE_BINARY);
        long start = System.nanoTime();

        TelnetLink link = closeLater(NetworkConsoles.telnetLink(LOCALHOST, server.port(), Deadline.in(WAIT)));

        assertTrue(elapsedMillis(start) < 1000, "a refusal ends the wait at once: " + elapsedMillis(start) + " ms");
        assertFalse(link.binaryNegotiated());
        assertTrue(link.describe().startsWith("telnet:127.0.0.1:" + server.port() + " (BINARY not negotiated"),
                link.describe());
        assertTrue(link.describe().contains("CR goes out as CR LF"), link.describe());
        Console console = closeLater(Console.open(link, "board-1"));

        console.send("ver\r");
        assertEquals(show(ascii("ver\r")), show(server.awaitData(4, WAIT)));
        console.send("x");
        console.send("y\n");
        console.send(new byte[] {(byte) 0xFF});
        // The LF of the CR LF goes out with the next write, an LF alone becomes CR LF; 0xFF is still escaped.
        byte[] expectedOut = ascii("ver\r\nxy\r\n\u00ff");
        assertEquals(show(expectedOut), show(server.awaitData(expectedOut.length, WAIT)));

        server.sendData(ascii("A\r\u0000B\r\nC\u00ffEND"));
        // Telnet's NVT rule: CR NUL means a lone CR, so Commons Net drops the NUL.
        byte[] raw = Bytes.awaitRawEndingWith(console, ascii("END"), WAIT);
        assertEquals(show(ascii("A\rB\r\nC\u00ffEND")), show(raw));
    }

    @Test
    void aServerThatNeverAnswersGetsAnUntranslatedConsoleAfterTheNegotiationWait() throws Exception {
        FakeConsoleServer server = server(Mode.SILENT);
        long start = System.nanoTime();

        TelnetLink link = closeLater(NetworkConsoles.telnetLink(LOCALHOST, server.port(), Deadline.in(WAIT)));

        long waited = elapsedMillis(start);
        assertTrue(waited >= TelnetLink.NEGOTIATION_WAIT.toMillis() - 50 && waited < 3500, waited + " ms");
        assertFalse(link.binaryNegotiated());
        assertTrue(link.describe().contains("not confirmed within 2 s"), link.describe());
        Console console = closeLater(Console.open(link, "board-1"));

        // Commons Net translates by what it requested, not by what the server agreed to: nothing changes.
        console.send("ver\r");
        console.send("x");
        assertEquals(show(ascii("ver\rx")), show(server.awaitData(5, WAIT)));
        server.sendData(ascii("A\r\u0000B\u00ffEND"));
        byte[] raw = Bytes.awaitRawEndingWith(console, ascii("END"), WAIT);
        assertEquals(show(ascii("A\r\u0000B\u00ffEND")), show(raw));
    }

    @Test
    void theServerClosingTheConnectionEndsTheConsole() throws Exception {
        FakeConsoleServer server = server(Mode.BINARY);
        Console console = telnet(server);
        server.sendData(ascii("Shell> "));
        Bytes.awaitRawEndingWith(console, ascii("Shell> "), WAIT);
        long start = System.nanoTime();

        server.closeClient();

        assertThrows(ConsoleClosedException.class, () -> console.expect(NEVER, Deadline.in(WAIT)));
        assertTrue(elapsedMillis(start) < 2000, elapsedMillis(start) + " ms");
        assertFalse(console.isOpen());
    }

    @Test
    void closeEndsTheConsolePromptlyAndAWaitingExpect() throws Exception {
        FakeConsoleServer server = server(Mode.BINARY);
        Console console = telnet(server);
        CompletableFuture<Object> waiting = CompletableFuture.supplyAsync(
                () -> console.expect(NEVER, Deadline.in(Duration.ofSeconds(30))));
        Thread.sleep(100);
        long start = System.nanoTime();

        console.close();

        assertTrue(elapsedMillis(start) < 1000, "close took " + elapsedMillis(start) + " ms");
        ExecutionException failure = assertThrows(ExecutionException.class, () -> waiting.get(1, TimeUnit.SECONDS));
        assertInstanceOf(ConsoleClosedException.class, failure.getCause());
        assertTrue(server.awaitClientGone(Duration.ofSeconds(2)), "the server sees the connection end");
    }

    @Test
    void aReadBlockedInTheLinkReturnsMinusOneWhenTheLinkIsClosed() throws Exception {
        FakeConsoleServer server = server(Mode.BINARY);
        TelnetLink link = closeLater(NetworkConsoles.telnetLink(LOCALHOST, server.port(), Deadline.in(WAIT)));
        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
            try {
                return link.read(new byte[64]);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        assertFalse(read.isDone(), "nothing was sent, so the read must block");

        link.close();

        assertEquals(-1, read.get(1, TimeUnit.SECONDS));
    }

    @Test
    void aServerThatStartsListeningLateIsConnectedWithinTheDeadline() throws Exception {
        int port = FakeConsoleServer.freePort();
        long start = System.nanoTime();
        FakeConsoleServer server = closeLater(FakeConsoleServer.startLater(Mode.BINARY, port, Duration.ofMillis(500)));

        Console console = closeLater(NetworkConsoles.telnet(LOCALHOST, port, "late", Deadline.in(WAIT)));

        long took = elapsedMillis(start);
        assertTrue(took >= 450 && took < 3000, "connected after " + took + " ms");
        console.send("ver\r");
        assertEquals(show(ascii("ver\r")), show(server.awaitData(4, WAIT)));
    }

    @Test
    void withoutAServerTheConnectionTimesOutAtTheDeadlineNamingTheEndpoint() throws Exception {
        int port = FakeConsoleServer.freePort();
        long start = System.nanoTime();

        TransportTimeoutException e = assertThrows(TransportTimeoutException.class,
                () -> NetworkConsoles.telnet(LOCALHOST, port, "nobody", Deadline.in(Duration.ofMillis(800))));

        long took = elapsedMillis(start);
        assertTrue(took >= 780 && took < 1800, "gave up after " + took + " ms");
        assertTrue(e.getMessage().contains("telnet:127.0.0.1:" + port), e.getMessage());
        assertTrue(e.getMessage().contains("Connection refused"), e.getMessage());
        assertInstanceOf(ConnectException.class, e.getCause());
    }

    @Test
    void aHostThatDoesNotResolveFailsAtOnce() {
        long start = System.nanoTime();

        TransportException e = assertThrows(TransportException.class,
                () -> NetworkConsoles.telnet("no-such-console-server.invalid", 2001, "b", Deadline.in(WAIT)));

        assertFalse(e instanceof TransportTimeoutException, e.getMessage());
        assertTrue(elapsedMillis(start) < WAIT.toMillis() / 2, elapsedMillis(start) + " ms");
        assertTrue(e.getMessage().contains("telnet:no-such-console-server.invalid:2001"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown host"), e.getMessage());
    }

    static long elapsedMillis(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
