package hil.targets.labconfig;

/**
 * A setting whose value is of the right type but wrong for its target (a malformed console address, a power method
 * without its commands): reported with the file and the line of {@code key}.
 *
 * @param key     the setting it is about (the {@code settings:} line when the key is absent)
 * @param message what is wrong and what is accepted
 */
public record SettingProblem(String key, String message) {
}
