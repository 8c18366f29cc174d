package hil.transports.console;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A link over two named pipes, such as QEMU's {@code -chardev pipe,path=P} (QEMU reads {@code P.in} and writes
 * {@code P.out}). File channels rather than file streams: a read blocked on a FIFO is released by close and by
 * interrupt only on a channel.
 *
 * <p>Opening a FIFO read-only blocks until a writer exists, so the read side is first opened read-write (which
 * never blocks on Linux) to stand in as that writer, then read-only, then the stand-in is closed: afterwards
 * the target is the only writer and its exit shows up as end of stream. The write side stays open read-write,
 * so a write never blocks on a missing reader; a dead target is noticed on the read side instead.
 */
final class FifoLink implements ByteLink {

    private final FileChannel in;
    private final FileChannel out;
    private final String description;

    private FifoLink(FileChannel in, FileChannel out, String description) {
        this.in = in;
        this.out = out;
        this.description = description;
    }

    static FifoLink open(Path fromTarget, Path toTarget) throws IOException {
        FileChannel standIn = FileChannel.open(fromTarget, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileChannel in;
        try {
            in = FileChannel.open(fromTarget, StandardOpenOption.READ);
        } finally {
            standIn.close();
        }
        try {
            FileChannel out = FileChannel.open(toTarget, StandardOpenOption.READ, StandardOpenOption.WRITE);
            return new FifoLink(in, out, "fifo:" + fromTarget + "," + toTarget);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    @Override
    public int read(byte[] buffer) throws IOException {
        return in.read(ByteBuffer.wrap(buffer));
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        ByteBuffer data = ByteBuffer.wrap(bytes, offset, length);
        while (data.hasRemaining()) {
            out.write(data);
        }
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() throws IOException {
        try {
            out.close();
        } finally {
            in.close();
        }
    }
}
