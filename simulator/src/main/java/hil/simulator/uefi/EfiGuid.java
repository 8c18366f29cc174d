package hil.simulator.uefi;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A 16-byte EFI_GUID. In memory it is Data1 as LE32, Data2 and Data3 as LE16, then the 8 bytes of Data4; the
 * registry format {@code 8BE4DF61-93CA-11D2-AA0D-00E098032B8C} writes Data1..Data3 big-endian.
 */
public final class EfiGuid {

    /** Size of an EFI_GUID in bytes. */
    public static final int SIZE = 16;

    private static final Pattern REGISTRY = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    public static final EfiGuid ZERO = new EfiGuid(new byte[SIZE]);
    public static final EfiGuid GLOBAL_VARIABLE = parse("8BE4DF61-93CA-11D2-AA0D-00E098032B8C");
    public static final EfiGuid HARDWARE_ERROR_VARIABLE = parse("414E6BDD-E47B-47CC-B244-BB61020CF516");
    public static final EfiGuid IMAGE_SECURITY_DATABASE = parse("D719B2CB-3D3A-4596-A3BC-DAD00E67656F");
    public static final EfiGuid SMM_VARIABLE_PROTOCOL = parse("ED32D533-99E6-4209-9CC0-2D72CDD998A7");
    public static final EfiGuid SMM_VARIABLE_WRITE = parse("93BA1826-DFFB-45DD-82A7-E7DCAA3BBDF3");
    public static final EfiGuid VARIABLE_ARCH_PROTOCOL = parse("1E5668E2-8481-11D4-BCF1-0080C73C8881");
    public static final EfiGuid VARIABLE_WRITE_ARCH_PROTOCOL = parse("6441F818-6362-4E44-B570-7DBA31DD2453");
    public static final EfiGuid VARIABLE_STORE_NORMAL = parse("DDCF3616-3275-4164-98B6-FE85707FFE7D");
    public static final EfiGuid VARIABLE_STORE_AUTHENTICATED = parse("AAF32C78-947B-439A-A180-2E144EC37792");
    public static final EfiGuid SYSTEM_NV_DATA_FV = parse("FFF12B8D-7696-4C8B-A985-2747075B4F50");
    public static final EfiGuid VAR_ERROR_FLAG = parse("04B37FE8-F6AE-480B-BDD5-37D98C5E89AA");

    private final byte[] bytes;

    private EfiGuid(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Parses the registry format (case-insensitive). */
    public static EfiGuid parse(String text) {
        String t = text.trim();
        if (!REGISTRY.matcher(t).matches()) {
            throw new IllegalArgumentException("not a GUID in registry format (8-4-4-4-12 hex digits): '" + text + "'");
        }
        String hex = t.replace("-", "");
        byte[] b = new byte[SIZE];
        // Data1, Data2, Data3 are little-endian in memory; Data4 is a byte array.
        int[] order = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
        for (int i = 0; i < SIZE; i++) {
            b[order[i]] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return new EfiGuid(b);
    }

    public static boolean isRegistryFormat(String text) {
        return REGISTRY.matcher(text.trim()).matches();
    }

    /** Reads the 16 in-memory bytes at {@code offset}. */
    public static EfiGuid read(byte[] source, int offset) {
        return new EfiGuid(Arrays.copyOfRange(source, offset, offset + SIZE));
    }

    /** Writes the 16 in-memory bytes at {@code offset}. */
    public void write(byte[] target, int offset) {
        System.arraycopy(bytes, 0, target, offset, SIZE);
    }

    /** The in-memory bytes (a copy). */
    public byte[] toBytes() {
        return bytes.clone();
    }

    /** Whether the in-memory bytes at {@code offset} equal this GUID. */
    public boolean matches(byte[] source, int offset) {
        return Arrays.equals(bytes, 0, SIZE, source, offset, offset + SIZE);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EfiGuid g && Arrays.equals(bytes, g.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** Registry format, upper case. */
    @Override
    public String toString() {
        int[] order = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
        StringBuilder sb = new StringBuilder(36);
        for (int i = 0; i < SIZE; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                sb.append('-');
            }
            sb.append(String.format(Locale.ROOT, "%02X", bytes[order[i]] & 0xFF));
        }
        return sb.toString();
    }
}
