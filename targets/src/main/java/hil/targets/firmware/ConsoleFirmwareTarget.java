package hil.targets.firmware;

import hil.reports.model.Observation;
import hil.reports.model.Observation.Keys;
import hil.simulator.platform.MemoryType;
import hil.simulator.smm.CommLayout;
import hil.simulator.smm.VarCheckPolicyMmi;
import hil.simulator.store.VarsFile;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import hil.targets.CallingTarget;
import hil.targets.Capability;
import hil.targets.HilException;
import hil.targets.NotObservableException;
import hil.targets.Phase;
import hil.targets.RuntimeDrivers;
import hil.targets.SmmMailbox;
import hil.targets.VariableStoreFile;
import hil.transports.Deadline;
import hil.transports.TransportException;
import hil.transports.console.Console;
import hil.transports.shell.UefiShell;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real firmware reached through its console: the UEFI Shell, the UEFI agent for raw calls and a Linux guest for the
 * OS phase. What carries the console and powers the machine — a QEMU process, or a board with a power switch — is
 * the subclass's ({@link #powerUp}, {@link #platformReset}, {@link #running}, {@link #shutDown}); everything said
 * to the firmware is here, once.
 *
 * <p>Boot-phase calls are raw runtime-service calls made by the agent; every status in an observation is what the
 * firmware returned. Where the agent cannot be used, they are the Shell's own commands ({@link ShellVariableServices},
 * capability {@code shell-vars}), and what the Shell cannot express is not observable.
 *
 * <p>Boots are expensive, so a scenario that starts "in the boot phase" reuses the running firmware when it can be
 * put back exactly: before a scenario first writes a variable, its current value (or its absence) is read; the next
 * scenario starts by writing every such variable back and reading it again. Only when all of them read back as
 * before is the session reused; otherwise — and after anything a restore cannot undo (a write under a UEFI-owned
 * GUID or a Secure Boot mode GUID, a time-based authenticated write, a failed call, the OS phase) — the machine
 * starts again. Where a start gives a factory variable store
 * ({@link #freshStoreOnPowerUp()}: QEMU copies the template) that is all; where the flash keeps what was written (a
 * board), the written variables are put back after the start as well, UEFI-owned ones included.
 *
 * <p>The {@link SmmMailbox} extension (raw SMM communicate buffers, RequestToLock, the VariablePolicy protocol) is
 * made by the agent too. A raw SetVariable buffer's variable is remembered like any other write; a lock or a policy
 * the firmware took cannot be undone until the next boot, so after one the session is not reused.
 *
 * <p>The OS phase is a Linux kernel started from the Shell in the same boot ({@link LinuxGuest}): the agent exits,
 * the kernel's EFI stub calls ExitBootServices and the kernel calls SetVirtualAddressMap, and from then on every
 * variable call is a raw call made by the runtime driver {@code hilrtcall.efi} on the guest's request
 * ({@link GuestRawCalls}, setting {@code os-calls: raw}) or goes through efivarfs ({@link GuestVariables},
 * {@code os-calls: efivarfs}). Such a session is never reused.
 */
public abstract class ConsoleFirmwareTarget extends CallingTarget {

    /** DataSize of a "large enough" GetVariable: Debian's OVMF allows volatile variables up to 0x40000 - 60 bytes. */
    public static final long LARGE_DATA = 0x40000;
    /** VariableNameSize of a "large enough" GetNextVariableName. */
    public static final long LARGE_NAME = 1024;

    /** UEFI-owned namespaces: writes there can have side effects (language sync, boot options) a restore misses. */
    private static final Set<EfiGuid> OWNED = Set.of(EfiGuid.GLOBAL_VARIABLE, EfiGuid.IMAGE_SECURITY_DATABASE,
            EfiGuid.HARDWARE_ERROR_VARIABLE,
            // EDK II's CustomMode and SecureBootEnable: writes there change the Secure Boot mode (and VendorKeys).
            EfiGuid.parse("c076ec0c-7028-4399-a072-71ee5c448b9f"), EfiGuid.parse("f0a30bc7-af08-4556-99c4-001009c93a44"));

    private final CallPath calls;
    private final Duration bootTimeout;
    private final Duration callTimeout;
    /** The Linux guest of the OS phase, or null when it cannot be made here ({@link #guestUnavailable} says why). */
    private final LinuxGuest guest;
    private final String guestUnavailable;

    private Console console;
    /** The console of the last machine, kept for its transcript after the machine is gone. */
    private Console lastConsole;
    private AgentChannel agent;
    /** The Shell and its variable commands, when the calls go through the Shell. */
    private UefiShell shell;
    private ShellVariableServices shellVariables;
    /** The variable calls of the OS phase; set while Linux runs. */
    private GuestVariables os;
    /**
     * The raw calls of the OS phase, through the runtime driver's mailbox ({@link LinuxGuest.OsCalls#RAW}); null when
     * the OS phase uses efivarfs, or Linux is not running.
     */
    private RawCallChannel rawOs;
    /** When the running machine was started (or powered up). */
    private long machineStarted;
    /**
     * Whether this scenario's OS phase is made by the agent as the OS loader (its ExitBootServices and
     * SetVirtualAddressMap, then raw calls over COM1) instead of Linux: chosen when the scenario starts, for steps
     * only a program can make ({@link OsLoaderSteps}).
     */
    private boolean agentIsLoader;
    /** Whether the running machine was reset since it started (a reset boots OVMF again, which writes its flash). */
    private boolean resetSinceStart;
    /** How Linux came up when it was first ready after a factory start: replayed by {@link #resumeOsReady}. */
    private LinuxUp savedOsUp;
    /** A fresh start the scenario asked for, made at its first call that needs the machine. */
    private boolean bootPending;
    /** Whether the agent called ExitBootServices in the running boot: it is the OS now and talks over COM1. */
    private boolean agentExited;
    /** Whether the kernel's SetVirtualAddressMap of this boot was already recorded. */
    private boolean virtualMapRecorded;
    /** The kernel's EFI log lines of the running Linux guest (read when it started). */
    private List<String> kernelEfiLog = List.of();
    /** The value each variable written since the last factory state had before its first write. */
    private final Map<VarKey, Original> touched = new LinkedHashMap<>();
    /** False once a scenario did something a restore cannot undo; the next scenario then starts the machine again. */
    private boolean restorable;
    /** Whether a PK write was taken in this boot: Secure Boot may then be on (EDK II sets it at once at boot time). */
    private boolean pkWrittenThisBoot;
    private Phase phase = Phase.BOOT;
    /** Whether a power cut waits for the next SetVariable that writes to the flash ({@code fault-injection}). */
    private boolean powerLossArmed;
    private int scenarioMark;
    /** The console {@link #scenarioMark} belongs to. */
    private Console scenarioConsole;
    private long boots;
    /** The SMM side, through the agent. */
    private final SmmMailbox mailbox = new AgentSmmMailbox();
    /** Counts the starts and resets: RAM, and with it every driver the agent loaded, is lost at each. */
    private long sessions;
    /** The runtime-driver model of this target, made on first use. */
    private FirmwareRuntimeDrivers runtimeDrivers;

    protected ConsoleFirmwareTarget(String name, Set<Capability> capabilities, CallPath calls, Duration bootTimeout,
                                    Duration callTimeout, LinuxGuest guest, String guestUnavailable) {
        super(name, capabilities);
        this.calls = calls;
        this.bootTimeout = bootTimeout;
        this.callTimeout = callTimeout;
        this.guest = guest;
        this.guestUnavailable = guestUnavailable;
    }

    // ---- what the subclass provides -------------------------------------------------------------------------

    /**
     * Starts the machine from nothing (a new QEMU, a power cycle) and returns its console, which must hold (or be
     * about to receive) the output of this start; the caller then waits for the agent or the Shell prompt.
     */
    protected abstract Console powerUp(Deadline deadline);

    /**
     * A platform reset that keeps the flash (non-volatile variables) and loses RAM. Returns the console of the
     * restarted machine; output from before the reset must not be taken for the new boot's (use
     * {@link Console#skip()} before the reset on a console that stays open).
     */
    protected abstract Console platformReset(Deadline deadline);

    /** Whether the firmware starts the agent by itself (a {@code startup.nsh}); otherwise {@link #startAgent}. */
    protected abstract boolean agentStartsItself();

    /** Puts the agent where the Shell can run it and returns the command line that starts it. */
    protected String startAgent(UefiShell shell, Deadline deadline) {
        throw new HilException("target " + name() + " has no way to start the agent from the Shell");
    }

    /** Makes the directory that holds the Linux kernel and initramfs the Shell's current one. */
    protected abstract void enterKernelDirectory(UefiShell shell, LinuxGuest guest, Deadline deadline);

    /** Whether the machine still runs (its process, its console). */
    protected abstract boolean running();

    /** Why the machine is not running, for messages ("QEMU exited: …"); empty when unknown. */
    protected String whyStopped() {
        return "";
    }

    /** Stops the machine (or gives up on its session); {@code failed}: something broke. */
    protected abstract void shutDown(boolean failed);

    /**
     * Whether the console of a reset machine is the one from before the reset, so that output printed before the
     * reset may still arrive and the Shell's banner must be awaited before its prompt is trusted.
     */
    protected abstract boolean resetKeepsConsole();

    /** Whether {@link #powerUp} gives a factory variable store. */
    protected abstract boolean freshStoreOnPowerUp();

    /** Patterns on the console that mean the firmware broke, with the diagnosis. */
    protected Map<Pattern, String> errorPatterns() {
        Map<Pattern, String> m = new LinkedHashMap<>();
        m.put(Pattern.compile("ASSERT [^\\n]*\\.c\\(\\d+\\)"), "the firmware hit an ASSERT");
        m.put(Pattern.compile("!!!! X64 Exception Type"), "the firmware took a CPU exception");
        return m;
    }

    /**
     * Whether the last {@link #powerUp} resumed a machine saved at the agent's ready line: the agent is already
     * waiting for requests, so no ready line comes and the session is checked with a PING instead.
     */
    protected boolean resumedAtAgent() {
        return false;
    }

    /** Whether the running machine started on the factory variable store (not on a flash a power cut left). */
    protected boolean startedOnFactoryStore() {
        return false;
    }

    /**
     * A new machine in the state {@link #saveOsReady} saved, its console ready for the guest agent; empty when none
     * is saved (or the subclass keeps none). The running machine is replaced.
     */
    protected Optional<Console> resumeOsReady(Deadline deadline) {
        return Optional.empty();
    }

    /**
     * Called when Linux is first ready on a machine that started on the factory store with nothing changed: the
     * subclass may save the machine so that later such OS phases resume it ({@link #resumeOsReady}).
     */
    protected void saveOsReady(Deadline deadline) {
    }

    /** Called once the firmware session is up (agent ready or Shell prompt) after a start or a reset. */
    protected void sessionUp(Console console) {
    }

    /** Evidence of a failed scenario beyond the transcript (a screenshot); empty by default. */
    protected List<Artifact> failureEvidence() {
        return List.of();
    }

    /** The UEFI Shell's prompt (a regular expression matched at a line's start); EDK II's by default. */
    protected String shellPrompt() {
        return UefiShell.DEFAULT_PROMPT;
    }

    /** Pacing of what is typed into the Shell; the Shell driver's defaults unless a subclass knows better. */
    protected void pace(Console console) {
    }

    /** A description of the start for the BootFresh observation, e.g. "QEMU start 3". */
    protected abstract String describeStart(long boots);

    /**
     * Makes an armed SetVariable with the power cut in the middle of the flash writes it makes, for targets with
     * {@code fault-injection}. The machine is off afterwards and its flash is as the cut left it: the next
     * {@link #powerUp} must start on that flash (not on a factory one). Where exactly the cut hits is the
     * subclass's rule, as close as it can get to the simulator's (the middle of the call's flash operations).
     *
     * @return the call's reply when it wrote nothing to the flash (nothing was cut; the cut waits for the next
     *         write, as on the simulator), else what the cut did, for the record
     */
    protected PowerCut cutPowerDuring(ArmedWrite write, Deadline deadline) {
        throw new NotObservableException(name(), "the power cannot be cut in the middle of a flash write here");
    }

    /**
     * A SetVariable a power cut is armed for.
     *
     * @param storedSize the DataSize of the variable before the call, -1 when it does not exist (the firmware writes
     *                   a new record of the resulting size, and marks the old copy on an update)
     * @param call       makes the call through the agent
     */
    protected record ArmedWrite(String name, EfiGuid vendor, int attributes, byte[] data, int storedSize,
                                Supplier<AgentReply> call) {
    }

    /** What an armed SetVariable came to: its reply when it wrote nothing to the flash, else the cut's description. */
    protected record PowerCut(AgentReply reply, String description) {

        public static PowerCut nothingWritten(AgentReply reply) {
            return new PowerCut(reply, null);
        }

        public static PowerCut cut(String description) {
            return new PowerCut(null, description);
        }
    }

    // ---- state for subclasses and tests ---------------------------------------------------------------------

    /** The console of the running machine, or null. */
    protected final Console console() {
        return console;
    }

    protected final CallPath callPath() {
        return calls;
    }

    protected final Duration bootTimeout() {
        return bootTimeout;
    }

    /** How many times the machine was started. */
    public final long boots() {
        return boots;
    }

    /** The guest agent's channel while Linux runs, for tests. */
    public final GuestChannel guestChannelForTest() {
        return os().channel();
    }

    @Override
    public Phase phase() {
        return phase;
    }

    /**
     * The extensions made by the agent: {@link SmmMailbox} on every path and phase (in the OS phase and through the
     * Shell each call is not observable with the reason), and the runtime-driver model ({@link FirmwareRuntimeDrivers})
     * where the agent makes the calls: it loads the test driver images that the agent build puts next to the agent.
     */
    @Override
    public <T> Optional<T> extension(Class<T> type) {
        if (type == SmmMailbox.class) {
            return Optional.of(type.cast(mailbox));
        }
        if (type == hil.targets.RuntimeDrivers.class && calls == CallPath.AGENT) {
            if (runtimeDrivers == null) {
                runtimeDrivers = new FirmwareRuntimeDrivers(new RuntimeDriverHooks());
            }
            return Optional.of(type.cast(runtimeDrivers));
        }
        return super.extension(type);
    }

    /** What the runtime-driver model needs of this target. */
    private final class RuntimeDriverHooks implements FirmwareRuntimeDrivers.Machine {
        @Override
        public String name() {
            return ConsoleFirmwareTarget.this.name();
        }

        @Override
        public Phase phase() {
            return phase;
        }

        @Override
        public long session() {
            // A start the scenario asked for is the next session already (its drivers belong to it).
            return bootPending ? sessions + 1 : console == null ? -1 : sessions;
        }

        @Override
        public boolean kernelMapRecorded() {
            return virtualMapRecorded;
        }

        @Override
        public AgentReply agent(AgentRequest request) {
            return guarded("the runtime-driver call " + request.op(), () -> ConsoleFirmwareTarget.this.agent()
                    .call(request));
        }

        @Override
        public Observation getVariable(String varName, EfiGuid vendor) {
            return ConsoleFirmwareTarget.this.getVariable(varName, vendor, LARGE_BUFFER);
        }

        @Override
        public void keepsDrivers() {
            // The machine first: a start the scenario deferred would make a restorable machine of it again.
            startDeferred("keeping a test driver");
            restorable = false;
        }

        @Override
        public boolean agentIsTheOs() {
            return ConsoleFirmwareTarget.this.agentIsTheOs();
        }

        @Override
        public Observation memoryMap() {
            return loaderMemoryMap();
        }

        @Override
        public Observation exitBootServices(long mapKey) {
            return loaderExitBootServices(mapKey);
        }

        @Override
        public Observation setVirtualAddressMap(RuntimeDrivers.VirtualMap map) {
            return loaderSetVirtualAddressMap(map);
        }
    }

    @Override
    public void close() {
        stopMachine(false);
    }

    // ---- machine lifecycle ---------------------------------------------------------------------------------

    /** Ends the session and stops the machine. */
    protected final void stopMachine(boolean failed) {
        boolean had = console != null;
        console = null;
        agent = null;
        shell = null;
        shellVariables = null;
        os = null;
        rawOs = null;
        if (had || running()) {
            shutDown(failed);
        }
    }

    /** Starts the machine and waits for the agent, or for the Shell prompt. */
    protected void boot() {
        startMachine();
        if (freshStoreOnPowerUp()) {
            touched.clear();
            restorable = true;
        } else {
            restorable = true;
            if (!restoreTouched()) {
                restorable = false;
                throw new HilException("the variables written by earlier scenarios could not be put back on "
                        + name() + " after its start: " + describeTouched());
            }
        }
    }

    /** Starts the machine on whatever its flash holds and opens the session. */
    private void startMachine() {
        bootPending = false;
        resetSinceStart = false;
        stopMachine(false);
        powerLossArmed = false;
        Deadline deadline = Deadline.in(bootTimeout);
        machineStarted = System.nanoTime();
        pkWrittenThisBoot = false;
        boots++;
        Console c = powerUp(deadline);
        console = c;
        lastConsole = c;
        for (Map.Entry<Pattern, String> e : errorPatterns().entrySet()) {
            c.failOn(e.getKey(), e.getValue());
        }
        openSession(c, deadline, false);
        phase = Phase.BOOT;
        os = null;
        rawOs = null;
        virtualMapRecorded = false;
        agentExited = false;
    }

    /** Brings the console to the agent's ready line or the Shell prompt. */
    private void openSession(Console c, Deadline deadline, boolean afterReset) {
        sessions++;
        if (calls == CallPath.AGENT) {
            agent = new AgentChannel(c, callTimeout);
            if (!afterReset && resumedAtAgent()) {
                AgentReply pong = agent.call(AgentRequest.ping(), deadline);
                if (pong.decimal("version") != AgentRequest.PROTOCOL_VERSION) {
                    throw new HilException("the resumed agent speaks protocol " + pong.value("version") + ", not "
                            + AgentRequest.PROTOCOL_VERSION);
                }
            } else if (agentStartsItself()) {
                agent.awaitReady(deadline);
            } else {
                UefiShell s = newShell(c);
                if (afterReset) {
                    s.awaitRestart(deadline);
                } else {
                    s.awaitPrompt(deadline);
                }
                String command = startAgent(s, deadline);
                c.send(command + "\r");
                agent.awaitReady(deadline);
            }
            shell = null;
            shellVariables = null;
        } else {
            agent = null;
            shell = newShell(c);
            if (afterReset) {
                shell.awaitRestart(deadline);
            } else {
                shell.awaitPrompt(deadline);
            }
            shellVariables = new ShellVariableServices(shell, name(), callTimeout, () -> phase.label());
            // The Shell reads a variable before each write anyway: that read is the value to restore.
            shellVariables.beforeEachWrite((varName, vendor, stored) -> remember(new VarKey(varName, vendor),
                    () -> stored == null ? null : stored.map(e -> new Original(true, e.attributes() & 0xFFFFFFFFL,
                            e.data())).orElseGet(() -> new Original(false, 0, new byte[0]))));
        }
        sessionUp(c);
    }

    private UefiShell newShell(Console c) {
        UefiShell s = new UefiShell(c, shellPrompt());
        pace(c);
        return s;
    }

    private record VarKey(String name, EfiGuid vendor) {
    }

    /** A variable's state before its first write: absent, or its attributes and data. */
    private record Original(boolean exists, long attributes, byte[] data) {
    }

    /** Remembers a variable's value before the scenario's first write to it. */
    private void rememberBeforeWrite(String varName, EfiGuid vendor) {
        VarKey key = new VarKey(varName, vendor);
        remember(key, () -> read(key));
    }

    /** Remembers {@code current} (read only when needed; null when unknown) as the value to restore. */
    private void remember(VarKey key, Supplier<Original> current) {
        if (touched.containsKey(key)) {
            return;
        }
        if (freshStoreOnPowerUp()) {
            if (!restorable) {
                return;
            }
            if (OWNED.contains(key.vendor())) {
                // Decided after the write (setVariable): only a write the firmware took ends reuse.
                return;
            }
        }
        Original now = current.get();
        if (now == null || (now.exists() && now.data() == null)) {
            restorable = false;
            if (!freshStoreOnPowerUp()) {
                throw new HilException("cannot read the variable " + key.name() + " of " + key.vendor()
                        + " before writing it, so it could not be put back afterwards on " + name());
            }
        } else {
            touched.put(key, now);
        }
    }

    /**
     * A variable as it is now: absent, or its attributes and data (null data when only a larger buffer reads it);
     * null when this call path cannot tell.
     */
    private Original read(VarKey k) {
        if (throughLinuxFiles()) {
            Observation o = os().getVariable(k.name(), k.vendor(), LARGE_BUFFER);
            return stored(o, EfiStatus.NOT_FOUND.efiName().equals(o.status()));
        }
        if (throughShell()) {
            Observation o;
            try {
                o = shellVariables().getVariable(k.name(), k.vendor(), LARGE_BUFFER);
            } catch (NotObservableException e) {
                return null;
            }
            return stored(o, ShellStatus.NOT_FOUND_CLASS.equals(o.outputs().get(Keys.STATUS_CLASS)));
        }
        AgentReply r = raw().call(AgentRequest.getVariable(k.name(), k.vendor(), LARGE_DATA));
        if (r.status() == EfiStatus.SUCCESS.value()) {
            return new Original(true, r.hex("attrs"), r.bytes("data"));
        }
        if (r.status() == EfiStatus.BUFFER_TOO_SMALL.value()) {
            return new Original(true, r.hex("attrs"), null);
        }
        return r.status() == EfiStatus.NOT_FOUND.value() ? new Original(false, 0, new byte[0]) : null;
    }

    /**
     * A variable from a large-enough GetVariable observation: its value on success, absent when {@code missing}
     * (how that call path says "not found"), else unknown (null).
     */
    private static Original stored(Observation o, boolean missing) {
        if (EfiStatus.SUCCESS.efiName().equals(o.status())) {
            return new Original(true, Attributes.parse(o.outputs().get(Keys.ATTRIBUTES)),
                    Bytes.fromHex(o.outputs().get(Keys.DATA)));
        }
        return missing ? new Original(false, 0, new byte[0]) : null;
    }

    /** SetVariable for a restore; true when it succeeded. */
    private boolean write(VarKey k, long attributes, byte[] data) {
        if (calls == CallPath.SHELL) {
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
                && (!a.exists() || (a.attributes() == b.attributes() && Arrays.equals(a.data(), b.data())));
    }

    /** Puts every written variable back; true when all of them read back as before. */
    private boolean restoreTouched() {
        if (!restorable) {
            return false;
        }
        for (Map.Entry<VarKey, Original> e : new ArrayList<>(touched.entrySet())) {
            VarKey k = e.getKey();
            Original o = e.getValue();
            Original now = read(k);
            if (now == null) {
                return false;
            }
            if (!same(now, o)) {
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
            touched.remove(k);
        }
        return true;
    }

    private String describeTouched() {
        return touched.keySet().stream().map(k -> k.name() + " (" + k.vendor() + ")").toList().toString();
    }

    /** The Shell's variable commands of the running machine. */
    private ShellVariableServices shellVariables() {
        machineAlive();
        if (shellVariables == null) {
            throw new HilException("target " + name() + " has no Shell session; the next scenario starts it again");
        }
        return shellVariables;
    }

    private AgentChannel agent() {
        machineAlive();
        if (agent == null) {
            throw new HilException("target " + name() + " has no agent session; the next scenario starts it again");
        }
        return agent;
    }

    /** Where raw calls go now: the agent in the boot phase, the runtime driver's mailbox while Linux runs. */
    private RawCallChannel raw() {
        if (phase == Phase.BOOT || agentExited) {
            return agent();
        }
        machineAlive();
        if (rawOs == null) {
            throw new HilException("target " + name() + " makes no raw calls in the " + phase.label() + " phase");
        }
        return rawOs;
    }

    /** A harness failure during a call: the machine is not trusted any more and is replaced at the next start. */
    protected HilException broken(String what, RuntimeException e) {
        String why = running() ? "" : whyStopped();
        stopMachine(true);
        return new HilException(what + " failed on target " + name() + ": " + e.getMessage()
                + (why.isBlank() ? "" : " " + why), e);
    }

    @Override
    public void scenarioStarted(String scenarioName, List<String> steps) {
        agentIsLoader = calls == CallPath.AGENT && OsLoaderSteps.needed(steps);
        scenarioStarted(scenarioName);
    }

    @Override
    public void scenarioStarted(String scenarioName) {
        scenarioConsole = lastConsole;
        scenarioMark = lastConsole != null ? lastConsole.mark() : 0;
    }

    @Override
    public List<Artifact> scenarioFinished(boolean failed) {
        List<Artifact> out = new ArrayList<>();
        Console c = lastConsole;
        if (c == null) {
            return out;
        }
        try {
            // A machine started during the scenario has a console of its own: all of it belongs to the scenario.
            String transcript = c == scenarioConsole ? c.sinceTimestamped(Math.min(scenarioMark, c.mark()))
                    : (scenarioConsole != null && scenarioConsole != c
                    ? scenarioConsole.sinceTimestamped(Math.min(scenarioMark, scenarioConsole.mark()))
                    + "\n---- new console ----\n" : "") + c.sinceTimestamped(0);
            out.add(new Artifact("console transcript (" + name() + ")", "text/plain",
                    transcript.getBytes(StandardCharsets.UTF_8)));
        } catch (RuntimeException e) {
            // the console of a machine that is gone: nothing to attach
        }
        if (failed && running()) {
            out.addAll(failureEvidence());
        }
        return out;
    }

    // ---- platform ------------------------------------------------------------------------------------------

    private Observation event(String operation, EfiStatus status, Map<String, String> outputs, long start) {
        return new Observation(operation, Map.of(), status == null ? null : status.efiName(), outputs, phase.label(),
                name(), System.nanoTime() - start, null);
    }

    /** Whether the running session can be taken over by the next scenario after a restore. */
    protected final boolean sessionReusable() {
        return console != null && running() && (agent != null || shellVariables != null) && phase == Phase.BOOT;
    }

    @Override
    public Observation bootFresh() {
        long start = System.nanoTime();
        powerLossArmed = false;
        Map<String, String> out = new LinkedHashMap<>();
        if (sessionReusable()) {
            try {
                if (restoreTouched()) {
                    out.put("boot", "reused (the variables written since boot were restored)");
                    return event("BootFresh", null, out, start);
                }
            } catch (TransportException | HilException e) {
                // not restorable: start again below
            }
        }
        try {
            boot();
        } catch (RuntimeException e) {
            throw broken("starting the firmware", e);
        }
        out.put("boot", "fresh (" + describeStart(boots) + ")");
        out.put("calls", calls == CallPath.AGENT ? "raw calls by the UEFI agent" : "UEFI Shell commands");
        return event("BootFresh", null, out, start);
    }

    /**
     * Why this target cannot start from another variable store than its factory one, or {@code null} when it can
     * ({@link #useStartingFlash}). By default it cannot.
     */
    protected String whyNoStartingStore(VariableStoreFile store, VarsFile image) {
        return "hil cannot put another variable store on this target's flash: it starts with the store it holds";
    }

    /** Makes the next power-up start on a copy of {@code image} (read from {@code store}) instead of the factory store. */
    protected void useStartingFlash(VariableStoreFile store, VarsFile image) {
        throw new UnsupportedOperationException(name() + " cannot start from another variable store");
    }

    /**
     * A cold start on another variable store. The machine is not reused afterwards: the next scenario that wants the
     * factory store gets a new one.
     */
    @Override
    public Observation bootFreshWithStore(VariableStoreFile store) {
        long start = System.nanoTime();
        VarsFile image = store.parse();
        String why = whyNoStartingStore(store, image);
        if (why != null) {
            throw new NotObservableException(name(), why);
        }
        powerLossArmed = false;
        useStartingFlash(store, image);
        try {
            startMachine();
        } catch (RuntimeException e) {
            throw broken("starting the firmware on the variable store " + store, e);
        }
        touched.clear();
        restorable = false;
        Map<String, String> out = new LinkedHashMap<>();
        out.put("boot", "fresh (" + describeStart(boots) + ", on the variable store \"" + store.name() + "\": "
                + store.file() + ")");
        out.put("calls", calls == CallPath.AGENT ? "raw calls by the UEFI agent" : "UEFI Shell commands");
        return event("BootFresh", null, out, start);
    }

    /**
     * No boot for nothing: a scenario that cannot reuse the running machine gets a new one at its first call that
     * needs it, so one whose steps end as not observable before that (a driver of the firmware's own, a start-up
     * stage, an event already signalled) starts none. A machine that can be put back is put back at once, as
     * {@link #bootFresh} does.
     */
    @Override
    public Observation bootFreshWhenNeeded() {
        if (sessionReusable()) {
            return bootFresh();
        }
        long start = System.nanoTime();
        powerLossArmed = false;
        stopMachine(false);
        bootPending = true;
        phase = Phase.BOOT;
        agentExited = false;
        virtualMapRecorded = false;
        Map<String, String> out = new LinkedHashMap<>();
        out.put("boot", "fresh, started at the scenario's first call to the firmware");
        out.put("calls", calls == CallPath.AGENT ? "raw calls by the UEFI agent" : "UEFI Shell commands");
        return event("BootFresh", null, out, start);
    }

    /**
     * BDS signals EndOfDxe (in OVMF's PlatformBootManagerBeforeConsole, before even Driver#### load options run), so
     * nothing the test loads sees the firmware before it: recorded as already signalled, not as a status returned.
     */
    @Override
    public Observation signalEndOfDxe() {
        return alreadySignalled("EndOfDxe", "the firmware's boot manager signalled EndOfDxe before it ran any"
                + " loadable image (Driver#### options and the Shell come after it)");
    }

    /** Launching the Shell as a boot option signals ReadyToBoot: recorded as already signalled. */
    @Override
    public Observation signalReadyToBoot() {
        return alreadySignalled("ReadyToBoot", "the firmware's boot manager signalled ReadyToBoot when it launched"
                + " the Shell's boot option");
    }

    private Observation alreadySignalled(String event, String note) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(Observation.Keys.STATUS_CLASS, Observation.Keys.ALREADY_SIGNALLED);
        out.put("note", note);
        return event(event, null, out, System.nanoTime());
    }

    /**
     * After a PK enrolment at boot time EDK II turns SecureBoot on at once (measured on Debian's OVMF), and from then
     * on the firmware refuses to load the test's unsigned runtime driver and Linux kernel ("is not an image"): the OS
     * phase of this boot cannot be reached, which is a limit of this target, not a harness failure.
     */
    private void refuseUnderSecureBoot() {
        if (!pkWrittenThisBoot) {
            return;
        }
        Original secureBoot = read(new VarKey("SecureBoot", EfiGuid.GLOBAL_VARIABLE));
        if (secureBoot != null && secureBoot.exists() && secureBoot.data() != null
                && Arrays.equals(secureBoot.data(), new byte[] {1})) {
            throw new NotObservableException(name(), "a PK was enrolled in this boot, so Secure Boot is on and the"
                    + " firmware refuses to start the test's unsigned Linux guest and runtime driver");
        }
    }

    /**
     * Starts Linux in the running boot: the agent exits to the Shell, which starts the kernel. The kernel's EFI stub
     * calls ExitBootServices, and the kernel calls SetVirtualAddressMap before it runs /init, so the firmware is in
     * virtual mode when the guest agent reports ready; the phase is VIRTUAL from here. Variables set in the boot
     * phase are still there (volatile ones too: the machine did not restart).
     */
    @Override
    public Observation exitBootServices() {
        if (agentIsLoader && (phase == Phase.BOOT || agentExited)) {
            return loaderExitBootServices(null);
        }
        if (phase != Phase.BOOT) {
            throw new NotObservableException(name(), "Linux is already running: its EFI stub made the only"
                    + " ExitBootServices call of this boot");
        }
        requireGuest("ExitBootServices");
        refuseUnderSecureBoot();
        long start = System.nanoTime();
        LinuxUp up;
        boolean resumed = false;
        try {
            Deadline deadline = Deadline.in(bootTimeout);
            machineAlive();
            // A machine as it started on the factory store, with nothing changed since: its OS phase is the same
            // every time, so it is saved once and resumed after.
            boolean pristine = calls == CallPath.AGENT && agent != null && agent.changingRequests() == 0
                    && !resetSinceStart && startedOnFactoryStore();
            Optional<Console> osReady = pristine && savedOsUp != null ? resumeOsReady(deadline) : Optional.empty();
            if (osReady.isPresent()) {
                resumed = true;
                restorable = false;
                Console c = osReady.get();
                console = c;
                lastConsole = c;
                agent = null;
                GuestChannel channel = new GuestChannel(c, callTimeout);
                channel.call(GuestRequest.ping());
                up = new LinuxUp(savedOsUp.ready(), savedOsUp.efiLog(), guestCalls(channel));
            } else {
                up = startLinux(deadline);
                if (pristine) {
                    savedOsUp = up;
                    saveOsReady(deadline);
                }
            }
        } catch (RuntimeException e) {
            throw broken("ExitBootServices (starting Linux)", e);
        }
        GuestReply.Ready ready = up.ready();
        List<String> efiLog = up.efiLog();
        RtCallCodec.Hello hello = up.hello();
        phase = Phase.VIRTUAL;
        if (freshStoreOnPowerUp()) {
            touched.clear();
        }
        Map<String, String> out = new LinkedHashMap<>();
        out.put("note", "called by the EFI stub of Linux " + ready.kernel() + " started from the Shell; the kernel"
                + " then called SetVirtualAddressMap, so later calls are made in virtual mode");
        // The stub prints nothing when ExitBootServices succeeds and stops with "exit_boot() failed!" when it does
        // not (after one retry with a fresh map key): a kernel that logs its own start is the observation.
        out.put("observed", "the kernel started after the EFI stub's ExitBootServices: "
                + efiLog.stream().filter(l -> l.contains("efi: EFI v")).findFirst().orElse(""));
        kernelEfiLog = efiLog;
        out.put("osCalls", hello != null ? "raw: the runtime driver " + LinuxGuest.RTCALL_FILE + " makes the calls"
                + " (it saw ExitBootServices and SetVirtualAddressMap)" : "efivarfs");
        if (resumed) {
            out.put("resumed", "from the state saved when Linux was first ready after a start on the factory store"
                    + " with nothing changed (this boot, replayed)");
        }
        out.put("guestReadyAfterStartMillis", Long.toString((System.nanoTime() - machineStarted) / 1_000_000));
        out.put("linuxBootMillis", Long.toString((System.nanoTime() - start) / 1_000_000));
        // Recorded in the phase the call was made in, as every platform event that does not restart the machine.
        return new Observation("ExitBootServices", Map.of(), EfiStatus.SUCCESS.efiName(), out, Phase.BOOT.label(), name(),
                System.nanoTime() - start, "guest " + guest.origin() + "\n" + String.join("\n", efiLog));
    }

    /** Linux as it came up: its ready line, its kernel's EFI log lines, and the raw-call driver's hello (or null). */
    private record LinuxUp(GuestReply.Ready ready, List<String> efiLog, RtCallCodec.Hello hello) {
    }

    /**
     * Starts Linux in the running boot: the agent exits to the Shell (or the Shell is there already), which starts
     * the kernel; waits for the guest agent and sets up the OS-phase calls.
     */
    private LinuxUp startLinux(Deadline deadline) {
        Console c = console;
        UefiShell s;
        if (calls == CallPath.AGENT) {
            agent().call(AgentRequest.exit());
            // From here the machine is Linux's: whatever happens next, it is not put back for another scenario.
            restorable = false;
            s = newShell(c);
            c.expect(s.prompt(), deadline);
        } else {
            restorable = false;
            shellVariables();
            s = shell;
        }
        enterKernelDirectory(s, guest, deadline);
        if (guest.osCalls() == LinuxGuest.OsCalls.RAW) {
            loadRuntimeDriver(s, deadline);
        }
        c.failOn(Pattern.compile("Kernel panic - not syncing[^\\n]*"), "the Linux guest panicked");
        c.failOn(Pattern.compile(Pattern.quote(LinuxGuest.FAILED_MARKER) + "[^\\n]*"),
                "the Linux guest's /init failed");
        c.send(LinuxGuest.shellCommand() + "\r");
        GuestChannel channel = new GuestChannel(c, callTimeout);
        GuestReply.Ready ready = channel.awaitReady(deadline);
        if (!ready.efivarfs()) {
            throw new HilException("the guest agent started without efivarfs mounted; console: " + c.tail(1500));
        }
        List<String> efiLog = kernelEfiLog(channel);
        RtCallCodec.Hello hello = guestCalls(channel);
        if (hello != null && (!hello.exitBootServicesSeen() || !hello.virtualAddressMapSeen())) {
            throw new HilException("the runtime driver " + LinuxGuest.RTCALL_FILE + " answers, but did not"
                    + " see " + (hello.exitBootServicesSeen() ? "" : "ExitBootServices and ")
                    + "SetVirtualAddressMap, so its calls would not be made in the OS's runtime context");
        }
        return new LinuxUp(ready, efiLog, hello);
    }

    /** Sets up the OS-phase calls over the guest's channel; the raw-call driver's hello, or null with efivarfs. */
    private RtCallCodec.Hello guestCalls(GuestChannel channel) {
        os = new GuestVariables(name(), channel, () -> phase.label());
        if (guest.osCalls() != LinuxGuest.OsCalls.RAW) {
            return null;
        }
        GuestRawCalls raw = new GuestRawCalls(channel);
        RtCallCodec.Hello hello = raw.hello();
        rawOs = raw;
        return hello;
    }

    /**
     * Loads the runtime driver of the raw calls from the Shell's current directory (where the kernel is), so that
     * it wraps the variable services before the kernel's EFI stub calls ExitBootServices.
     */
    private void loadRuntimeDriver(UefiShell s, Deadline deadline) {
        hil.transports.shell.ShellResult r = s.run(LinuxGuest.loadDriverCommand(), deadline);
        if (!r.succeeded()) {
            throw new HilException("the Shell could not load the runtime driver (`" + LinuxGuest.loadDriverCommand()
                    + "` ended with " + r.lastErrorHex() + "): " + r.output().strip());
        }
    }

    /**
     * The kernel's EFI lines, read from its log through the guest agent; they must show the runtime services in use
     * (the EFI system table found and the variable operations registered), else the OS phase would not reach the
     * firmware at all.
     */
    private static List<String> kernelEfiLog(GuestChannel channel) {
        GuestReply r = channel.call(GuestRequest.klog("efi"));
        String text = new String(HexFormat.of().parseHex(r.value("lines")), StandardCharsets.UTF_8);
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
        if (agentIsLoader && (phase == Phase.BOOT || agentExited)) {
            return loaderSetVirtualAddressMap(RuntimeDrivers.VirtualMap.standard());
        }
        if (phase == Phase.BOOT) {
            throw new NotObservableException(name(), "SetVirtualAddressMap is made by the Linux kernel after"
                    + " ExitBootServices; before it the agent cannot make it");
        }
        if (virtualMapRecorded) {
            throw new NotObservableException(name(), "the Linux kernel made the only SetVirtualAddressMap call of this"
                    + " boot; a program cannot make another");
        }
        virtualMapRecorded = true;
        Map<String, String> out = new LinkedHashMap<>();
        out.put("note", "made by the kernel during its boot, before the guest agent started");
        return event("SetVirtualAddressMap", virtualMapStatus(kernelEfiLog, out), out, System.nanoTime());
    }

    /**
     * SetVirtualAddressMap's status as the kernel's log shows it: x86 Linux logs "efi: Unable to switch EFI into
     * virtual mode (status=…)" when the call fails and then turns the runtime services off, so efivars is never
     * registered; without that line and with "Registered efivars operations" the call returned EFI_SUCCESS.
     */
    static EfiStatus virtualMapStatus(List<String> efiLog, Map<String, String> out) {
        Pattern failed = Pattern.compile("Unable to switch EFI into virtual mode \\(status=(?:0x)?([0-9a-fA-F]+)\\)");
        for (String line : efiLog) {
            Matcher m = failed.matcher(line);
            if (m.find()) {
                out.put("observed", line);
                long value = Long.parseUnsignedLong(m.group(1), 16);
                return EfiStatus.fromValue(value).orElseThrow(() -> new HilException(
                        "the kernel logged SetVirtualAddressMap's status " + EfiStatus.describe(value)
                                + ", which is no EFI status: " + line));
            }
        }
        String registered = efiLog.stream().filter(l -> l.contains("Registered efivars operations")).findFirst()
                .orElseThrow(() -> new HilException("the kernel log shows neither SetVirtualAddressMap's failure nor"
                        + " the runtime services in use: " + String.join(" | ", efiLog)));
        out.put("observed", "no 'Unable to switch EFI into virtual mode' in the kernel log, and: " + registered);
        return EfiStatus.SUCCESS;
    }

    // ---- the agent as the OS loader ------------------------------------------------------------------------

    /** Why the agent cannot make an OS loader's call now, or null when it can. */
    private String loaderUnavailable(String what) {
        if (calls != CallPath.AGENT) {
            return what + " with a key or map of the scenario's choosing needs the UEFI agent, and this target calls"
                    + " through the Shell";
        }
        if (!agentIsLoader) {
            return what + " with a key or map of the scenario's choosing: this scenario's OS phase is Linux, whose"
                    + " EFI stub reads the map and passes its own key, and whose kernel makes the only"
                    + " SetVirtualAddressMap call";
        }
        if (phase != Phase.BOOT && !agentExited) {
            return what + ": Linux is running, and it made the OS loader's calls itself";
        }
        return null;
    }

    private void requireLoader(String what) {
        String why = loaderUnavailable(what);
        if (why != null) {
            throw new NotObservableException(name(), why);
        }
    }

    /** GetMemoryMap by the agent (boot phase), as an OS loader reads it before ExitBootServices. */
    Observation loaderMemoryMap() {
        requireLoader("GetMemoryMap");
        startDeferred("GetMemoryMap");
        if (phase != Phase.BOOT) {
            throw new IllegalStateException("GetMemoryMap is a boot service: there is none after ExitBootServices");
        }
        long start = System.nanoTime();
        AgentReply r = guarded("GetMemoryMap", () -> agent().call(AgentRequest.memoryMap()));
        Map<String, String> out = new LinkedHashMap<>();
        if (r.status() == EfiStatus.SUCCESS.value()) {
            out.put(RuntimeDrivers.Keys.MAP_KEY, Long.toUnsignedString(r.hex("key")));
            out.put(RuntimeDrivers.Keys.DESCRIPTOR_SIZE, Long.toUnsignedString(r.decimal("descsize")));
            out.put(RuntimeDrivers.Keys.DESCRIPTOR_VERSION, Long.toUnsignedString(r.decimal("version")));
            out.put(Keys.COUNT, Long.toUnsignedString(r.decimal("count")));
        }
        return observation("GetMemoryMap", Map.of(), r, out, start);
    }

    /**
     * ExitBootServices by the agent with {@code mapKey}, or (null) with the key of a map it reads right before. The
     * console drivers stop at the first call whatever it returns (EDK II turns the timer off before it checks the
     * key), so the agent talks over COM1 from here and the machine is not put back for another scenario.
     */
    Observation loaderExitBootServices(Long mapKey) {
        requireLoader("ExitBootServices");
        startDeferred("ExitBootServices");
        if (phase != Phase.BOOT) {
            throw new IllegalStateException("ExitBootServices is a boot service: there is none after ExitBootServices");
        }
        long start = System.nanoTime();
        restorable = false;
        agentExited = true;
        AgentReply r = guarded("ExitBootServices", () -> agent().call(mapKey == null
                ? AgentRequest.exitBootServicesWithCurrentKey() : AgentRequest.exitBootServices(mapKey)));
        Map<String, String> in = mapKey == null ? Map.of() : inputs(RuntimeDrivers.Keys.MAP_KEY, Long.toUnsignedString(mapKey));
        Map<String, String> out = new LinkedHashMap<>();
        out.put("note", "called by the UEFI agent as the OS loader, with " + (mapKey == null
                ? "the key of the map it read just before (0x" + Long.toHexString(r.hex("key")) + ")"
                : "the key the scenario read") + "; the agent talks over COM1 from here");
        Observation o = observation("ExitBootServices", in, r, out, start);
        if (r.status() == EfiStatus.SUCCESS.value()) {
            phase = Phase.RUNTIME;
            if (freshStoreOnPowerUp()) {
                touched.clear();
            }
        }
        return o;
    }

    /**
     * SetVirtualAddressMap by the agent: the firmware's runtime entries, laid out as {@code map} says, each at
     * PhysicalStart + the map's offset. The agent adds that alias to the page tables first, as Linux keeps its 1:1
     * mapping next to the EFI one, so the firmware's code keeps working at its new addresses. Before
     * ExitBootServices the call is made as it is (EDK II refuses it).
     */
    Observation loaderSetVirtualAddressMap(RuntimeDrivers.VirtualMap map) {
        requireLoader("SetVirtualAddressMap");
        startDeferred("SetVirtualAddressMap");
        long start = System.nanoTime();
        AgentReply r = guarded("SetVirtualAddressMap", () -> agent().call(AgentRequest.setVirtualAddressMap(
                map.descriptorSize(), map.descriptorVersion(), map.offset())));
        Map<String, String> in = inputs(RuntimeDrivers.Keys.DESCRIPTOR_SIZE, map.descriptorSize(),
                RuntimeDrivers.Keys.DESCRIPTOR_VERSION, map.descriptorVersion(),
                RuntimeDrivers.Keys.VIRTUAL_OFFSET, String.format("0x%X", map.offset()));
        Map<String, String> out = new LinkedHashMap<>();
        out.put("note", "called by the UEFI agent as the OS loader with " + r.decimal("count")
                + " runtime descriptors of the firmware's map");
        Observation o = observation("SetVirtualAddressMap", in, r, out, start);
        if (r.status() == EfiStatus.SUCCESS.value() && phase == Phase.RUNTIME) {
            phase = Phase.VIRTUAL;
        }
        return o;
    }

    /** Whether the agent is the OS of this boot (it called ExitBootServices). */
    boolean agentIsTheOs() {
        return agentExited;
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

    /** Fails when there is no running machine. */
    protected void machineAlive() {
        if (bootPending) {
            bootPending = false;
            try {
                boot();
            } catch (RuntimeException e) {
                throw broken("starting the firmware", e);
            }
        }
        if (console == null || !running()) {
            String why = console != null ? whyStopped() : "";
            throw new HilException("target " + name() + " has no running machine"
                    + (why.isBlank() ? "" : " (" + why + ")") + "; the next scenario starts it again");
        }
    }

    /** An OS-phase call: "not observable" passes through, a harness failure breaks the machine. */
    private Observation inOs(String operation, Function<GuestVariables, Observation> call) {
        return guarded(operation, () -> call.apply(os()));
    }

    /** A boot-phase call through the Shell, guarded as {@link #inOs}. */
    private <T> T inShell(String operation, Function<ShellVariableServices, T> call) {
        return guarded(operation, () -> call.apply(shellVariables()));
    }

    private <T> T guarded(String operation, Supplier<T> call) {
        try {
            return call.get();
        } catch (NotObservableException e) {
            throw e;
        } catch (RuntimeException e) {
            throw broken(operation, e);
        }
    }

    /**
     * Makes the start the scenario deferred ({@link #bootFreshWhenNeeded}) before a call that sets the machine's state
     * ahead of its first request to the firmware, so the start does not undo it; a failed start breaks the machine.
     */
    private void startDeferred(String operation) {
        guarded(operation, () -> {
            machineAlive();
            return null;
        });
    }

    /** Whether calls go through Linux's efivarfs now: the OS phase is Linux's, and it has no raw-call driver. */
    private boolean throughLinuxFiles() {
        return phase != Phase.BOOT && !agentExited && rawOs == null;
    }

    private boolean throughShell() {
        return phase == Phase.BOOT && calls == CallPath.SHELL;
    }

    @Override
    public Optional<Observation> listVariables() {
        if (phase == Phase.BOOT) {
            return calls == CallPath.AGENT ? Optional.empty()
                    : inShell("ListVariables", ShellVariableServices::listVariables);
        }
        // With raw calls the walk is made of GetNextVariableName calls, as in the boot phase.
        return rawOs != null || agentExited ? Optional.empty() : Optional.of(inOs("ListVariables", GuestVariables::listVariables));
    }

    /**
     * A platform reset: the CPU restarts, the flash (and so every non-volatile variable) stays, RAM and with it every
     * volatile variable is lost. The agent (or the Shell) starts again.
     */
    @Override
    public Observation reset() {
        long start = System.nanoTime();
        try {
            Deadline deadline = Deadline.in(bootTimeout);
            machineAlive();
            resetSinceStart = true;
            Console c = platformReset(deadline);
            console = c;
            lastConsole = c;
            openSession(c, deadline, resetKeepsConsole());
        } catch (RuntimeException e) {
            throw broken("ResetSystem", e);
        }
        phase = Phase.BOOT;
        os = null;
        rawOs = null;
        virtualMapRecorded = false;
        agentExited = false;
        return event("ResetSystem", null, Map.of(), start);
    }

    @Override
    public Observation losePowerDuringNextWrite() {
        if (!capabilities().contains(Capability.FAULT_INJECTION)) {
            throw new NotObservableException(name(), "the power cannot be cut in the middle of a flash write here");
        }
        if (phase != Phase.BOOT || calls != CallPath.AGENT) {
            throw new NotObservableException(name(), "a power cut is aimed at a SetVariable of the UEFI agent in the"
                    + " boot phase; " + (phase != Phase.BOOT ? "Linux is running" : "the calls go through the Shell"));
        }
        // The machine first: a start the scenario deferred disarms every cut.
        startDeferred("arming a power cut");
        powerLossArmed = true;
        return event("ArmPowerLoss", null, Map.of(), System.nanoTime());
    }

    /**
     * The armed SetVariable: made with the power cut during its flash writes, after which the machine starts again
     * on the flash the cut left (a cold boot; volatile variables are gone) and the observation says the power was
     * lost, with the same output as the simulator's. A call that wrote nothing to the flash is an ordinary call,
     * and the cut stays armed.
     */
    private Observation setVariableWithPowerCut(String varName, EfiGuid vendor, int attributes, byte[] data,
                                                Map<String, String> inputs) {
        long start;
        PowerCut cut;
        try {
            rememberBeforeWrite(varName, vendor);
            Original stored = read(new VarKey(varName, vendor));
            int storedSize = stored == null || !stored.exists() || stored.data() == null ? -1 : stored.data().length;
            AgentRequest request = AgentRequest.setVariable(varName, vendor, attributes, data);
            AgentChannel channel = agent();
            start = System.nanoTime();
            cut = cutPowerDuring(new ArmedWrite(varName, vendor, attributes, data, storedSize,
                    () -> channel.call(request)), Deadline.in(callTimeout));
        } catch (NotObservableException e) {
            throw e;
        } catch (RuntimeException e) {
            throw broken("SetVariable with a power cut", e);
        }
        if (cut.reply() != null) {
            return observation("SetVariable", inputs, cut.reply(), Map.of(), start);
        }
        long duration = System.nanoTime() - start;
        String phaseOfCall = phase.label();
        Map<VarKey, Original> kept = new LinkedHashMap<>(touched);
        boolean keptRestorable = restorable;
        try {
            startMachine();
        } catch (RuntimeException e) {
            throw broken("the start after the power cut", e);
        }
        // The flash is the scenario's, not a factory one: what it wrote is still to be put back before reuse.
        touched.clear();
        touched.putAll(kept);
        restorable = keptRestorable;
        return new Observation("SetVariable", inputs, null, Map.of("powerLost", "true"), phaseOfCall, name(), duration,
                cut.description() + "; the target restarted (" + describeStart(boots) + ", on the flash the cut left)");
    }

    // ---- variable services ---------------------------------------------------------------------------------

    private Observation call(String operation, Map<String, String> inputs, AgentRequest request,
                             Function<AgentReply, Map<String, String>> outputs) {
        return call(operation, inputs, request, outputs, () -> { });
    }

    private Observation call(String operation, Map<String, String> inputs, AgentRequest request,
                             Function<AgentReply, Map<String, String>> outputs, Runnable before) {
        AgentReply reply;
        long start;
        try {
            before.run();
            start = System.nanoTime();
            reply = raw().call(request);
        } catch (RuntimeException e) {
            throw broken(operation, e);
        }
        return observation(operation, inputs, reply, outputs.apply(reply), start);
    }

    private Observation observation(String operation, Map<String, String> inputs, AgentReply reply,
                                    Map<String, String> outputs, long start) {
        EfiStatus status = EfiStatus.fromValue(reply.status()).orElse(null);
        String statusName = status != null ? status.efiName() : EfiStatus.describe(reply.status());
        return new Observation(operation, inputs, statusName, outputs, phase.label(), name(),
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
        if (throughLinuxFiles()) {
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
                        out.put(Keys.DATA, Bytes.hex(r.bytes("data")));
                    }
                    return out;
                });
    }

    @Override
    public Observation getNextVariableName(String varName, EfiGuid vendor, long nameSize) {
        if (throughLinuxFiles()) {
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
        if (throughLinuxFiles()) {
            if (!freshStoreOnPowerUp()) {
                // The flash keeps what Linux writes: remember the value to put back at the next start.
                guarded("SetVariable", () -> {
                    rememberBeforeWrite(varName, vendor);
                    return null;
                });
            }
            return inOs("SetVariable", g -> g.setVariable(varName, vendor, attributes, data));
        }
        Observation o;
        if (throughShell()) {
            // The value to restore is remembered as the Shell reads it before writing (beforeEachWrite).
            o = inShell("SetVariable", v -> v.setVariable(varName, vendor, attributes, data));
        } else {
            Map<String, String> in = inputs(Keys.NAME, varName, Keys.VENDOR, vendor,
                    Keys.ATTRIBUTES, Attributes.format(attributes & 0xFFFFFFFFL), Keys.DATA_SIZE, data.length,
                    Keys.DATA, Bytes.hex(data));
            o = powerLossArmed ? setVariableWithPowerCut(varName, vendor, attributes, data, in)
                    : call("SetVariable", in, AgentRequest.setVariable(varName, vendor, attributes, data),
                    r -> Map.of(), () -> rememberBeforeWrite(varName, vendor));
        }
        if ((OWNED.contains(vendor) || (attributes & Attributes.AT) != 0)
                && EfiStatus.SUCCESS.efiName().equals(o.status())) {
            // A write the firmware took under a UEFI-owned GUID may have side effects a restore cannot undo (PK, KEK,
            // db and dbx change SetupMode, SecureBoot and VendorKeys); a time-based authenticated one also changed
            // certdb and a timestamp that only a signed write could put back. A refused one changed nothing.
            restorable = false;
            pkWrittenThisBoot |= "PK".equals(varName) && EfiGuid.GLOBAL_VARIABLE.equals(vendor);
        }
        return o;
    }

    @Override
    public Observation queryVariableInfo(int attributes) {
        if (throughLinuxFiles()) {
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

    // ---- SMM mailbox ---------------------------------------------------------------------------------------

    /**
     * Raw communicate buffers and the lock and policy protocols, made by the agent (PROTOCOL.md: COMM, LOCKVAR,
     * REGPOLICY, LOCKPOLICY, DISABLEPOLICY). Inputs and outputs are {@link SmmMailbox#inputs} and
     * {@link SmmMailbox#outputs}, as on the simulator, so the two compare.
     */
    private final class AgentSmmMailbox implements SmmMailbox {

        /** The read-only functions of the SMM variable handler: a buffer they answered changed nothing. */
        private static final Set<Long> READ_ONLY_FUNCTIONS = Set.of((long) CommLayout.FN_GET_VARIABLE,
                (long) CommLayout.FN_GET_NEXT_VARIABLE_NAME, (long) CommLayout.FN_QUERY_VARIABLE_INFO,
                (long) CommLayout.FN_GET_STATISTICS, (long) CommLayout.FN_VAR_CHECK_PROPERTY_GET,
                (long) CommLayout.FN_GET_PAYLOAD_SIZE, (long) CommLayout.FN_SYNC_RUNTIME_CACHE,
                (long) CommLayout.FN_GET_RUNTIME_CACHE_INFO);
        /** The read-only commands of the VarCheckPolicy handler. */
        private static final Set<Long> READ_ONLY_COMMANDS = Set.of((long) VarCheckPolicyMmi.COMMAND_IS_ENABLED,
                (long) VarCheckPolicyMmi.COMMAND_DUMP, (long) VarCheckPolicyMmi.COMMAND_GET_INFO,
                (long) VarCheckPolicyMmi.COMMAND_GET_LOCK_VAR_STATE_INFO);

        /** The agent, when this phase and call path can reach the SMM side; otherwise not observable, with why. */
        private AgentChannel smmAgent(String what) {
            if (phase != Phase.BOOT) {
                throw new NotObservableException(name(), what + " is made by the UEFI agent, which exited when Linux"
                        + " started; Linux has no interface that sends a raw SMM communicate buffer, and the variable"
                        + " lock and policy protocols are boot-services protocols, gone after ExitBootServices");
            }
            if (calls == CallPath.SHELL) {
                throw new NotObservableException(name(), what + " needs the UEFI agent (this target calls through"
                        + " the UEFI Shell, which has no command that sends an SMM communicate buffer or calls the"
                        + " variable lock and policy protocols)");
            }
            return agent();
        }

        /** One agent call: refusals that mean "this firmware cannot" are not observable, the rest breaks. */
        private Observation make(String operation, Map<String, String> inputs, AgentRequest request,
                                 Runnable before, Function<AgentReply, Map<String, String>> outputs,
                                 java.util.function.Predicate<AgentReply> irreversible) {
            AgentChannel channel = smmAgent(operation);
            AgentReply reply;
            long start;
            try {
                before.run();
                start = System.nanoTime();
                reply = channel.exchange(request);
            } catch (NotObservableException e) {
                throw e;
            } catch (RuntimeException e) {
                throw broken(operation, e);
            }
            long duration = System.nanoTime() - start;
            if (reply.isError()) {
                throw refused(operation, reply.errorReason(), request);
            }
            Map<String, String> out;
            try {
                out = outputs.apply(reply);
            } catch (RuntimeException e) {
                throw broken(operation, e);
            }
            if (irreversible.test(reply)) {
                // A lock or a policy lives in SMRAM until the next boot: nothing a scenario can put back.
                restorable = false;
            }
            EfiStatus status = EfiStatus.fromValue(reply.status()).orElse(null);
            return new Observation(operation, inputs, status != null ? status.efiName()
                    : EfiStatus.describe(reply.status()), out, phase.label(), name(), duration, null);
        }

        private RuntimeException refused(String operation, String reason, AgentRequest request) {
            if (reason.startsWith("no-protocol:")) {
                String protocol = switch (reason.substring("no-protocol:".length())) {
                    case "smm-communication" -> "EFI_SMM_COMMUNICATION_PROTOCOL (the firmware runs without SMM)";
                    case "variable-lock" -> "EDKII_VARIABLE_LOCK_PROTOCOL";
                    case "variable-policy" -> "EDKII_VARIABLE_POLICY_PROTOCOL";
                    default -> reason;
                };
                return new NotObservableException(name(), operation + ": the firmware installs no " + protocol);
            }
            if (reason.equals("allocation-refused:type")) {
                return new NotObservableException(name(), operation + ": the firmware's AllocatePool refused a pool"
                        + " of the requested memory type (" + request + ")");
            }
            return broken(operation, new AgentProtocolException("the agent refused the request: " + reason,
                    AgentProtocolException.excerpt(request.toString())));
        }

        @Override
        public Observation communicate(byte[] buffer, long commSize, MemoryType memory) {
            Map<String, String> inputs = SmmMailbox.inputs(buffer, commSize, memory);
            AgentRequest request;
            try {
                request = AgentRequest.communicate(buffer, commSize, memory.value());
                request.line(0);
            } catch (IllegalArgumentException e) {
                throw new NotObservableException(name(), Keys.COMMUNICATE + ": " + e.getMessage()
                        + (Long.compareUnsigned(commSize, buffer.length) > 0 ? " (SMM would read and write whatever"
                        + " pool memory follows the buffer, so the outcome would depend on the allocation, not on"
                        + " the firmware's checks; from 2^52 on, a CommSize no memory can hold, it is sent)" : ""));
            }
            RawWrite write = RawWrite.of(buffer);
            return make(Keys.COMMUNICATE, inputs, request,
                    () -> {
                        if (write != null) {
                            rememberBeforeWrite(write.name(), write.vendor());
                        }
                    },
                    r -> SmmMailbox.outputs(r.commBuffer(), r.decimal("size")),
                    r -> changedForGood(buffer, r, write));
        }

        /**
         * Whether the buffer did something a restore of variables cannot undo. Communicate refusing the buffer
         * (INVALID_PARAMETER, ACCESS_DENIED) or finding no handler that took it (NOT_FOUND: the variable and policy
         * handlers fail only for buffers they reject before acting) changed nothing; a handler that dropped the
         * message left its status field as sent; read-only functions change nothing; a SetVariable is put back
         * like any write, unless it went to a UEFI-owned namespace. Anything else that succeeded (a lock, a
         * policy, the ReadyToBoot or ExitBootServices SMI, or a handler under a GUID this code does not know) did.
         */
        private boolean changedForGood(byte[] sent, AgentReply r, RawWrite write) {
            if (r.status() != EfiStatus.SUCCESS.value()) {
                return false;
            }
            byte[] after = r.commBuffer();
            if (sent.length < EfiGuid.SIZE) {
                return false;
            }
            EfiGuid guid = EfiGuid.read(sent, CommLayout.MM_HEADER_GUID);
            int field;
            long selector;
            Set<Long> readOnly;
            if (guid.equals(EfiGuid.SMM_VARIABLE_PROTOCOL)) {
                field = CommLayout.MM_HEADER_SIZE + CommLayout.RETURN_STATUS;
                if (sent.length < field + 8) {
                    return false;
                }
                selector = Bytes.u64(sent, CommLayout.MM_HEADER_SIZE + CommLayout.FUNCTION);
                readOnly = READ_ONLY_FUNCTIONS;
            } else if (guid.equals(VarCheckPolicyMmi.HANDLER_GUID)) {
                field = CommLayout.MM_HEADER_SIZE + VarCheckPolicyMmi.OFFSET_RESULT;
                if (sent.length < field + 8) {
                    return false;
                }
                selector = Bytes.u32(sent, CommLayout.MM_HEADER_SIZE + VarCheckPolicyMmi.OFFSET_COMMAND);
                readOnly = READ_ONLY_COMMANDS;
            } else {
                return true;
            }
            long answer = Bytes.u64(after, field);
            if (answer == Bytes.u64(sent, field) || (answer & Long.MIN_VALUE) != 0) {
                return false; // dropped, or refused with an error
            }
            if (readOnly.contains(selector)) {
                return false;
            }
            if (write != null && selector == CommLayout.FN_SET_VARIABLE) {
                return OWNED.contains(write.vendor());
            }
            return true;
        }

        @Override
        public Observation requestToLock(String varName, EfiGuid vendor) {
            Map<String, String> in = new LinkedHashMap<>();
            in.put(Observation.Keys.NAME, varName);
            in.put(Observation.Keys.VENDOR, vendor.toString());
            return protocol(SmmMailbox.Keys.REQUEST_TO_LOCK, in, AgentRequest.requestToLock(varName, vendor));
        }

        @Override
        public Observation registerVariablePolicy(byte[] entry) {
            AgentRequest request;
            try {
                request = AgentRequest.registerVariablePolicy(entry);
            } catch (IllegalArgumentException e) {
                throw new NotObservableException(name(), SmmMailbox.Keys.REGISTER_POLICY + ": " + e.getMessage());
            }
            return protocol(SmmMailbox.Keys.REGISTER_POLICY, Map.of(SmmMailbox.Keys.ENTRY, Bytes.hex(entry)), request);
        }

        @Override
        public Observation lockVariablePolicy() {
            return protocol(SmmMailbox.Keys.LOCK_POLICY, Map.of(), AgentRequest.lockVariablePolicy());
        }

        @Override
        public Observation disableVariablePolicy() {
            return protocol(SmmMailbox.Keys.DISABLE_POLICY, Map.of(), AgentRequest.disableVariablePolicy());
        }

        /** A lock or policy protocol call: anything but an error status leaves a rule behind until the next boot. */
        private Observation protocol(String operation, Map<String, String> inputs, AgentRequest request) {
            return make(operation, inputs, request, () -> { }, r -> Map.of(), r -> (r.status() & Long.MIN_VALUE) == 0);
        }
    }

    /**
     * The variable a raw SetVariable buffer names: the vendor GUID and the name up to its first NUL inside NameSize,
     * as the SMM handler reads them; null when the buffer is no well-formed SetVariable message (the handler then
     * refuses it, and {@link AgentSmmMailbox#changedForGood} catches one it took after all).
     */
    private record RawWrite(String name, EfiGuid vendor) {

        static RawWrite of(byte[] b) {
            int payload = CommLayout.MM_HEADER_SIZE + CommLayout.VARIABLE_HEADER_SIZE;
            if (b.length < payload + CommLayout.ACCESS_NAME
                    || !EfiGuid.SMM_VARIABLE_PROTOCOL.equals(EfiGuid.read(b, CommLayout.MM_HEADER_GUID))
                    || Bytes.u64(b, CommLayout.MM_HEADER_SIZE + CommLayout.FUNCTION) != CommLayout.FN_SET_VARIABLE) {
                return null;
            }
            long nameSize = Bytes.u64(b, payload + CommLayout.ACCESS_NAME_SIZE);
            int nameAt = payload + CommLayout.ACCESS_NAME;
            if (nameSize < 2 || Long.compareUnsigned(nameSize, b.length - nameAt) > 0) {
                return null;
            }
            StringBuilder name = new StringBuilder();
            for (int i = nameAt; i + 1 < nameAt + nameSize; i += 2) {
                char c = (char) Bytes.u16(b, i);
                if (c == 0) {
                    return new RawWrite(name.toString(), EfiGuid.read(b, payload + CommLayout.ACCESS_GUID));
                }
                name.append(c);
            }
            return null;
        }
    }
}
