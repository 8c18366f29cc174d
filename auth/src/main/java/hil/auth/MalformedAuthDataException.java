package hil.auth;

/**
 * Bytes that do not parse as the structure they claim to be (an EFI_SIGNATURE_LIST, an
 * EFI_VARIABLE_AUTHENTICATION_2, a PKCS#7 SignedData). The message names the structure, the
 * offset and what was wrong. Firmware turns such input into a status (EDK II: SECURITY_VIOLATION
 * for a bad descriptor, INVALID_PARAMETER for a bad list); callers that model firmware catch this
 * and return that status.
 */
public class MalformedAuthDataException extends RuntimeException {

    private final int offset;

    public MalformedAuthDataException(String structure, int offset, String problem) {
        super(structure + " at offset " + offset + ": " + problem);
        this.offset = offset;
    }

    /** Byte offset in the parsed input where the problem was found. */
    public int offset() {
        return offset;
    }
}
