package hil.targets.qemu;

import hil.reports.model.Observation;
import hil.reports.model.Observation.Keys;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import hil.targets.Capability;
import hil.targets.HilException;
import hil.targets.NotObservableException;
import hil.targets.Phase;
import hil.transports.Deadline;
import hil.transports.TransportException;
import hil.transports.shell.UefiShell;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * QEMU + OVMF as a target. Boot-phase calls are raw runtime-service calls made by the agent application, which the
 * Shell starts from the FAT drive; every status in an observation is what the firmware returned. Where the agent
 * cannot be built (no gnu-efi), the boot-phase calls are the Shell's own commands instead
 * ({@link ShellVariableServices}, capability {@code shell-vars}): the drive then has no {@code startup.nsh}, the
 * firmware stays at the Shell prompt, and what the Shell cannot express is not observable.
 *
 * <p>Boots are expensive (about 10 s under TCG), so a scenario that starts "in the boot phase" reuses the running
 * machine when it can be put back exactly: before a scenario first writes a variable, its current value (or its
 * absence) is read; the next scenario starts by writing every such variable back and reading it again. Only when all
 * of them read back as before is the machine reused; otherwise — and after anything a restore cannot undo (a write
 * under a UEFI-owned GUID, a failed call, the OS phase) — it boots again from a fresh copy of the variable store.
 * Dead records left by the restores stay in the store until the firmware reclaims them, as on a real machine.
 *
 * <p>The OS phase is a Linux kernel started from the Shell in the same boot ({@link LinuxGuest}): the agent exits,
 * the kernel's EFI stub calls ExitBootServices and the kernel calls SetVirtualAddressMap, and from then on every
 * variable call goes through efivarfs ({@link GuestVariables}). Such a machine is never reused.
 */
final class QemuOvmfTarget extends hil.targets.CallingTarget {

    /** DataSize of a "large enough" GetVariable: Debian's OVMF allows volatile variables up to 0x40000 - 60 bytes. */
    static final long LARGE_DATA = 0x40000;
    /** VariableNameSize of a "large enough" GetNextVariableName. */
    static final long LARGE_NAME = 1024;

    private final QemuSettings settings;
    private final Path workDir;
    private final Path fatImage;
    private final QemuOvmfKind.Calls calls;
    /** The Linux guest of the OS phase, or null when it cannot be made here ({@link #guestUnavailable} says why). */
    private final LinuxGuest guest;
    private final String guestUnavailable;
    private QemuMachine machine;
    private AgentChannel agent;
    /** The Shell and its variable commands, when the calls go through the Shell. */
    private UefiShell shell;
    private ShellVariableServices shellVariables;
    /** The variable calls of the OS phase; set while Linux runs. */
    private GuestVariables os;
    /** When the running machine's QEMU was started. */
    private long machineStarted;
    /** Whether the kernel's SetVirtualAddressMap of this boot was already recorded. */
    private boolean virtualMapRecorded;
    /** The value each variable written since the last factory state had before its first write. */
    private final Map<VarKey, Original> touched = new LinkedHashMap<>();
    /** False once a scenario did something a restore cannot undo; the next scenario then boots again. */
    private boolean restorable;
    private Phase phase = Phase.BOOT;
    private int scenarioMark;
    private long boots;

    QemuOvmfTarget(String name, QemuSettings settings, LinuxGuest.Settings guestSettings, QemuOvmfKind.Calls calls,
                   Set<Capability> capabilities) {
        super(name, capabilities);
        this.settings = settings;
        this.calls = calls;
        Path agentBinary = calls == QemuOvmfKind.Calls.AGENT ? AgentBuild.ensureBuilt(settings.agentSource()) : null;
        try {
            this.workDir = Files.createTempDirectory("hil-" + name + "-");
        } catch (IOException e) {
            throw new HilException("cannot create a work directory for target " + name + ": " + e.getMessage(), e);
        }
        this.fatImage = workDir.resolve("hil-fat.img");
        Map<String, Path> files = new LinkedHashMap<>();
        if (agentBinary != null) {
            files.put(AgentBuild.BINARY, agentBinary);
            files.put("startup.nsh", BootMedia.writeStartupScript(workDir));
        }
        LinuxGuest prepared = null;
        String unavailable = null;
        try {
            prepared = LinuxGuest.prepare(guestSettings, workDir);
            files.putAll(prepared.bootFiles());
        } catch (HilException e) {
            // Only the OS phase needs the guest: its steps report this, the boot phase runs as before.
            unavailable = e.getMessage();
        }
        this.guest = prepared;
        this.guestUnavailable = unavailable;
        BootMedia.create(fatImage, files);
    }

