package hil.transports.net;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A console server on 127.0.0.1 for one client, speaking just enough telnet (RFC 854/855) to check what a client
 * puts on the wire: it records every data byte the client sends, with IAC IAC undone and negotiation and
 * subnegotiation stripped, the raw wire bytes, and the negotiation it received ({@code "WILL BINARY"}). It
 * applies no NVT translation of its own (no CR NUL or CR LF handling), so {@link #data()} is exactly what a
 * serial line behind a binary telnet server would get.
 */
final class FakeConsoleServer implements AutoCloseable {

    enum Mode {
        /** Offers and requests BINARY and SGA both ways and offers ECHO (as ser2net and QEMU do); agrees to both. */
        BINARY,
        /** Offers SGA and ECHO like {@link #BINARY} but refuses BINARY in both directions. */
        REFUSE_BINARY,
        /** Parses telnet but never sends or answers any negotiation. */
        SILENT,
        /** Not telnet: a raw TCP port; every byte is data both ways. */
        RAW
    }

    static final int IAC = 255;
    static final int DONT = 254;
    static final int DO = 253;
    static final int WONT = 252;
    static final int WILL = 251;
    static final int SB = 250;
    static final int SE = 240;
    static final int BINARY = 0;
    static final int ECHO = 1;
    static final int SGA = 3;

    private final Mode mode;
    private final Object lock = new Object();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();
    private final ByteArrayOutputStream wire = new ByteArrayOutputStream();
    private final List<String> negotiation = new ArrayList<>();
    private final boolean[] serverOn = new boolean[256];
    private final boolean[] clientOn = new boolean[256];
    private final boolean[] sentWill = new boolean[256];
    private final boolean[] sentDo = new boolean[256];
    private final CountDownLatch accepted = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);
    private final Thread thread;
    private volatile ServerSocket server;
    private volatile Socket client;
    private volatile boolean closed;

    private FakeConsoleServer(Mode mode, ServerSocket server, int port, Duration delay) {
        this.mode = mode;
        this.server = server;
        this.thread = new Thread(() -> serve(port, delay), "fake console server");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Listens at once on a free port. */
    static FakeConsoleServer start(Mode mode) throws IOException {
        ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        return new FakeConsoleServer(mode, server, server.getLocalPort(), Duration.ZERO);
    }

    /** Starts listening on {@code port} only after {@code delay}, like a console server that comes up late. */
    static FakeConsoleServer startLater(Mode mode, int port, Duration delay) {
        return new FakeConsoleServer(mode, null, port, delay);
    }

    /** A port nobody listens on (just released by the kernel; nothing else in the test grabs it). */
    static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    private void serve(int port, Duration delay) {
        try {
            if (server == null) {
                Thread.sleep(delay.toMillis());
                ServerSocket late = new ServerSocket();
                late.setReuseAddress(true);
                late.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                server = late;
                if (closed) {
                    late.close();
                    return;
                }
            }
            client = server.accept();
            accepted.countDown();
            if (mode == Mode.BINARY) {
                offer(DO, BINARY);
                offer(WILL, BINARY);
                offer(WILL, SGA);
                offer(DO, SGA);
                offer(WILL, ECHO);
            } else if (mode == Mode.REFUSE_BINARY) {
                offer(WILL, SGA);
                offer(DO, SGA);
                offer(WILL, ECHO);
            }
            readLoop(client.getInputStream());
        } catch (IOException | InterruptedException e) {
            // closed by the test
        } finally {
            ended.countDown();
        }
    }

    private void readLoop(InputStream in) throws IOException {
        int state = 0; // 0 data, 1 after IAC, 2 option byte of WILL/WONT/DO/DONT, 3 in SB, 4 IAC in SB
        int command = 0;
        int b;
        while ((b = in.read()) >= 0) {
            synchronized (lock) {
                wire.write(b);
                if (mode == Mode.RAW) {
                    data.write(b);
                    lock.notifyAll();
                    continue;
                }
                switch (state) {
                    case 0 -> {
                        if (b == IAC) {
                            state = 1;
                        } else {
                            data.write(b);
                        }
                    }
                    case 1 -> {
                        if (b == IAC) {
                            data.write(IAC);
                            state = 0;
                        } else if (b >= WILL && b <= DONT) {
                            command = b;
                            state = 2;
                        } else if (b == SB) {
                            state = 3;
                        } else {
                            negotiation.add("CMD " + b);
                            state = 0;
                        }
                    }
                    case 2 -> {
                        negotiation.add(name(command) + " " + option(b));
                        answer(command, b);
                        state = 0;
                    }
                    case 3 -> state = b == IAC ? 4 : 3;
                    case 4 -> state = b == SE ? 0 : 3;
                    default -> throw new IllegalStateException("state " + state);
                }
                lock.notifyAll();
            }
        }
    }

    /** RFC 1143 in short: acknowledgements are not answered, and a request for the current state is ignored. */
    private void answer(int command, int option) throws IOException {
        if (mode == Mode.SILENT) {
            return;
        }
        boolean binary = mode == Mode.BINARY;
        switch (command) {
            case WILL -> {
                if (sentDo[option]) {
                    sentDo[option] = false;
                    clientOn[option] = true;
                } else if (!clientOn[option]) {
                    boolean agree = option == SGA || option == BINARY && binary;
                    clientOn[option] = agree;
                    send(agree ? DO : DONT, option);
                }
            }
            case WONT -> {
                if (sentDo[option]) {
                    sentDo[option] = false;
                } else if (clientOn[option]) {
                    clientOn[option] = false;
                    send(DONT, option);
                }
            }
            case DO -> {
                if (sentWill[option]) {
                    sentWill[option] = false;
                    serverOn[option] = true;
                } else if (!serverOn[option]) {
                    boolean agree = option == SGA || option == ECHO || option == BINARY && binary;
                    serverOn[option] = agree;
                    send(agree ? WILL : WONT, option);
                }
            }
            case DONT -> {
                if (sentWill[option]) {
                    sentWill[option] = false;
                } else if (serverOn[option]) {
                    serverOn[option] = false;
                    send(WONT, option);
                }
            }
            default -> throw new IllegalArgumentException("command " + command);
        }
    }

    private void offer(int command, int option) throws IOException {
        synchronized (lock) {
            if (command == WILL) {
                sentWill[option] = true;
            } else {
                sentDo[option] = true;
            }
            send(command, option);
        }
    }

    private void send(int command, int option) throws IOException {
        sendRaw(new byte[] {(byte) IAC, (byte) command, (byte) option});
    }

    int port() {
        return server.getLocalPort();
    }

    /** Waits for the client to connect. */
    void awaitClient(Duration timeout) throws InterruptedException {
        if (!accepted.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("no client connected within " + timeout);
        }
    }

    /** Writes bytes to the client as they are: negotiation, or raw data. */
    void sendRaw(byte[] bytes) throws IOException {
        Socket socket = client;
        if (socket == null) {
            throw new IllegalStateException("no client");
        }
        OutputStream out = socket.getOutputStream();
        synchronized (out) {
            out.write(bytes);
            out.flush();
        }
    }

    /** Writes data to the client with telnet escaping: 0xFF goes out as IAC IAC. */
    void sendData(byte[] bytes) throws IOException {
        ByteArrayOutputStream escaped = new ByteArrayOutputStream();
        for (byte b : bytes) {
            if ((b & 0xFF) == IAC) {
                escaped.write(IAC);
            }
            escaped.write(b);
        }
        sendRaw(escaped.toByteArray());
    }

    /** The data bytes received so far. */
    byte[] data() {
        synchronized (lock) {
            return data.toByteArray();
        }
    }

    /** Everything received so far, negotiation included, as it came over the wire. */
    byte[] wire() {
        synchronized (lock) {
            return wire.toByteArray();
        }
    }

    /** The negotiation received so far, e.g. {@code ["WILL BINARY", "DO BINARY", "DO ECHO"]}. */
    List<String> negotiation() {
        synchronized (lock) {
            return List.copyOf(negotiation);
        }
    }

    /** Waits until at least {@code count} data bytes have arrived and returns all data received by then. */
    byte[] awaitData(int count, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (data.size() < count) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " data bytes, got " + data.size() + ": "
                            + Bytes.show(data.toByteArray()));
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return data.toByteArray();
        }
    }

    /** Waits until {@code item} (e.g. {@code "DO ECHO"}) has been received. */
    void awaitNegotiation(String item, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!negotiation.contains(item)) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no " + item + " within " + timeout + "; got " + negotiation);
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
        }
    }

    /** True once the client's side of the connection has ended (its stream read to the end or failed). */
    boolean awaitClientGone(Duration timeout) throws InterruptedException {
        return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Drops the connection, as a console server does when its port is closed or the board powers off. */
    void closeClient() throws IOException {
        Socket socket = client;
        if (socket != null) {
            socket.close();
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        closeClient();
        ServerSocket socket = server;
        if (socket != null) {
            socket.close();
        }
        thread.interrupt();
    }

    private static String name(int command) {
        return switch (command) {
            case WILL -> "WILL";
            case WONT -> "WONT";
            case DO -> "DO";
            case DONT -> "DONT";
            default -> "CMD" + command;
        };
    }

    private static String option(int option) {
        return switch (option) {
            case BINARY -> "BINARY";
            case ECHO -> "ECHO";
            case SGA -> "SGA";
            default -> String.valueOf(option);
        };
    }
}
