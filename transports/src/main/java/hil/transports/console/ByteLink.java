package hil.transports.console;

import java.io.Closeable;
import java.io.IOException;

/** The two directions of a console connection, whatever carries them (socket, streams, serial port). */
public interface ByteLink extends Closeable {

    /** Blocks until at least one byte arrives; returns the count, or -1 at the end of the stream. */
    int read(byte[] buffer) throws IOException;

    /** Writes all of the given bytes. Safe to call while another thread is blocked in {@link #read}. */
    void write(byte[] bytes, int offset, int length) throws IOException;

    /** For messages, e.g. {@code unix:/tmp/x/console.sock}. */
    String describe();
}
