package hil.transports.console;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Objects;

/**
 * A link over a blocking socket channel (UNIX domain or TCP). Uses the channel directly rather than
 * {@code Channels.newInputStream}, whose streams share one lock between reading and writing on Java 17, so a
 * blocked read would stall every send.
 */
public final class ChannelLink implements ByteLink {

    private final SocketChannel channel;
    private final String description;

    ChannelLink(SocketChannel channel, String description) {
        this.channel = channel;
        this.description = description;
    }

    /**
     * A link over a connected, blocking channel (e.g. from {@link hil.transports.SocketConnector}); the link owns
     * the channel and closes it. {@code description} appears in messages, e.g. {@code tcp:lab-cs1:7001}.
     */
    public static ChannelLink over(SocketChannel channel, String description) {
        return new ChannelLink(Objects.requireNonNull(channel, "channel"),
                Objects.requireNonNull(description, "description"));
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
