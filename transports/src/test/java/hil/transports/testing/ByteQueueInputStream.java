package hil.transports.testing;

import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * An input stream fed by the test: each {@link #feed} is delivered as one read, {@link #end} ends the stream.
 * Unlike {@code PipedInputStream} it does not break when the feeding thread ends, and a blocked read ends on
 * interrupt.
 */
public final class ByteQueueInputStream extends InputStream {

    private static final byte[] END = new byte[0];

    private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
    private byte[] current = new byte[0];
    private int position;
    private boolean ended;

    public void feed(String text) {
        feed(text.getBytes(StandardCharsets.UTF_8));
    }

    public void feed(byte[] bytes) {
        if (bytes.length > 0) {
            chunks.add(bytes.clone());
        }
    }

    public void end() {
        chunks.add(END);
    }

    @Override
    public int read() throws InterruptedIOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws InterruptedIOException {
        if (length == 0) {
            return 0;
        }
        if (ended) {
            return -1;
        }
        if (position == current.length) {
            try {
                current = chunks.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
            position = 0;
            if (current == END) {
                ended = true;
                return -1;
            }
        }
        int n = Math.min(length, current.length - position);
        System.arraycopy(current, position, buffer, offset, n);
        position += n;
        return n;
    }

    @Override
    public void close() {
        end();
    }
}
