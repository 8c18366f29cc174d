package hil.targets.firmware;

import hil.targets.HilException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Builds the UEFI agent application from {@code agent/} with gnu-efi when its binary is missing or stale. */
public final class AgentBuild {

    public static final String BINARY = "hilagent.efi";
    private static final Path GNU_EFI_CRT0 = Path.of("/usr/lib/crt0-efi-x86_64.o");

    private AgentBuild() {
    }

    /** What is missing to build the agent, each with the package that provides it. */
    /**
     * Where the agent's sources are when lab-config does not say: {@code ../agent} next to the lab-config
     * directory, else the {@code agent/} of the hil installation (system property {@code hil.home}), so a lab-config
     * kept anywhere uses the agent that comes with hil.
     */
    public static Path defaultSource(Path labConfigFile) {
        Path base = labConfigFile == null ? Path.of("lab-config") : labConfigFile.toAbsolutePath().getParent();
        Path beside = base.resolve("../agent").normalize();
        String home = System.getProperty("hil.home");
        if (!java.nio.file.Files.isDirectory(beside) && home != null
                && java.nio.file.Files.isDirectory(Path.of(home, "agent"))) {
            return Path.of(home, "agent");
        }
        return beside;
    }

    public static List<String> missing(Path source) {
        List<String> missing = new ArrayList<>();
        if (!Files.isRegularFile(source.resolve("build.sh"))) {
            missing.add("agent sources not found at " + source + " (setting agent-source)");
        }
        if (!Files.isReadable(GNU_EFI_CRT0)) {
            missing.add(GNU_EFI_CRT0 + " not found (install Debian package gnu-efi)");
        }
        if (Executables.resolve(Path.of("gcc")).isEmpty()) {
            missing.add("gcc not found (install Debian package gcc)");
        }
        return missing;
    }

    /** The agent binary, built first if any source is newer. */
    public static synchronized Path ensureBuilt(Path source) {
        return BuildLock.holding(source.resolve("build"), () -> build(source));
    }

    private static Path build(Path source) {
        Path out = source.resolve("build");
        Path binary = out.resolve(BINARY);
        if (Files.isRegularFile(binary) && RuntimeDriverRecord.IMAGES.stream().allMatch(i -> Files.isRegularFile(
                out.resolve(i))) && !sourcesNewerThan(source, binary)) {
            return binary;
        }
        Path log = out.resolve("build.log");
        try {
            Files.createDirectories(out);
            Process p = new ProcessBuilder("bash", source.resolve("build.sh").toString(), out.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new HilException("building the UEFI agent took over 120 s (log: " + log + ")");
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(binary)) {
                throw new HilException("building the UEFI agent failed with exit " + p.exitValue() + ": "
                        + tail(log) + " (log: " + log + ")");
            }
            return binary;
        } catch (IOException e) {
            throw new HilException("cannot build the UEFI agent in " + out + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HilException("interrupted while building the UEFI agent", e);
        }
    }

    /**
     * Whether any file directly in {@code source} or in its {@code rtdriver/} (the test driver images built with the
     * agent) is newer than {@code binary} (or a time cannot be read).
     */
    static boolean sourcesNewerThan(Path source, Path binary) {
        Path drivers = source.resolve("rtdriver");
        try (Stream<Path> top = Files.list(source);
             Stream<Path> files = Stream.concat(top, Files.isDirectory(drivers) ? Files.list(drivers) : Stream.empty())) {
            FileTime built = Files.getLastModifiedTime(binary);
            return files.filter(Files::isRegularFile).anyMatch(f -> {
                try {
                    return Files.getLastModifiedTime(f).compareTo(built) > 0;
                } catch (IOException e) {
                    return true;
                }
            });
        } catch (IOException e) {
            return true;
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
