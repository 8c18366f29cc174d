package hil.transports.console;

import hil.transports.Deadline;
import org.apache.commons.net.telnet.EchoOptionHandler;
import org.apache.commons.net.telnet.InvalidTelnetOptionException;
import org.apache.commons.net.telnet.SimpleOptionHandler;
import org.apache.commons.net.telnet.SuppressGAOptionHandler;
import org.apache.commons.net.telnet.TelnetClient;
import org.apache.commons.net.telnet.TelnetNotificationHandler;
import org.apache.commons.net.telnet.TelnetOption;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;

/**
 * A console link through a telnet server in front of a serial line: ser2net's telnet mode, QEMU's
 * {@code -chardev socket,telnet=on}, a terminal server. Built on Commons Net's {@link TelnetClient}. For a
 * server port that speaks raw TCP use a plain socket instead ({@code hil.transports.net.NetworkConsoles#tcp}):
 * telnet escaping on a raw port corrupts every 0xFF and answers to negotiation that nobody sent.
 *
 * <p><b>Options.</b> The point of the negotiation is that the target's bytes pass through untouched:
 * <ul>
 *   <li>BINARY (0) is offered and requested in both directions. Only while it is on does Commons Net leave the
 *       data alone. Without it {@code TelnetOutputStream} sends a CR as CR LF (the LF goes out with the next byte
 *       written, not with the CR) and an LF as CR LF, and {@code TelnetInputStream} drops a NUL that follows a
 *       CR. UEFI's Shell reads a lone CR as Enter, so {@code "ver\r"} must arrive as four bytes.</li>
 *   <li>SUPPRESS-GO-AHEAD (3) is offered and requested in both directions: a serial line is full duplex.</li>
 *   <li>ECHO (1) is accepted when the server offers it (ser2net and QEMU both send WILL ECHO), never requested,
 *       and refused if the server asks us to echo. Accepting only tells the server that we will not echo
 *       locally; neither side changes a byte for it, and the echo that appears is the target's own, as on a
 *       serial line. That is what a terminal user of the same port sees, and an expect engine wants.</li>
 *   <li>TERMINAL-TYPE is answered with {@code VT100} if the server asks (Commons Net's default); every other
 *       option the server offers is refused.</li>
 * </ul>
 * In every mode 0xFF is sent as IAC IAC and IAC IAC received is delivered as one 0xFF: that is telnet's
 * escaping, not a change of the data, and a telnet server undoes it.
 *
 * <p>{@link #connect} waits up to {@link #NEGOTIATION_WAIT} (never past the caller's deadline) for BINARY to be
 * in effect both ways before it returns, so the first write already goes out in binary mode. A server that
 * refuses or ignores BINARY still gets a working link; {@link #binaryNegotiated()} is then false,
 * {@link #describe()} says what that means for the bytes, and a warning is logged. Commons Net decides how to
 * translate from what <em>we</em> requested: a server that never answers leaves the bytes untranslated, a
 * server that refuses switches the refused direction to NVT translation. Checked against QEMU 7.2's
 * {@code -chardev socket,telnet=on,server=on,wait=on} (with the HMP monitor on it): BINARY was in effect both ways
 * after one round trip, and {@code "info version\r"} ran with the CR arriving alone.
 *
 * <p>Commons Net's reader thread stays on (its default), so negotiation is answered even while nobody reads.
 * TCP_NODELAY and SO_KEEPALIVE are set as soon as the socket is connected, before the first negotiation goes out.
 */
public final class TelnetLink implements ByteLink {

    /** The longest {@link #connect} waits for the server to agree to BINARY. */
    public static final Duration NEGOTIATION_WAIT = Duration.ofSeconds(2);

    private static final System.Logger LOG = System.getLogger(TelnetLink.class.getName());
    private static final long POLL_MILLIS = 5;

    private final Client client;
    private final Negotiation negotiation;
    private final InputStream in;
    private final OutputStream out;
    private final String endpoint;
    private volatile boolean binaryNegotiated;
    private volatile String description;
    private volatile boolean closed;

    private TelnetLink(Client client, Negotiation negotiation, String endpoint) {
        this.client = client;
        this.negotiation = negotiation;
        this.endpoint = endpoint;
        this.description = endpoint;
        this.in = client.getInputStream();
        this.out = client.getOutputStream();
    }

