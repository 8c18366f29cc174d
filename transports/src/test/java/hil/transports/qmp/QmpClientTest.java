package hil.transports.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import hil.transports.Deadline;
import hil.transports.TransportTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QmpClientTest {

    private static final Duration LONG = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private FakeQmpServer server;
    private QmpClient client;
    private final ExecutorService background = Executors.newCachedThreadPool();

    @BeforeEach
    void startServer() throws IOException {
        server = new FakeQmpServer(dir.resolve("qmp.sock"));
    }

    @AfterEach
    void stop() throws IOException {
        if (client != null) {
            client.close();
        }
        server.close();
        background.shutdownNow();
    }

    private QmpClient connect() {
        client = QmpClient.connect(server.address(), Deadline.in(LONG));
        return client;
    }

    private <T> CompletableFuture<T> async(java.util.function.Supplier<T> call) {
        return CompletableFuture.supplyAsync(call, background);
    }

    private static Throwable failureOf(CompletableFuture<?> future) throws InterruptedException {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(10, TimeUnit.SECONDS));
        return e.getCause();
    }

    @Test
    void connectingReadsTheGreetingAndNegotiatesCapabilities() {
        QmpClient qmp = connect();

        assertEquals(7, qmp.greeting().path("QMP").path("version").path("qemu").path("major").asInt());
        assertTrue(qmp.isOpen());
    }

    @Test
    void aCommandReturnsItsReturnMember() throws Exception {
        QmpClient qmp = connect();

        CompletableFuture<String> status = async(() -> qmp.queryStatus(Deadline.in(LONG)));
        JsonNode request = server.nextRequest();
        server.reply(request, "{\"status\": \"prelaunch\", \"singlestep\": false, \"running\": false}");

        assertEquals("query-status", request.path("execute").asText());
        assertEquals("prelaunch", status.get(10, TimeUnit.SECONDS));
    }

    @Test
    void argumentsAreSentAndEveryCommandCarriesAUniqueId() throws Exception {
        QmpClient qmp = connect();

        CompletableFuture<JsonNode> first = async(() -> qmp.execute("human-monitor-command",
                Map.of("command-line", "info status"), Deadline.in(LONG)));
        JsonNode request1 = server.nextRequest();
        server.reply(request1, "\"VM status: paused (prelaunch)\"");
        first.get(10, TimeUnit.SECONDS);
        CompletableFuture<JsonNode> second = async(() -> qmp.execute("cont", Deadline.in(LONG)));
        JsonNode request2 = server.nextRequest();
        server.reply(request2, "{}");
        second.get(10, TimeUnit.SECONDS);

        assertEquals("info status", request1.path("arguments").path("command-line").asText());
        assertFalse(request2.has("arguments"));
        assertNotEquals(request1.get("id"), request2.get("id"));
    }

    @Test
    void repliesReachTheirCallersByIdEvenOutOfOrder() throws Exception {
        QmpClient qmp = connect();

        CompletableFuture<JsonNode> a = async(() -> qmp.execute("query-a", Deadline.in(LONG)));
        CompletableFuture<JsonNode> b = async(() -> qmp.execute("query-b", Deadline.in(LONG)));
        JsonNode first = server.nextRequest();
        JsonNode second = server.nextRequest();
        server.reply(second, "{\"answer\": \"" + second.path("execute").asText() + "\"}");
        server.reply(first, "{\"answer\": \"" + first.path("execute").asText() + "\"}");

        assertEquals("query-a", a.get(10, TimeUnit.SECONDS).path("answer").asText());
        assertEquals("query-b", b.get(10, TimeUnit.SECONDS).path("answer").asText());
    }

    @Test
    void anErrorReplyBecomesAnExceptionWithClassDescriptionAndCommand() throws Exception {
        QmpClient qmp = connect();

        CompletableFuture<JsonNode> call = async(() -> qmp.execute("screendump",
                Map.of("filename", "/tmp/x.png"), Deadline.in(LONG)));
        server.replyError(server.nextRequest(), "GenericError", "There is no console to take a screendump from");

        QmpErrorException error = assertInstanceOf(QmpErrorException.class, failureOf(call));
        assertEquals("screendump", error.command());
        assertEquals("GenericError", error.errorClass());
        assertEquals("There is no console to take a screendump from", error.description());
        assertTrue(error.getMessage().contains("qmp unix:"), error.getMessage());
    }

    @Test
    void anErrorReplyWithoutIdGoesToTheOldestPendingCommand() throws Exception {
        QmpClient qmp = connect();

        CompletableFuture<JsonNode> call = async(() -> qmp.execute("broken", Deadline.in(LONG)));
        server.nextRequest();
        server.send("{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, invalid keyword\"}}");

        QmpErrorException error = assertInstanceOf(QmpErrorException.class, failureOf(call));
        assertEquals("broken", error.command());
    }

    @Test
    void aCommandWithoutReplyTimesOutNamingTheCommand() {
        QmpClient qmp = connect();

        TransportTimeoutException timeout = assertThrows(TransportTimeoutException.class,
                () -> qmp.execute("query-silence", Deadline.in(Duration.ofMillis(200))));

        assertTrue(timeout.awaited().contains("query-silence"), timeout.awaited());
        assertTrue(timeout.getMessage().contains("timed out after 200 ms"), timeout.getMessage());
    }

    @Test
    void eventsThatArrivedBeforeTheWaitAreReturnedOnceEach() throws Exception {
        QmpClient qmp = connect();
        server.event("STOP", null, 1795312637L, 195100L);
        server.event("RESUME", null, 1795312638L, 0L);
        CompletableFuture<JsonNode> fence = async(() -> qmp.execute("query-status", Deadline.in(LONG)));
        server.reply(server.nextRequest(), "{\"status\": \"running\"}");
        fence.get(10, TimeUnit.SECONDS);

        QmpEvent resume = qmp.awaitEvent("RESUME", Deadline.in(LONG));
        QmpEvent stop = qmp.awaitEvent("STOP", Deadline.in(LONG));

        assertEquals("RESUME", resume.name());
        assertEquals(Instant.ofEpochSecond(1795312637L, 195_100_000L), stop.timestamp());
        assertThrows(TransportTimeoutException.class,
                () -> qmp.awaitEvent("STOP", Deadline.in(Duration.ofMillis(100))));
    }

    @Test
    void waitingForAnEventReturnsWhenItArrives() throws Exception {
        QmpClient qmp = connect();

        CompletableFuture<QmpEvent> shutdown = async(() -> qmp.awaitEvent("SHUTDOWN", Deadline.in(LONG)));
        server.event("RTC_CHANGE", "{\"offset\": 0}", 1L, 0L);
        server.event("SHUTDOWN", "{\"guest\": false, \"reason\": \"host-qmp-quit\"}", 2L, 0L);

        QmpEvent event = shutdown.get(10, TimeUnit.SECONDS);
        assertEquals("host-qmp-quit", event.data().path("reason").asText());
    }

    @Test
    void allEventsAreRecordedInOrderAndListenersSeeNewOnes() throws Exception {
        QmpClient qmp = connect();
        List<String> heard = new CopyOnWriteArrayList<>();
        qmp.addEventListener(e -> heard.add(e.name()));

        server.event("RESUME", null, 1L, 0L);
        server.event("RESET", "{\"guest\": false}", 2L, 0L);
        qmp.awaitEvent("RESET", Deadline.in(LONG));

        List<String> recorded = new ArrayList<>();
        qmp.events().forEach(e -> recorded.add(e.name()));
        assertEquals(List.of("RESUME", "RESET"), recorded);
        assertEquals(List.of("RESUME", "RESET"), heard);
        assertTrue(qmp.events().get(0).data().isObject(), "an event without data has an empty object");
    }

    @Test
    void aDroppedConnectionFailsThePendingAndLaterCommands() throws Exception {
        QmpClient qmp = connect();

        CompletableFuture<JsonNode> pending = async(() -> qmp.execute("query-status", Deadline.in(LONG)));
        server.nextRequest();
        server.dropConnection();

        assertInstanceOf(QmpConnectionException.class, failureOf(pending));
        assertThrows(QmpConnectionException.class, () -> qmp.execute("cont", Deadline.in(LONG)));
        assertThrows(QmpConnectionException.class, () -> qmp.awaitEvent("SHUTDOWN", Deadline.in(LONG)));
        assertFalse(qmp.isOpen());
    }

    @Test
    void quitToleratesTheConnectionClosingInsteadOfAReply() throws Exception {
        QmpClient qmp = connect();

        CompletableFuture<Void> quit = CompletableFuture.runAsync(() -> qmp.quit(Deadline.in(LONG)), background);
        assertEquals("quit", server.nextRequest().path("execute").asText());
        server.dropConnection();

        quit.get(10, TimeUnit.SECONDS);
    }

    @Test
    void somethingThatIsNotJsonDropsTheConnectionWithAClearReason() throws Exception {
        QmpClient qmp = connect();

        CompletableFuture<JsonNode> pending = async(() -> qmp.execute("query-status", Deadline.in(LONG)));
        server.nextRequest();
        server.send("this is not QMP");

        Throwable failure = failureOf(pending);
        assertInstanceOf(QmpConnectionException.class, failure);
        assertTrue(failure.getMessage().contains("malformed JSON: this is not QMP"), failure.getMessage());
    }

    @Test
    void connectingToASocketThatNeverAppearsTimesOut() {
        UnixDomainSocketAddress missing = UnixDomainSocketAddress.of(dir.resolve("missing.sock"));

        TransportTimeoutException timeout = assertThrows(TransportTimeoutException.class,
                () -> QmpClient.connect(missing, Deadline.in(Duration.ofMillis(200))));

        assertTrue(timeout.getMessage().contains("missing.sock"), timeout.getMessage());
    }

    @Test
    void connectingWaitsForASocketThatAppearsLater() throws Exception {
        Path later = dir.resolve("later.sock");
        CompletableFuture<QmpClient> connecting = async(() ->
                QmpClient.connect(UnixDomainSocketAddress.of(later), Deadline.in(LONG)));

        FakeQmpServer lateServer = new FakeQmpServer(later);
        try {
            client = connecting.get(10, TimeUnit.SECONDS);
            assertTrue(client.isOpen());
        } finally {
            lateServer.close();
        }
    }

    @Test
    void screendumpAsksForPngAndReturnsTheFile() throws Exception {
        QmpClient qmp = connect();
        Path png = dir.resolve("shot.png");

        CompletableFuture<byte[]> shot = async(() -> qmp.screendump(png, Deadline.in(LONG)));
        JsonNode request = server.nextRequest();
        ImageIO.write(new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB), "png",
                Path.of(request.path("arguments").path("filename").asText()).toFile());
        server.reply(request, "{}");

        assertEquals("png", request.path("arguments").path("format").asText());
        assertEquals(png.toAbsolutePath().toString(), request.path("arguments").path("filename").asText());
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(shot.get(10, TimeUnit.SECONDS)));
        assertEquals(4, image.getWidth());
    }

    @Test
    void screendumpFallsBackToPpmWhenQemuRejectsTheFormatArgument() throws Exception {
        QmpClient qmp = connect();
        Path png = dir.resolve("old.png");

        CompletableFuture<byte[]> shot = async(() -> qmp.screendump(png, Deadline.in(LONG)));
        server.replyError(server.nextRequest(), "GenericError", "Parameter 'format' is unexpected");
        JsonNode retry = server.nextRequest();
        // P6, 2x1 pixels, maximum 255: one red pixel, one blue pixel.
        byte[] header = "P6\n# written by QEMU\n2 1\n255\n".getBytes(StandardCharsets.US_ASCII);
        byte[] raster = {(byte) 0xFF, 0, 0, 0, 0, (byte) 0xFF};
        byte[] ppm = new byte[header.length + raster.length];
        System.arraycopy(header, 0, ppm, 0, header.length);
        System.arraycopy(raster, 0, ppm, header.length, raster.length);
        Files.write(Path.of(retry.path("arguments").path("filename").asText()), ppm);
        server.reply(retry, "{}");

        BufferedImage image = ImageIO.read(new ByteArrayInputStream(shot.get(10, TimeUnit.SECONDS)));
        assertFalse(retry.path("arguments").has("format"));
        assertEquals(0xFF0000, image.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0x0000FF, image.getRGB(1, 0) & 0xFFFFFF);
        assertFalse(Files.exists(Path.of(retry.path("arguments").path("filename").asText())),
                "the intermediate PPM is removed");
    }

    @Test
    void screendumpErrorsOtherThanTheFormatArePassedOn() throws Exception {
        QmpClient qmp = connect();

        CompletableFuture<byte[]> shot = async(() -> qmp.screendump(dir.resolve("x.png"), Deadline.in(LONG)));
        server.replyError(server.nextRequest(), "GenericError", "There is no console to take a screendump from");

        QmpErrorException error = assertInstanceOf(QmpErrorException.class, failureOf(shot));
        assertTrue(error.description().contains("no console"));
    }
}
