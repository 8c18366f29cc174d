package hil.targets.firmware;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a Linux initramfs: a cpio archive in the "newc" format (the one the kernel unpacks), gzip-compressed.
 * Entries are written in the order they are added, so a directory must come before what it holds. Owner is root,
 * every time stamp is 0 and inode numbers count up from 1, so the same entries always give the same bytes.
 *
 * <p>newc layout: each entry is the magic {@code 070701}, thirteen 8-digit hex fields (inode, mode, uid, gid,
 * link count, mtime, file size, device major/minor, rdev major/minor, name size with its NUL, checksum 0), the
 * name and its NUL padded to a multiple of 4, then the data padded to a multiple of 4. The archive ends with the
 * entry {@code TRAILER!!!}.
 */
final class InitramfsWriter implements AutoCloseable {

    static final int S_IFDIR = 0040000;
    static final int S_IFREG = 0100000;
    static final int S_IFLNK = 0120000;
    static final int S_IFCHR = 0020000;
    static final String TRAILER = "TRAILER!!!";
    private static final int HEADER_SIZE = 110;

    private final GZIPOutputStream out;
    private final Set<String> names = new HashSet<>();
    private long offset;
    private int nextInode = 1;
    private boolean closed;

    /** Writes the compressed archive to {@code sink}; {@link #close()} finishes it and closes the sink. */
    InitramfsWriter(OutputStream sink) throws IOException {
        this.out = new GZIPOutputStream(Objects.requireNonNull(sink, "sink"), 64 * 1024);
    }

    /** A directory, e.g. {@code ("sys/firmware", 0755)}. */
    InitramfsWriter directory(String path, int permissions) throws IOException {
        entry(path, S_IFDIR | permissions, 2, 0, 0, new byte[0]);
        return this;
    }

    /** A regular file with the given content. */
    InitramfsWriter file(String path, int permissions, byte[] content) throws IOException {
        entry(path, S_IFREG | permissions, 1, 0, 0, content);
        return this;
    }

    /** A symbolic link to {@code target} (the link's content is the target path). */
    InitramfsWriter symlink(String path, String target) throws IOException {
        entry(path, S_IFLNK | 0777, 1, 0, 0, target.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** A character device node, e.g. {@code /dev/console} (5, 1), which the kernel opens for /init. */
    InitramfsWriter characterDevice(String path, int permissions, int major, int minor) throws IOException {
        entry(path, S_IFCHR | permissions, 1, major, minor, new byte[0]);
        return this;
    }

    private void entry(String path, int mode, int links, int rdevMajor, int rdevMinor, byte[] content)
            throws IOException {
        if (closed) {
            throw new IllegalStateException("the archive is already closed");
        }
        String name = normalise(path);
        if (!names.add(name)) {
            throw new IllegalArgumentException("duplicate entry in initramfs: " + name);
        }
        header(nextInode++, mode, links, content.length, rdevMajor, rdevMinor, name);
        write(content);
        pad();
    }

    /** Archive paths are relative ("bin/sh"); a leading slash is dropped, empty segments are refused. */
    private static String normalise(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.isEmpty() || p.endsWith("/") || p.contains("//") || p.equals(TRAILER)) {
            throw new IllegalArgumentException("not a usable initramfs path: '" + path + "'");
        }
        for (String segment : p.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("initramfs paths may not contain '.' or '..': '" + path + "'");
            }
        }
        return p;
    }

    private void header(int inode, int mode, int links, int fileSize, int rdevMajor, int rdevMinor, String name)
            throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder(HEADER_SIZE);
        h.append("070701");
        for (long field : new long[] {inode, mode, 0, 0, links, 0, fileSize, 0, 0, rdevMajor, rdevMinor,
                nameBytes.length + 1, 0}) {
            h.append(String.format("%08x", field));
        }
        write(h.toString().getBytes(StandardCharsets.US_ASCII));
        write(nameBytes);
        write(new byte[] {0});
        pad();
    }

    private void write(byte[] bytes) throws IOException {
        out.write(bytes);
        offset += bytes.length;
    }

    private void pad() throws IOException {
        int pad = (int) ((4 - offset % 4) % 4);
        write(new byte[pad]);
    }

    /** Writes the trailer, pads the archive to a 512-byte block as cpio does, and finishes the gzip stream. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            header(0, 0, 1, 0, 0, 0, TRAILER);
            int pad = (int) ((512 - offset % 512) % 512);
            write(new byte[pad]);
        } finally {
            closed = true;
            out.close();
        }
    }
}
