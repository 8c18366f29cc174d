package hil.targets.board;

import hil.reports.model.Observation;
import hil.targets.Capability;
import hil.targets.HilException;
import hil.targets.InfrastructureException;
import hil.targets.NotObservableException;
import hil.targets.firmware.AgentBuild;
import hil.targets.firmware.CallPath;
import hil.targets.firmware.ConsoleFirmwareTarget;
import hil.targets.firmware.LinuxGuest;
import hil.targets.firmware.Trees;
import hil.targets.labconfig.TargetConfig;
import hil.transports.Deadline;
import hil.transports.TransportException;
import hil.transports.TransportTimeoutException;
import hil.transports.console.Console;
import hil.transports.console.ConsoleClosedException;
import hil.transports.console.ConsoleFailureException;
import hil.transports.console.ConsoleStalledException;
import hil.transports.net.NetworkConsoles;
import hil.transports.serial.SerialConsoles;
import hil.transports.shell.ShellResult;
import hil.transports.shell.UefiShell;
import hil.transports.tftp.TftpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A physical board as a target: what a lab offers — a console, a power switch and a network — while everything said
 * to the firmware is {@link ConsoleFirmwareTarget}'s, the same as for {@code qemu-ovmf}.
 *
 * <p>A start is a power cycle: power off, the console opened (where the console server is already there, before
 * power-on, so the first bytes are kept; else right after, retried with backoff), power on, and the firmware must say
 * something within {@code silent-timeout} and never fall silent for {@code stall-timeout} while booting. At the Shell
 * prompt the board takes an address by DHCP and fetches the agent (and, for the OS phase, Linux) from hil's TFTP
 * server onto {@code tftp-fs}, once per run; then the agent is started from the Shell. The flash keeps what scenarios
 * wrote, so every written variable is put back before the next scenario (after a power cycle too).
 *
 * <p>Verdicts, each with the transcript tail: {@code SILENT} (no byte after power-on), {@code STALLED} (no byte for
 * the stall limit while booting), {@code UNEXPECTED_RESET} (the boot banner again mid-step), {@code ERROR_PATTERN}
 * (an ASSERT or exception dump), {@code CONSOLE_LOST}, {@code POWER}, {@code TFTP}. Those of the lab — all but a
 * reset and an error pattern, which are the firmware's — make the board power-cycle and try again, at most
 * {@code boot-retries} times; after that the board is out of service for the rest of the run and its remaining
 * scenarios are skipped with the reason, never failed.
 */
final class BoardTarget extends ConsoleFirmwareTarget {

    /** How long to try the console before power-on: a console server that is already there answers at once. */
    private static final Duration PROBE = Duration.ofMillis(400);
    private static final int TAIL = 4096;

    private final BoardSettings settings;
    private final BoardLease lease;
    private final Path stateDir;
    private final Path tftpRoot;
    private final TftpServer tftp;
    private final Power power;
    /** Files fetched onto the board in this run, by name, with their size. */
    private final Set<String> fetched = new HashSet<>();
    /** How long a network console's session may take to show that it ended with the power. */
    private static final Duration SESSION_GRACE = Duration.ofMillis(300);

    private Console console;
    /** The real path of the serial device the console was opened on; null for a network console. */
    private String consoleDevice;
    private boolean poweredOn;
    private boolean networkUp;
    /** Set once the board failed beyond its retries: every later scenario is skipped with this reason. */
    private String outOfService;
    private final List<String> verdicts = new ArrayList<>();
    /** Power events already attached to an earlier scenario. */
    private long powerEventsSeen;

    private BoardTarget(String name, Set<Capability> capabilities, CallPath calls, BoardSettings settings,
                        LinuxGuest guest, String guestUnavailable, BoardLease lease, Path stateDir, Path tftpRoot,
                        TftpServer tftp, Power power) {
        super(name, capabilities, calls, settings.bootTimeout(), settings.callTimeout(), guest, guestUnavailable);
        this.settings = settings;
        this.lease = lease;
        this.stateDir = stateDir;
        this.tftpRoot = tftpRoot;
        this.tftp = tftp;
        this.power = power;
    }