    /**
     * One connection attempt, no retry (see {@code NetworkConsoles} for that): connects to {@code address} with a
     * connect timeout of the time left on {@code deadline}, negotiates options and waits for BINARY as described
     * above.
     *
     * @param host    the name as given, for messages ({@code telnet:host:port})
     * @param address the resolved address to connect to
     * @throws IOException the server refused, is unreachable, or the deadline passed during the handshake
     */
    public static TelnetLink connect(String host, InetAddress address, int port, Deadline deadline)
            throws IOException {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(deadline, "deadline");
        long millis = deadline.remainingMillis();
        if (deadline.expired()) {
            throw new SocketTimeoutException("no time left to connect");
        }
        Client client = new Client();
        Negotiation negotiation = new Negotiation();
        try {
            client.addOptionHandler(new SimpleOptionHandler(TelnetOption.BINARY, true, true, true, true));
            client.addOptionHandler(new SuppressGAOptionHandler(true, true, true, true));
            client.addOptionHandler(new EchoOptionHandler(false, false, false, true));
        } catch (InvalidTelnetOptionException e) {
            throw new IllegalStateException("Commons Net rejected a standard option", e);
        }
        client.registerNotifHandler(negotiation);
        client.setConnectTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, millis)));
        try {
            client.connect(address, port);
        } catch (IOException | RuntimeException e) {
            client.abort();
            throw e;
        }
        TelnetLink link = new TelnetLink(client, negotiation, "telnet:" + host + ":" + port);
        Duration left = deadline.remaining();
        link.awaitBinary(Deadline.in(left.compareTo(NEGOTIATION_WAIT) < 0 ? left : NEGOTIATION_WAIT));
        return link;
    }

    /**
     * True if BINARY was in effect in both directions when {@link #connect} returned: every byte then passes
     * unchanged apart from telnet's IAC escaping.
     */
    public boolean binaryNegotiated() {
        return binaryNegotiated;
    }

    @Override
    public int read(byte[] buffer) throws IOException {
        if (closed) {
            return -1;
        }
        try {
            return in.read(buffer);
        } catch (IOException e) {
            if (closed) {
                // The socket was closed under a blocked read; that is the end of the stream, not a failure.
                return -1;
            }
            throw e;
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (closed) {
            throw new IOException("telnet link closed");
        }
        out.write(bytes, offset, length);
        out.flush();
    }

    /** {@code telnet:host:port}, followed by what is lost if BINARY did not come about. */
    @Override
    public String describe() {
        return description;
    }

    /**
     * Disconnects. The socket is closed first, so that a read or write blocked in it ends at once (the read
     * with -1), then Commons Net's streams and reader thread are shut down.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        client.abort();
        try {
            client.disconnect();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: disconnect: {1}", endpoint, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return description;
    }

    private void awaitBinary(Deadline wait) {
        boolean interrupted = false;
        while (!settled() && !wait.expired()) {
            try {
                Thread.sleep(Math.max(1, Math.min(POLL_MILLIS, wait.remainingMillis())));
            } catch (InterruptedException e) {
                interrupted = true;
                break;
            }
        }
        boolean toServer;
        boolean fromServer;
        synchronized (client) {
            toServer = client.getLocalOptionState(TelnetOption.BINARY);
            fromServer = client.getRemoteOptionState(TelnetOption.BINARY);
        }
        binaryNegotiated = toServer && fromServer;
        if (!binaryNegotiated) {
            String problem = binaryProblem(toServer, fromServer, wait);
            description = endpoint + " (" + problem + ")";
            LOG.log(System.Logger.Level.WARNING, "{0}: {1}", endpoint, problem);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Both directions are either in effect or refused by the server: waiting longer changes nothing. */
    private boolean settled() {
        // Commons Net changes option state while holding the client's lock (from its reader thread).
        synchronized (client) {
            boolean toServer = client.getLocalOptionState(TelnetOption.BINARY) || negotiation.refusedToServer;
            boolean fromServer = client.getRemoteOptionState(TelnetOption.BINARY) || negotiation.refusedFromServer;
            return toServer && fromServer;
        }
    }

    private String binaryProblem(boolean toServer, boolean fromServer, Deadline wait) {
        String silent = "not confirmed within " + Deadline.describe(wait.budget());
        StringBuilder text = new StringBuilder("BINARY not negotiated:");
        if (!toServer) {
            text.append(" towards the target ").append(negotiation.refusedToServer
                    ? "refused (CR goes out as CR LF, LF as CR LF)"
                    : silent + " (bytes go out unchanged)");
        }
        if (!fromServer) {
            text.append(toServer ? "" : ";").append(" from the target ").append(negotiation.refusedFromServer
                    ? "refused (a NUL after CR is dropped)"
                    : silent + " (bytes come in unchanged)");
        }
        return text.toString();
    }

    /** Remembers whether the server refused BINARY, which the option state alone cannot tell from silence. */
    private static final class Negotiation implements TelnetNotificationHandler {

        volatile boolean refusedToServer;
        volatile boolean refusedFromServer;

        @Override
        public void receivedNegotiation(int type, int option) {
            if (option != TelnetOption.BINARY) {
                return;
            }
            switch (type) {
                case RECEIVED_DONT -> refusedToServer = true;
                case RECEIVED_DO -> refusedToServer = false;
                case RECEIVED_WONT -> refusedFromServer = true;
                case RECEIVED_WILL -> refusedFromServer = false;
                default -> {
                    // commands (AYT replies and the like) say nothing about options
                }
            }
        }
    }

    /** Sets socket options before the connection is made, and can close the socket under a blocked call. */
    private static final class Client extends TelnetClient {

        @Override
        protected void applySocketAttributes() throws SocketException {
            super.applySocketAttributes();
            _socket_.setTcpNoDelay(true);
            _socket_.setKeepAlive(true);
        }

        void abort() {
            Socket socket = _socket_;
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.DEBUG, "closing a telnet socket: {0}", e.getMessage());
                }
            }
        }
    }
}
