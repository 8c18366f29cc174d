package hil.targets.board;

import hil.targets.Capability;
import hil.targets.Target;
import hil.targets.TargetKind;
import hil.targets.firmware.AgentBuild;
import hil.targets.firmware.CallPath;
import hil.targets.firmware.GuestComponents;
import hil.targets.firmware.LinuxGuest;
import hil.targets.labconfig.SettingProblem;
import hil.targets.labconfig.SettingSpec;
import hil.targets.labconfig.SettingSpec.Type;
import hil.targets.labconfig.TargetConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A physical board: its console on a serial line, a telnet console server or a raw TCP port, its power switched by
 * commands, pdudaemon or an operator, and the UEFI agent (and the OS phase's Linux) deployed over hil's own TFTP
 * server. The firmware conversation is the same as {@code qemu-ovmf}'s.
 */
public final class BoardKind implements TargetKind {

    public static final String NAME = "board";

    static final String CONSOLE = "console";
    static final String BAUD = "baud";
    static final String POWER = "power";
    static final String POWER_ON = "power-on";
    static final String POWER_OFF = "power-off";
    static final String POWER_CYCLE = "power-cycle";
    static final String POWER_OFF_DELAY = "power-off-delay";
    static final String POWER_TIMEOUT = "power-timeout";
    static final String PDUDAEMON_URL = "pdudaemon-url";
    static final String PDU = "pdu";
    static final String PORT = "port";
    static final String TFTP_ADDRESS = "tftp-address";
    static final String TFTP_PORT = "tftp-port";
    static final String TFTP_BIND = "tftp-bind";
    static final String TFTP_FS = "tftp-fs";
    static final String TFTP_NIC = "tftp-nic";
    static final String TFTP_BLKSIZE = "tftp-blksize";
    static final String CALLS = "calls";
    static final String AGENT_SOURCE = "agent-source";
    static final String AGENT_ARGUMENTS = "agent-arguments";
    static final String BANNER = "banner";
    static final String ERROR_PATTERNS = "error-patterns";
    static final String TX_CHUNK = "tx-chunk";
    static final String TX_DELAY = "tx-delay";
    static final String SILENT_TIMEOUT = "silent-timeout";
    static final String STALL_TIMEOUT = "stall-timeout";
    static final String BOOT_TIMEOUT = "boot-timeout";
    static final String CALL_TIMEOUT = "call-timeout";
    static final String BOOT_RETRIES = "boot-retries";
    static final String SHELL_PROMPT = "shell-prompt";
    static final String LEASE_DIR = "lease-dir";
    static final String GUEST_CACHE = "guest-cache";
    static final String GUEST_KERNEL_PACKAGE = "guest-kernel-package";

    /** What EDK II prints at the start of every boot that reaches the Shell; seen again mid-step, the board reset. */
    static final String DEFAULT_BANNER = "UEFI Interactive Shell v[0-9.]+";
    /** EDK II's fatal messages on the console. */
    static final String DEFAULT_ERRORS = "ASSERT [^\\n]*\\.c\\(\\d+\\)|!!!! X64 Exception Type[^\\n]*|!!!! ARM64 Exception[^\\n]*";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<SettingSpec> settings() {
        return List.of(
                SettingSpec.required(CONSOLE, Type.STRING,
                        "the board's console: serial:/dev/ttyUSB0, telnet:HOST:PORT (console server) or tcp:HOST:PORT (raw)"),
                SettingSpec.optional(BAUD, Type.INTEGER, 115200L, "serial line speed (8N1, no flow control)"),
                SettingSpec.choice(POWER, "commands", List.of("commands", "pdudaemon", "manual"),
                        "how power is switched: commands (power-on/power-off), pdudaemon, or manual (an operator)"),
                SettingSpec.optional(POWER_ON, Type.STRING, null, "shell command that switches the board on"),
                SettingSpec.optional(POWER_OFF, Type.STRING, null, "shell command that switches the board off"),
                SettingSpec.optional(POWER_CYCLE, Type.STRING, null, "shell command for a power cycle (default: off, power-off-delay, on)"),
                SettingSpec.optional(POWER_OFF_DELAY, Type.DURATION, Duration.ofSeconds(2), "time off in a power cycle"),
                SettingSpec.optional(POWER_TIMEOUT, Type.DURATION, Duration.ofSeconds(60), "longest a power command may take"),
                SettingSpec.optional(PDUDAEMON_URL, Type.STRING, null, "pdudaemon's address, e.g. http://pdu-host:16421"),
                SettingSpec.optional(PDU, Type.STRING, null, "the PDU's name in pdudaemon (hostname=)"),
                SettingSpec.optional(PORT, Type.INTEGER, null, "the board's outlet on that PDU (port=)"),
                SettingSpec.optional(TFTP_ADDRESS, Type.STRING, null,
                        "IPv4 address at which the board reaches this host's TFTP server (without it: Shell commands only, no OS phase)"),
                SettingSpec.optional(TFTP_PORT, Type.INTEGER, 69L, "UDP port of hil's TFTP server (0: any free port; a high port for non-root runs)"),
                SettingSpec.optional(TFTP_BIND, Type.STRING, "0.0.0.0", "local address the TFTP server listens on"),
                SettingSpec.optional(TFTP_FS, Type.STRING, "fs0:", "writable file system on the board that fetched files go to"),
                SettingSpec.optional(TFTP_NIC, Type.STRING, "eth0", "the board's network interface in the UEFI Shell (ifconfig)"),
                SettingSpec.optional(TFTP_BLKSIZE, Type.INTEGER, 1468L, "TFTP block size the Shell asks for (tftp -s)"),
                SettingSpec.choice(CALLS, "auto", List.of("auto", "agent", "shell"),
                        "boot-phase variable calls: agent (raw calls, needs tftp-address), shell (setvar/dmpstore), auto"),
                SettingSpec.optional(AGENT_SOURCE, Type.PATH, null, "directory of the UEFI agent sources (default: ../agent from lab-config)"),
                SettingSpec.optional(AGENT_ARGUMENTS, Type.STRING, "", "arguments for the agent (qemu-uart-fifo on QEMU only, direct-serial)"),
                SettingSpec.optional(BANNER, Type.REGEX, DEFAULT_BANNER, "text printed at every boot; seen mid-step it means the board reset"),
                SettingSpec.optional(SHELL_PROMPT, Type.REGEX, hil.transports.shell.UefiShell.DEFAULT_PROMPT,
                        "the UEFI Shell's prompt at a line's start (default: EDK II's Shell> and FS0:\\> forms)"),
                SettingSpec.optional(ERROR_PATTERNS, Type.REGEX, DEFAULT_ERRORS, "console text that means the firmware broke"),
                SettingSpec.optional(TX_CHUNK, Type.INTEGER, 16L, "characters typed at once (a 16550 FIFO holds 16); 0: no pacing"),
                SettingSpec.optional(TX_DELAY, Type.DURATION, Duration.ofMillis(20), "pause between typed chunks"),
                SettingSpec.optional(SILENT_TIMEOUT, Type.DURATION, Duration.ofSeconds(60), "power-on to the first console byte"),
                SettingSpec.optional(STALL_TIMEOUT, Type.DURATION, Duration.ofSeconds(60), "longest silence while booting"),
                SettingSpec.optional(BOOT_TIMEOUT, Type.DURATION, Duration.ofSeconds(300), "power-on to the agent or Shell prompt (includes TFTP)"),
                SettingSpec.optional(CALL_TIMEOUT, Type.DURATION, Duration.ofSeconds(60), "one agent request or Shell command"),
                SettingSpec.optional(BOOT_RETRIES, Type.INTEGER, 2L, "power cycles after an infrastructure failure before the board is given up for the run"),
                SettingSpec.optional(LEASE_DIR, Type.PATH, null, "where board leases are kept (default: $XDG_RUNTIME_DIR/hil/leases or the temp directory)"),
                SettingSpec.optional(GUEST_CACHE, Type.PATH, null, "where the OS phase's Linux parts are unpacked (default: ~/.cache/hil/guest)"),
                SettingSpec.optional(GUEST_KERNEL_PACKAGE, Type.STRING, GuestComponents.DEFAULT_KERNEL_PACKAGE,
                        "Debian kernel package of the OS phase's Linux guest"),
                SettingSpec.choice(LinuxGuest.OS_CALLS_SETTING, "auto", LinuxGuest.OS_CALLS_CHOICES,
                        LinuxGuest.OS_CALLS_HELP));
    }

    @Override
    public List<SettingProblem> check(Map<String, Object> settings) {
        List<SettingProblem> problems = new ArrayList<>();
        try {
            ConsoleAddress.parse((String) settings.get(CONSOLE));
        } catch (IllegalArgumentException e) {
            problems.add(new SettingProblem(CONSOLE, e.getMessage()));
        }
        String power = (String) settings.get(POWER);
        if ("commands".equals(power)) {
            for (String key : List.of(POWER_ON, POWER_OFF)) {
                if (blank(settings.get(key))) {
                    problems.add(new SettingProblem(key, "missing (required with power: commands: a shell command)"));
                }
            }
        } else if ("pdudaemon".equals(power)) {
            for (String key : List.of(PDUDAEMON_URL, PDU, PORT)) {
                if (settings.get(key) == null || blank(settings.get(key))) {
                    problems.add(new SettingProblem(key, "missing (required with power: pdudaemon)"));
                }
            }
            Object url = settings.get(PDUDAEMON_URL);
            if (url instanceof String u && !u.isBlank() && !u.matches("https?://[^/\\s]+(/.*)?")) {
                problems.add(new SettingProblem(PDUDAEMON_URL, "'" + u + "' is not an http:// or https:// address"));
            }
        }
        Object address = settings.get(TFTP_ADDRESS);
        if (address instanceof String a && !a.matches("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}")) {
            problems.add(new SettingProblem(TFTP_ADDRESS, "'" + a + "' is not an IPv4 address (the UEFI Shell's tftp is IPv4 only)"));
        }
        long tftpPort = (Long) settings.get(TFTP_PORT);
        if (tftpPort < 0 || tftpPort > 65535) {
            problems.add(new SettingProblem(TFTP_PORT, tftpPort + " is not a UDP port (0 to 65535)"));
        }
        long blksize = (Long) settings.get(TFTP_BLKSIZE);
        if (blksize < 8 || blksize > 65464) {
            problems.add(new SettingProblem(TFTP_BLKSIZE, blksize + " is not a TFTP block size (8 to 65464)"));
        }
        if ("agent".equals(settings.get(CALLS)) && address == null) {
            problems.add(new SettingProblem(CALLS, "agent needs tftp-address: the agent reaches the board over TFTP"));
        }
        long baud = (Long) settings.get(BAUD);
        if (baud <= 0) {
            problems.add(new SettingProblem(BAUD, baud + " is not a line speed"));
        }
        if ((Long) settings.get(BOOT_RETRIES) < 0) {
            problems.add(new SettingProblem(BOOT_RETRIES, "must not be negative"));
        }
        if ((Long) settings.get(TX_CHUNK) < 0) {
            problems.add(new SettingProblem(TX_CHUNK, "must not be negative"));
        }
        return problems;
    }

    private static boolean blank(Object value) {
        return value == null || value.toString().isBlank();
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.RAW_CALLS, Capability.RESET, Capability.OS_PHASE);
    }

    /**
     * raw-calls with the agent (which needs TFTP), shell-vars otherwise; reset is a power cycle; the OS phase needs
     * TFTP for the kernel.
     */
    @Override
    public Set<Capability> capabilities(TargetConfig config) {
        Set<Capability> c = EnumSet.of(calls(config) == CallPath.AGENT ? Capability.RAW_CALLS : Capability.SHELL_VARS,
                Capability.RESET);
        if (config.settings().get(TFTP_ADDRESS) != null) {
            c.add(Capability.OS_PHASE);
        }
        return c;
    }

    /** The agent when TFTP can deploy it and it can be built here (or when asked for), else the Shell. */
    static CallPath calls(TargetConfig config) {
        Object set = config.settings().get(CALLS);
        if ("shell".equals(set) || config.settings().get(TFTP_ADDRESS) == null) {
            return CallPath.SHELL;
        }
        if ("agent".equals(set)) {
            return CallPath.AGENT;
        }
        return AgentBuild.missing(agentSource(config)).isEmpty() ? CallPath.AGENT : CallPath.SHELL;
    }

    static Path agentSource(TargetConfig config) {
        Path set = (Path) config.settings().get(AGENT_SOURCE);
        if (set != null) {
            return set;
        }
        return AgentBuild.defaultSource(config.file());
    }

    static LinuxGuest.Settings guestSettings(TargetConfig config) {
        Path cache = (Path) config.settings().get(GUEST_CACHE);
        String kernelPackage = (String) config.settings().get(GUEST_KERNEL_PACKAGE);
        return LinuxGuest.Settings.of(cache, kernelPackage, agentSource(config),
                (String) config.settings().get(LinuxGuest.OS_CALLS_SETTING));
    }

    @Override
    public Availability availability(TargetConfig config) {
        List<String> missing = new ArrayList<>();
        Object set = config.settings().get(CALLS);
        boolean tftp = config.settings().get(TFTP_ADDRESS) != null;
        if (tftp && !"shell".equals(set)) {
            List<String> agentMissing = AgentBuild.missing(agentSource(config));
            if (!agentMissing.isEmpty() && ("agent".equals(set) || "true".equals(System.getenv("CI")))) {
                missing.addAll(agentMissing);
            } else if (!agentMissing.isEmpty()) {
                return Availability.yes("no raw calls, variables through Shell commands: " + String.join("; ", agentMissing));
            }
        }
        // A board leased by another run cannot run here now: say who has it before anything starts.
        Path leaseDir = config.settings().get(LEASE_DIR) != null ? (Path) config.settings().get(LEASE_DIR)
                : BoardLease.defaultLeaseDir();
        if (!BoardLease.heldHere(config.name())) {
            try (BoardLease probe = BoardLease.acquire(leaseDir, config.name(), Duration.ofSeconds(10))) {
                // free
            } catch (BoardBusyException e) {
                missing.add(e.getMessage());
            }
        }
        if ("manual".equals(config.settings().get(POWER)) && System.console() == null) {
            missing.add("power: manual needs an operator at a terminal, and this run is not interactive");
        }
        return missing.isEmpty() ? Availability.yes() : Availability.no(String.join("; ", missing));
    }

    @Override
    public Target create(TargetConfig config) {
        CallPath calls = calls(config);
        return BoardTarget.create(config, BoardSettings.of(config), calls, capabilities(config));
    }
}
