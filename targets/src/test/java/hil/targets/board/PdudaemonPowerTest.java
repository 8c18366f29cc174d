package hil.targets.board;

import com.sun.net.httpserver.HttpServer;
import hil.targets.InfrastructureException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PdudaemonPowerTest {

    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String body = "OK - accepted request\n";

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + "?"
                    + exchange.getRequestURI().getRawQuery());
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private PdudaemonPower power(Duration delay) {
        return new PdudaemonPower(base(), "pdu01", "3", delay, Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    @Test
    void onOffAndCycleAskForTheRightPathsAndQuery() {
        PdudaemonPower p = power(Duration.ofSeconds(2));
        p.on();
        p.off();
        p.cycle();
        assertEquals(List.of(
                "GET /power/control/on?hostname=pdu01&port=3",
                "GET /power/control/off?hostname=pdu01&port=3",
                "GET /power/control/reboot?hostname=pdu01&port=3&delay=2"), requests);
    }

    @Test
    void withoutADelayTheCycleLeavesItToPdudaemon() {
        power(null).cycle();
        assertEquals(List.of("GET /power/control/reboot?hostname=pdu01&port=3"), requests);
    }

    @Test
    void aFractionalDelayIsRoundedUpToWholeSeconds() {
        power(Duration.ofMillis(1500)).cycle();
        assertEquals(List.of("GET /power/control/reboot?hostname=pdu01&port=3&delay=2"), requests);
    }

    @Test
    void valuesAreUrlEncoded() {
        new PdudaemonPower(URI.create(base() + "/"), "lab pdu&1", "a=b", null, Duration.ofSeconds(2),
                Duration.ofSeconds(5)).on();
        assertEquals(List.of("GET /power/control/on?hostname=lab+pdu%261&port=a%3Db"), requests);
    }

    @Test
    void aRefusalIsAnInfrastructureFailureQuotingUrlStatusAndBody() {
        status = 500;
        body = "Invalid request\nmore detail\n";
        InfrastructureException e = assertThrows(InfrastructureException.class, power(null)::on);
        assertEquals("power-on via pdudaemon failed: GET " + base() + "/power/control/on?hostname=pdu01&port=3"
                + " — HTTP 500: Invalid request", e.getMessage());
    }

    @Test
    void noDaemonIsAnInfrastructureFailureQuotingTheUrl() {
        PdudaemonPower p = power(null);
        String url = base() + "/power/control/off?hostname=pdu01&port=3";
        server.stop(0);
        InfrastructureException e = assertThrows(InfrastructureException.class, p::off);
        assertTrue(e.getMessage().startsWith("power-off via pdudaemon failed: GET " + url + " — "), e.getMessage());
    }

    @Test
    void theStateIsUnknownNeverOff() {
        assertEquals(Optional.empty(), power(null).state());
    }
}
