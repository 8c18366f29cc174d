package hil.transports.console;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * A link over a blocking socket channel (UNIX domain or TCP). Uses the channel directly rather than
 * {@code Channels.newInputStream}, whose streams share one lock between reading and writing on Java 17, so a
 * blocked read would stall every send.
 */
final class ChannelLink implements ByteLink {

    private final SocketChannel channel;
    private final String description;

    ChannelLink(SocketChannel channel, String description) {
        this.channel = channel;
        this.description = description;
    }

    @Override
    public int read(byte[] buffer) throws IOException {
        return channel.read(ByteBuffer.wrap(buffer));
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        ByteBuffer data = ByteBuffer.wrap(bytes, offset, length);
        while (data.hasRemaining()) {
            channel.write(data);
        }
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
