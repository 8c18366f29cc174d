package hil.transports.net;

import hil.transports.Deadline;
import hil.transports.SocketConnector;
import hil.transports.TransportException;
import hil.transports.TransportTimeoutException;
import hil.transports.console.ByteLink;
import hil.transports.console.ChannelLink;
import hil.transports.console.Console;
import hil.transports.console.TelnetLink;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;

/**
 * Consoles on a network console server: ser2net, a terminal server, QEMU's {@code -chardev socket}.
 *
 * <p>Two kinds of port. A <em>telnet</em> port ({@link #telnet}; ser2net {@code telnet}, QEMU {@code telnet=on})
 * gets a {@link TelnetLink}, which negotiates BINARY both ways so the target's bytes pass unchanged. A
 * <em>raw</em> port ({@link #tcp}; ser2net {@code raw}/{@code tcp}, QEMU without {@code telnet=on}) carries the
 * serial bytes as they are, and must not be spoken to in telnet: every 0xFF would be doubled. Both connect
 * directly, without a shell or an external client.
 *
 * <p>The server may not be there yet: a console server that only comes up with the board's power, a ser2net
 * restarted by the lab, a QEMU started with {@code server=on,wait=on} that listens a moment after its process
 * starts. So connection attempts are repeated while the server refuses or cannot be reached, with a pause of
 * 100 ms doubling up to 2 s, until the deadline. Each attempt's connect timeout is the time left. A host name
 * that does not resolve fails at once: waiting would not make it resolve.
 */
public final class NetworkConsoles {

    /** The pause after the first failed attempt. */
    public static final Duration FIRST_PAUSE = Duration.ofMillis(100);
    /** The longest pause between attempts. */
    public static final Duration MAX_PAUSE = Duration.ofSeconds(2);

    /** Time kept back from the last pause so that one more attempt is made just before the deadline. */
    private static final long LAST_ATTEMPT_MARGIN_MILLIS = 20;

    private NetworkConsoles() {
    }

    /**
     * A console on a telnet port, connected with retry (see above) and recording from the first byte.
     *
     * @throws TransportTimeoutException no connection before {@code deadline}; names {@code telnet:host:port}
     *                                   and the last connection error
     * @throws TransportException        {@code host} does not resolve
     */
    public static Console telnet(String host, int port, String name, Deadline deadline) {
        Objects.requireNonNull(name, "name");
        TelnetLink link = connect(host, port, deadline, "console '" + name + "' (" + telnetEndpoint(host, port)
                + ")", address -> TelnetLink.connect(host, address, port, deadline));
        return Console.open(link, name);
    }

    /** The link under {@link #telnet}, for callers that want to see {@link TelnetLink#binaryNegotiated()}. */
    public static TelnetLink telnetLink(String host, int port, Deadline deadline) {
        return connect(host, port, deadline, telnetEndpoint(host, port),
                address -> TelnetLink.connect(host, address, port, deadline));
    }

    /**
     * A console on a raw TCP port, connected with retry (see above) and recording from the first byte. Bytes pass
     * both ways exactly as they are.
     *
     * @throws TransportTimeoutException no connection before {@code deadline}; names {@code tcp:host:port} and
     *                                   the last connection error
     * @throws TransportException        {@code host} does not resolve
     */
    public static Console tcp(String host, int port, String name, Deadline deadline) {
        Objects.requireNonNull(name, "name");
        ByteLink link = connect(host, port, deadline, "console '" + name + "' (" + tcpEndpoint(host, port) + ")",
                address -> tcpOnce(host, address, port, deadline));
        return Console.open(link, name);
    }

    /** The link under {@link #tcp}. */
    public static ByteLink tcpLink(String host, int port, Deadline deadline) {
        return connect(host, port, deadline, tcpEndpoint(host, port),
                address -> tcpOnce(host, address, port, deadline));
    }

    private static String telnetEndpoint(String host, int port) {
        return "telnet:" + host + ":" + port;
    }

    private static String tcpEndpoint(String host, int port) {
        return "tcp:" + host + ":" + port;
    }

    private static ChannelLink tcpOnce(String host, InetAddress address, int port, Deadline deadline)
            throws IOException {
        SocketChannel channel = SocketConnector.connectOnce(new InetSocketAddress(address, port), deadline);
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return ChannelLink.over(channel, tcpEndpoint(host, port));
    }

    /** One connection attempt to one address. */
    @FunctionalInterface
    private interface Attempt<T> {
        T connect(InetAddress address) throws IOException;
    }

    private static <T> T connect(String host, int port, Deadline deadline, String endpoint, Attempt<T> attempt) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(deadline, "deadline");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new TransportException(endpoint, "unknown host '" + host + "': " + e.getMessage(), e);
        }
        long pause = FIRST_PAUSE.toMillis();
        IOException last = null;
        boolean first = true;
        while (true) {
            for (InetAddress address : addresses) {
                // The first attempt is made whatever the deadline, so that the failure names a real error.
                if (!first && deadline.expired()) {
                    break;
                }
                first = false;
                try {
                    return attempt.connect(address);
                } catch (IOException e) {
                    last = e;
                }
            }
            long left = deadline.remainingMillis();
            if (deadline.expired()) {
                break;
            }
            boolean lastChance = left <= LAST_ATTEMPT_MARGIN_MILLIS;
            try {
                Thread.sleep(lastChance ? left : Math.min(pause, left - LAST_ATTEMPT_MARGIN_MILLIS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransportException(endpoint, "interrupted while connecting", e);
            }
            if (lastChance) {
                break;
            }
            pause = Math.min(MAX_PAUSE.toMillis(), pause * 2);
        }
        throw new TransportTimeoutException(endpoint, "the console server to accept a connection (last error: "
                + describe(last) + ")", deadline.budget(), "", last);
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
