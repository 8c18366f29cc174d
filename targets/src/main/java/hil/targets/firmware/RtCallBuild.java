package hil.targets.firmware;

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
        Path binary = source.resolve("build").resolve(LinuxGuest.RTCALL_FILE);
        return GuestBuild.buildWithScript(source, binary, "the runtime driver " + LinuxGuest.RTCALL_FILE,
                TIMEOUT_SECONDS);
    }
}
