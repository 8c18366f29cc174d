package hil.transports.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** A link over a plain stream pair: pipes in tests, and any transport that only offers streams. */
final class StreamLink implements ByteLink {

    private final InputStream in;
    private final OutputStream out;
    private final String description;

    StreamLink(InputStream in, OutputStream out, String description) {
        this.in = in;
        this.out = out;
        this.description = description;
    }

    @Override
    public int read(byte[] buffer) throws IOException {
        return in.read(buffer);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
        out.flush();
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
