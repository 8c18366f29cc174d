package hil.reports;

import java.net.URI;
import java.nio.file.Path;

/** Feature locations as a person reads them: relative to the working directory where possible. */
final class Locations {

    private Locations() {
    }

    /** The working directory of this process. */
    static Path workingDirectory() {
        return Path.of("").toAbsolutePath();
    }

    /**
     * {@code features/variables/get.feature} for a file under {@code workingDir}; the path inside the classpath
     * for {@code classpath:} URIs; the URI itself otherwise (or if it is not a URI at all).
     */
    static String display(String uri, Path workingDir) {
        URI parsed;
        try {
            parsed = URI.create(uri);
        } catch (IllegalArgumentException e) {
            return uri;
        }
        if ("file".equals(parsed.getScheme())) {
            Path path = Path.of(parsed).normalize();
            Path base = workingDir.toAbsolutePath().normalize();
            Path shown = path.startsWith(base) ? base.relativize(path) : path;
            return shown.toString().replace('\\', '/');
        }
        if ("classpath".equals(parsed.getScheme())) {
            return parsed.getSchemeSpecificPart();
        }
        return uri;
    }
}