    /** Leases the board, makes its directories, stages the files to serve and starts the TFTP server. */
    static BoardTarget create(TargetConfig config, BoardSettings s, CallPath calls, Set<Capability> capabilities) {
        return create(config, s, calls, capabilities, TftpServer.Options.defaults());
    }

    /** As {@link #create(TargetConfig, BoardSettings, CallPath, Set)} with the TFTP server's options (fault drills). */
    static BoardTarget create(TargetConfig config, BoardSettings s, CallPath calls, Set<Capability> capabilities,
                              TftpServer.Options tftpOptions) {
        String name = config.name();
        BoardLease lease = BoardLease.acquire(s.leaseDir() != null ? s.leaseDir() : BoardLease.defaultLeaseDir(), name,
                Duration.ofSeconds(60));
        Path stateDir = null;
        Path tftpRoot = null;
        TftpServer tftp = null;
        try {
            stateDir = StateDirectory.create(name);
            LinuxGuest guest = null;
            String unavailable = "the board has no tftp-address: the kernel cannot reach it";
            if (s.tftp()) {
                tftpRoot = Files.createTempDirectory("hil-tftp-" + name + "-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                if (calls == CallPath.AGENT) {
                    Files.copy(AgentBuild.ensureBuilt(s.agentSource()), tftpRoot.resolve(AgentBuild.BINARY),
                            StandardCopyOption.REPLACE_EXISTING);
                }
                try {
                    guest = LinuxGuest.prepare(BoardKind.guestSettings(config), tftpRoot);
                    for (Map.Entry<String, Path> f : guest.bootFiles().entrySet()) {
                        Path to = tftpRoot.resolve(f.getKey());
                        if (!to.equals(f.getValue())) {
                            Files.copy(f.getValue(), to, StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                    unavailable = null;
                } catch (HilException e) {
                    unavailable = e.getMessage();
                }
                tftp = TftpServer.start(new InetSocketAddress(s.tftpBind(), s.tftpPort()), tftpRoot,
                        tftpOptions.withMaxBlockSize(Math.max(512, s.tftpBlockSize())));
            }
            Power power = power(name, s, stateDir);
            return new BoardTarget(name, capabilities, calls, s, guest, unavailable, lease, stateDir, tftpRoot, tftp,
                    power);
        } catch (IOException | RuntimeException e) {
            if (tftp != null) {
                tftp.close();
            }
            Trees.delete(tftpRoot);
            if (stateDir != null) {
                StateDirectory.delete(stateDir);
            }
            lease.close();
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new InfrastructureException("cannot prepare board " + name + ": " + e.getMessage(), e);
        }
    }

    private static Power power(String name, BoardSettings s, Path stateDir) {
        return switch (s.power()) {
            case "pdudaemon" -> PdudaemonPower.of(java.net.URI.create(s.pdudaemonUrl()), s.pdu(), s.pduPort(),
                    s.powerOffDelay());
            case "manual" -> new ManualPower(name, s.powerTimeout());
            default -> {
                Map<String, String> env = new LinkedHashMap<>();
                env.put("HIL_BOARD", name);
                env.put("HIL_STATE_DIR", stateDir.toString());
                env.put("HIL_CONSOLE", s.console().in(stateDir).toString());
                yield new CommandPower(s.powerOn(), s.powerOff(), s.powerCycle(), s.powerOffDelay(), s.powerTimeout(),
                        s.workingDir(), env);
            }
        };
    }

    /** The board's private state directory (its power scripts keep the machine there), for tests. */
    Path stateDirForTest() {
        return stateDir;
    }

    /** The TFTP server, for tests. */
    TftpServer tftpForTest() {
        return tftp;
    }

    /** The verdicts of this run, in order (for tests and the closing report). */
    List<String> verdicts() {
        return List.copyOf(verdicts);
    }

    // ---- starting, and what breaks it -----------------------------------------------------------------------

    /**
     * A board starts when the scenario starts: its start is where the lab's failures show (retried, judged, and the
     * board put out of service), which belongs to the scenario's set-up, not to whichever call comes first.
     */
    @Override
    public Observation bootFreshWhenNeeded() {
        return bootFresh();
    }

    @Override
    public Observation bootFresh() {
        if (outOfService != null) {
            throw new BoardOutOfServiceException(name(), outOfService);
        }
        RuntimeException last = null;
        for (int attempt = 0; attempt <= settings.bootRetries(); attempt++) {
            try {
                return super.bootFresh();
            } catch (BoardOutOfServiceException e) {
                if (e.forTheRun) {
                    throw e;
                }
                // The console went away or stalled while the board was starting (its verdict is recorded): the
                // lab's failure, so the start is tried again with a power cycle like any other.
                last = e;
                startFailed(attempt, e.reason);
            } catch (NotObservableException e) {
                throw e;
            } catch (RuntimeException e) {
                if (!lab(e)) {
                    throw e;
                }
                last = e;
                String verdict = verdict(e);
                verdicts.add(verdict);
                startFailed(attempt, verdict);
            }
        }
        outOfService = (last instanceof BoardOutOfServiceException b ? b.reason : verdict(last)) + " (after "
                + (settings.bootRetries() + 1) + " starts)";
        throw new BoardOutOfServiceException(name(), outOfService);
    }

    private void startFailed(int attempt, String verdict) {
        System.err.println("hil: [" + name() + "] start " + (attempt + 1) + " of " + (settings.bootRetries() + 1)
                + " failed: " + firstLine(verdict) + (attempt < settings.bootRetries() ? "; power-cycling" : ""));
    }

    @Override
    protected HilException broken(String what, RuntimeException e) {
        boolean consoleGone = console != null && !console.isOpen();
        HilException h = super.broken(what, e);
        if ((consoleGone || find(e, ConsoleClosedException.class) != null) && outOfService == null) {
            // The board went away under the step (power, cable, console server): the lab's failure, not the firmware's.
            String verdict = "CONSOLE_LOST: " + what + " on board " + name() + ": " + e.getMessage();
            verdicts.add(verdict);
            return new BoardOutOfServiceException(name(), verdict, false);
        }
        if (find(e, ConsoleStalledException.class) != null && outOfService == null) {
            // Nothing at all for the stall limit while the board was starting something (Linux, the Shell): the
            // same verdict as a stalled boot, the lab's; the next scenario power-cycles the board.
            String verdict = "STALLED: " + what + " on board " + name() + ": " + e.getMessage();
            verdicts.add(verdict);
            return new BoardOutOfServiceException(name(), verdict, false);
        }
        return h;
    }

    /** Whether a failure is the lab's (retry with a power cycle) rather than the firmware's. */
    private static boolean lab(Throwable e) {
        if (find(e, ConsoleFailureException.class) != null) {
            return false;
        }
        return find(e, InfrastructureException.class) != null || find(e, TransportException.class) != null;
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** The verdict for a failure, named and with the transcript tail. */
    private String verdict(Throwable e) {
        String name;
        if (find(e, SilentException.class) != null) {
            name = "SILENT";
        } else if (find(e, ConsoleStalledException.class) != null) {
            name = "STALLED";
        } else if (find(e, ConsoleClosedException.class) != null) {
            name = "CONSOLE_LOST";
        } else if (find(e, TftpException.class) != null) {
            name = "TFTP";
        } else if (find(e, InfrastructureException.class) != null) {
            name = "INFRASTRUCTURE";
        } else if (find(e, TransportTimeoutException.class) != null) {
            name = "TIMEOUT";
        } else {
            name = "CONSOLE";
        }
        String tail = console != null ? console.tail(TAIL) : "";
        return name + ": " + e.getMessage() + (tail.isBlank() || String.valueOf(e.getMessage()).contains(tail)
                ? "" : "\n---- last " + TAIL + " characters of the console ----\n" + tail);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    // ---- power and console ----------------------------------------------------------------------------------

    @Override
    protected Console powerUp(Deadline deadline) {
        networkUp = false;
        if (console != null) {
            console.removeFailOn(settings.banner());
        }
        power.off();
        poweredOn = false;
        if (!settings.powerOffDelay().isZero()) {
            pause(settings.powerOffDelay());
        }
        // One reader for the whole run: a console that outlives the power cycle (a USB serial adapter, a console
        // server's session) is kept, so nothing between two boots is lost. One that went with the power (the
        // server closed the session, the device node went away or is another one now) is opened again.
        if (console != null && !consoleOutlivesPower()) {
            closeConsole();
        }
        // A console server that is already there is opened before power-on, so no byte of the boot is lost.
        Console c = console != null ? console : tryOpen(Deadline.in(PROBE));
        long before = c != null ? c.bytesReceived() : 0;
        if (c != null) {
            c.skip();
        }
        boolean openedBeforePower = c != null;
        power.on();
        poweredOn = true;
        if (c == null) {
            c = open(Deadline.in(settings.silentTimeout()).min(deadline));
            before = 0;
        }
        console = c;
        Deadline firstByte = Deadline.in(settings.silentTimeout()).min(deadline);
        boolean said;
        try {
            said = c.awaitBytes(before, firstByte);
        } catch (ConsoleClosedException e) {
            if (!openedBeforePower) {
                throw e;
            }
            // The session opened before power-on was the old machine's after all: its end had not reached the
            // reader within the grace time (a loaded host), or the console server dropped it at power-on. The new
            // machine's console is opened now; a server that holds the machine until a client comes loses nothing.
            closeConsole();
            c = open(firstByte);
            console = c;
            said = c.awaitBytes(0, firstByte);
        }
        if (!said) {
            throw new SilentException("board " + name() + " said nothing on " + c.endpoint() + " within "
                    + Deadline.describe(settings.silentTimeout()) + " of power-on");
        }
        c.setStallLimit(settings.stallTimeout());
        return c;
    }

    /** A reset on a board is a power cycle; the flash keeps the non-volatile variables. */
    @Override
    protected Console platformReset(Deadline deadline) {
        return powerUp(deadline);
    }

    /**
     * Whether the open console is still the board's: open, and for a serial console the same device node (a pty
     * or a USB adapter that appeared again with the power is another file, found by its real path).
     */
    private boolean consoleOutlivesPower() {
        if (consoleDevice == null) {
            // A network console: a server that went with the power has closed the session by now, or will have
            // within moments (its end of file may still be on the way to the reader).
            long end = System.nanoTime() + SESSION_GRACE.toNanos();
            while (console.isOpen() && System.nanoTime() < end) {
                pause(Duration.ofMillis(20));
            }
            return console.isOpen();
        }
        if (!console.isOpen()) {
            return false;
        }
        return consoleDevice.equals(realPath(settings.console().in(stateDir).device()));
    }

    /** The real path of a device node, or null when it is not there. */
    private static String realPath(String device) {
        try {
            return java.nio.file.Path.of(device).toRealPath().toString();
        } catch (java.io.IOException | java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    private Console tryOpen(Deadline deadline) {
        try {
            return open(deadline);
        } catch (TransportException e) {
            return null;
        }
    }

    private Console open(Deadline deadline) {
        ConsoleAddress a = settings.console().in(stateDir);
        String label = name() + " console";
        consoleDevice = null;
        return switch (a.type()) {
            case SERIAL -> {
                Console c = SerialConsoles.open(a.device(), settings.baud(), label, deadline);
                consoleDevice = realPath(a.device());
                yield c;
            }
            case TELNET -> NetworkConsoles.telnet(a.host(), a.port(), label, deadline);
            case TCP -> NetworkConsoles.tcp(a.host(), a.port(), label, deadline);
        };
    }

    private void closeConsole() {
        if (console != null) {
            console.close();
            console = null;
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfrastructureException("interrupted during a power cycle", e);
        }
    }

    @Override
    protected boolean resetKeepsConsole() {
        return false;
    }

    @Override
    protected boolean agentStartsItself() {
        return false;
    }

    @Override
    protected Map<Pattern, String> errorPatterns() {
        Map<Pattern, String> m = new LinkedHashMap<>();
        m.put(settings.errors(), "ERROR_PATTERN: the firmware printed an error");
        return m;
    }

    /** From here the banner means the board started again by itself. */
    @Override
    protected void sessionUp(Console c) {
        c.failOn(settings.banner(), "UNEXPECTED_RESET: the board printed its boot banner again mid-step");
    }

    @Override
    protected String shellPrompt() {
        return settings.shellPrompt();
    }

    @Override
    protected void pace(Console c) {
        c.setPacing(settings.txChunk(), settings.txDelay());
    }

    @Override
    protected boolean running() {
        return console != null && console.isOpen();
    }

    @Override
    protected String whyStopped() {
        return console != null && !console.isOpen() ? "the console " + console.endpoint() + " closed" : "";
    }

    @Override
    protected void shutDown(boolean failed) {
        closeConsole();
        if (poweredOn) {
            poweredOn = false;
            try {
                power.off();
            } catch (RuntimeException e) {
                System.err.println("hil: [" + name() + "] powering off failed: " + e.getMessage());
            }
        }
    }

    @Override
    protected boolean freshStoreOnPowerUp() {
        return false;
    }

    @Override
    protected String describeStart(long boots) {
        return "power cycle " + boots + " of board " + name();
    }

    @Override
    public void close() {
        try {
            super.close();
            shutDown(false);
        } finally {
            if (tftp != null) {
                tftp.close();
            }
            Trees.delete(tftpRoot);
            StateDirectory.delete(stateDir);
            lease.close();
        }
    }

    @Override
    public List<Artifact> scenarioFinished(boolean failed) {
        List<Artifact> out = new ArrayList<>(super.scenarioFinished(failed));
        List<String> log = power instanceof CommandPower c ? c.events().stream().skip(powerEventsSeen)
                .map(PowerEvent::toString).toList() : List.of();
        powerEventsSeen += log.size();
        if (!log.isEmpty()) {
            out.add(new Artifact("power log (" + name() + ")", "text/plain",
                    String.join("\n", log).getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    // ---- deploying over TFTP --------------------------------------------------------------------------------

    @Override
    protected String startAgent(UefiShell shell, Deadline deadline) {
        deploy(shell, List.of(AgentBuild.BINARY), deadline);
        String args = settings.agentArguments() == null ? "" : settings.agentArguments().strip();
        return AgentBuild.BINARY + (args.isEmpty() ? "" : " " + args);
    }

    @Override
    protected void enterKernelDirectory(UefiShell shell, LinuxGuest guest, Deadline deadline) {
        // The kernel, its initramfs and, for raw OS-phase calls, the runtime driver the Shell loads before it.
        deploy(shell, List.copyOf(guest.bootFiles().keySet()), deadline);
    }

    /**
     * Makes {@code tftp-fs} the Shell's current directory and puts the files there: fetched over TFTP the first
     * time in this run, checked by size afterwards (the board's disk keeps them across power cycles).
     */
    private void deploy(UefiShell shell, List<String> files, Deadline deadline) {
        String fs = settings.tftpFs();
        shell.run(fs, deadline);
        String where = shell.run("cd", deadline).output().strip();
        if (!where.toLowerCase(java.util.Locale.ROOT).startsWith(fs.toLowerCase(java.util.Locale.ROOT))) {
            throw new TftpException("the board has no file system " + fs + " ('cd' says '" + where
                    + "'); set tftp-fs to a writable one");
        }
        for (String file : files) {
            long size = size(file);
            if (fetched.contains(file) && sizeOnBoard(shell, file, deadline) == size) {
                continue;
            }
            String said = fetch(shell, file, deadline);
            long onBoard = sizeOnBoard(shell, file, deadline);
            if (onBoard != size) {
                // The Shell's tftp can report success while it printed an error: its words are the diagnosis.
                throw new TftpException("after tftp, " + fs + file + (onBoard < 0 ? " is missing" : " has " + onBoard
                        + " bytes") + ", hil served " + size + "; tftp said: " + said);
            }
            fetched.add(file);
        }
    }

    private long size(String file) {
        try {
            return Files.size(tftpRoot.resolve(file));
        } catch (IOException e) {
            throw new TftpException("nothing to serve as " + file + ": " + e.getMessage());
        }
    }

    /** Fetches one file; returns what the Shell's tftp printed, on one line. */
    private String fetch(UefiShell shell, String file, Deadline deadline) {
        ensureNetwork(shell, deadline);
        int before = tftp.transfers().size();
        String command = "tftp -r " + tftp.port() + " -s " + settings.tftpBlockSize() + " " + settings.tftpAddress()
                + " " + file;
        ShellResult r = shell.run(command, deadline);
        if (!r.succeeded()) {
            List<TftpServer.Transfer> seen = tftp.transfers();
            String server = seen.size() > before ? " — hil's TFTP server recorded: " + seen.subList(before, seen.size())
                    : " — hil's TFTP server on port " + tftp.port() + " saw no request from the board";
            throw new TftpException("the board could not fetch " + file + " (`" + command + "` ended with "
                    + r.lastErrorHex() + ": " + r.output().strip().replaceAll("\\s+", " ") + ")" + server);
        }
        return r.output().replaceAll("\\[=*>? *\\]", "").strip().replaceAll("\\s+", " ");
    }

    private static final Pattern ADDRESS = Pattern.compile("(?i)ipv4 address\\s*:\\s*(\\d+\\.\\d+\\.\\d+\\.\\d+)");

    /** {@code ifconfig -s NIC dhcp}, then waits until the interface has an address. */
    private void ensureNetwork(UefiShell shell, Deadline deadline) {
        if (networkUp) {
            return;
        }
        String nic = settings.tftpNic();
        if (!shell.run("ifconfig -l " + nic, deadline).output().toLowerCase(java.util.Locale.ROOT).contains("mac")) {
            // Firmware that connects only the devices in its boot order (OVMF with a bootindex) has not started the
            // network driver yet: connect every driver first.
            shell.run("connect -r", deadline);
        }
        ShellResult set = shell.run("ifconfig -s " + nic + " dhcp", deadline);
        if (!set.succeeded()) {
            throw new TftpException("`ifconfig -s " + nic + " dhcp` failed with " + set.lastErrorHex() + ": "
                    + set.output().strip() + " (is tftp-nic right? `ifconfig -l` lists the interfaces)");
        }
        Deadline dhcp = Deadline.in(Duration.ofSeconds(30)).min(deadline);
        String last = "";
        while (!dhcp.expired()) {
            last = shell.run("ifconfig -l " + nic, deadline).output();
            Matcher m = ADDRESS.matcher(last);
            if (m.find() && !m.group(1).equals("0.0.0.0")) {
                networkUp = true;
                return;
            }
            pause(Duration.ofMillis(500));
        }
        throw new TftpException("the board's " + nic + " got no address by DHCP within 30 s; `ifconfig -l " + nic
                + "` says: " + last.strip());
    }

    private static final Pattern LS_SIZE = Pattern.compile("(?m)^\\s*\\S+\\s+\\S+\\s+([0-9,]+)\\s+(\\S.*?)\\s*$");

    /** The size {@code ls} gives for {@code file} in the current directory, or -1 when it is not there. */
    static long sizeOnBoard(UefiShell shell, String file, Deadline deadline) {
        ShellResult r = shell.run("ls " + file, deadline);
        if (!r.succeeded()) {
            return -1;
        }
        return parseLsSize(r.output(), file);
    }

    /** From {@code ls} output: the size of the line naming {@code file}, or -1. */
    static long parseLsSize(String output, String file) {
        Matcher m = LS_SIZE.matcher(output);
        while (m.find()) {
            if (m.group(2).equalsIgnoreCase(file)) {
                return Long.parseLong(m.group(1).replace(",", ""));
            }
        }
        return -1;
    }

    /** No byte on the console after power-on. */
    static final class SilentException extends InfrastructureException {
        SilentException(String message) {
            super(message);
        }
    }

    /** Deploying over TFTP failed. */
    static final class TftpException extends InfrastructureException {
        TftpException(String message) {
            super(message);
        }
    }

    /** The board failed in a way that is the lab's, not the firmware's: the scenario is skipped with the reason. */
    static final class BoardOutOfServiceException extends NotObservableException {
        /** The verdict. */
        final String reason;
        /** Whether the board is given up for the run, or only for the step that saw it go. */
        final boolean forTheRun;

        BoardOutOfServiceException(String board, String reason) {
            this(board, reason, true);
        }

        BoardOutOfServiceException(String board, String reason, boolean forTheRun) {
            super("infrastructure: board " + board + (forTheRun ? " is out of service for the rest of this run: "
                    : ": ") + reason);
            this.reason = reason;
            this.forTheRun = forTheRun;
        }
    }
}
