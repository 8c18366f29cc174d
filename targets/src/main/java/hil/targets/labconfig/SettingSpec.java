package hil.targets.labconfig;

import java.util.List;

/**
 * One key a target kind accepts under {@code settings:} in lab-config.
 *
 * @param key          the YAML key
 * @param type         the value type
 * @param required     whether the key must be present
 * @param defaultValue the value when absent (as the type's Java value), or {@code null}
 * @param choices      for {@link Type#CHOICE}: the accepted values
 * @param description  one line for {@code hil targets} and error messages
 */
public record SettingSpec(String key, Type type, boolean required, Object defaultValue, List<String> choices,
                          String description) {

    public SettingSpec {
        choices = choices == null ? List.of() : List.copyOf(choices);
    }

    /** Value types of settings. */
    public enum Type { STRING, INTEGER, BOOLEAN, PATH, CHOICE, DURATION, REGEX }

    public static SettingSpec choice(String key, String defaultValue, List<String> choices, String description) {
        return new SettingSpec(key, Type.CHOICE, false, defaultValue, choices, description);
    }

    public static SettingSpec optional(String key, Type type, Object defaultValue, String description) {
        return new SettingSpec(key, type, false, defaultValue, List.of(), description);
    }

    public static SettingSpec required(String key, Type type, String description) {
        return new SettingSpec(key, type, true, null, List.of(), description);
    }
}