    @Override
    public Phase phase() {
        return phase;
    }

    /** The running machine, for tests that break it on purpose. */
    QemuMachine machineForTest() {
        return machine;
    }

    /** The guest agent's channel while Linux runs, for tests. */
    GuestChannel guestChannelForTest() {
        return os().channel();
    }

    /** How many times QEMU was started. */
    long boots() {
        return boots;
    }

    @Override
    public void close() {
        stopMachine(false);
        QemuMachine.deleteTree(workDir);
    }

    // ---- machine lifecycle ---------------------------------------------------------------------------------

    private void stopMachine(boolean failed) {
        if (machine != null) {
            machine.closeKeeping(failed && settings.keepFailed());
            machine = null;
            agent = null;
            shell = null;
            shellVariables = null;
            os = null;
        }
    }

    /** Starts QEMU on a fresh copy of the variable store and waits for the agent, or for the Shell prompt. */
    private void boot() {
        stopMachine(false);
        Deadline deadline = Deadline.in(settings.bootTimeout());
        machineStarted = System.nanoTime();
        machine = QemuMachine.start(name(), settings, settings.vars(), fatImage, deadline);
        boots++;
        machine.console().failOn(java.util.regex.Pattern.compile("ASSERT [^\\n]*\\.c\\(\\d+\\)"), "the firmware hit an ASSERT");
        machine.console().failOn(java.util.regex.Pattern.compile("!!!! X64 Exception Type"), "the firmware took a CPU exception");
        if (calls == QemuOvmfKind.Calls.AGENT) {
            agent = new AgentChannel(machine.console(), settings.callTimeout());
            agent.awaitReady(deadline);
        } else {
            shell = new UefiShell(machine.console());
            shell.awaitPrompt(deadline);
            shellVariables = new ShellVariableServices(shell, name(), settings.callTimeout(), () -> phase.label());
            // The Shell reads a variable before each write anyway: that read is the value to restore.
            shellVariables.beforeEachWrite((varName, vendor, stored) -> remember(new VarKey(varName, vendor),
                    () -> stored == null ? null : stored.map(e -> new Original(true, e.attributes() & 0xFFFFFFFFL,
                            e.data())).orElseGet(() -> new Original(false, 0, new byte[0]))));
        }
        phase = Phase.BOOT;
        os = null;
        virtualMapRecorded = false;
        touched.clear();
        restorable = true;
    }

    private record VarKey(String name, EfiGuid vendor) {
    }

    /** A variable's state before its first write: absent, or its attributes and data. */
    private record Original(boolean exists, long attributes, byte[] data) {
    }


    /** UEFI-owned namespaces: writes there can have side effects (language sync, boot options) a restore misses. */
    private static final Set<EfiGuid> OWNED = Set.of(EfiGuid.GLOBAL_VARIABLE, EfiGuid.IMAGE_SECURITY_DATABASE,
            EfiGuid.HARDWARE_ERROR_VARIABLE);

    /** Remembers a variable's value before the scenario's first write to it. */
    private void rememberBeforeWrite(String varName, EfiGuid vendor) {
        VarKey key = new VarKey(varName, vendor);
        remember(key, () -> read(key));
    }

    /** Remembers {@code current} (read only when needed; null when unknown) as the value to restore. */
    private void remember(VarKey key, java.util.function.Supplier<Original> current) {
        if (!restorable || touched.containsKey(key)) {
            return;
        }
        if (OWNED.contains(key.vendor())) {
            // Decided after the write (setVariable): only a write the firmware took ends reuse.
            return;
        }
        Original now = current.get();
        if (now == null || (now.exists() && now.data() == null)) {
            restorable = false;
        } else {
            touched.put(key, now);
        }
    }

