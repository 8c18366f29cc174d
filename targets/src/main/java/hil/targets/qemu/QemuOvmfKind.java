package hil.targets.qemu;

import hil.targets.Capability;
import hil.targets.Target;
import hil.targets.TargetKind;
import hil.targets.firmware.AgentBuild;
import hil.targets.firmware.CallPath;
import hil.targets.firmware.Executables;
import hil.targets.firmware.GuestComponents;
import hil.targets.firmware.LinuxGuest;
import hil.targets.labconfig.SettingSpec;
import hil.targets.labconfig.SettingSpec.Type;
import hil.targets.labconfig.TargetConfig;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Real firmware: QEMU (q35 with SMM) running Debian's SMM-enabled OVMF, driven over QMP and the serial console, with
 * the project's UEFI agent for raw runtime-service calls.
 */
public final class QemuOvmfKind implements TargetKind {

    public static final String NAME = "qemu-ovmf";
    static final String QEMU = "qemu";
    static final String CODE = "code";
    static final String VARS = "vars";
    static final String MACHINE = "machine";
    static final String ACCEL = "accel";
    static final String MEMORY = "memory-mib";
    static final String AGENT_SOURCE = "agent-source";
    static final String BOOT_TIMEOUT = "boot-timeout";
    static final String CALL_TIMEOUT = "call-timeout";
    static final String KEEP_FAILED = "keep-failed";
    static final String SAVED_STATE = "saved-state";
    static final String GUEST_CACHE = "guest-cache";
    static final String GUEST_KERNEL_PACKAGE = "guest-kernel-package";
    static final String CALLS = "calls";


    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<SettingSpec> settings() {
        return List.of(
                SettingSpec.optional(QEMU, Type.PATH, Path.of("qemu-system-x86_64"), "QEMU binary (a bare name is looked up on PATH)"),
                SettingSpec.optional(CODE, Type.PATH, Path.of("/usr/share/OVMF/OVMF_CODE_4M.secboot.fd"), "OVMF code flash, used read-only"),
                SettingSpec.optional(VARS, Type.PATH, Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd"), "OVMF variable-store template, copied per boot"),
                SettingSpec.optional(MACHINE, Type.STRING, "q35,smm=on", "QEMU -machine value (SMM must stay on)"),
                SettingSpec.choice(ACCEL, "auto", List.of("auto", "kvm", "tcg"), "acceleration: auto uses KVM when /dev/kvm is usable"),
                SettingSpec.optional(MEMORY, Type.INTEGER, 512L, "guest memory in MiB"),
                SettingSpec.optional(AGENT_SOURCE, Type.PATH, null, "directory of the UEFI agent sources (default: ../agent from lab-config)"),
                SettingSpec.optional(BOOT_TIMEOUT, Type.DURATION, Duration.ofSeconds(120), "QEMU start to agent ready"),
                SettingSpec.optional(CALL_TIMEOUT, Type.DURATION, Duration.ofSeconds(60), "one agent request"),
                SettingSpec.optional(KEEP_FAILED, Type.BOOLEAN, Boolean.FALSE, "keep a failed machine's directory (varstore, QEMU log)"),
                SettingSpec.optional(SAVED_STATE, Type.BOOLEAN, Boolean.TRUE, "with the agent: save the first fresh"
                        + " machine at the agent's ready line and start later fresh-store machines from that state"
                        + " (QEMU migration to a file plus the flash) instead of booting them"),
                SettingSpec.optional(GUEST_CACHE, Type.PATH, null, "where the OS phase's Linux parts are unpacked (default: ~/.cache/hil/guest)"),
                SettingSpec.choice(CALLS, "auto", List.of("auto", "agent", "shell"),
                        "boot-phase variable calls: agent (raw calls), shell (setvar/dmpstore), auto: the agent when it"
                                + " can be built here, else the Shell (under CI=true a missing agent fails)"),
                SettingSpec.optional(GUEST_KERNEL_PACKAGE, Type.STRING, GuestComponents.DEFAULT_KERNEL_PACKAGE,
                        "Debian kernel package of the OS phase's Linux guest (fetched with apt-get download)"),
                SettingSpec.choice(LinuxGuest.OS_CALLS_SETTING, "auto", LinuxGuest.OS_CALLS_CHOICES,
                        LinuxGuest.OS_CALLS_HELP));
    }

    /**
     * The capabilities with the agent; a target that uses the Shell has {@code shell-vars} instead of raw calls,
     * and no {@code fault-injection} (a power cut is aimed at the agent's SetVariable, whose flash writes QEMU
     * traces; a Shell command's are mixed with the Shell's own).
     */
    @Override
    public Set<Capability> capabilities() {
        return capabilities(CallPath.AGENT);
    }

    @Override
    public Set<Capability> capabilities(TargetConfig config) {
        Set<Capability> caps = capabilities(calls(config));
        if (caps.contains(Capability.RAW_CALLS) && !Boolean.FALSE.equals(config.settings().get(SAVED_STATE))) {
            // The agent's machine is saved at its ready line and fresh-store machines start from that state.
            caps.add(Capability.SNAPSHOT);
        }
        return caps;
    }

    static Set<Capability> capabilities(CallPath calls) {
        return calls == CallPath.AGENT
                ? EnumSet.of(Capability.RAW_CALLS, Capability.RESET, Capability.OS_PHASE, Capability.FAULT_INJECTION)
                : EnumSet.of(Capability.SHELL_VARS, Capability.RESET, Capability.OS_PHASE);
    }

    /**
     * The call path of a target: {@code agent} and {@code shell} as set; {@code auto} the agent when it can be
     * built here (gnu-efi, gcc, its sources), else the Shell.
     */
    static CallPath calls(TargetConfig config) {
        return switch (callsSetting(config)) {
            case "agent" -> CallPath.AGENT;
            case "shell" -> CallPath.SHELL;
            default -> AgentBuild.missing(settingsOf(config).agentSource()).isEmpty() ? CallPath.AGENT : CallPath.SHELL;
        };
    }

    /** The {@code calls} setting as written: auto, agent or shell. */
    private static String callsSetting(TargetConfig config) {
        Object set = config.settings().get(CALLS);
        return set == null ? "auto" : (String) set;
    }

    /** The settings with the agent directory resolved against the lab-config file. */
    static QemuSettings settingsOf(TargetConfig config) {
        QemuSettings s = QemuSettings.of(config);
        if (s.agentSource() != null) {
            return s;
        }
        return new QemuSettings(s.qemu(), s.code(), s.vars(), s.machine(), s.accel(), s.memoryMiB(),
                AgentBuild.defaultSource(config.file()), s.bootTimeout(), s.callTimeout(), s.keepFailed(), s.savedState());
    }

    /** Where the OS phase's Linux guest comes from. */
    static LinuxGuest.Settings guestSettingsOf(TargetConfig config) {
        Path cache = (Path) config.settings().get(GUEST_CACHE);
        String kernelPackage = (String) config.settings().get(GUEST_KERNEL_PACKAGE);
        return LinuxGuest.Settings.of(cache, kernelPackage, settingsOf(config).agentSource(),
                (String) config.settings().get(LinuxGuest.OS_CALLS_SETTING));
    }

    /**
     * What the OS phase lacks here; empty when it can run. The target stays available without it (only the OS
     * phase's steps report the reason), so this is asked separately.
     */
    public static List<String> osPhaseMissing(TargetConfig config) {
        return LinuxGuest.missing(guestSettingsOf(config));
    }

    @Override
    public Availability availability(TargetConfig config) {
        QemuSettings s = settingsOf(config);
        List<String> missing = new ArrayList<>();
        if (resolveExecutable(s.qemu()).isEmpty()) {
            missing.add(s.qemu() + " not found (install Debian package qemu-system-x86)");
        }
        if (!Files.isReadable(s.code())) {
            missing.add(s.code() + " not readable (install Debian package ovmf)");
        }
        if (!Files.isReadable(s.vars())) {
            missing.add(s.vars() + " not readable (install Debian package ovmf)");
        }
        for (String tool : List.of("mformat", "mcopy")) {
            if (resolveExecutable(Path.of(tool)).isEmpty()) {
                missing.add(tool + " not found (install Debian package mtools)");
                break;
            }
        }
        String set = callsSetting(config);
        List<String> agentMissing = "shell".equals(set) ? List.of() : AgentBuild.missing(s.agentSource());
        if (!agentMissing.isEmpty() && ("agent".equals(set) || "true".equals(System.getenv("CI")))) {
            // CI installs gnu-efi: there a missing agent is a broken setup, not a reason to test less.
            missing.addAll(agentMissing);
            if (!"agent".equals(set)) {
                missing.add("CI=true: the raw calls must run, the Shell fallback is not taken");
            }
        }
        if (!missing.isEmpty()) {
            return Availability.no(String.join("; ", missing));
        }
        if (!agentMissing.isEmpty()) {
            return Availability.yes("no raw calls, variables through Shell commands: " + String.join("; ", agentMissing));
        }
        return Availability.yes();
    }

    /** Each job of a run gets a QEMU of its own, with its own copy of the variable store. */
    @Override
    public boolean parallelMachines() {
        return true;
    }

    @Override
    public Target create(TargetConfig config) {
        CallPath calls = calls(config);
        return new QemuOvmfTarget(config.name(), settingsOf(config), guestSettingsOf(config), calls, capabilities(config));
    }

    /** A bare name is looked up on PATH; a path must be an executable file. */
    static Optional<Path> resolveExecutable(Path program) {
        return Executables.resolve(program);
    }

}
