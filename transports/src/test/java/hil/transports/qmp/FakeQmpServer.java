package hil.transports.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A QMP peer on a UNIX socket that behaves like QEMU 7.2 on the wire: greeting on accept, CRLF-terminated JSON
 * lines, capabilities negotiation answered automatically. Every other request is queued for the test, which
 * answers (or does not) as the scenario needs.
 */
final class FakeQmpServer implements AutoCloseable {

    static final String GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7}, "
            + "\"package\": \"Debian 1:7.2+dfsg-7+deb12u18\"}, \"capabilities\": [\"oob\"]}}";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final UnixDomainSocketAddress address;
    private final ServerSocketChannel server;
    private final LinkedBlockingQueue<JsonNode> requests = new LinkedBlockingQueue<>();
    private final Thread acceptor;
    private volatile SocketChannel client;

    FakeQmpServer(Path socket) throws IOException {
        this.address = UnixDomainSocketAddress.of(socket);
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(address);
        this.acceptor = new Thread(this::serve, "fake-qmp");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    UnixDomainSocketAddress address() {
        return address;
    }

    /** The next request the client sent (other than qmp_capabilities). */
    JsonNode nextRequest() throws InterruptedException {
        JsonNode request = requests.poll(10, TimeUnit.SECONDS);
        if (request == null) {
            throw new AssertionError("the client sent no request within 10 s");
        }
        return request;
    }

    void reply(JsonNode request, String returnJson) {
        send("{\"return\": " + returnJson + ", \"id\": " + request.get("id") + "}");
    }

    void replyError(JsonNode request, String errorClass, String desc) {
        send("{\"id\": " + request.get("id") + ", \"error\": {\"class\": \"" + errorClass + "\", \"desc\": \""
                + desc + "\"}}");
    }

    void event(String name, String dataJson, long seconds, long micros) {
        send("{\"timestamp\": {\"seconds\": " + seconds + ", \"microseconds\": " + micros + "}, \"event\": \""
                + name + "\"" + (dataJson == null ? "" : ", \"data\": " + dataJson) + "}");
    }

    void send(String line) {
        write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    void dropConnection() throws IOException {
        client.close();
    }

    @Override
    public void close() throws IOException {
        SocketChannel c = client;
        if (c != null) {
            c.close();
        }
        server.close();
    }

    private synchronized void write(byte[] bytes) {
        try {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                client.write(buffer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void serve() {
        try {
            client = server.accept();
            send(GREETING);
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (client.read(buffer.clear()) > 0) {
                for (int i = 0; i < buffer.position(); i++) {
                    byte b = buffer.get(i);
                    if (b == '\n') {
                        handle(JSON.readTree(line.toString(StandardCharsets.UTF_8)));
                        line.reset();
                    } else {
                        line.write(b);
                    }
                }
            }
        } catch (IOException e) {
            // The test closed the connection or the server.
        }
    }

    private void handle(JsonNode request) {
        if ("qmp_capabilities".equals(request.path("execute").asText())) {
            reply(request, "{}");
        } else {
            requests.add(request);
        }
    }
}