    /**
     * A variable as it is now: absent, or its attributes and data (null data when only a larger buffer reads it);
     * null when this call path cannot tell.
     */
    private Original read(VarKey k) {
        if (calls == QemuOvmfKind.Calls.SHELL) {
            Observation o;
            try {
                o = shellVariables().getVariable(k.name(), k.vendor(), LARGE_BUFFER);
            } catch (NotObservableException e) {
                return null;
            }
            if (EfiStatus.SUCCESS.efiName().equals(o.status())) {
                return new Original(true, Attributes.parse(o.outputs().get(Keys.ATTRIBUTES)),
                        hil.simulator.uefi.Bytes.fromHex(o.outputs().get(Keys.DATA)));
            }
            return ShellStatus.NOT_FOUND_CLASS.equals(o.outputs().get(Keys.STATUS_CLASS))
                    ? new Original(false, 0, new byte[0]) : null;
        }
        AgentReply r = agent().call(AgentRequest.getVariable(k.name(), k.vendor(), LARGE_DATA));
        if (r.status() == EfiStatus.SUCCESS.value()) {
            return new Original(true, r.hex("attrs"), r.bytes("data"));
        }
        if (r.status() == EfiStatus.BUFFER_TOO_SMALL.value()) {
            return new Original(true, r.hex("attrs"), null);
        }
        return r.status() == EfiStatus.NOT_FOUND.value() ? new Original(false, 0, new byte[0]) : null;
    }

    /** SetVariable for a restore; true when it succeeded. */
    private boolean write(VarKey k, long attributes, byte[] data) {
        if (calls == QemuOvmfKind.Calls.SHELL) {
            try {
                return EfiStatus.SUCCESS.efiName().equals(
                        shellVariables().setVariable(k.name(), k.vendor(), (int) attributes, data).status());
            } catch (NotObservableException e) {
                return false;
            }
        }
        return agent().call(AgentRequest.setVariable(k.name(), k.vendor(), (int) attributes, data)).status()
                == EfiStatus.SUCCESS.value();
    }

    private static boolean same(Original a, Original b) {
        return a != null && a.exists() == b.exists()
                && (!a.exists() || (a.attributes() == b.attributes() && java.util.Arrays.equals(a.data(), b.data())));
    }

    /** Puts every written variable back; true when all of them read back as before. */
    private boolean restoreTouched() {
        if (!restorable) {
            return false;
        }
        for (Map.Entry<VarKey, Original> e : touched.entrySet()) {
            VarKey k = e.getKey();
            Original o = e.getValue();
            Original now = read(k);
            if (now == null) {
                return false;
            }
            if (same(now, o)) {
                continue;
            }
            if (now.exists()) {
                write(k, 0, new byte[0]);
            }
            if (o.exists() && !write(k, o.attributes(), o.data())) {
                return false;
            }
            if (!same(read(k), o)) {
                return false;
            }
        }
        touched.clear();
        return true;
    }

    /** The Shell's variable commands of the running machine. */
    private ShellVariableServices shellVariables() {
        machineAlive();
        if (shellVariables == null) {
            throw new HilException("target " + name() + " has no Shell session; the next scenario boots it again");
        }
        return shellVariables;
    }

    private AgentChannel agent() {
        machineAlive();
        if (agent == null) {
            throw new HilException("target " + name() + " has no agent session; the next scenario boots it again");
        }
        return agent;
    }

    /** A harness failure during a call: the machine is not trusted any more and is replaced at the next boot. */
    private HilException broken(String what, RuntimeException e) {
        String log = machine != null && !machine.alive() ? " QEMU exited; its log: " + machine.log().strip() : "";
        stopMachine(true);
        return new HilException(what + " failed on target " + name() + ": " + e.getMessage() + log, e);
    }

    @Override
    public void scenarioStarted(String scenarioName) {
        scenarioMark = machine != null && machine.alive() ? machine.console().mark() : 0;
    }

