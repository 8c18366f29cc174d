package hil.targets.firmware;

import hil.targets.HilException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the guest agent ({@code agent/linux/hilguest.c}) into a static Linux program with {@code
 * agent/linux/build.sh} when its binary is missing or older than its sources.
 */
final class GuestBuild {

    static final String BINARY = "hilguest";
    private static final long TIMEOUT_SECONDS = 120;

    private GuestBuild() {
    }

    /** The directory of the guest agent's sources inside the agent directory. */
    static Path source(Path agentSource) {
        return agentSource.resolve("linux");
    }

    /** What is missing to build it, each with the package that provides it. */
    static List<String> missing(Path agentSource) {
        List<String> missing = new ArrayList<>();
        Path source = source(agentSource);
        if (!Files.isRegularFile(source.resolve("build.sh"))) {
            missing.add("guest agent sources not found at " + source + " (setting agent-source)");
        }
        if (Executables.resolve(Path.of("gcc")).isEmpty()) {
            missing.add("gcc not found (install Debian package gcc)");
        } else if (staticLibc().isEmpty()) {
            missing.add("glibc's static libc.a not found (install Debian package libc6-dev)");
        }
        return missing;
    }

    /** Where gcc finds libc.a; empty when it has none (it then prints the bare name). */
    private static java.util.Optional<Path> staticLibc() {
        try {
            GuestComponents.Result r = GuestComponents.run(List.of("gcc", "-print-file-name=libc.a"),
                    Path.of(System.getProperty("java.io.tmpdir")), 30);
            Path p = Path.of(r.output().strip());
            return r.exit() == 0 && p.isAbsolute() && Files.isRegularFile(p) ? java.util.Optional.of(p)
                    : java.util.Optional.empty();
        } catch (IOException | HilException e) {
            return java.util.Optional.empty();
        }
    }

    /** The agent binary, built first if a source is newer. */
    static synchronized Path ensureBuilt(Path agentSource) {
        Path source = source(agentSource);
        Path binary = source.resolve("build").resolve(BINARY);
        return buildWithScript(source, binary, "the guest agent", TIMEOUT_SECONDS);
    }

    /**
     * {@code binary} as {@code source/build.sh OUT} builds it into {@code binary}'s directory, run only when the
     * binary is missing or a source is newer; {@code what} names it in errors.
     */
    static Path buildWithScript(Path source, Path binary, String what, long timeoutSeconds) {
        return BuildLock.holding(binary.getParent(), () -> buildUnlocked(source, binary, what, timeoutSeconds));
    }

    private static Path buildUnlocked(Path source, Path binary, String what, long timeoutSeconds) {
        if (Files.isRegularFile(binary) && !AgentBuild.sourcesNewerThan(source, binary)) {
            return binary;
        }
        Path out = binary.getParent();
        try {
            Files.createDirectories(out);
            GuestComponents.Result r = GuestComponents.run(List.of("sh", source.resolve("build.sh").toString(),
                    out.toString()), source, timeoutSeconds);
            if (r.exit() != 0 || !Files.isRegularFile(binary)) {
                throw new HilException("building " + what + " failed with exit " + r.exit() + ": "
                        + r.output().strip());
            }
            return binary;
        } catch (IOException e) {
            throw new HilException("cannot build " + what + " in " + out + ": " + e.getMessage(), e);
        }
    }
}
