package hil.transports;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Objects;

/**
 * Opens a stream socket (UNIX domain or TCP) to an endpoint that may not exist yet, retrying until a deadline.
 * A freshly started QEMU creates its sockets a few milliseconds after the process starts, and a console server
 * may be rebooting; there is no event to wait for, so this polls with a short, growing pause.
 */
public final class SocketConnector {

    private static final long FIRST_PAUSE_MILLIS = 5;
    private static final long MAX_PAUSE_MILLIS = 100;

    private SocketConnector() {
    }

    /**
     * Connects to {@code address} in blocking mode, retrying refused or missing endpoints until {@code deadline}.
     *
     * @throws TransportTimeoutException with the last connection error as cause when the deadline passes
     */
    public static SocketChannel connect(SocketAddress address, Deadline deadline) {
        Objects.requireNonNull(address, "address");
        long pause = FIRST_PAUSE_MILLIS;
        IOException last;
        while (true) {
            try {
                return connectOnce(address, deadline);
            } catch (IOException e) {
                last = e;
            }
            if (deadline.remainingMillis() <= pause) {
                break;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransportException(describe(address), "interrupted while connecting", e);
            }
            pause = Math.min(MAX_PAUSE_MILLIS, pause * 2);
        }
        throw new TransportTimeoutException(describe(address), "the socket to accept a connection ("
                + last.getMessage() + ")", deadline.budget(), "", last);
    }

    /** {@code unix:/path} or {@code tcp:host:port}, as used in messages. */
    public static String describe(SocketAddress address) {
        if (address instanceof UnixDomainSocketAddress unix) {
            return "unix:" + unix.getPath();
        }
        if (address instanceof InetSocketAddress inet) {
            return "tcp:" + inet.getHostString() + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }

    /**
     * One connection attempt without retry, for callers with their own retry policy (e.g. a console server that
     * needs a longer backoff): the TCP handshake is bounded by the time left on {@code deadline}. The channel is
     * returned in blocking mode; on failure it is closed.
     *
     * @throws IOException the endpoint refused, is unreachable, or the deadline passed during the handshake
     */
    public static SocketChannel connectOnce(SocketAddress address, Deadline deadline) throws IOException {
        SocketChannel channel = address instanceof UnixDomainSocketAddress
                ? SocketChannel.open(StandardProtocolFamily.UNIX)
                : SocketChannel.open();
        try {
            channel.configureBlocking(false);
            if (!channel.connect(address)) {
                // A TCP handshake can hang on a filtered port; a selector bounds it by the deadline.
                try (Selector selector = Selector.open()) {
                    channel.register(selector, SelectionKey.OP_CONNECT);
                    long millis = deadline.remainingMillis();
                    if (millis <= 0 || selector.select(millis) == 0) {
                        throw new IOException("connect timed out");
                    }
                    channel.finishConnect();
                }
            }
            channel.configureBlocking(true);
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }
}