    @Override
    public List<Artifact> scenarioFinished(boolean failed) {
        List<Artifact> out = new ArrayList<>();
        if (machine == null) {
            return out;
        }
        try {
            String transcript = machine.console().since(Math.min(scenarioMark, machine.console().mark()));
            out.add(new Artifact("console transcript (" + name() + ")", "text/plain",
                    transcript.getBytes(StandardCharsets.UTF_8)));
        } catch (RuntimeException e) {
            // the console of a machine that is gone: nothing to attach
        }
        if (failed && machine.alive()) {
            try {
                Path png = workDir.resolve("screen.png");
                out.add(new Artifact("screen (" + name() + ")", "image/png",
                        machine.qmp().screendump(png, Deadline.in(Duration.ofSeconds(10)))));
            } catch (RuntimeException e) {
                out.add(new Artifact("screendump failed", "text/plain",
                        String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8)));
            }
        }
        return out;
    }

    // ---- platform ------------------------------------------------------------------------------------------

    private Observation event(String operation, EfiStatus status, Map<String, String> outputs, long start) {
        return new Observation(operation, Map.of(), status == null ? null : status.efiName(), outputs, phase.label(),
                name(), System.nanoTime() - start, null);
    }

    @Override
    public Observation bootFresh() {
        long start = System.nanoTime();
        Map<String, String> out = new LinkedHashMap<>();
        if (machine != null && machine.alive() && (agent != null || shellVariables != null) && phase == Phase.BOOT) {
            try {
                if (restoreTouched()) {
                    out.put("boot", "reused (the variables written since boot were restored)");
                    return event("BootFresh", null, out, start);
                }
            } catch (TransportException | HilException e) {
                // not restorable: boot again below
            }
        }
        try {
            boot();
        } catch (RuntimeException e) {
            throw broken("booting to the agent", e);
        }
        out.put("boot", "fresh (QEMU start " + boots + ")");
        out.put("calls", calls == QemuOvmfKind.Calls.AGENT ? "raw calls by the UEFI agent" : "UEFI Shell commands");
        return event("BootFresh", null, out, start);
    }

    @Override
    public Observation signalEndOfDxe() {
        // BDS signals EndOfDxe before it starts the Shell: the firmware is already past it.
        return event("EndOfDxe", EfiStatus.SUCCESS, Map.of("note", "signalled by the firmware before the Shell started"), System.nanoTime());
    }

    @Override
    public Observation signalReadyToBoot() {
        // Launching the Shell as a boot option signals ReadyToBoot.
        return event("ReadyToBoot", EfiStatus.SUCCESS, Map.of("note", "signalled by the firmware when it started the Shell"), System.nanoTime());
    }

    /**
     * Starts Linux in the running boot: the agent exits to the Shell, which starts the kernel from the FAT drive.
     * The kernel's EFI stub calls ExitBootServices, and the kernel calls SetVirtualAddressMap before it runs /init,
     * so the firmware is in virtual mode when the guest agent reports ready; the phase is VIRTUAL from here.
     * Variables set in the boot phase are still there (volatile ones too: the machine did not restart).
     */
    @Override
    public Observation exitBootServices() {
        if (phase != Phase.BOOT) {
            throw new NotObservableException(name(), "Linux is already running: its EFI stub made the only"
                    + " ExitBootServices call of this boot");
        }
        requireGuest("ExitBootServices");
        long start = System.nanoTime();
        GuestReply.Ready ready;
        List<String> efiLog;
        try {
            Deadline deadline = Deadline.in(settings.bootTimeout());
            machineAlive();
            var console = machine.console();
            if (calls == QemuOvmfKind.Calls.AGENT) {
                agent().call(AgentRequest.exit());
                // From here the machine is Linux's: whatever happens next, it is not put back for another scenario.
                restorable = false;
                console.expect(UefiShell.PROMPT, deadline);
            } else {
                restorable = false;
                // The kernel is on the FAT drive: make it the current file system, as startup.nsh does for the agent.
                // A drive change leaves %lasterror% as the command before set it, so `cd` tells where the Shell is.
                shellVariables();
                shell.run("fs0:", deadline);
                String where = shell.run("cd", deadline).output().strip();
                if (!where.matches("(?i)fs0:\\\\?")) {
                    throw new HilException("the Shell did not change to fs0: ('cd' says '" + where + "')");
                }
            }
            console.failOn(Pattern.compile("Kernel panic - not syncing[^\\n]*"), "the Linux guest panicked");
            console.failOn(Pattern.compile(Pattern.quote(LinuxGuest.FAILED_MARKER) + "[^\\n]*"),
                    "the Linux guest's /init failed");
            console.send(LinuxGuest.shellCommand() + "\r");
            GuestChannel channel = new GuestChannel(console, settings.callTimeout());
            ready = channel.awaitReady(deadline);
            if (!ready.efivarfs()) {
                throw new HilException("the guest agent started without efivarfs mounted; console: "
                        + console.tail(1500));
            }
            efiLog = kernelEfiLog(channel);
            os = new GuestVariables(name(), channel, () -> phase.label());
        } catch (RuntimeException e) {
            throw broken("ExitBootServices (starting Linux)", e);
        }
        phase = Phase.VIRTUAL;
        touched.clear();
        Map<String, String> out = new LinkedHashMap<>();
        out.put("note", "called by the EFI stub of Linux " + ready.kernel() + " started from the Shell; the kernel"
                + " then called SetVirtualAddressMap, so later calls are made in virtual mode");
        out.put("guestReadyAfterQemuStartMillis", Long.toString((System.nanoTime() - machineStarted) / 1_000_000));
        out.put("linuxBootMillis", Long.toString((System.nanoTime() - start) / 1_000_000));
        // Recorded in the phase the call was made in, as every platform event that does not restart the machine.
        return new Observation("ExitBootServices", Map.of(), EfiStatus.SUCCESS.efiName(), out, Phase.BOOT.label(), name(),
                System.nanoTime() - start, "guest " + guest.origin() + "\n" + String.join("\n", efiLog));
    }

    /**
     * The kernel's EFI lines, read from its log through the guest agent; they must show the runtime services in use
     * (the EFI system table found and the variable operations registered), else the OS phase would not reach the
     * firmware at all.
     */
    private static List<String> kernelEfiLog(GuestChannel channel) {
        GuestReply r = channel.call(GuestRequest.klog("efi"));
        String text = new String(java.util.HexFormat.of().parseHex(r.value("lines")), StandardCharsets.UTF_8);
        List<String> lines = text.lines().toList();
        boolean systemTable = lines.stream().anyMatch(l -> l.contains("efi: EFI v"));
        boolean variables = lines.stream().anyMatch(l -> l.contains("Registered efivars operations"));
        if (!systemTable || !variables) {
            throw new HilException("the Linux guest does not use the EFI runtime services (kernel log has "
                    + (systemTable ? "" : "no 'efi: EFI v…' line") + (systemTable || variables ? "" : " and ")
                    + (variables ? "" : "no 'Registered efivars operations'") + "): " + String.join(" | ", lines));
        }
        return lines;
    }

    /** The kernel made SetVirtualAddressMap while it booted; this records it once. */
    @Override
    public Observation setVirtualAddressMap() {
        if (phase == Phase.BOOT) {
            throw new NotObservableException(name(), "SetVirtualAddressMap is made by the Linux kernel after"
                    + " ExitBootServices; before it the agent cannot make it");
        }
        if (virtualMapRecorded) {
            throw new NotObservableException(name(), "the Linux kernel made the only SetVirtualAddressMap call of this"
                    + " boot; a program cannot make another");
        }
        virtualMapRecorded = true;
        return event("SetVirtualAddressMap", EfiStatus.SUCCESS, Map.of("note",
                "made by the kernel during its boot, before the guest agent started"), System.nanoTime());
    }

    /** The guest must be available for the OS phase; under CI=true a missing one fails instead of skipping. */
    private void requireGuest(String what) {
        if (guest != null) {
            return;
        }
        String reason = "the OS phase (" + what + ") needs the Linux guest, which cannot be made here: " + guestUnavailable;
        if ("true".equals(System.getenv("CI"))) {
            throw new HilException(reason + " (CI=true: a missing component fails the run)");
        }
        throw new NotObservableException(name(), reason);
    }

    /** The OS-phase calls; fails when Linux is not (or no longer) running. */
    private GuestVariables os() {
        machineAlive();
        if (os == null) {
            throw new HilException("target " + name() + " is in the " + phase.label() + " phase but Linux is not running");
        }
        return os;
    }

    private void machineAlive() {
        if (machine == null || !machine.alive()) {
            throw new HilException("target " + name() + " has no running machine"
                    + (machine != null && !machine.alive() ? " (QEMU exited: " + machine.log().strip() + ")" : "")
                    + "; the next scenario boots it again");
        }
    }

    /** An OS-phase call: "not observable" passes through, a harness failure breaks the machine. */
    private Observation inOs(String operation, java.util.function.Function<GuestVariables, Observation> call) {
        return guarded(operation, () -> call.apply(os()));
    }

    /** A boot-phase call through the Shell, guarded as {@link #inOs}. */
    private <T> T inShell(String operation, java.util.function.Function<ShellVariableServices, T> call) {
        return guarded(operation, () -> call.apply(shellVariables()));
    }

    private <T> T guarded(String operation, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (NotObservableException e) {
            throw e;
        } catch (RuntimeException e) {
            throw broken(operation, e);
        }
    }

    private boolean throughShell() {
        return phase == Phase.BOOT && calls == QemuOvmfKind.Calls.SHELL;
    }

    @Override
    public Optional<Observation> listVariables() {
        if (phase == Phase.BOOT) {
            return calls == QemuOvmfKind.Calls.AGENT ? Optional.empty()
                    : inShell("ListVariables", ShellVariableServices::listVariables);
        }
        return Optional.of(inOs("ListVariables", GuestVariables::listVariables));
    }

    /**
     * A platform reset through QMP {@code system_reset}: the CPU restarts, the flash (and so every non-volatile
     * variable) stays, RAM and with it every volatile variable is lost. The Shell starts the agent again.
     */
    @Override
    public Observation reset() {
        long start = System.nanoTime();
        try {
            Deadline deadline = Deadline.in(settings.bootTimeout());
            QemuMachine m = machine;
            Runnable reset = () -> {
                m.qmp().systemReset(deadline);
                m.qmp().awaitEvent("RESET", deadline);
            };
            if (calls == QemuOvmfKind.Calls.AGENT) {
                agent().awaitReadyAfterReset(reset, deadline);
            } else {
                shellVariables();
                m.console().skip();
                reset.run();
                shell.awaitRestart(deadline);
            }
        } catch (RuntimeException e) {
            throw broken("ResetSystem", e);
        }
        phase = Phase.BOOT;
        os = null;
        virtualMapRecorded = false;
        return event("ResetSystem", null, Map.of(), start);
    }

    @Override
    public Observation losePowerDuringNextWrite() {
        throw new NotObservableException(name(), "QEMU cannot cut power in the middle of a flash write");
    }

    // ---- variable services ---------------------------------------------------------------------------------

    private Observation call(String operation, Map<String, String> inputs, AgentRequest request,
                             java.util.function.Function<AgentReply, Map<String, String>> outputs) {
        return call(operation, inputs, request, outputs, () -> { });
    }

    private Observation call(String operation, Map<String, String> inputs, AgentRequest request,
                             java.util.function.Function<AgentReply, Map<String, String>> outputs, Runnable before) {
        AgentReply reply;
        long start;
        try {
            before.run();
            start = System.nanoTime();
            reply = agent().call(request);
        } catch (RuntimeException e) {
            throw broken(operation, e);
        }
        EfiStatus status = EfiStatus.fromValue(reply.status()).orElse(null);
        String statusName = status != null ? status.efiName() : EfiStatus.describe(reply.status());
        return new Observation(operation, inputs, statusName, outputs.apply(reply), phase.label(), name(),
                System.nanoTime() - start, null);
    }

    private static Map<String, String> inputs(Object... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], String.valueOf(kv[i + 1]));
        }
        return m;
    }

    private static boolean answered(AgentReply r) {
        return r.status() == EfiStatus.SUCCESS.value() || r.status() == EfiStatus.BUFFER_TOO_SMALL.value();
    }

    @Override
    public Observation getVariable(String varName, EfiGuid vendor, long dataSize) {
        if (phase != Phase.BOOT) {
            return inOs("GetVariable", g -> g.getVariable(varName, vendor, dataSize));
        }
        if (throughShell()) {
            return inShell("GetVariable", v -> v.getVariable(varName, vendor, dataSize));
        }
        long size = dataSize == LARGE_BUFFER ? LARGE_DATA : dataSize;
        return call("GetVariable", inputs(Keys.NAME, varName, Keys.VENDOR, vendor, Keys.DATA_SIZE, size),
                size == 0 ? AgentRequest.getVariable(varName, vendor, 0).withNull(AgentRequest.Pointer.DATA)
                        : AgentRequest.getVariable(varName, vendor, size),
                r -> {
                    Map<String, String> out = new LinkedHashMap<>();
                    if (answered(r)) {
                        out.put(Keys.DATA_SIZE, Long.toUnsignedString(r.decimal("size")));
                        out.put(Keys.ATTRIBUTES, Attributes.format(r.hex("attrs")));
                    }
                    if (r.has("data")) {
                        out.put(Keys.DATA, hil.simulator.uefi.Bytes.hex(r.bytes("data")));
                    }
                    return out;
                });
    }

    @Override
    public Observation getNextVariableName(String varName, EfiGuid vendor, long nameSize) {
        if (phase != Phase.BOOT) {
            return inOs("GetNextVariableName", g -> g.getNextVariableName(varName, vendor, nameSize));
        }
        if (throughShell()) {
            return inShell("GetNextVariableName", v -> v.getNextVariableName(varName, vendor, nameSize));
        }
        long size = nameSize == LARGE_BUFFER ? LARGE_NAME : nameSize;
        return call("GetNextVariableName", inputs(Keys.NAME, varName, Keys.VENDOR, vendor, Keys.NAME_SIZE, size),
                AgentRequest.getNextVariableName(varName, vendor, size),
                r -> {
                    Map<String, String> out = new LinkedHashMap<>();
                    if (answered(r)) {
                        out.put(Keys.NAME_SIZE, Long.toUnsignedString(r.decimal("size")));
                    }
                    if (r.status() == EfiStatus.SUCCESS.value()) {
                        out.put(Keys.NAME, r.utf16("name"));
                        out.put(Keys.VENDOR, r.guid("guid").toString());
                    }
                    return out;
                });
    }

    @Override
    public Observation setVariable(String varName, EfiGuid vendor, int attributes, byte[] data) {
        if (phase != Phase.BOOT) {
            return inOs("SetVariable", g -> g.setVariable(varName, vendor, attributes, data));
        }
        Observation o;
        if (throughShell()) {
            // The value to restore is remembered as the Shell reads it before writing (beforeEachWrite).
            o = inShell("SetVariable", v -> v.setVariable(varName, vendor, attributes, data));
        } else {
            o = call("SetVariable", inputs(Keys.NAME, varName, Keys.VENDOR, vendor,
                            Keys.ATTRIBUTES, Attributes.format(attributes & 0xFFFFFFFFL), Keys.DATA_SIZE, data.length,
                            Keys.DATA, hil.simulator.uefi.Bytes.hex(data)),
                    AgentRequest.setVariable(varName, vendor, attributes, data),
                    r -> Map.of(), () -> rememberBeforeWrite(varName, vendor));
        }
        if (OWNED.contains(vendor) && EfiStatus.SUCCESS.efiName().equals(o.status())) {
            // A write the firmware took under a UEFI-owned GUID may have side effects a restore cannot undo; a
            // refused one changed nothing.
            restorable = false;
        }
        return o;
    }

    @Override
    public Observation queryVariableInfo(int attributes) {
        if (phase != Phase.BOOT) {
            return inOs("QueryVariableInfo", g -> g.queryVariableInfo(attributes));
        }
        if (throughShell()) {
            return inShell("QueryVariableInfo", v -> v.queryVariableInfo(attributes));
        }
        return call("QueryVariableInfo", inputs(Keys.ATTRIBUTES, Attributes.format(attributes & 0xFFFFFFFFL)),
                AgentRequest.queryVariableInfo(attributes),
                r -> {
                    Map<String, String> out = new LinkedHashMap<>();
                    if (r.status() == EfiStatus.SUCCESS.value()) {
                        out.put(Keys.MAX_STORAGE, r.value("max"));
                        out.put(Keys.REMAINING_STORAGE, r.value("remaining"));
                        out.put(Keys.MAX_VARIABLE_SIZE, r.value("maxvar"));
                    }
                    return out;
                });
    }
}
