package hil.targets.labconfig;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * One validated target definition from a lab-config file.
 *
 * @param name        the target's name (unique across lab-config)
 * @param kind        the target kind
 * @param description free text
 * @param settings    validated kind-specific settings with defaults filled in (key → Java value:
 *                    String, Long, Boolean, Path, java.time.Duration)
 * @param file        the file it came from
 */
public record TargetConfig(String name, String kind, String description, Map<String, Object> settings, Path file) {

    public TargetConfig {
        Objects.requireNonNull(name);
        Objects.requireNonNull(kind);
        settings = Map.copyOf(settings);
    }

    public String string(String key) {
        return (String) settings.get(key);
    }
}
