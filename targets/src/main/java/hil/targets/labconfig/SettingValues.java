package hil.targets.labconfig;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Converts the text of a setting to the Java value of its {@link SettingSpec.Type}.
 *
 * <p>Integers are decimal or {@code 0x} hex, {@code _} allowed as a separator. Booleans are
 * {@code true/false}, {@code yes/no} or {@code on/off}. Durations are a number with {@code ms}, {@code s},
 * {@code m} or {@code h}, or ISO-8601 ({@code PT30S}). Paths may start with {@code ~/}; a relative path is
 * resolved against the directory of the lab-config file that names it, so a lab-config directory can be moved
 * together with the images it refers to.
 */
final class SettingValues {

    private static final Pattern INTEGER = Pattern.compile("([+-]?)(?:0[xX]([0-9a-fA-F]+)|([0-9]+))");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    private SettingValues() {
    }

    /** What a value of this setting looks like, for error messages. */
    static String expected(SettingSpec spec) {
        return switch (spec.type()) {
            case STRING -> "text";
            case INTEGER -> "an integer (decimal or 0x hex)";
            case BOOLEAN -> "true or false";
            case PATH -> "a file or directory path";
            case CHOICE -> "one of " + String.join(", ", spec.choices());
            case DURATION -> "a duration such as 500ms, 30s, 2m or 1h";
            case REGEX -> "a Java regular expression";
        };
    }

    /** The value of {@code text} for {@code spec}, or empty if the text is not a value of its type. */
    static Optional<Object> convert(SettingSpec spec, String text, Path file) {
        String value = text.strip();
        return switch (spec.type()) {
            case STRING -> Optional.of(text);
            case CHOICE -> spec.choices().contains(value) ? Optional.of(value) : Optional.empty();
            case INTEGER -> integer(value);
            case BOOLEAN -> bool(value);
            case PATH -> path(value, file);
            case DURATION -> duration(value);
            case REGEX -> regex(text);
        };
    }

    private static Optional<Object> integer(String value) {
        Matcher m = INTEGER.matcher(value.replace("_", ""));
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            long magnitude = m.group(2) != null ? Long.parseLong(m.group(2), 16) : Long.parseLong(m.group(3));
            return Optional.of("-".equals(m.group(1)) ? -magnitude : magnitude);
        } catch (NumberFormatException e) {
            return Optional.empty(); // out of range
        }
    }

    private static Optional<Object> bool(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> Optional.of(Boolean.TRUE);
            case "false", "no", "off" -> Optional.of(Boolean.FALSE);
            default -> Optional.empty();
        };
    }

    private static Optional<Object> path(String value, Path file) {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            Path path = value.equals("~") || value.startsWith("~/")
                    ? Path.of(System.getProperty("user.home"), value.substring(1).replaceFirst("^/", ""))
                    : Path.of(value);
            if (path.isAbsolute()) {
                return Optional.of(path.normalize());
            }
            Path base = file.toAbsolutePath().getParent();
            return Optional.of(base.resolve(path).normalize());
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    private static Optional<Object> regex(String value) {
        try {
            Pattern.compile(value);
            return Optional.of(value);
        } catch (java.util.regex.PatternSyntaxException e) {
            return Optional.empty();
        }
    }

    private static Optional<Object> duration(String value) {
        Matcher m = DURATION.matcher(value);
        try {
            if (m.matches()) {
                long amount = Long.parseLong(m.group(1));
                return Optional.of(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    default -> Duration.ofHours(amount);
                });
            }
            if (value.toUpperCase(Locale.ROOT).startsWith("P")) {
                Duration parsed = Duration.parse(value);
                return parsed.isNegative() ? Optional.empty() : Optional.of(parsed);
            }
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
