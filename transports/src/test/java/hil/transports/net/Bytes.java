package hil.transports.net;

import hil.transports.console.Console;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/** Byte helpers for the network console tests. */
final class Bytes {

    private Bytes() {
    }

    /** Every byte value 0x00..0xFF once, in order. */
    static byte[] allValues() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** True if {@code needle} occurs in {@code haystack}. */
    static boolean contains(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return true;
            }
        }
        return false;
    }

    /** Printable ASCII as is, everything else as {@code <0d>}, for assertion messages. */
    static String show(byte[] bytes) {
        StringBuilder text = new StringBuilder();
        for (byte b : bytes) {
            int v = b & 0xFF;
            if (v >= 0x20 && v < 0x7F && v != '<') {
                text.append((char) v);
            } else {
                text.append(String.format("<%02x>", v));
            }
        }
        return text.toString();
    }

    /**
     * Waits until the console's raw transcript ends with {@code marker} and returns the transcript; fails with
     * what arrived if it does not within {@code timeout}.
     */
    static byte[] awaitRawEndingWith(Console console, byte[] marker, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            byte[] raw = console.rawTranscript();
            if (raw.length >= marker.length
                    && Arrays.equals(raw, raw.length - marker.length, raw.length, marker, 0, marker.length)) {
                return raw;
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("transcript does not end with " + show(marker) + ": " + show(raw));
            }
            Thread.sleep(5);
        }
    }
}
