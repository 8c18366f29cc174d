package hil.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * EFI_GUIDs as the 16 bytes they occupy in memory and on flash (Data1..Data3 little-endian,
 * Data4 as written). This module sits below the simulator, so it keeps GUIDs as plain byte
 * arrays that any caller's GUID type can produce ({@code toBytes()}) and consume.
 */
public final class Guids {

    /** Size of an EFI_GUID in bytes. */
    public static final int SIZE = 16;

    /** EFI_GLOBAL_VARIABLE: PK, KEK, SetupMode, SecureBoot, VendorKeys. */
    public static final String GLOBAL_VARIABLE = "8be4df61-93ca-11d2-aa0d-00e098032b8c";
    /** EFI_IMAGE_SECURITY_DATABASE_GUID: db, dbx, dbt. */
    public static final String IMAGE_SECURITY_DATABASE = "d719b2cb-3d3a-4596-a3bc-dad00e67656f";
    /** EFI_CERT_TYPE_PKCS7_GUID, the CertType of a WIN_CERTIFICATE_UEFI_GUID holding a PKCS#7. */
    public static final String CERT_TYPE_PKCS7 = "4aafd29d-68df-49ee-8aa9-347d375665a7";
    /** EFI_CERT_X509_GUID: an EFI_SIGNATURE_LIST of DER certificates. */
    public static final String CERT_X509 = "a5c059a1-94e4-4aa7-87b5-ab155c2bf072";
    /** EFI_CERT_SHA256_GUID: an EFI_SIGNATURE_LIST of 32-byte SHA-256 digests. */
    public static final String CERT_SHA256 = "c1c41626-504c-4092-aca9-41f936934328";
    /** The SignatureOwner of every list the feature language builds (FEATURE-LANGUAGE.md, v2). */
    public static final String TEST_OWNER = "5ea7c0de-7e57-4b1d-9f00-0000000000a1";

    private static final Pattern REGISTRY =
            Pattern.compile("\\p{XDigit}{8}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{4}-\\p{XDigit}{12}");

    private Guids() {
    }

    /**
     * The 16 bytes of a GUID written in registry format ({@code 8be4df61-93ca-11d2-aa0d-00e098032b8c}).
     *
     * @throws IllegalArgumentException naming the text when it is not registry format
     */
    public static byte[] bytes(String registryFormat) {
        if (registryFormat == null || !REGISTRY.matcher(registryFormat).matches()) {
            throw new IllegalArgumentException("not a GUID in registry format (8-4-4-4-12 hex digits): "
                    + registryFormat);
        }
        String hex = registryFormat.replace("-", "");
        byte[] raw = new byte[SIZE];
        for (int i = 0; i < SIZE; i++) {
            raw[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        // Data1 (4 bytes), Data2 and Data3 (2 bytes each) are little-endian in memory.
        reverse(raw, 0, 4);
        reverse(raw, 4, 2);
        reverse(raw, 6, 2);
        return raw;
    }

    /** Registry format of the 16 GUID bytes at {@code offset}. */
    public static String format(byte[] source, int offset) {
        byte[] raw = Arrays.copyOfRange(source, offset, offset + SIZE);
        reverse(raw, 0, 4);
        reverse(raw, 4, 2);
        reverse(raw, 6, 2);
        StringBuilder text = new StringBuilder(36);
        for (int i = 0; i < SIZE; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                text.append('-');
            }
            text.append(String.format(Locale.ROOT, "%02x", raw[i] & 0xFF));
        }
        return text.toString();
    }

    private static void reverse(byte[] raw, int offset, int length) {
        for (int i = 0; i < length / 2; i++) {
            byte b = raw[offset + i];
            raw[offset + i] = raw[offset + length - 1 - i];
            raw[offset + length - 1 - i] = b;
        }
    }
}
