package hil.transports.tftp;

import hil.transports.Deadline;
import hil.transports.TransportException;
import hil.transports.TransportTimeoutException;
import org.apache.commons.net.tftp.TFTP;
import org.apache.commons.net.tftp.TFTPAckPacket;
import org.apache.commons.net.tftp.TFTPDataPacket;
import org.apache.commons.net.tftp.TFTPErrorPacket;
import org.apache.commons.net.tftp.TFTPPacket;
import org.apache.commons.net.tftp.TFTPPacketException;
import org.apache.commons.net.tftp.TFTPReadRequestPacket;
import org.apache.commons.net.tftp.TFTPWriteRequestPacket;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A read-only TFTP server for the files below one directory, for boards whose UEFI Shell fetches the agent (and a
 * kernel and initramfs) with {@code tftp -r PORT -s BLKSIZE HOST FILE}.
 *
 * <p><b>Protocol.</b> RFC 1350 read requests in {@code octet} mode. {@code netascii} requests are refused with
 * ERROR 4 rather than served unconverted: everything served here is binary, and a client in netascii mode would
 * rewrite its line ends. Write requests get ERROR 2 (read-only server). Options (RFC 2347) are answered with an
 * OACK, and DATA 1 follows only after the client's ACK of block 0; a request without a recognised option gets
 * the classic RFC 1350 exchange (DATA 1 at once, 512-byte blocks). Options whose value is malformed or out of
 * range are left out of the OACK, as are unknown ones:
 * <ul>
 *   <li>{@code tsize} (RFC 2349): answered with the file size, unless {@link Options#offerTsize()} is off. EDK II's
 *       Shell {@code tftp} needs it and fails with "Unable to get the size of the file" without it.</li>
 *   <li>{@code blksize} (RFC 2348, 8..65464): granted as {@code min(requested, maxBlockSize)}. The default cap is
 *       the RFC maximum, so the client decides: a board on a plain Ethernet segment that wants to avoid IP
 *       fragmentation asks for 1468 (1500 - 20 IP - 8 UDP - 4 TFTP) itself; set a lower {@code maxBlockSize}
 *       where the path between server and board drops fragments.</li>
 *   <li>{@code timeout} (RFC 2349, 1..255 s): echoed, and then used instead of
 *       {@link Options#retransmitTimeout()} for that transfer, as the RFC means both ends to use it.</li>
 *   <li>{@code windowsize} (RFC 7440, 1..65535): honoured up to {@value #MAX_WINDOW_SIZE} blocks (EDK II's
 *       maximum). The server sends a window of blocks, then waits for an ACK; an ACK of any block in the window
 *       moves the window to the block after it, so a client that acknowledges the last block it received in
 *       order makes the server resend only what was lost.</li>
 * </ul>
 *
 * <p><b>Transfers.</b> One daemon thread listens on the bound port; each read request is served from a new
 * ephemeral UDP socket (its TID) on a small pool of daemon threads (at most {@value #MAX_TRANSFERS} at once;
 * further requests get ERROR 0 "server busy"), so several boards can fetch at once. A repeated request from the
 * same client address and port while its transfer runs is ignored: the client only resends it because the
 * server's first answer was late, and the running transfer retransmits on its own. Unanswered DATA or OACK is
 * resent after the retransmit timeout, up to {@link Options#maxRetransmits()} times; duplicate ACKs are ignored
 * (no "sorcerer's apprentice" resends). Packets from another address or port than the client's get ERROR 5 and do
 * not disturb the transfer. Block numbers roll over from 65535 to 0, so files beyond 65535 blocks are served.
 *
 * <p><b>Files.</b> The requested name is relative to the root: leading {@code /} and {@code \} are stripped and
 * {@code \} counts as {@code /}. A name that resolves outside the root (with {@code ..} or through a symbolic
 * link), a directory or an unreadable file gets ERROR 2, a missing file ERROR 1; each is recorded as a failed
 * {@link Transfer}.
 *
 * <p>Malformed datagrams on the listening port are answered with ERROR 4 and otherwise ignored; malformed ones
 * on a transfer's socket are ignored. Nothing a client sends stops the server.
 */
public final class TftpServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(TftpServer.class.getName());

    /** The block size of RFC 1350, used when the client does not negotiate one. */
    public static final int DEFAULT_BLOCK_SIZE = 512;
    /** The smallest block size RFC 2348 allows. */
    public static final int MIN_BLOCK_SIZE = 8;
    /** The largest block size RFC 2348 allows. */
    public static final int MAX_BLOCK_SIZE = 65464;
    /** The largest window granted; EDK II's Shell {@code tftp -w} accepts 1 to 64. */
    public static final int MAX_WINDOW_SIZE = 64;
    /** How many transfers run at once at most. */
    public static final int MAX_TRANSFERS = 32;

    private static final int REQUEST_CAPACITY = 2048;
    private static final int REPLY_CAPACITY = 1024;
    private static final int BLOCK_NUMBERS = 1 << 16;

    private final Path root;
    private final Options options;
    private final TftpSocket listener;
    private final InetAddress bindAddress;
    private final InetSocketAddress address;
    private final String endpoint;
    private final Thread thread;
    private final ThreadPoolExecutor workers;
    private final Set<TftpSocket> transferSockets = ConcurrentHashMap.newKeySet();
    private final Set<InetSocketAddress> busyClients = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition recorded = lock.newCondition();
    private final List<Transfer> transfers = new ArrayList<>();
    private volatile boolean closed;

    private TftpServer(Path root, Options options, TftpSocket listener, InetAddress bindAddress) {
        this.root = root;
        this.options = options;
        this.listener = listener;
        this.bindAddress = bindAddress;
        this.address = new InetSocketAddress(bindAddress, listener.getLocalPort());
        this.endpoint = "tftp server udp:" + address.getAddress().getHostAddress() + ":" + address.getPort();
        AtomicInteger workerNumber = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(0, MAX_TRANSFERS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                task -> {
                    Thread worker = new Thread(task, "tftp-transfer-" + listener.getLocalPort() + "-"
                            + workerNumber.incrementAndGet());
                    worker.setDaemon(true);
                    return worker;
                });
        this.thread = new Thread(this::listen, "tftp-server-" + listener.getLocalPort());
        this.thread.setDaemon(true);
    }

    /**
     * Binds to {@code bind} (port 0 for any free port), starts the listening daemon thread and serves the regular
     * files below {@code root} read-only.
     *
     * @throws TransportException if {@code root} is not a directory or the port cannot be bound
     */
    public static TftpServer start(InetSocketAddress bind, Path root, Options options) {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(options, "options");
        String where = "tftp server udp:" + bind.getHostString() + ":" + bind.getPort();
        Path realRoot;
        try {
            realRoot = root.toRealPath();
        } catch (IOException e) {
            throw new TransportException(where, "cannot serve " + root + ": " + e, e);
        }
        if (!Files.isDirectory(realRoot)) {
            throw new TransportException(where, "cannot serve " + root + ": not a directory");
        }
        InetAddress bindAddress = bind.isUnresolved() ? null : bind.getAddress();
        if (bindAddress == null) {
            throw new TransportException(where, "cannot bind: unresolved address " + bind.getHostString());
        }
        TftpSocket listener = new TftpSocket();
        try {
            listener.open(bind.getPort(), bindAddress);
        } catch (SocketException e) {
            throw new TransportException(where, "cannot bind: " + e.getMessage(), e);
        }
        TftpServer server = new TftpServer(realRoot, options, listener, bindAddress);
        server.thread.start();
        LOG.log(System.Logger.Level.DEBUG, "{0}: serving {1} ({2})", server.endpoint, realRoot, options);
        return server;
    }

    /** The bound port. */
    public int port() {
        return address.getPort();
    }

    /** The bound address and port (a wildcard address if bound to one). */
    public InetSocketAddress address() {
        return address;
    }

    /** The directory served, as a real path. */
    public Path root() {
        return root;
    }

    /** How this server appears in messages, e.g. {@code tftp server udp:127.0.0.1:40123}. */
    public String endpoint() {
        return endpoint;
    }

    /** The transfers finished so far, successful or not, in the order they finished. */
    public List<Transfer> transfers() {
        lock.lock();
        try {
            return List.copyOf(transfers);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until at least {@code count} transfers have finished, e.g. until a board fetched its agent.
     *
     * @return all transfers finished so far, in order
     * @throws TransportTimeoutException if the deadline passes first
     */
    public List<Transfer> awaitTransfers(int count, Deadline deadline) {
        lock.lock();
        try {
            while (transfers.size() < count) {
                if (!deadline.await(recorded)) {
                    throw new TransportTimeoutException(endpoint, count + " finished transfer(s) (have "
                            + transfers.size() + ": " + transfers + ")", deadline.budget(), "");
                }
            }
            return List.copyOf(transfers);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException(endpoint, "interrupted while waiting for transfers", e);
        } finally {
            lock.unlock();
        }
    }

    /** Stops listening, aborts running transfers (recorded as failed) and closes all sockets. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        listener.close();
        for (TftpSocket socket : transferSockets) {
            socket.close();
        }
        workers.shutdownNow();
        try {
            thread.join(2000);
            workers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.log(System.Logger.Level.DEBUG, "{0}: closed", endpoint);
    }

    private void listen() {
        while (!closed) {
            DatagramPacket datagram;
            try {
                datagram = listener.receiveRaw(REQUEST_CAPACITY);
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, "{0}: receive failed: {1}", endpoint, e.toString());
                }
                continue;
            }
            try {
                handleRequest(datagram);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, endpoint + ": request from "
                        + datagram.getSocketAddress() + " failed", e);
            }
        }
    }

    private void handleRequest(DatagramPacket datagram) {
        InetSocketAddress client = (InetSocketAddress) datagram.getSocketAddress();
        TFTPPacket packet;
        try {
            packet = parse(datagram);
        } catch (TFTPPacketException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: malformed request from {1}: {2}", endpoint, client,
                    e.getMessage());
            reply(client, TFTPErrorPacket.ILLEGAL_OPERATION, "illegal TFTP operation: " + e.getMessage());
            return;
        }
        switch (packet.getType()) {
            case TFTPPacket.READ_REQUEST -> dispatch((TFTPReadRequestPacket) packet, client);
            case TFTPPacket.WRITE_REQUEST -> {
                String file = ((TFTPWriteRequestPacket) packet).getFilename();
                String message = "access violation: write request for " + file + " refused (read-only server)";
                reply(client, TFTPErrorPacket.ACCESS_VIOLATION, message);
                record(new Transfer(file, client, 0, DEFAULT_BLOCK_SIZE, false, false, message));
            }
            case TFTPPacket.ERROR -> LOG.log(System.Logger.Level.DEBUG, "{0}: ignoring stray {1} from {2}",
                    endpoint, packet, client);
            default -> reply(client, TFTPErrorPacket.ILLEGAL_OPERATION,
                    "illegal TFTP operation: expected a read request, got opcode " + packet.getType());
        }
    }

    private void dispatch(TFTPReadRequestPacket request, InetSocketAddress client) {
        if (!busyClients.add(client)) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: ignoring repeated request from {1} for {2}", endpoint, client,
                    request.getFilename());
            return;
        }
        try {
            workers.execute(() -> serve(request, client));
        } catch (RejectedExecutionException e) {
            busyClients.remove(client);
            if (closed) {
                return;
            }
            String message = "server busy: " + MAX_TRANSFERS + " transfers running";
            reply(client, TFTPErrorPacket.UNDEFINED, message);
            record(new Transfer(request.getFilename(), client, 0, DEFAULT_BLOCK_SIZE, false, false, message));
        }
    }

    private void serve(TFTPReadRequestPacket request, InetSocketAddress client) {
        Transfer result;
        TftpSocket socket = new TftpSocket();
        try {
            socket.open(0, bindAddress);
            transferSockets.add(socket);
            if (closed) {
                socket.close();
            }
            result = new Session(socket, request, client).run();
        } catch (SocketException e) {
            result = new Transfer(request.getFilename(), client, 0, DEFAULT_BLOCK_SIZE, false, false,
                    closed ? "server closed" : "cannot open a transfer socket: " + e.getMessage());
        } finally {
            transferSockets.remove(socket);
            socket.close();
            busyClients.remove(client);
        }
        record(result);
    }

    private void record(Transfer transfer) {
        if (transfer.ok() || String.valueOf(transfer.error()).startsWith("client sent ERROR 8")) {
            // ERROR 8 (RFC 2347: options refused) is how EDK II's tftp ends the request that only asked the size.
            LOG.log(System.Logger.Level.DEBUG, "{0}: sent {1} ({2} bytes, blksize {3}) to {4}", endpoint,
                    transfer.file(), transfer.bytes(), transfer.blockSize(), transfer.client());
        } else {
            LOG.log(System.Logger.Level.WARNING, "{0}: transfer of {1} to {2} failed: {3}", endpoint,
                    transfer.file(), transfer.client(), transfer.error());
        }
        lock.lock();
        try {
            transfers.add(transfer);
            recorded.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Parses a datagram; Commons Net does not check the opcode's high byte, so a non-zero one is refused here. */
    private static TFTPPacket parse(DatagramPacket datagram) throws TFTPPacketException {
        if (datagram.getLength() >= 2 && datagram.getData()[datagram.getOffset()] != 0) {
            throw new TFTPPacketException("Bad packet. Invalid TFTP operator code.");
        }
        return TFTPPacket.newTFTPPacket(datagram);
    }

    /**
     * Answers a request with an error from a new socket: RFC 1350 has every reply to a request come from a new
     * transfer ID, and clients such as Commons Net's reject one from the port they sent the request to.
     */
    private void reply(InetSocketAddress to, int code, String message) {
        TftpSocket socket = new TftpSocket();
        try {
            socket.open(0, bindAddress);
            sendError(socket, to, code, message);
        } catch (SocketException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: cannot answer {1}: {2}", endpoint, to, e.toString());
        } finally {
            socket.close();
        }
    }

    private void sendError(TftpSocket socket, InetSocketAddress to, int code, String message) {
        try {
            socket.send(new TFTPErrorPacket(to.getAddress(), to.getPort(), code, message));
        } catch (IOException e) {
            if (!closed) {
                LOG.log(System.Logger.Level.DEBUG, "{0}: cannot send ERROR {1} to {2}: {3}", endpoint, code, to,
                        e.toString());
            }
        }
    }

    /** An OACK datagram (RFC 2347): opcode 6, then {@code name\0value\0} for each option. */
    static DatagramPacket oack(Map<String, String> options, InetSocketAddress to) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(0);
        bytes.write(TFTPPacket.OACK);
        for (Map.Entry<String, String> option : options.entrySet()) {
            bytes.writeBytes(option.getKey().getBytes(StandardCharsets.US_ASCII));
            bytes.write(0);
            bytes.writeBytes(option.getValue().getBytes(StandardCharsets.US_ASCII));
            bytes.write(0);
        }
        byte[] data = bytes.toByteArray();
        return new DatagramPacket(data, data.length, to.getAddress(), to.getPort());
    }

    /** A request the server refuses before any data is sent: the TFTP error code and its message. */
    private static final class Refusal extends Exception {
        private final int code;

        Refusal(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    /**
     * The file below {@code root} that {@code requested} names.
     *
     * @throws Refusal with ERROR 1 for a missing file, ERROR 2 for anything outside the root, a directory, or an
     *                 unreadable file
     */
    static Path resolve(Path root, String requested) throws Refusal {
        String name = requested.replace('\\', '/');
        int start = 0;
        while (start < name.length() && name.charAt(start) == '/') {
            start++;
        }
        name = name.substring(start);
        if (name.isEmpty()) {
            throw new Refusal(TFTPErrorPacket.FILE_NOT_FOUND, "file not found: no file name given");
        }
        Path candidate;
        try {
            candidate = root.resolve(name).normalize();
        } catch (InvalidPathException e) {
            throw new Refusal(TFTPErrorPacket.FILE_NOT_FOUND, "file not found: " + requested
                    + " (invalid name: " + e.getReason() + ")");
        }
        if (!candidate.startsWith(root) || candidate.equals(root)) {
            throw new Refusal(TFTPErrorPacket.ACCESS_VIOLATION, "access violation: " + requested
                    + " is outside the served directory");
        }
        Path real;
        try {
            real = candidate.toRealPath();
        } catch (NoSuchFileException e) {
            throw new Refusal(TFTPErrorPacket.FILE_NOT_FOUND, "file not found: " + requested);
        } catch (IOException e) {
            throw new Refusal(TFTPErrorPacket.ACCESS_VIOLATION, "access violation: cannot access " + requested
                    + ": " + e.getMessage());
        }
        if (!real.startsWith(root)) {
            throw new Refusal(TFTPErrorPacket.ACCESS_VIOLATION, "access violation: " + requested
                    + " links outside the served directory");
        }
        if (Files.isDirectory(real)) {
            throw new Refusal(TFTPErrorPacket.ACCESS_VIOLATION, "access violation: " + requested
                    + " is a directory");
        }
        if (!Files.isRegularFile(real)) {
            throw new Refusal(TFTPErrorPacket.ACCESS_VIOLATION, "access violation: " + requested
                    + " is not a regular file");
        }
        if (!Files.isReadable(real)) {
            throw new Refusal(TFTPErrorPacket.ACCESS_VIOLATION, "access violation: " + requested
                    + " is not readable");
        }
        return real;
    }

    /** An option value as a number in {@code [min, max]}, or -1 if absent, malformed or out of range. */
    private static long number(Map<String, String> options, String name, long min, long max) {
        String value = options.get(name);
        if (value == null) {
            return -1;
        }
        try {
            long number = Long.parseLong(value.trim());
            return number >= min && number <= max ? number : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** One read transfer on its own socket; {@link #run()} returns its record and never throws for the client. */
    private final class Session {

        private final TftpSocket socket;
        private final TFTPReadRequestPacket request;
        private final InetSocketAddress client;
        private final String file;
        private int blockSize = DEFAULT_BLOCK_SIZE;
        private int window = 1;
        private Duration timeout = options.retransmitTimeout();
        private boolean tsizeSent;
        private FileChannel channel;
        private long size;
        private long lastBlock;
        /** Blocks the client has acknowledged, counted from 1 without rollover. */
        private long acked;
        /** The highest block sent so far, counted like {@link #acked}; 0 while an OACK awaits its ACK. */
        private long sentUpTo;

        Session(TftpSocket socket, TFTPReadRequestPacket request, InetSocketAddress client) {
            this.socket = socket;
            this.request = request;
            this.client = client;
            this.file = request.getFilename();
        }

        Transfer run() {
            if (request.getMode() != TFTP.OCTET_MODE) {
                return refuse(TFTPErrorPacket.ILLEGAL_OPERATION, "illegal TFTP operation: "
                        + TFTP.getModeName(request.getMode()) + " mode is not served, request octet (binary) mode");
            }
            Path path;
            try {
                path = resolve(root, file);
            } catch (Refusal refusal) {
                return refuse(refusal.code, refusal.getMessage());
            }
            try (FileChannel opened = FileChannel.open(path, StandardOpenOption.READ)) {
                channel = opened;
                size = opened.size();
                return transfer();
            } catch (IOException e) {
                if (closed) {
                    return failed("server closed");
                }
                if (channel == null) {
                    return refuse(TFTPErrorPacket.ACCESS_VIOLATION, "access violation: cannot read " + file + ": "
                            + e.getMessage());
                }
                return failed("I/O error: " + e);
            }
        }

        private Transfer transfer() throws IOException {
            Map<String, String> oack = negotiate();
            lastBlock = size / blockSize + 1;
            boolean awaitingOack = !oack.isEmpty();
            if (awaitingOack) {
                socket.sendRaw(oack(oack, client));
                LOG.log(System.Logger.Level.DEBUG, "{0}: {1} for {2} to {3}: OACK {4}", endpoint, file, size,
                        client, oack);
            } else {
                sendWindow();
            }
            int retransmits = 0;
            Deadline deadline = Deadline.in(timeout);
            while (true) {
                DatagramPacket datagram = deadline.expired() ? null
                        : socket.receiveRaw(REPLY_CAPACITY, deadline.remainingMillis());
                if (datagram == null) {
                    String awaited = awaitingOack ? "ACK of OACK" : "ACK of block " + (acked + 1) + ".."
                            + sentUpTo;
                    if (retransmits >= options.maxRetransmits()) {
                        String message = "no ACK from client after " + retransmits + " retransmits (awaiting "
                                + awaited + " of " + lastBlock + ")";
                        sendError(socket, client, TFTPErrorPacket.UNDEFINED, "timed out: " + message);
                        return failed(message);
                    }
                    retransmits++;
                    LOG.log(System.Logger.Level.DEBUG, "{0}: {1} to {2}: no {3}, retransmit {4}", endpoint, file,
                            client, awaited, retransmits);
                    if (awaitingOack) {
                        socket.sendRaw(oack(oack, client));
                    } else {
                        resendWindow();
                    }
                    deadline = Deadline.in(timeout);
                    continue;
                }
                if (!client.equals(datagram.getSocketAddress())) {
                    InetSocketAddress stranger = (InetSocketAddress) datagram.getSocketAddress();
                    LOG.log(System.Logger.Level.DEBUG, "{0}: {1}: packet from unknown TID {2}", endpoint, file,
                            stranger);
                    sendError(socket, stranger, TFTPErrorPacket.UNKNOWN_TID,
                            "unknown transfer ID: this port serves " + client);
                    continue;
                }
                TFTPPacket packet;
                try {
                    packet = parse(datagram);
                } catch (TFTPPacketException e) {
                    LOG.log(System.Logger.Level.DEBUG, "{0}: {1}: ignoring malformed packet from {2}: {3}",
                            endpoint, file, client, e.getMessage());
                    continue;
                }
                if (packet instanceof TFTPErrorPacket error) {
                    return failed("client sent ERROR " + error.getError() + ": " + error.getMessage());
                }
                if (!(packet instanceof TFTPAckPacket ack)) {
                    LOG.log(System.Logger.Level.DEBUG, "{0}: {1}: ignoring {2} from {3}", endpoint, file, packet,
                            client);
                    continue;
                }
                int number = ack.getBlockNumber();
                if (awaitingOack) {
                    if (number != 0) {
                        continue;
                    }
                    awaitingOack = false;
                } else {
                    long advance = (number - acked) & (BLOCK_NUMBERS - 1);
                    if (advance == 0 || advance > sentUpTo - acked) {
                        // A duplicate or stale ACK: resending now would double every later block.
                        continue;
                    }
                    acked += advance;
                    if (acked == lastBlock) {
                        return new Transfer(file, client, size, blockSize, tsizeSent, true, null);
                    }
                }
                retransmits = 0;
                sendWindow();
                deadline = Deadline.in(timeout);
            }
        }

        /** Applies the request's options and returns the OACK to send; empty for a classic transfer. */
        private Map<String, String> negotiate() {
            Map<String, String> requested = new LinkedHashMap<>();
            request.getOptions().forEach((name, value) -> requested.put(name.toLowerCase(Locale.ROOT), value));
            Map<String, String> answer = new LinkedHashMap<>();
            long blksize = number(requested, "blksize", MIN_BLOCK_SIZE, Integer.MAX_VALUE);
            if (blksize > 0) {
                blockSize = (int) Math.min(blksize, options.maxBlockSize());
                answer.put("blksize", Integer.toString(blockSize));
            }
            long seconds = number(requested, "timeout", 1, 255);
            if (seconds > 0) {
                timeout = Duration.ofSeconds(seconds);
                answer.put("timeout", Long.toString(seconds));
            }
            if (requested.containsKey("tsize") && options.offerTsize()) {
                answer.put("tsize", Long.toString(size));
                tsizeSent = true;
            }
            long windowsize = number(requested, "windowsize", 1, 65535);
            if (windowsize > 0) {
                window = (int) Math.min(windowsize, MAX_WINDOW_SIZE);
                answer.put("windowsize", Integer.toString(window));
            }
            return answer;
        }

        /** Sends the window after the last acknowledged block. */
        private void sendWindow() throws IOException {
            sentUpTo = Math.min(acked + window, lastBlock);
            resendWindow();
        }

        /** Sends the blocks after the last acknowledged one up to {@link #sentUpTo}. */
        private void resendWindow() throws IOException {
            for (long block = acked + 1; block <= sentUpTo; block++) {
                sendBlock(block);
            }
        }

        private void sendBlock(long block) throws IOException {
            long position = (block - 1) * blockSize;
            int length = (int) Math.max(0, Math.min(blockSize, size - position));
            ByteBuffer buffer = ByteBuffer.allocate(length);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, position + buffer.position()) < 0) {
                    throw new IOException(file + " shrank below " + size + " bytes while being served");
                }
            }
            socket.send(new TFTPDataPacket(client.getAddress(), client.getPort(),
                    (int) (block & (BLOCK_NUMBERS - 1)), buffer.array(), 0, length));
        }

        private Transfer refuse(int code, String message) {
            sendError(socket, client, code, message);
            return failed(message);
        }

        private Transfer failed(String message) {
            long bytes = Math.min(acked * blockSize, size);
            return new Transfer(file, client, bytes, blockSize, tsizeSent, false, message);
        }
    }

    /**
     * How the server answers.
     *
     * @param offerTsize        whether {@code tsize} is answered; off only for fault drills, since EDK II's Shell
     *                          {@code tftp} cannot download without it
     * @param retransmitTimeout how long to wait for an ACK before resending, unless the client negotiates
     *                          {@code timeout}
     * @param maxRetransmits    how many times one DATA window or OACK is resent before the transfer is given up
     * @param maxBlockSize      the largest {@code blksize} granted, 8..65464
     */
    public record Options(boolean offerTsize, Duration retransmitTimeout, int maxRetransmits, int maxBlockSize) {

        public Options {
            Objects.requireNonNull(retransmitTimeout, "retransmitTimeout");
            if (retransmitTimeout.isNegative() || retransmitTimeout.isZero()) {
                throw new IllegalArgumentException("retransmitTimeout must be positive: " + retransmitTimeout);
            }
            if (maxRetransmits < 0) {
                throw new IllegalArgumentException("maxRetransmits must not be negative: " + maxRetransmits);
            }
            if (maxBlockSize < MIN_BLOCK_SIZE || maxBlockSize > MAX_BLOCK_SIZE) {
                throw new IllegalArgumentException("maxBlockSize must be " + MIN_BLOCK_SIZE + ".." + MAX_BLOCK_SIZE
                        + ": " + maxBlockSize);
            }
        }

        /** {@code tsize} answered, 1 s retransmit timeout, 5 retransmits, block sizes up to 65464. */
        public static Options defaults() {
            return new Options(true, Duration.ofSeconds(1), 5, MAX_BLOCK_SIZE);
        }

        /** These options, but answering as a server that ignores {@code tsize} (for fault drills). */
        public Options withoutTsize() {
            return new Options(false, retransmitTimeout, maxRetransmits, maxBlockSize);
        }

        /** These options with another retransmit timeout and count. */
        public Options withRetransmits(Duration timeout, int count) {
            return new Options(offerTsize, timeout, count, maxBlockSize);
        }

        /** These options with another block size cap. */
        public Options withMaxBlockSize(int bytes) {
            return new Options(offerTsize, retransmitTimeout, maxRetransmits, bytes);
        }
    }

    /**
     * One finished read transfer, or a refused request.
     *
     * @param file      the name as the client requested it
     * @param client    the client's address and port
     * @param bytes     the bytes the client acknowledged (the file size when ok)
     * @param blockSize the block size used (512 unless negotiated)
     * @param tsizeSent whether the OACK carried {@code tsize}
     * @param ok        whether the client acknowledged the last block
     * @param error     why it failed; null when ok
     */
    public record Transfer(String file, InetSocketAddress client, long bytes, int blockSize, boolean tsizeSent,
                           boolean ok, String error) {
    }
}
