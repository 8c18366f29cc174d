package hil.transports.qmp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import hil.transports.Deadline;
import hil.transports.SocketConnector;
import hil.transports.TransportException;
import hil.transports.TransportTimeoutException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A QMP client over one stream socket. Every command carries a unique {@code id}; a reader thread routes replies to
 * their callers by id (so concurrent callers and out-of-order replies are safe) and records every asynchronous
 * event from the moment of connection, so an event that arrives before anyone waits for it is not lost.
 *
 * <p>Failures are exceptions with context: an {@code error} reply is a {@link QmpErrorException}, a lost or
 * garbled connection a {@link QmpConnectionException}, a passed deadline a {@link TransportTimeoutException}.
 */
public final class QmpClient implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(QmpClient.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Far above the largest real message (query-qmp-schema, a few hundred KiB); stops a runaway peer. */
    private static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
    /** Recent messages kept for the context of timeout messages. */
    private static final int RECENT_MESSAGES = 12;

    private final SocketChannel channel;
    private final String endpoint;
    private final Thread reader;
    private final Object writeLock = new Object();
    private final AtomicLong nextId = new AtomicLong(1);
    private final List<Consumer<QmpEvent>> listeners = new CopyOnWriteArrayList<>();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Commands awaiting a reply, in sending order (QEMU answers non-OOB commands in order). Guarded by lock. */
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final List<EventSlot> events = new ArrayList<>();
    private final ArrayDeque<String> recent = new ArrayDeque<>();
    private JsonNode greeting;
    private String closedReason;
    private Throwable closedCause;

    private QmpClient(SocketChannel channel, String endpoint) {
        this.channel = channel;
        this.endpoint = endpoint;
        this.reader = new Thread(this::readLoop, "qmp-reader " + endpoint);
        this.reader.setDaemon(true);
    }

    /**
     * Connects (retrying until the socket exists), reads the greeting and negotiates capabilities, all within
     * {@code deadline}.
     */
    public static QmpClient connect(SocketAddress address, Deadline deadline) {
        String endpoint = "qmp " + SocketConnector.describe(address);
        SocketChannel channel;
        try {
            channel = SocketConnector.connect(address, deadline);
        } catch (TransportTimeoutException e) {
            throw new TransportTimeoutException(endpoint, e.awaited(), e.budget(), "", e.getCause());
        }
        QmpClient client = new QmpClient(channel, endpoint);
        client.reader.start();
        try {
            client.awaitGreeting(deadline);
            client.execute("qmp_capabilities", deadline);
            return client;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** The greeting QEMU sent on connection, e.g. {@code {"QMP":{"version":{...},"capabilities":["oob"]}}}. */
    public JsonNode greeting() {
        lock.lock();
        try {
            return greeting;
        } finally {
            lock.unlock();
        }
    }

    /** Runs a command without arguments and returns its {@code return} member. */
    public JsonNode execute(String command, Deadline deadline) {
        return execute(command, Map.of(), deadline);
    }

    /**
     * Runs a command and returns its {@code return} member (an empty object for most commands).
     *
     * @throws QmpErrorException       QEMU answered with an error
     * @throws QmpConnectionException  the connection is or went down before the reply
     * @throws TransportTimeoutException no reply before {@code deadline}
     */
    public JsonNode execute(String command, Map<String, ?> arguments, Deadline deadline) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(arguments, "arguments");
        String id = "hil-" + nextId.getAndIncrement();
        ObjectNode request = JSON.createObjectNode();
        request.put("execute", command);
        if (!arguments.isEmpty()) {
            request.set("arguments", JSON.valueToTree(arguments));
        }
        request.put("id", id);

        Pending call = new Pending(command);
        lock.lock();
        try {
            failIfClosed("before sending '" + command + "'");
            pending.put(id, call);
        } finally {
            lock.unlock();
        }
        try {
            send(request);
        } catch (IOException e) {
            forget(id);
            throw new QmpConnectionException(endpoint, "could not send '" + command + "': " + e.getMessage(), e);
        }
        JsonNode reply = awaitReply(id, call, deadline);
        JsonNode error = reply.get("error");
        if (error != null) {
            throw new QmpErrorException(endpoint, command, error.path("class").asText("?"),
                    error.path("desc").asText(error.toString()));
        }
        JsonNode result = reply.get("return");
        return result == null ? JSON.createObjectNode() : result;
    }

    /** All events received so far, oldest first. */
    public List<QmpEvent> events() {
        lock.lock();
        try {
            List<QmpEvent> all = new ArrayList<>(events.size());
            for (EventSlot slot : events) {
                all.add(slot.event);
            }
            return List.copyOf(all);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns the oldest event called {@code name} that no earlier {@code awaitEvent} returned, waiting for one if
     * none has arrived yet. Events that arrived before the call count, so "do X, then await its event" never races.
     */
    public QmpEvent awaitEvent(String name, Deadline deadline) {
        Objects.requireNonNull(name, "name");
        lock.lock();
        try {
            while (true) {
                for (EventSlot slot : events) {
                    if (!slot.consumed && slot.event.name().equals(name)) {
                        slot.consumed = true;
                        return slot.event;
                    }
                }
                failIfClosed("while waiting for event " + name);
                if (!awaitChange(deadline)) {
                    throw new TransportTimeoutException(endpoint, "QMP event " + name, deadline.budget(),
                            recentMessages());
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Calls {@code listener} on the reader thread for every event from now on, before {@link #awaitEvent} can
     * return that event; it must not block.
     */
    public void addEventListener(Consumer<QmpEvent> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** The run state from {@code query-status}, e.g. {@code prelaunch}, {@code running}, {@code paused}. */
    public String queryStatus(Deadline deadline) {
        return execute("query-status", deadline).path("status").asText();
    }

    /** Resumes a VM started with {@code -S} or stopped. */
    public void cont(Deadline deadline) {
        execute("cont", deadline);
    }

    /** Resets the machine, like pressing the reset button. */
    public void systemReset(Deadline deadline) {
        execute("system_reset", deadline);
    }

    /**
     * Asks QEMU to exit. QEMU may close the socket before its reply arrives; that counts as success. The caller
     * still owns the process and must wait for it.
     */
    public void quit(Deadline deadline) {
        try {
            execute("quit", deadline);
        } catch (QmpConnectionException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: connection closed in reply to quit", endpoint);
        }
    }

    /**
     * Writes a PNG screenshot of the primary display to {@code pngFile} and returns its bytes. Uses
     * {@code screendump} with {@code format: png} (QEMU 7.1 and later); a QEMU that rejects the format argument
     * gets a PPM dump that is converted here. QEMU writes the file itself, so the path must be writable by it.
     */
    public byte[] screendump(Path pngFile, Deadline deadline) {
        Path target = pngFile.toAbsolutePath();
        try {
            execute("screendump", Map.of("filename", target.toString(), "format", "png"), deadline);
        } catch (QmpErrorException e) {
            if (!rejectsPngFormat(e)) {
                throw e;
            }
            Path ppm = target.resolveSibling(target.getFileName() + ".ppm");
            execute("screendump", Map.of("filename", ppm.toString()), deadline);
            try {
                PpmImage.convertToPng(ppm, target);
                Files.deleteIfExists(ppm);
            } catch (IOException io) {
                throw new TransportException(endpoint, "could not convert screendump " + ppm + " to PNG", io);
            }
        }
        try {
            return Files.readAllBytes(target);
        } catch (IOException e) {
            throw new TransportException(endpoint, "screendump reported success but " + target
                    + " is not readable", e);
        }
    }

    /** True until the connection is lost or closed. */
    public boolean isOpen() {
        lock.lock();
        try {
            return closedReason == null;
        } finally {
            lock.unlock();
        }
    }

    /** Closes the socket; pending calls fail with {@link QmpConnectionException}. Idempotent. */
    @Override
    public void close() {
        markClosed("closed by the client", null);
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: close failed: {1}", endpoint, e.getMessage());
        }
        if (Thread.currentThread() != reader) {
            try {
                reader.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return endpoint;
    }

    private static boolean rejectsPngFormat(QmpErrorException e) {
        String desc = e.description().toLowerCase(Locale.ROOT);
        return desc.contains("format") || desc.contains("png");
    }

    private void awaitGreeting(Deadline deadline) {
        lock.lock();
        try {
            while (greeting == null) {
                failIfClosed("before the greeting");
                if (!awaitChange(deadline)) {
                    throw new TransportTimeoutException(endpoint, "the QMP greeting", deadline.budget(),
                            recentMessages());
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private JsonNode awaitReply(String id, Pending call, Deadline deadline) {
        lock.lock();
        try {
            while (call.reply == null) {
                if (closedReason != null) {
                    pending.remove(id);
                    failIfClosed("before the reply to '" + call.command + "'");
                }
                if (!awaitChange(deadline)) {
                    pending.remove(id);
                    throw new TransportTimeoutException(endpoint, "the reply to QMP command '" + call.command
                            + "' (id " + id + ")", deadline.budget(), recentMessages());
                }
            }
            return call.reply;
        } finally {
            lock.unlock();
        }
    }

    /** Waits for the reader to change something; false when the deadline has passed. Caller holds the lock. */
    private boolean awaitChange(Deadline deadline) {
        try {
            return deadline.await(changed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException(endpoint, "interrupted while waiting", e);
        }
    }

    private void failIfClosed(String when) {
        if (closedReason != null) {
            throw new QmpConnectionException(endpoint, "connection lost " + when + ": " + closedReason,
                    closedCause);
        }
    }

    private void forget(String id) {
        lock.lock();
        try {
            pending.remove(id);
        } finally {
            lock.unlock();
        }
    }

    private void send(ObjectNode request) throws IOException {
        byte[] line = (JSON.writeValueAsString(request) + "\r\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.wrap(line);
        synchronized (writeLock) {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    private void readLoop() {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            while (true) {
                buffer.clear();
                int n = channel.read(buffer);
                if (n < 0) {
                    markClosed("QEMU closed the connection", null);
                    return;
                }
                byte[] bytes = buffer.array();
                for (int i = 0; i < n; i++) {
                    if (bytes[i] == '\n') {
                        handleLine(line.toString(StandardCharsets.UTF_8).trim());
                        line.reset();
                    } else {
                        line.write(bytes[i]);
                    }
                }
                if (line.size() > MAX_MESSAGE_BYTES) {
                    throw new MalformedMessage("a message longer than " + MAX_MESSAGE_BYTES + " bytes");
                }
            }
        } catch (MalformedMessage e) {
            markClosed("received " + e.getMessage(), e);
            closeQuietly();
        } catch (IOException e) {
            markClosed("read failed: " + e.getMessage(), e);
        }
    }

    private void handleLine(String text) throws MalformedMessage {
        if (text.isEmpty()) {
            return;
        }
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new MalformedMessage("malformed JSON: " + abbreviate(text));
        }
        if (message == null || !message.isObject()) {
            throw new MalformedMessage("a message that is not a JSON object: " + abbreviate(text));
        }
        QmpEvent event = message.has("event")
                ? new QmpEvent(message.path("event").asText(), dataOf(message), timestampOf(message))
                : null;
        if (event != null) {
            // Listeners first: once awaitEvent hands out an event, every listener has seen it.
            for (Consumer<QmpEvent> listener : listeners) {
                try {
                    listener.accept(event);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, endpoint + ": event listener failed", e);
                }
            }
        }
        lock.lock();
        try {
            remember(text);
            if (message.has("QMP")) {
                greeting = message;
            } else if (event != null) {
                events.add(new EventSlot(event));
            } else if (message.has("return") || message.has("error")) {
                routeReply(message);
            } else {
                LOG.log(System.Logger.Level.WARNING, "{0}: ignoring unknown QMP message {1}", endpoint,
                        abbreviate(text));
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Caller holds the lock. */
    private void routeReply(JsonNode message) {
        JsonNode id = message.get("id");
        Pending call = id != null ? pending.remove(id.asText()) : null;
        if (call == null && id == null && !pending.isEmpty()) {
            // QEMU omits the id when it could not parse the request; it answers in order, so it is the oldest.
            Iterator<Pending> oldest = pending.values().iterator();
            call = oldest.next();
            oldest.remove();
        }
        if (call == null) {
            LOG.log(System.Logger.Level.WARNING, "{0}: reply nobody waits for: {1}", endpoint, message);
            return;
        }
        call.reply = message;
    }

    private void markClosed(String reason, Throwable cause) {
        lock.lock();
        try {
            if (closedReason == null) {
                closedReason = reason;
                closedCause = cause;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void closeQuietly() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: close failed: {1}", endpoint, e.getMessage());
        }
    }

    /** Caller holds the lock. */
    private void remember(String text) {
        recent.addLast(abbreviate(text));
        while (recent.size() > RECENT_MESSAGES) {
            recent.removeFirst();
        }
    }

    private String recentMessages() {
        lock.lock();
        try {
            return String.join("\n", recent);
        } finally {
            lock.unlock();
        }
    }

    private static JsonNode dataOf(JsonNode message) {
        JsonNode data = message.get("data");
        return data == null ? JSON.createObjectNode() : data;
    }

    private static Instant timestampOf(JsonNode message) {
        JsonNode stamp = message.get("timestamp");
        if (stamp == null || !stamp.has("seconds")) {
            return Instant.now();
        }
        return Instant.ofEpochSecond(stamp.path("seconds").asLong(), stamp.path("microseconds").asLong() * 1000L);
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    /** One command awaiting its reply; fields guarded by the client's lock. */
    private static final class Pending {
        final String command;
        JsonNode reply;

        Pending(String command) {
            this.command = command;
        }
    }

    /** A received event and whether {@link #awaitEvent} has handed it out. Guarded by the client's lock. */
    private static final class EventSlot {
        final QmpEvent event;
        boolean consumed;

        EventSlot(QmpEvent event) {
            this.event = event;
        }
    }

    /** The peer sent something that is not a QMP message; the connection is dropped. */
    private static final class MalformedMessage extends Exception {
        MalformedMessage(String message) {
            super(message);
        }
    }
}
