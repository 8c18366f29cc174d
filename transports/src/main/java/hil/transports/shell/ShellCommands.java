package hil.transports.shell;

import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Builds UEFI Shell command lines for variable access, following the EDK II Shell's own usage text
 * ({@code help setvar -verbose} on OVMF 2022.11, stored as a test fixture):
 * <pre>
 * SETVAR variable-name [-guid guid][-bs][-rt][-nv] [=data]
 * </pre>
 * Findings on the real Shell that shape these builders:
 * <ul>
 *   <li>{@code =0102} writes the bytes 01 02 in order; {@code =0x0102} is read as a number and writes 02 01,
 *       so data is always given as bare hex bytes;</li>
 *   <li>{@code =} with nothing after it deletes the variable, so zero-length data cannot be written;</li>
 *   <li>the flags only apply when the variable is created; only NV, BS and RT can be expressed;</li>
 *   <li>{@code ^} escapes the next character, {@code "..."} groups words, {@code #} starts a comment and
 *       {@code %name%} expands a Shell variable ({@code "Hil B^#c"} and {@code Hil^%x^%y} name the variables
 *       {@code Hil B#c} and {@code Hil%x%y});</li>
 *   <li>{@code dmpstore} treats the name as a pattern ({@code *}, {@code ?}, {@code [...]}) with no escape;
 *       {@code -sfo} prints exact attributes and the GUID and leaves {@code %lasterror%} at 0 on success,
 *       where the plain form of a named non-global variable leaves 0x6.</li>
 * </ul>
 */
public final class ShellCommands {

    private static final Pattern GUID = Pattern.compile(
            "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}");
    /** Characters the Shell's command-line parser treats specially, escaped with '^'. */
    private static final String SPECIAL = "^\"#%<>|";
    private static final int SETVAR_ATTRIBUTES = 0x1 | 0x2 | 0x4;

    private ShellCommands() {
    }

    /**
     * {@code setvar NAME -guid GUID [-nv] [-bs] [-rt] =HEX}.
     *
     * @param attributes a combination of NV (0x1), BS (0x2) and RT (0x4); they only apply to a new variable
     * @param data       at least one byte
     */
    public static String setvar(String name, String guid, int attributes, byte[] data) {
        Objects.requireNonNull(data, "data");
        if ((attributes & ~SETVAR_ATTRIBUTES) != 0) {
            throw new IllegalArgumentException("setvar can only set NV (0x1), BS (0x2) and RT (0x4), not 0x"
                    + Integer.toHexString(attributes));
        }
        if (data.length == 0) {
            throw new IllegalArgumentException("setvar cannot write zero bytes: '=' without data deletes the "
                    + "variable; use deleteVariable for that");
        }
        StringBuilder line = new StringBuilder("setvar ").append(argument(name)).append(" -guid ")
                .append(checkedGuid(guid));
        if ((attributes & 0x1) != 0) {
            line.append(" -nv");
        }
        if ((attributes & 0x2) != 0) {
            line.append(" -bs");
        }
        if ((attributes & 0x4) != 0) {
            line.append(" -rt");
        }
        return line.append(" =").append(HexFormat.of().withUpperCase().formatHex(data)).toString();
    }

    /** {@code setvar NAME -guid GUID =}: deletes the variable (SHELL_SUCCESS also when it is then gone). */
    public static String deleteVariable(String name, String guid) {
        return "setvar " + argument(name) + " -guid " + checkedGuid(guid) + " =";
    }

    /** {@code dmpstore NAME -guid GUID -sfo}: one variable in the exact standard format. */
    public static String dmpstore(String name, String guid) {
        if (name.chars().anyMatch(c -> c == '*' || c == '?' || c == '[')) {
            throw new IllegalArgumentException("dmpstore reads '" + name + "' as a pattern and has no escape for "
                    + "*, ? and [; list the GUID with dmpstore(guid) and pick the name instead");
        }
        return "dmpstore " + argument(name) + " -guid " + checkedGuid(guid) + " -sfo";
    }

    /** {@code dmpstore -guid GUID -sfo}: every variable of one vendor GUID. */
    public static String dmpstore(String guid) {
        return "dmpstore -guid " + checkedGuid(guid) + " -sfo";
    }

    /**
     * One command-line argument as the Shell will pass it on: special characters escaped with {@code ^}, quoted
     * when it contains spaces. Only printable ASCII can be typed reliably through a serial terminal.
     */
    public static String argument(String value) {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty()) {
            throw new IllegalArgumentException("an empty argument cannot be typed on the Shell command line");
        }
        if (value.startsWith("-")) {
            throw new IllegalArgumentException("'" + value + "' would be read as an option");
        }
        StringBuilder escaped = new StringBuilder();
        for (char c : value.toCharArray()) {
            if (c < 0x20 || c > 0x7E) {
                throw new IllegalArgumentException(String.format("character U+%04X in '%s' cannot be typed on "
                        + "the Shell command line (printable ASCII only)", (int) c, value));
            }
            if (SPECIAL.indexOf(c) >= 0) {
                escaped.append('^');
            }
            escaped.append(c);
        }
        return value.indexOf(' ') >= 0 ? "\"" + escaped + "\"" : escaped.toString();
    }

    private static String checkedGuid(String guid) {
        Objects.requireNonNull(guid, "guid");
        if (!GUID.matcher(guid).matches()) {
            throw new IllegalArgumentException("not a GUID in registry format (8-4-4-4-12 hex digits): " + guid);
        }
        return guid;
    }
}
