package hil.targets.qemu;

import hil.targets.firmware.*;
import hil.targets.Capability;
import hil.targets.TargetKind;
import hil.targets.firmware.CallPath;
import hil.targets.labconfig.TargetConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the kind chooses between the agent and the Shell, and what it says about it. No QEMU is started. */
class QemuOvmfKindTest {

    private static final Path NO_AGENT = Path.of("/nonexistent/hil-agent-sources");
    private final QemuOvmfKind kind = new QemuOvmfKind();

    private static TargetConfig config(String calls, Path agentSource) {
        return QemuTestTargets.config("kind-test", Map.of(QemuOvmfKind.CALLS, calls, QemuOvmfKind.AGENT_SOURCE, agentSource));
    }

    /** Whether QEMU, OVMF and mtools are here: availability is about the agent only when they are. */
    private boolean baseAvailable() {
        return kind.availability(config("shell", NO_AGENT)).available();
    }

    @Test
    void theShellPathHasShellVariablesInsteadOfRawCalls() {
        assertEquals(CallPath.SHELL, QemuOvmfKind.calls(config("shell", NO_AGENT)));
        assertEquals(java.util.Set.of(Capability.SHELL_VARS, Capability.OS_PHASE, Capability.RESET),
                kind.capabilities(config("shell", NO_AGENT)));
        assertTrue(kind.capabilities(config("agent", NO_AGENT)).contains(Capability.RAW_CALLS));
        assertFalse(kind.capabilities(config("agent", NO_AGENT)).contains(Capability.SHELL_VARS));
    }

    @Test
    void autoTakesTheShellWhenTheAgentCannotBeBuilt() {
        assertEquals(CallPath.SHELL, QemuOvmfKind.calls(config("auto", NO_AGENT)));
        assertEquals(Capability.SHELL_VARS.tag(), kind.capabilities(config("auto", NO_AGENT)).stream()
                .filter(c -> c == Capability.SHELL_VARS || c == Capability.RAW_CALLS).findFirst().orElseThrow().tag());
    }

    @Test
    void autoTakesTheAgentWhenItCanBeBuilt() {
        Path agent = Path.of("../agent").toAbsolutePath().normalize();
        List<String> missing = AgentBuild.missing(agent);
        CallPath expected = missing.isEmpty() ? CallPath.AGENT : CallPath.SHELL;
        assertEquals(expected, QemuOvmfKind.calls(config("auto", agent)), "agent build lacks: " + missing);
    }

    @Test
    void aMissingAgentIsAnErrorWhenAskedForAndUnderCiOtherwiseANote() {
        org.junit.jupiter.api.Assumptions.assumeTrue(baseAvailable(), "QEMU, OVMF or mtools missing: "
                + kind.availability(config("shell", NO_AGENT)).reason());
        TargetKind.Availability agent = kind.availability(config("agent", NO_AGENT));
        assertFalse(agent.available());
        assertTrue(agent.reason().contains("agent sources not found at " + NO_AGENT), agent.reason());

        TargetKind.Availability auto = kind.availability(config("auto", NO_AGENT));
        if ("true".equals(System.getenv("CI"))) {
            assertFalse(auto.available(), auto.reason());
            assertTrue(auto.reason().contains("CI=true: the raw calls must run"), auto.reason());
        } else {
            assertTrue(auto.available(), auto.reason());
            assertTrue(auto.reason().startsWith("available (no raw calls, variables through Shell commands: agent sources"),
                    auto.reason());
        }
        assertEquals("available", kind.availability(config("shell", NO_AGENT)).reason());
    }
}
