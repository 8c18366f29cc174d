package hil.auth;

/** Little-endian reads and writes of the UEFI wire structures. */
final class LittleEndian {

    private LittleEndian() {
    }

    static int u16(byte[] source, int offset) {
        return (source[offset] & 0xFF) | (source[offset + 1] & 0xFF) << 8;
    }

    static long u32(byte[] source, int offset) {
        return (source[offset] & 0xFFL) | (source[offset + 1] & 0xFFL) << 8
                | (source[offset + 2] & 0xFFL) << 16 | (source[offset + 3] & 0xFFL) << 24;
    }

    static void putU16(byte[] target, int offset, int value) {
        target[offset] = (byte) value;
        target[offset + 1] = (byte) (value >>> 8);
    }

    static void putU32(byte[] target, int offset, long value) {
        target[offset] = (byte) value;
        target[offset + 1] = (byte) (value >>> 8);
        target[offset + 2] = (byte) (value >>> 16);
        target[offset + 3] = (byte) (value >>> 24);
    }
}
