package hil.targets.firmware;

import hil.targets.HilException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the runtime driver of the OS phase's raw calls ({@code agent/rtcall/hilrtcall.c}) with gnu-efi when its
 * binary is missing or older than its sources. It needs what the UEFI agent needs.
 */
final class RtCallBuild {

    private static final long TIMEOUT_SECONDS = 120;

    private RtCallBuild() {
    }

    /** The directory of the driver's sources inside the agent directory. */
    static Path source(Path agentSource) {
        return agentSource.resolve("rtcall");
    }

    /** What is missing to build it, each with the package that provides it. */
    static List<String> missing(Path agentSource) {
        List<String> missing = new ArrayList<>();
        if (!Files.isRegularFile(source(agentSource).resolve("build.sh"))) {
            missing.add("runtime driver sources not found at " + source(agentSource) + " (setting agent-source)");
        }
        for (String m : AgentBuild.missing(agentSource)) {
            if (!m.startsWith("agent sources")) {
                missing.add(m);
            }
        }
        return missing;
    }

    /** The driver binary, built first if a source is newer. */
    static synchronized Path ensureBuilt(Path agentSource) {
        Path source = source(agentSource);
        Path out = source.resolve("build");
        Path binary = out.resolve(LinuxGuest.RTCALL_FILE);
        if (Files.isRegularFile(binary) && !AgentBuild.sourcesNewerThan(source, binary)) {
            return binary;
        }
        try {
            Files.createDirectories(out);
            GuestComponents.Result r = GuestComponents.run(List.of("sh", source.resolve("build.sh").toString(),
                    out.toString()), source, TIMEOUT_SECONDS);
            if (r.exit() != 0 || !Files.isRegularFile(binary)) {
                throw new HilException("building the runtime driver " + LinuxGuest.RTCALL_FILE + " failed with exit "
                        + r.exit() + ": " + r.output().strip());
            }
            return binary;
        } catch (IOException e) {
            throw new HilException("cannot build the runtime driver in " + out + ": " + e.getMessage(), e);
        }
    }
}
