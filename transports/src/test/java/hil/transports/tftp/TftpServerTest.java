package hil.transports.tftp;

import hil.transports.Deadline;
import hil.transports.tftp.TftpServer.Options;
import hil.transports.tftp.TftpServer.Transfer;
import org.apache.commons.net.tftp.TFTP;
import org.apache.commons.net.tftp.TFTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TftpServerTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration LONG = Duration.ofSeconds(5);
    private static final int OACK = 6;

    @TempDir
    Path dir;

    private Path root;
    private TftpServer server;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void createRoot() throws IOException {
        root = Files.createDirectories(dir.resolve("root"));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private TftpServer start(Options options) {
        server = TftpServer.start(new InetSocketAddress(LOOPBACK, 0), root, options);
        return server;
    }

    private byte[] file(String name, int size) throws IOException {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        Path path = root.resolve(name);
        Files.createDirectories(path.getParent());
        Files.write(path, bytes);
        return bytes;
    }

    private byte[] fetch(String name) throws IOException {
        TFTPClient client = new TFTPClient();
        client.setDefaultTimeout(LONG);
        client.open();
        closeables.add(client);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        client.receiveFile(name, TFTP.BINARY_MODE, out, LOOPBACK, server.port());
        return out.toByteArray();
    }

    private Transfer awaitTransfer(int number) {
        return server.awaitTransfers(number, Deadline.in(LONG)).get(number - 1);
    }

    private RawClient raw() throws IOException {
        RawClient client = new RawClient(server.port());
        closeables.add(client);
        return client;
    }

    // 1. Plain RFC 1350 transfers with Commons Net's client

    @Test
    void aSmallFileArrivesWhole() throws IOException {
        byte[] content = file("agent.efi", 300);
        start(Options.defaults());

        assertArrayEquals(content, fetch("agent.efi"));

        Transfer transfer = awaitTransfer(1);
        assertTrue(transfer.ok(), transfer.toString());
        assertEquals("agent.efi", transfer.file());
        assertEquals(300, transfer.bytes());
        assertEquals(512, transfer.blockSize());
        assertFalse(transfer.tsizeSent());
        assertNull(transfer.error());
    }

    @Test
    void aFileOfExactlyFiveBlocksEndsWithAnEmptyBlock() throws IOException {
        byte[] content = file("five.bin", 5 * 512);
        start(Options.defaults());
        RawClient client = raw();

        client.request(1, "five.bin", "octet", Map.of());
        for (int block = 1; block <= 5; block++) {
            assertEquals(512, client.expectData(block).length);
            client.ack(block);
        }
        assertEquals(0, client.expectData(6).length);
        client.ack(6);

        assertEquals(5 * 512, awaitTransfer(1).bytes());
        assertArrayEquals(content, fetch("five.bin"));
        assertTrue(awaitTransfer(2).ok());
    }

    @Test
    void anEmptyFileIsOneEmptyBlock() throws IOException {
        file("empty.bin", 0);
        start(Options.defaults());

        assertArrayEquals(new byte[0], fetch("empty.bin"));
        assertTrue(awaitTransfer(1).ok());
    }

    @Test
    void leadingSlashesAndBackslashesNameFilesBelowTheRoot() throws IOException {
        byte[] content = file("boot/linux/initrd.img", 1500);
        start(Options.defaults());

        assertArrayEquals(content, fetch("/boot/linux/initrd.img"));
        assertArrayEquals(content, fetch("\\boot\\linux\\initrd.img"));
    }

    // 2. and 3. Refused requests

    @Test
    void aMissingFileIsReportedToTheClientAndRecorded() throws IOException {
        start(Options.defaults());

        IOException error = assertThrows(IOException.class, () -> fetch("missing.efi"));

        assertTrue(error.getMessage().contains("Error code 1"), error.getMessage());
        assertTrue(error.getMessage().contains("file not found: missing.efi"), error.getMessage());
        Transfer transfer = awaitTransfer(1);
        assertFalse(transfer.ok());
        assertEquals("missing.efi", transfer.file());
        assertEquals("file not found: missing.efi", transfer.error());
    }

    @Test
    void namesThatLeaveTheRootAreRefused() throws IOException {
        Files.writeString(dir.resolve("secret"), "not for boards");
        file("sub/ok.bin", 10);
        start(Options.defaults());

        for (String name : List.of("../secret", "sub/../../secret", "..\\secret", "/../secret")) {
            IOException error = assertThrows(IOException.class, () -> fetch(name), name);
            assertTrue(error.getMessage().contains("Error code 2"), error.getMessage());
            assertTrue(error.getMessage().contains("outside the served directory"), error.getMessage());
        }
        List<Transfer> transfers = server.awaitTransfers(4, Deadline.in(LONG));
        assertTrue(transfers.stream().noneMatch(Transfer::ok), transfers.toString());
        assertEquals(Set.of("../secret", "sub/../../secret", "..\\secret", "/../secret"),
                transfers.stream().map(Transfer::file).collect(Collectors.toSet()));
    }

    @Test
    void aSymbolicLinkOutOfTheRootIsRefused() throws IOException {
        Files.writeString(dir.resolve("secret"), "not for boards");
        Files.createSymbolicLink(root.resolve("link"), dir.resolve("secret"));
        start(Options.defaults());

        IOException error = assertThrows(IOException.class, () -> fetch("link"));

        assertTrue(error.getMessage().contains("links outside the served directory"), error.getMessage());
    }

    @Test
    void aDirectoryIsRefused() throws IOException {
        file("sub/ok.bin", 10);
        start(Options.defaults());

        IOException error = assertThrows(IOException.class, () -> fetch("sub"));

        assertTrue(error.getMessage().contains("Error code 2"), error.getMessage());
        assertTrue(error.getMessage().contains("sub is a directory"), error.getMessage());
        assertFalse(awaitTransfer(1).ok());
    }

    @Test
    void netasciiIsRefusedRatherThanServedUnconverted() throws IOException {
        file("agent.efi", 100);
        start(Options.defaults());
        RawClient client = raw();

        client.request(1, "agent.efi", "netascii", Map.of());

        Packet reply = client.receive();
        assertEquals(5, reply.opcode());
        assertEquals(4, reply.number());
        assertTrue(reply.text().contains("netascii mode is not served"), reply.text());
        assertFalse(awaitTransfer(1).ok());
    }

    // 4. Options

    @Test
    void tsizeAndBlksizeAreAnsweredInAnOackBeforeData() throws IOException {
        byte[] content = file("linux.efi", 1428 * 3 + 100);
        start(Options.defaults());
        RawClient client = raw();

        client.request(1, "linux.efi", "octet", ordered("tsize", "0", "blksize", "1428"));
        Packet oack = client.receive();

        assertEquals(OACK, oack.opcode());
        assertEquals(Map.of("tsize", Integer.toString(content.length), "blksize", "1428"), oack.options());
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        client.ack(0);
        byte[] first = client.expectData(1);
        assertEquals(1428, first.length);
        received.writeBytes(first);
        client.ack(1);
        for (int block = 2; block <= 4; block++) {
            received.writeBytes(client.expectData(block));
            client.ack(block);
        }
        assertArrayEquals(content, received.toByteArray());
        Transfer transfer = awaitTransfer(1);
        assertTrue(transfer.ok(), transfer.toString());
        assertTrue(transfer.tsizeSent());
        assertEquals(1428, transfer.blockSize());
    }

    @Test
    void dataWaitsForTheAckOfTheOack() throws IOException {
        file("agent.efi", 2000);
        start(Options.defaults().withRetransmits(Duration.ofMillis(200), 5));
        RawClient client = raw();

        client.request(1, "agent.efi", "octet", Map.of("tsize", "0"));

        assertEquals(OACK, client.receive().opcode());
        assertEquals(OACK, client.receive().opcode(), "an unanswered OACK is resent, not followed by DATA");
        client.ack(0);
        assertEquals(512, client.expectData(1).length);
    }

    @Test
    void withoutTsizeTheOackLeavesItOutButAnswersTheRest() throws IOException {
        file("agent.efi", 5000);
        start(Options.defaults().withoutTsize());
        RawClient client = raw();

        client.request(1, "agent.efi", "octet", ordered("tsize", "0", "blksize", "1428"));
        Packet oack = client.receive();

        assertEquals(OACK, oack.opcode());
        assertEquals(Map.of("blksize", "1428"), oack.options());
        client.ack(0);
        assertEquals(1428, client.expectData(1).length);
    }

    @Test
    void withoutTsizeAndNoOtherOptionThereIsNoOack() throws IOException {
        file("agent.efi", 5000);
        start(Options.defaults().withoutTsize());
        RawClient client = raw();

        client.request(1, "agent.efi", "octet", Map.of("tsize", "0"));

        assertEquals(512, client.expectData(1).length);
    }

    @Test
    void blksizeIsCappedAndTimeoutEchoedAndUnknownOrInvalidOptionsLeftOut() throws IOException {
        file("agent.efi", 5000);
        start(Options.defaults().withMaxBlockSize(1468));
        RawClient client = raw();

        client.request(1, "agent.efi", "octet",
                ordered("BLKSIZE", "65464", "timeout", "3", "multicast", "", "windowsize", "0"));
        Packet oack = client.receive();

        assertEquals(Map.of("blksize", "1468", "timeout", "3"), oack.options());
        client.ack(0);
        assertEquals(1468, client.expectData(1).length);
    }

    @Test
    void windowsizeSendsThatManyBlocksPerAck() throws IOException {
        byte[] content = file("kernel", 512 * 9 + 7);
        start(Options.defaults());
        RawClient client = raw();

        client.request(1, "kernel", "octet", Map.of("windowsize", "4"));
        assertEquals(Map.of("windowsize", "4"), client.receive().options());
        client.ack(0);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        for (int block = 1; block <= 4; block++) {
            received.writeBytes(client.expectData(block));
        }
        client.ack(4);
        for (int block = 5; block <= 8; block++) {
            received.writeBytes(client.expectData(block));
        }
        client.ack(8);
        received.writeBytes(client.expectData(9));
        received.writeBytes(client.expectData(10));
        client.ack(10);

        assertArrayEquals(content, received.toByteArray());
        assertTrue(awaitTransfer(1).ok());
    }

    @Test
    void anAckInsideTheWindowResendsFromTheBlockAfterIt() throws IOException {
        file("kernel", 512 * 9 + 7);
        start(Options.defaults());
        RawClient client = raw();

        client.request(1, "kernel", "octet", Map.of("windowsize", "4"));
        client.receive();
        client.ack(0);
        for (int block = 1; block <= 4; block++) {
            client.expectData(block);
        }
        client.ack(2); // block 3 "lost"

        for (int block = 3; block <= 6; block++) {
            client.expectData(block);
        }
    }

    @Test
    void blockNumbersRollOverAfter65535() throws IOException {
        int blockSize = 8;
        long blocks = 65536 + 300;
        byte[] content = file("big.img", (int) (blocks * blockSize + 3));
        start(Options.defaults());
        RawClient client = raw();

        client.request(1, "big.img", "octet", ordered("blksize", "8", "windowsize", "64", "tsize", "0"));
        assertEquals(Map.of("blksize", "8", "windowsize", "64", "tsize", Integer.toString(content.length)),
                client.receive().options());
        client.ack(0);
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        long last = blocks + 1;
        for (long block = 1; block <= last; block++) {
            received.writeBytes(client.expectData((int) (block & 0xFFFF)));
            if (block % 64 == 0 || block == last) {
                client.ack((int) (block & 0xFFFF));
            }
        }

        assertArrayEquals(content, received.toByteArray());
        Transfer transfer = awaitTransfer(1);
        assertTrue(transfer.ok(), transfer.toString());
        assertEquals(content.length, transfer.bytes());
    }

    // 5. Loss and retransmission

    @Test
    void anUnacknowledgedBlockIsResentAfterTheTimeout() throws IOException {
        byte[] content = file("agent.efi", 512 * 2 + 10);
        start(Options.defaults().withRetransmits(Duration.ofMillis(200), 5));
        RawClient client = raw();

        client.request(1, "agent.efi", "octet", Map.of());
        byte[] first = client.expectData(1);
        client.ack(1);
        client.expectData(2); // dropped: not acknowledged
        long sent = System.nanoTime();
        byte[] second = client.expectData(2);
        long waitedMillis = (System.nanoTime() - sent) / 1_000_000;
        client.ack(2);
        byte[] third = client.expectData(3);
        client.ack(3);

        assertTrue(waitedMillis >= 100, "resent after " + waitedMillis + " ms, before the 200 ms timeout");
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        received.writeBytes(first);
        received.writeBytes(second);
        received.writeBytes(third);
        assertArrayEquals(content, received.toByteArray());
        assertTrue(awaitTransfer(1).ok());
    }

    @Test
    void aDuplicateAckDoesNotTriggerAResend() throws IOException {
        file("agent.efi", 512 * 3);
        start(Options.defaults().withRetransmits(Duration.ofSeconds(2), 5));
        RawClient client = raw();

        client.request(1, "agent.efi", "octet", Map.of());
        client.expectData(1);
        client.ack(1);
        client.expectData(2);
        client.ack(1);
        client.ack(1);

        assertNull(client.receive(Duration.ofMillis(400)), "a duplicate ACK caused a resend");
        client.ack(2);
        client.expectData(3);
    }

    @Test
    void aClientThatStopsAckingIsGivenUpAfterTheRetransmits() throws IOException {
        file("agent.efi", 5000);
        start(Options.defaults().withRetransmits(Duration.ofMillis(100), 2));
        RawClient client = raw();

        client.request(1, "agent.efi", "octet", Map.of());
        int copies = 0;
        Packet packet;
        while ((packet = client.receive()).opcode() == 3) {
            assertEquals(1, packet.number());
            copies++;
        }

        assertEquals(3, copies, "the first DATA 1 and 2 retransmits");
        assertEquals(5, packet.opcode());
        Transfer transfer = awaitTransfer(1);
        assertFalse(transfer.ok());
        assertEquals(0, transfer.bytes());
        assertTrue(transfer.error().startsWith("no ACK from client after 2 retransmits"), transfer.error());
    }

    @Test
    void aClientErrorEndsTheTransfer() throws IOException {
        file("agent.efi", 5000);
        start(Options.defaults());
        RawClient client = raw();

        client.request(1, "agent.efi", "octet", Map.of("tsize", "0"));
        client.receive();
        client.error(8, "option rejected");

        Transfer transfer = awaitTransfer(1);
        assertFalse(transfer.ok());
        assertEquals("client sent ERROR 8: option rejected", transfer.error());
    }

    @Test
    void aPacketFromAnUnknownTidGetsError5AndTheTransferGoesOn() throws IOException {
        byte[] content = file("agent.efi", 700);
        start(Options.defaults());
        RawClient client = raw();
        RawClient stranger = raw();

        client.request(1, "agent.efi", "octet", Map.of());
        byte[] first = client.expectData(1);
        stranger.ackTo(client.transferPort(), 1);
        Packet error = stranger.receive();
        client.ack(1);
        byte[] second = client.expectData(2);
        client.ack(2);

        assertEquals(5, error.opcode());
        assertEquals(5, error.number());
        assertArrayEquals(content, concat(first, second));
        assertTrue(awaitTransfer(1).ok());
    }

    // Concurrency

    @Test
    void aSecondClientIsServedWhileTheFirstTransferIsOpen() throws IOException {
        byte[] agent = file("agent.efi", 3000);
        byte[] kernel = file("kernel", 2000);
        start(Options.defaults());
        RawClient slow = raw();

        slow.request(1, "agent.efi", "octet", Map.of());
        byte[] first = slow.expectData(1);
        assertArrayEquals(kernel, fetch("kernel"));
        assertEquals("kernel", awaitTransfer(1).file(), "the second transfer finished while the first was open");
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        received.writeBytes(first);
        slow.ack(1);
        for (int block = 2; block <= 6; block++) {
            received.writeBytes(slow.expectData(block));
            slow.ack(block);
        }

        assertArrayEquals(agent, received.toByteArray());
        List<Transfer> transfers = server.awaitTransfers(2, Deadline.in(LONG));
        assertEquals(List.of("kernel", "agent.efi"), transfers.stream().map(Transfer::file).toList());
    }

    // 6. Write requests and garbage

    @Test
    void aWriteRequestIsRefused() throws IOException {
        start(Options.defaults());
        TFTPClient client = new TFTPClient();
        client.setDefaultTimeout(LONG);
        client.open();
        closeables.add(client);

        IOException error = assertThrows(IOException.class, () -> client.sendFile("upload.bin", TFTP.BINARY_MODE,
                new ByteArrayInputStream(new byte[100]), LOOPBACK, server.port()));

        assertTrue(error.getMessage().contains("Error code 2"), error.getMessage());
        assertTrue(error.getMessage().contains("read-only server"), error.getMessage());
        assertFalse(awaitTransfer(1).ok());
        assertTrue(Files.notExists(root.resolve("upload.bin")));
    }

    @Test
    void garbageIsAnsweredWithError4AndDoesNotStopTheServer() throws IOException {
        byte[] content = file("agent.efi", 1000);
        start(Options.defaults());
        RawClient client = raw();

        for (byte[] garbage : List.of(new byte[]{1, 2, 3}, new byte[]{0, 9, 0, 0}, new byte[]{7, 1, 'a', 0},
                "\0\1agent.efi".getBytes(StandardCharsets.US_ASCII),
                "\0\1agent.efi\0mail\0".getBytes(StandardCharsets.US_ASCII))) {
            client.sendToServer(garbage);
            Packet reply = client.receive();
            assertEquals(5, reply.opcode(), Arrays.toString(garbage));
            assertEquals(4, reply.number(), Arrays.toString(garbage));
        }

        assertArrayEquals(content, fetch("agent.efi"));
    }

    @Test
    void closingStopsListeningAndIsIdempotent() throws IOException {
        file("agent.efi", 1000);
        start(Options.defaults());
        int port = server.port();

        server.close();
        server.close();

        RawClient client = new RawClient(port);
        closeables.add(client);
        client.request(1, "agent.efi", "octet", Map.of());
        assertNull(client.receive(Duration.ofMillis(300)));
        assertEquals(List.of(), server.transfers());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    /** A received packet, decoded by hand so that the test does not depend on the server's packet classes. */
    private record Packet(int opcode, int number, byte[] payload) {

        String text() {
            int end = 0;
            while (end < payload.length && payload[end] != 0) {
                end++;
            }
            return new String(payload, 0, end, StandardCharsets.US_ASCII);
        }

        Map<String, String> options() {
            assertEquals(OACK, opcode, "not an OACK");
            Map<String, String> options = new LinkedHashMap<>();
            byte[] body = new byte[payload.length + 2];
            body[0] = (byte) (number >> 8);
            body[1] = (byte) number;
            System.arraycopy(payload, 0, body, 2, payload.length);
            String[] fields = new String(body, StandardCharsets.US_ASCII).split("\0", -1);
            assertEquals("", fields[fields.length - 1], "OACK does not end in NUL");
            for (int i = 0; i + 1 < fields.length; i += 2) {
                options.put(fields[i], fields[i + 1]);
            }
            return options;
        }
    }

    /** A TFTP client written against the RFCs on a plain DatagramSocket, to drive the server packet by packet. */
    private static final class RawClient implements AutoCloseable {

        private final DatagramSocket socket;
        private final int serverPort;
        private final byte[] buffer = new byte[65536];
        private int transferPort = -1;

        RawClient(int serverPort) throws IOException {
            this.socket = new DatagramSocket(0, LOOPBACK);
            this.serverPort = serverPort;
        }

        int transferPort() {
            return transferPort;
        }

        void request(int opcode, String file, String mode, Map<String, String> options) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.write(0);
            bytes.write(opcode);
            for (String field : fields(file, mode, options)) {
                bytes.writeBytes(field.getBytes(StandardCharsets.US_ASCII));
                bytes.write(0);
            }
            sendToServer(bytes.toByteArray());
        }

        private static List<String> fields(String file, String mode, Map<String, String> options) {
            List<String> fields = new ArrayList<>(List.of(file, mode));
            options.forEach((name, value) -> {
                fields.add(name);
                fields.add(value);
            });
            return fields;
        }

        void sendToServer(byte[] bytes) throws IOException {
            socket.send(new DatagramPacket(bytes, bytes.length, LOOPBACK, serverPort));
        }

        void ack(int block) throws IOException {
            ackTo(transferPort, block);
        }

        void ackTo(int port, int block) throws IOException {
            byte[] bytes = {0, 4, (byte) (block >> 8), (byte) block};
            socket.send(new DatagramPacket(bytes, bytes.length, LOOPBACK, port));
        }

        void error(int code, String message) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.writeBytes(new byte[]{0, 5, (byte) (code >> 8), (byte) code});
            bytes.writeBytes(message.getBytes(StandardCharsets.US_ASCII));
            bytes.write(0);
            socket.send(new DatagramPacket(bytes.toByteArray(), bytes.size(), LOOPBACK, transferPort));
        }

        /** The next packet; fails the test if none arrives within {@link #LONG}. */
        Packet receive() throws IOException {
            Packet packet = receive(LONG);
            if (packet == null) {
                throw new AssertionError("no packet within " + LONG);
            }
            return packet;
        }

        /** The next packet, or null if none arrives within {@code timeout}. */
        Packet receive(Duration timeout) throws IOException {
            DatagramPacket datagram = new DatagramPacket(buffer, buffer.length);
            socket.setSoTimeout((int) timeout.toMillis());
            try {
                socket.receive(datagram);
            } catch (SocketTimeoutException e) {
                return null;
            }
            if (transferPort < 0) {
                transferPort = datagram.getPort();
            }
            assertTrue(datagram.getLength() >= 4, "short packet");
            int opcode = ((buffer[0] & 0xFF) << 8) | (buffer[1] & 0xFF);
            int number = ((buffer[2] & 0xFF) << 8) | (buffer[3] & 0xFF);
            return new Packet(opcode, number, Arrays.copyOfRange(buffer, 4, datagram.getLength()));
        }

        /** The payload of the next packet, which must be DATA {@code block}. */
        byte[] expectData(int block) throws IOException {
            Packet packet = receive();
            if (packet.opcode() != 3 || packet.number() != block) {
                throw new AssertionError("expected DATA " + block + ", got opcode " + packet.opcode() + " number "
                        + packet.number() + (packet.opcode() == 5 ? " " + packet.text() : ""));
            }
            return packet.payload();
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
