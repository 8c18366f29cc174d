package hil.targets.board;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * Power through a pdudaemon ({@code https://github.com/pdudaemon/pdudaemon}):
 * {@code GET {base}/power/control/{on|off|reboot}?hostname=<pdu>&port=<n>}, with {@code &delay=<seconds>} on
 * {@code reboot} (the cycle) when an off-to-on delay is configured. pdudaemon answers 200 "OK - accepted request"
 * or 500 "Invalid request…"; anything but 200, or no answer, is a {@link PowerException} quoting the URL, the status
 * and the first line of the body.
 *
 * <p>pdudaemon has no state query, so {@link #state()} stays empty (never "off").
 * pdudaemon parses {@code delay} with Python's {@code int()}, so it is sent in whole seconds, rounded up.
 * Without {@code delay} pdudaemon applies its own default (5 s).
 */
public final class PdudaemonPower implements Power {

    /** pdudaemon's default listening port. */
    public static final int DEFAULT_PORT = 16421;

    private final URI base;
    private final String pdu;
    private final String port;
    private final Duration offOnDelay;
    private final Duration requestTimeout;
    private final HttpClient client;

    /**
     * @param base           the daemon, e.g. {@code http://lab1:16421}
     * @param pdu            the PDU's name in pdudaemon's configuration ({@code hostname=})
     * @param port           the PDU outlet ({@code port=}); a string, since some drivers name outlets
     * @param offOnDelay     the off-to-on delay for a cycle, or null for pdudaemon's default
     * @param connectTimeout how long to wait for a connection to the daemon
     * @param requestTimeout how long to wait for its answer; pdudaemon may answer only after the PDU switched, with
     *                       retries, so this should be generous
     */
    public PdudaemonPower(URI base, String pdu, String port, Duration offOnDelay, Duration connectTimeout,
                          Duration requestTimeout) {
        Objects.requireNonNull(base, "base");
        if (!"http".equalsIgnoreCase(base.getScheme()) && !"https".equalsIgnoreCase(base.getScheme())) {
            throw new IllegalArgumentException("pdudaemon URL must be http:// or https://: " + base);
        }
        String s = base.toString();
        this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        if (pdu == null || pdu.isBlank()) {
            throw new IllegalArgumentException("pdudaemon power needs the PDU's name (hostname)");
        }
        if (port == null || port.isBlank()) {
            throw new IllegalArgumentException("pdudaemon power needs the PDU port");
        }
        if (offOnDelay != null && offOnDelay.isNegative()) {
            throw new IllegalArgumentException("the off-to-on delay must not be negative: " + offOnDelay);
        }
        this.pdu = pdu;
        this.port = port;
        this.offOnDelay = offOnDelay;
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.client = HttpClient.newBuilder()
                .connectTimeout(Objects.requireNonNull(connectTimeout, "connectTimeout"))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * A client with a 5 s connect timeout and a request timeout of 60 s plus the delay: pdudaemon retries a failing
     * PDU 5 times, 5 s apart, before it answers.
     */
    public static PdudaemonPower of(URI base, String pdu, int port, Duration offOnDelay) {
        Duration delay = offOnDelay == null ? Duration.ofSeconds(5) : offOnDelay;
        return new PdudaemonPower(base, pdu, Integer.toString(port), offOnDelay, Duration.ofSeconds(5),
                Duration.ofSeconds(60).plus(delay));
    }

    @Override
    public void on() {
        request("power-on", "on", false);
    }

    @Override
    public void off() {
        request("power-off", "off", false);
    }

    @Override
    public void cycle() {
        request("power-cycle", "reboot", true);
    }

    @Override
    public String describe() {
        return "pdudaemon " + base + " pdu " + pdu + " port " + port
                + (offOnDelay == null ? "" : ", off-on delay " + delaySeconds(offOnDelay) + " s");
    }

    /** The URL for one request; package-private for tests. */
    URI url(String command, boolean withDelay) {
        StringBuilder q = new StringBuilder()
                .append("hostname=").append(encode(pdu))
                .append("&port=").append(encode(port));
        if (withDelay && offOnDelay != null) {
            q.append("&delay=").append(delaySeconds(offOnDelay));
        }
        return URI.create(base + "/power/control/" + command + "?" + q);
    }

    private void request(String action, String command, boolean withDelay) {
        URI url = url(command, withDelay);
        HttpRequest request = HttpRequest.newBuilder(url).timeout(requestTimeout).GET().build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new PowerException(action + " via pdudaemon failed: GET " + url + " — no answer within "
                    + CommandPower.format(requestTimeout) + " (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new PowerException(action + " via pdudaemon failed: GET " + url + " — "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PowerException(action + " via pdudaemon interrupted: GET " + url, e);
        }
        if (response.statusCode() != 200) {
            throw new PowerException(action + " via pdudaemon failed: GET " + url + " — HTTP " + response.statusCode()
                    + ": " + firstLine(response.body()));
        }
    }

    private static String firstLine(String body) {
        if (body == null || body.isBlank()) {
            return "(empty body)";
        }
        String line = body.strip().lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    private static long delaySeconds(Duration d) {
        long s = d.getSeconds();
        return d.getNano() > 0 ? s + 1 : s;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
