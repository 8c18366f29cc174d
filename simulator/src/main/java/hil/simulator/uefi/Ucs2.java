package hil.simulator.uefi;

import java.nio.charset.StandardCharsets;

/** CHAR16 strings: UTF-16LE code units with a terminating NUL. */
public final class Ucs2 {

    private Ucs2() {
    }

    /** StrSize: bytes of the string including its NUL, 2 × (characters + 1). */
    public static int strSize(String s) {
        return 2 * (s.length() + 1);
    }

    /** The string's UTF-16LE bytes followed by a NUL CHAR16. */
    public static byte[] encode(String s) {
        byte[] body = s.getBytes(StandardCharsets.UTF_16LE);
        byte[] out = new byte[body.length + 2];
        System.arraycopy(body, 0, out, 0, body.length);
        return out;
    }

    /**
     * Reads a CHAR16 string at {@code offset}, stopping at the first NUL or after {@code maxBytes} bytes; a trailing
     * odd byte is ignored.
     */
    public static String decode(byte[] source, int offset, int maxBytes) {
        int limit = Math.min(maxBytes, source.length - offset) & ~1;
        int end = 0;
        while (end < limit && (source[offset + end] != 0 || source[offset + end + 1] != 0)) {
            end += 2;
        }
        return new String(source, offset, end, StandardCharsets.UTF_16LE);
    }

    /** Whether a NUL CHAR16 occurs among the first {@code maxChars} CHAR16s at {@code offset}. */
    public static boolean hasNul(byte[] source, int offset, long maxChars) {
        long limit = Math.min(maxChars, (source.length - offset) / 2L);
        for (int i = 0; i < limit; i++) {
            if (source[offset + 2 * i] == 0 && source[offset + 2 * i + 1] == 0) {
                return true;
            }
        }
        return false;
    }
}
