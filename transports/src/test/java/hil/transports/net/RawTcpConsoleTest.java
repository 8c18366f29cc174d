package hil.transports.net;

import hil.transports.Deadline;
import hil.transports.TransportException;
import hil.transports.TransportTimeoutException;
import hil.transports.console.Console;
import hil.transports.console.ConsoleClosedException;
import hil.transports.net.FakeConsoleServer.Mode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static hil.transports.net.Bytes.allValues;
import static hil.transports.net.Bytes.ascii;
import static hil.transports.net.Bytes.concat;
import static hil.transports.net.Bytes.show;
import static hil.transports.net.TelnetConsoleTest.elapsedMillis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link NetworkConsoles#tcp}: a raw port (ser2net {@code raw}), no telnet, every byte as it is. */
class RawTcpConsoleTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
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

    @Test
    void bytesPassBothWaysUnchanged() throws Exception {
        FakeConsoleServer server = closeLater(FakeConsoleServer.start(Mode.RAW));
        Console console = closeLater(NetworkConsoles.tcp(LOCALHOST, server.port(), "board-1", Deadline.in(WAIT)));
        byte[] bytes = concat(allValues(), ascii("ver\r\u00ff\r\u0000END"));

        console.send(bytes);
        server.sendRaw(bytes);

        assertEquals(show(bytes), show(server.awaitData(bytes.length, WAIT)));
        Thread.sleep(50);
        assertEquals(bytes.length, server.wire().length, "nothing added on the wire: " + show(server.wire()));
        assertEquals(show(bytes), show(Bytes.awaitRawEndingWith(console, ascii("END"), WAIT)));
        assertEquals("console 'board-1' (tcp:127.0.0.1:" + server.port() + ")", console.endpoint());
    }

    @Test
    void theServerClosingTheConnectionEndsTheConsole() throws Exception {
        FakeConsoleServer server = closeLater(FakeConsoleServer.start(Mode.RAW));
        Console console = closeLater(NetworkConsoles.tcp(LOCALHOST, server.port(), "board-1", Deadline.in(WAIT)));
        server.awaitClient(WAIT);

        server.closeClient();

        assertThrows(ConsoleClosedException.class,
                () -> console.expect(Pattern.compile("never printed"), Deadline.in(WAIT)));
    }

    @Test
    void aServerThatStartsListeningLateIsConnectedWithinTheDeadline() throws Exception {
        int port = FakeConsoleServer.freePort();
        long start = System.nanoTime();
        FakeConsoleServer server = closeLater(FakeConsoleServer.startLater(Mode.RAW, port, Duration.ofMillis(500)));

        Console console = closeLater(NetworkConsoles.tcp(LOCALHOST, port, "late", Deadline.in(WAIT)));

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
                () -> NetworkConsoles.tcp(LOCALHOST, port, "nobody", Deadline.in(Duration.ofMillis(800))));

        long took = elapsedMillis(start);
        assertTrue(took >= 780 && took < 1800, "gave up after " + took + " ms");
        assertTrue(e.getMessage().contains("tcp:127.0.0.1:" + port), e.getMessage());
        assertTrue(e.getMessage().contains("Connection refused"), e.getMessage());
        assertInstanceOf(ConnectException.class, e.getCause());
    }

    @Test
    void aHostThatDoesNotResolveFailsAtOnce() {
        long start = System.nanoTime();

        TransportException e = assertThrows(TransportException.class,
                () -> NetworkConsoles.tcp("no-such-console-server.invalid", 7001, "b", Deadline.in(WAIT)));

        assertFalse(e instanceof TransportTimeoutException, e.getMessage());
        assertTrue(elapsedMillis(start) < WAIT.toMillis() / 2, elapsedMillis(start) + " ms");
        assertTrue(e.getMessage().contains("unknown host"), e.getMessage());
    }
}
