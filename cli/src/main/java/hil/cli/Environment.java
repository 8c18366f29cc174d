package hil.cli;

import hil.targets.TargetKind;
import hil.targets.TargetKinds;
import hil.targets.labconfig.TargetConfig;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the commands take from the process they run in, so that tests can supply their own.
 *
 * @param out   normal output (headers, tables, summaries)
 * @param err   error messages
 * @param kinds the target kinds lab-config may name
 * @param home  the installation directory (system property {@value #HOME_PROPERTY}, set by the {@code hil}
 *              script), whose {@code lab-config/} is used when the working directory has none
 */
record Environment(PrintWriter out, PrintWriter err, Supplier<List<TargetKind>> kinds, Optional<Path> home) {

    /** System property naming the installation directory. */
    static final String HOME_PROPERTY = "hil.home";

    /** The kind of a target from lab-config, which has already checked the kind against {@link #kinds()}. */
    TargetKind kind(TargetConfig config) {
        return kinds.get().stream()
                .filter(k -> k.name().equals(config.kind()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("lab-config accepted the unknown kind "
                        + config.kind()));
    }

    /** The environment of the running JVM. */
    static Environment system() {
        return new Environment(new PrintWriter(System.out, true), new PrintWriter(System.err, true),
                TargetKinds::all, Optional.ofNullable(System.getProperty(HOME_PROPERTY)).map(Path::of));
    }
}
