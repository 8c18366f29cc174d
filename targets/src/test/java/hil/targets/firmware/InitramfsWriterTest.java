package hil.targets.firmware;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class InitramfsWriterTest {

    /** One entry read back from a newc archive. */
    record Entry(String name, int mode, int links, int rdevMajor, int rdevMinor, byte[] data, int headerOffset) {
    }

    /** A newc reader written from the format, independent of the writer. */
    static List<Entry> read(byte[] archive) {
        List<Entry> entries = new ArrayList<>();
        int at = 0;
        while (true) {
            String magic = new String(archive, at, 6, StandardCharsets.US_ASCII);
            assertEquals("070701", magic, "magic at offset " + at);
            long[] f = new long[13];
            for (int i = 0; i < 13; i++) {
                f[i] = Long.parseLong(new String(archive, at + 6 + 8 * i, 8, StandardCharsets.US_ASCII), 16);
            }
            int nameSize = (int) f[11];
            String name = new String(archive, at + 110, nameSize - 1, StandardCharsets.UTF_8);
            assertEquals(0, archive[at + 110 + nameSize - 1], "name of " + name + " ends with NUL");
            int dataAt = align(at + 110 + nameSize);
            int size = (int) f[6];
            byte[] data = java.util.Arrays.copyOfRange(archive, dataAt, dataAt + size);
            entries.add(new Entry(name, (int) f[1], (int) f[4], (int) f[9], (int) f[10], data, at));
            if (name.equals(InitramfsWriter.TRAILER)) {
                return entries;
            }
            at = align(dataAt + size);
        }
    }

    private static int align(int offset) {
        return (offset + 3) & ~3;
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    private static byte[] sample() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InitramfsWriter w = new InitramfsWriter(out)) {
            w.directory("bin", 0755)
                    .file("bin/busybox", 0755, "odd-length".getBytes(StandardCharsets.US_ASCII))
                    .symlink("bin/sh", "busybox")
                    .directory("/dev", 0755)
                    .characterDevice("dev/console", 0600, 5, 1)
                    .file("init", 0755, "#!/bin/sh\n".getBytes(StandardCharsets.US_ASCII))
                    .file("empty", 0644, new byte[0]);
        }
        return out.toByteArray();
    }

    @Test
    void theArchiveIsGzippedNewcWithEveryEntryAlignedAndATrailer() throws IOException {
        byte[] archive = gunzip(sample());
        List<Entry> entries = read(archive);

        assertEquals(List.of("bin", "bin/busybox", "bin/sh", "dev", "dev/console", "init", "empty",
                InitramfsWriter.TRAILER), entries.stream().map(Entry::name).toList());
        entries.forEach(e -> assertEquals(0, e.headerOffset() % 4, e.name() + " header is 4-byte aligned"));
        assertEquals(0, archive.length % 512, "padded to a 512-byte block");
    }

    @Test
    void modesContentsLinksAndDeviceNumbersAreWhatWasAdded() throws IOException {
        List<Entry> entries = read(gunzip(sample()));

        assertEquals(InitramfsWriter.S_IFDIR | 0755, entries.get(0).mode());
        assertEquals(2, entries.get(0).links());
        assertEquals(InitramfsWriter.S_IFREG | 0755, entries.get(1).mode());
        assertEquals("odd-length", new String(entries.get(1).data(), StandardCharsets.US_ASCII));
        assertEquals(InitramfsWriter.S_IFLNK | 0777, entries.get(2).mode());
        assertEquals("busybox", new String(entries.get(2).data(), StandardCharsets.US_ASCII));
        assertEquals(InitramfsWriter.S_IFCHR | 0600, entries.get(4).mode());
        assertEquals(5, entries.get(4).rdevMajor());
        assertEquals(1, entries.get(4).rdevMinor());
        assertEquals(0, entries.get(6).data().length);
    }

    @Test
    void theSameEntriesGiveTheSameBytes() throws IOException {
        assertArrayEquals(gunzip(sample()), gunzip(sample()));
    }

    @Test
    void duplicateAndEscapingPathsAreRefused() throws IOException {
        try (InitramfsWriter w = new InitramfsWriter(new ByteArrayOutputStream())) {
            w.directory("bin", 0755);
            assertThrows(IllegalArgumentException.class, () -> w.directory("/bin", 0755));
            assertThrows(IllegalArgumentException.class, () -> w.file("bin/../etc/passwd", 0644, new byte[0]));
            assertThrows(IllegalArgumentException.class, () -> w.file("", 0644, new byte[0]));
            assertThrows(IllegalArgumentException.class, () -> w.file(InitramfsWriter.TRAILER, 0644, new byte[0]));
        }
    }

    /** Debian's cpio reads the archive back: names, types, contents and the link. */
    @Test
    void gnuCpioListsAndExtractsTheArchive(@TempDir Path dir) throws Exception {
        boolean haveCpio = Executables.resolve(Path.of("cpio")).isPresent();
        if (!haveCpio && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true and cpio is missing (install Debian package cpio)");
        }
        assumeTrue(haveCpio, "cpio not installed (Debian package cpio)");
        Path archive = dir.resolve("initrd.cpio");
        Files.write(archive, gunzip(sample()));

        String listing = run(dir, "cpio", "-t", "-v", "-F", archive.toString());
        assertTrue(listing.lines().anyMatch(l -> l.startsWith("c") && l.endsWith("dev/console")), listing);
        assertTrue(listing.lines().anyMatch(l -> l.startsWith("l") && l.endsWith("bin/sh -> busybox")), listing);
        assertEquals(List.of("bin", "bin/busybox", "bin/sh", "dev", "dev/console", "init", "empty"),
                run(dir, "cpio", "-t", "-F", archive.toString()).lines().toList());

        Path out = Files.createDirectory(dir.resolve("out"));
        // Device nodes need privileges a test may not have; everything else is extracted.
        run(out, "cpio", "-i", "-d", "--no-absolute-filenames", "-F", archive.toString(), "bin/*", "init", "empty");
        assertEquals("odd-length", Files.readString(out.resolve("bin/busybox")));
        assertEquals("busybox", Files.readSymbolicLink(out.resolve("bin/sh")).toString());
        assertEquals("#!/bin/sh\n", Files.readString(out.resolve("init")));
        assertTrue(Files.isExecutable(out.resolve("init")));
    }

    private static String run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", command));
        return new String(out, StandardCharsets.UTF_8);
    }
}
