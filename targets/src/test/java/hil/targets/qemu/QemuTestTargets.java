package hil.targets.qemu;

import hil.targets.TargetKind;
import hil.targets.labconfig.TargetConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The lab-config entries of the real-QEMU tests, and the rule for what they lack: a skip, or under CI=true a failure. */
final class QemuTestTargets {

    private QemuTestTargets() {
    }

    /** A {@code qemu-ovmf} entry with every default, the repository's agent, a 20 s call timeout, and {@code extra}. */
    static TargetConfig config(String name, Map<String, Object> extra) {
        Map<String, Object> settings = new HashMap<>();
        for (var spec : new QemuOvmfKind().settings()) {
            if (spec.defaultValue() != null) {
                settings.put(spec.key(), spec.defaultValue());
            }
        }
        settings.put(QemuOvmfKind.CALL_TIMEOUT, Duration.ofSeconds(20));
        settings.put(QemuOvmfKind.AGENT_SOURCE, Path.of("../agent").toAbsolutePath().normalize());
        settings.putAll(extra);
        return new TargetConfig(name, QemuOvmfKind.NAME, "test", settings, Path.of("../lab-config/" + name + ".yaml"));
    }

    /** Skips when {@code missing} is not empty, or fails under CI=true, where every component is installed. */
    static void require(List<String> missing, String what) {
        String reason = String.join("; ", missing);
        if (!missing.isEmpty() && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true and " + what + " cannot run: " + reason);
        }
        assumeTrue(missing.isEmpty(), reason);
    }

    /** The target of {@code config}, or a skip (a failure under CI=true) when it is not available here. */
    static QemuOvmfTarget create(TargetConfig config) {
        QemuOvmfKind kind = new QemuOvmfKind();
        TargetKind.Availability availability = kind.availability(config);
        require(availability.available() ? List.of() : List.of(availability.reason()), "the " + config.name() + " target");
        return (QemuOvmfTarget) kind.create(config);
    }

    /** Closes the target (if one was made) and checks that every QEMU it started was stopped and reaped. */
    static void stop(QemuOvmfTarget target) {
        if (target != null) {
            target.close();
            assertNoneRunning(target.name());
        }
    }

    /** GetVariable with a buffer large enough for any variable. */
    static hil.reports.model.Observation read(QemuOvmfTarget target, String name, hil.simulator.uefi.EfiGuid vendor) {
        return target.getVariable(name, vendor, hil.targets.VariableServices.LARGE_BUFFER);
    }

    /**
     * Every QEMU of the target called {@code name} was stopped and reaped (test classes run side by side, each with
     * targets of its own names, so others' machines may be running).
     */
    static void assertNoneRunning(String name) {
        assertEquals(List.of(), MachineRegistry.running(name).stream().map(QemuMachine::pid).toList(),
                "QEMU processes of " + name + " left behind");
    }
}
