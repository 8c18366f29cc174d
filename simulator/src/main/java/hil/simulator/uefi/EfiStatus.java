package hil.simulator.uefi;

import java.util.Arrays;
import java.util.Optional;

/**
 * EFI_STATUS values of x64 firmware: errors have bit 63 set, PI-reserved codes also bit 61. A status is a protocol
 * outcome, never an exception.
 */
public enum EfiStatus {
    SUCCESS(0),
    WARN_UNKNOWN_GLYPH(1),
    WARN_DELETE_FAILURE(2),
    WARN_WRITE_FAILURE(3),
    WARN_BUFFER_TOO_SMALL(4),
    WARN_STALE_DATA(5),
    WARN_FILE_SYSTEM(6),
    WARN_RESET_REQUIRED(7),
    LOAD_ERROR(error(1)),
    INVALID_PARAMETER(error(2)),
    UNSUPPORTED(error(3)),
    BAD_BUFFER_SIZE(error(4)),
    BUFFER_TOO_SMALL(error(5)),
    NOT_READY(error(6)),
    DEVICE_ERROR(error(7)),
    WRITE_PROTECTED(error(8)),
    OUT_OF_RESOURCES(error(9)),
    VOLUME_CORRUPTED(error(10)),
    VOLUME_FULL(error(11)),
    NO_MEDIA(error(12)),
    MEDIA_CHANGED(error(13)),
    NOT_FOUND(error(14)),
    ACCESS_DENIED(error(15)),
    NO_RESPONSE(error(16)),
    NO_MAPPING(error(17)),
    TIMEOUT(error(18)),
    NOT_STARTED(error(19)),
    ALREADY_STARTED(error(20)),
    ABORTED(error(21)),
    ICMP_ERROR(error(22)),
    TFTP_ERROR(error(23)),
    PROTOCOL_ERROR(error(24)),
    INCOMPATIBLE_VERSION(error(25)),
    SECURITY_VIOLATION(error(26)),
    CRC_ERROR(error(27)),
    END_OF_MEDIA(error(28)),
    END_OF_FILE(error(31)),
    INVALID_LANGUAGE(error(32)),
    COMPROMISED_DATA(error(33)),
    IP_ADDRESS_CONFLICT(error(34)),
    HTTP_ERROR(error(35)),
    /** PI: a service (such as the variable write service) is not available yet. */
    NOT_AVAILABLE_YET(0xA000000000000002L),
    /** PI: request to unload an image. */
    REQUEST_UNLOAD_IMAGE(0xA000000000000001L),
    /** PI SMM: interrupt pending. */
    INTERRUPT_PENDING(0xA000000000000000L);

    private final long value;

    EfiStatus(long value) {
        this.value = value;
    }

    private static long error(int n) {
        return 0x8000000000000000L | n;
    }

    /** The 64-bit value as firmware returns it. */
    public long value() {
        return value;
    }

    /** Whether this is an error (high bit set). */
    public boolean isError() {
        return value < 0;
    }

    /** The name as the UEFI specification writes it, e.g. {@code EFI_NOT_FOUND}. */
    public String efiName() {
        return "EFI_" + name();
    }

    /** The status with this 64-bit value, if it is a known one. */
    public static Optional<EfiStatus> fromValue(long value) {
        for (EfiStatus s : values()) {
            if (s.value == value) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** Parses a name with or without the {@code EFI_} prefix. */
    public static Optional<EfiStatus> fromName(String name) {
        String bare = name.startsWith("EFI_") ? name.substring(4) : name;
        return Arrays.stream(values()).filter(s -> s.name().equals(bare)).findFirst();
    }

    /** A name for any 64-bit value: the EFI name when known, else the hex value. */
    public static String describe(long value) {
        return fromValue(value).map(EfiStatus::efiName).orElse(String.format("0x%016X", value));
    }
}
