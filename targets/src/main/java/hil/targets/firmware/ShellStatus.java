package hil.targets.firmware;

import java.util.Locale;
import java.util.Map;

/**
 * The UEFI Shell's own status, {@code SHELL_STATUS}, as {@code %lasterror%} reports it after a command. It is the
 * command's verdict, not the EFI status of the runtime call the command made: {@code setvar} answers every failed
 * SetVariable with {@code SHELL_ACCESS_DENIED}, whatever the firmware returned. An observation made through the
 * Shell therefore names an EFI status only for success and otherwise carries this status as its
 * {@code statusClass} ({@code shell-} and the status name, e.g. {@code shell-access-denied}) together with the
 * number ({@code shellStatus}, e.g. {@code 0xF}).
 */
public final class ShellStatus {

    /** The prefix of every status class made from a Shell status. */
    public static final String CLASS_PREFIX = "shell-";
    /** The output holding {@code %lasterror%} in hex, e.g. {@code 0xF}. */
    public static final String OUTPUT = "shellStatus";

    /** The values of the UEFI Shell specification's SHELL_STATUS. */
    private static final Map<Long, String> NAMES = Map.ofEntries(
            Map.entry(0L, "SHELL_SUCCESS"), Map.entry(1L, "SHELL_LOAD_ERROR"),
            Map.entry(2L, "SHELL_INVALID_PARAMETER"), Map.entry(3L, "SHELL_UNSUPPORTED"),
            Map.entry(4L, "SHELL_BAD_BUFFER_SIZE"), Map.entry(5L, "SHELL_BUFFER_TOO_SMALL"),
            Map.entry(6L, "SHELL_NOT_READY"), Map.entry(7L, "SHELL_DEVICE_ERROR"),
            Map.entry(8L, "SHELL_WRITE_PROTECTED"), Map.entry(9L, "SHELL_OUT_OF_RESOURCES"),
            Map.entry(10L, "SHELL_VOLUME_CORRUPTED"), Map.entry(11L, "SHELL_VOLUME_FULL"),
            Map.entry(12L, "SHELL_NO_MEDIA"), Map.entry(13L, "SHELL_MEDIA_CHANGED"),
            Map.entry(14L, "SHELL_NOT_FOUND"), Map.entry(15L, "SHELL_ACCESS_DENIED"),
            Map.entry(18L, "SHELL_TIMEOUT"), Map.entry(19L, "SHELL_NOT_STARTED"),
            Map.entry(20L, "SHELL_ALREADY_STARTED"), Map.entry(21L, "SHELL_ABORTED"),
            Map.entry(25L, "SHELL_INCOMPATIBLE_VERSION"), Map.entry(26L, "SHELL_SECURITY_VIOLATION"),
            Map.entry(27L, "SHELL_NOT_EQUAL"));

    static final long SUCCESS = 0x0;
    static final long NOT_FOUND = 0xE;
    static final long ACCESS_DENIED = 0xF;
    /**
     * The class of a {@code dmpstore} that found no variable of the name and vendor: it walked every variable, so
     * this is the variable's absence, observed.
     */
    public static final String NOT_FOUND_CLASS = statusClass(NOT_FOUND);

    private ShellStatus() {
    }

    /** {@code SHELL_ACCESS_DENIED}, or {@code 0x..} for a value the specification does not name. */
    public static String name(long status) {
        return NAMES.getOrDefault(status, hex(status));
    }

    /** The status class of an observation: {@code shell-access-denied}, or {@code shell-0x..} when unnamed. */
    public static String statusClass(long status) {
        String name = NAMES.get(status);
        return CLASS_PREFIX + (name == null ? hex(status)
                : name.substring("SHELL_".length()).toLowerCase(Locale.ROOT).replace('_', '-'));
    }

    /**
     * Whether a {@code statusClass} output came from the Shell. Such an observation has no EFI status, so a step
     * expecting one cannot be decided by it: it is not observable, neither passed nor failed.
     */
    public static boolean isStatusClass(String statusClass) {
        return statusClass != null && statusClass.startsWith(CLASS_PREFIX);
    }

    /** The name of a status given as {@link #hex} wrote it (the {@value #OUTPUT} output); the text itself when not hex. */
    public static String nameOfHex(String hex) {
        try {
            return name(Long.parseUnsignedLong(hex.replaceFirst("^0[xX]", ""), 16));
        } catch (NumberFormatException e) {
            return hex;
        }
    }

    /** {@code 0xF}: upper-case hex as the Shell prints {@code %lasterror%}. */
    public static String hex(long status) {
        return "0x" + Long.toHexString(status).toUpperCase(Locale.ROOT);
    }
}
