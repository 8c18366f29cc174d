package hil.transports.tftp;

import org.apache.commons.net.tftp.TFTP;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.SocketTimeoutException;

/**
 * Commons Net's {@link TFTP} socket wrapper with the two things a server needs that it lacks: sending bytes that
 * are no {@code TFTPPacket} (the OACK, which Commons Net has no class for), and receiving a datagram without
 * parsing it, so that the sender of a malformed packet is still known and can be answered.
 */
final class TftpSocket extends TFTP {

    /** Sends {@code datagram} as it is. */
    void sendRaw(DatagramPacket datagram) throws IOException {
        checkOpen().send(datagram);
    }

    /**
     * Waits up to {@code timeoutMillis} (at least 1) for a datagram of at most {@code capacity} bytes.
     *
     * @return the datagram, or null on timeout
     */
    DatagramPacket receiveRaw(int capacity, long timeoutMillis) throws IOException {
        DatagramPacket datagram = new DatagramPacket(new byte[capacity], capacity);
        checkOpen().setSoTimeout((int) Math.max(1L, Math.min(Integer.MAX_VALUE, timeoutMillis)));
        try {
            checkOpen().receive(datagram);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return datagram;
    }

    /** Waits for a datagram of at most {@code capacity} bytes without a timeout; until close for a listener. */
    DatagramPacket receiveRaw(int capacity) throws IOException {
        DatagramPacket datagram = new DatagramPacket(new byte[capacity], capacity);
        checkOpen().setSoTimeout(0);
        checkOpen().receive(datagram);
        return datagram;
    }
}
