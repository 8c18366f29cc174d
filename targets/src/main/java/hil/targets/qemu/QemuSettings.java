package hil.targets.qemu;

import hil.targets.labconfig.TargetConfig;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The validated lab-config settings of a {@code qemu-ovmf} target.
 *
 * @param qemu         the QEMU system emulator
 * @param code         OVMF code flash (read-only)
 * @param vars         OVMF variable-store template, copied for every fresh boot
 * @param machine      the {@code -machine} value (without accel)
 * @param accel        {@code auto}, {@code kvm} or {@code tcg}
 * @param memoryMiB    guest memory
 * @param agentSource  the directory with the agent's sources and build.sh
 * @param bootTimeout  from QEMU start to the agent's READY line
 * @param callTimeout  for one agent request
 * @param keepFailed   keep a failed machine's directory (varstore, log) for inspection
 * @param savedState   start fresh-store machines from a state saved once per run instead of booting them
 */
record QemuSettings(Path qemu, Path code, Path vars, String machine, String accel, int memoryMiB, Path agentSource,
                    Duration bootTimeout, Duration callTimeout, boolean keepFailed,
                    boolean savedState) {

    static QemuSettings of(TargetConfig config) {
        return new QemuSettings(
                (Path) config.settings().get(QemuOvmfKind.QEMU),
                (Path) config.settings().get(QemuOvmfKind.CODE),
                (Path) config.settings().get(QemuOvmfKind.VARS),
                (String) config.settings().get(QemuOvmfKind.MACHINE),
                (String) config.settings().get(QemuOvmfKind.ACCEL),
                ((Number) config.settings().get(QemuOvmfKind.MEMORY)).intValue(),
                (Path) config.settings().get(QemuOvmfKind.AGENT_SOURCE),
                (Duration) config.settings().get(QemuOvmfKind.BOOT_TIMEOUT),
                (Duration) config.settings().get(QemuOvmfKind.CALL_TIMEOUT),
                (Boolean) config.settings().get(QemuOvmfKind.KEEP_FAILED),
                !Boolean.FALSE.equals(config.settings().get(QemuOvmfKind.SAVED_STATE)));
    }
}
