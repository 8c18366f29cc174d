package hil.targets.firmware;

import hil.reports.model.Observation;
import hil.reports.model.Observation.Keys;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import hil.targets.HilException;
import hil.targets.NotObservableException;
import hil.targets.VariableServices;
import hil.transports.Deadline;
import hil.transports.TransportException;
import hil.transports.shell.DmpstoreEntry;
import hil.transports.shell.ShellCommands;
import hil.transports.shell.ShellResult;
import hil.transports.shell.UefiShell;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Variable services through the UEFI Shell's own commands, for a machine at the Shell prompt without the agent
 * (capability {@code shell-vars}): {@code setvar} for SetVariable, {@code dmpstore -sfo} for GetVariable and for
 * listing every variable. Each command is one line typed on the console ({@link UefiShell}); the Shell makes the
 * runtime calls, so only what its commands can express is observable, and everything else ends as
 * {@link NotObservableException} with the reason:
 * <ul>
 *   <li><b>SetVariable</b>: attributes NV, BS and RT only ({@code -nv -bs -rt}); {@code -rt} sets BS as well, so RT
 *       without BS cannot be passed; HR, AW, AT and AP (append) have no option. {@code setvar} keeps an existing
 *       variable's attributes and ignores the options, so before each write {@code dmpstore} reads the variable:
 *       a write whose attributes differ from the stored ones is not observable (the Shell would make a different
 *       call), except a delete (attributes 0, no data), which the firmware performs either way. Data is typed as
 *       hex, two characters a byte, and the line must fit the Shell's line editor (see {@link ShellConsoleSize}):
 *       about 1460 bytes on OVMF's 100 x 31 console, far below its 33 KB variable limit, so oversized values are
 *       not observable.</li>
 *   <li><b>GetVariable</b> only with a buffer that fits: {@code dmpstore} sizes its own buffer.</li>
 *   <li><b>GetNextVariableName</b> and <b>QueryVariableInfo</b>: no Shell command makes these calls with given
 *       arguments ({@code help} on OVMF 2022.11 lists none for QueryVariableInfo); a list of all variables is
 *       {@link #listVariables()}.</li>
 * </ul>
 *
 * <p><b>Status.</b> {@code %lasterror%} is the command's SHELL_STATUS, not the EFI status of the call: {@code setvar}
 * turns every failed SetVariable into SHELL_ACCESS_DENIED. Only success is mapped to an EFI status; any other
 * outcome leaves the observation's status empty and carries {@value ShellStatus#OUTPUT} (hex) and
 * {@code statusClass} ({@link ShellStatus#statusClass}), so a step expecting an exact EFI error is not observable
 * instead of passing by accident. Measured on OVMF 2022.11 (QEMU 7.2, TCG), with the firmware's own answer to the
 * same call taken from the agent in the same boot:
 * <table>
 *   <caption>What the Shell reports</caption>
 *   <tr><th>call</th><th>command</th><th>firmware's status</th><th>{@code %lasterror%}</th><th>observation</th></tr>
 *   <tr><td>SetVariable NV|BS|RT, new variable</td><td>{@code setvar N -guid G -nv -bs -rt =0102}</td>
 *       <td>EFI_SUCCESS</td><td>0x0</td><td>EFI_SUCCESS</td></tr>
 *   <tr><td>SetVariable NV alone (invalid)</td><td>{@code setvar N -guid G -nv =04}</td>
 *       <td>EFI_INVALID_PARAMETER</td><td>0xF</td><td>no status, shell-access-denied</td></tr>
 *   <tr><td>SetVariable RT alone (invalid)</td><td>cannot be typed: {@code -rt} creates BS|RT</td>
 *       <td>EFI_INVALID_PARAMETER</td><td>0x0 for BS|RT</td><td>not observable</td></tr>
 *   <tr><td>SetVariable attributes 0 with data, missing variable</td><td>{@code setvar N -guid G =05}</td>
 *       <td>EFI_NOT_FOUND</td><td>0xF</td><td>no status, shell-access-denied</td></tr>
 *   <tr><td>delete of a missing variable</td><td>{@code setvar N -guid G =}</td>
 *       <td>EFI_NOT_FOUND</td><td>0xF</td><td>no status, shell-access-denied</td></tr>
 *   <tr><td>write to PlatformLangCodes</td><td>{@code setvar PlatformLangCodes -guid 8BE4DF61-… =656E00}</td>
 *       <td>EFI_INVALID_PARAMETER</td><td>0xF</td><td>no status, shell-access-denied</td></tr>
 *   <tr><td>NV|BS|RT write to an existing BS|RT variable</td><td>{@code setvar N -guid G -nv -bs -rt =07}</td>
 *       <td>EFI_INVALID_PARAMETER</td><td>0x0, written as BS|RT</td><td>not observable</td></tr>
 *   <tr><td>SetVariable of 33800 bytes (over the limit)</td><td>longer than the command line</td>
 *       <td>EFI_INVALID_PARAMETER</td><td>—</td><td>not observable</td></tr>
 *   <tr><td>GetVariable of an existing variable</td><td>{@code dmpstore N -guid G -sfo}</td>
 *       <td>EFI_SUCCESS</td><td>0x0</td><td>EFI_SUCCESS with data</td></tr>
 *   <tr><td>GetVariable of a missing variable</td><td>{@code dmpstore N -guid G -sfo}</td>
 *       <td>EFI_NOT_FOUND</td><td>0xE</td><td>no status, shell-not-found</td></tr>
 *   <tr><td>list of all variables</td><td>{@code dmpstore -all -sfo}</td>
 *       <td>walk ends EFI_NOT_FOUND</td><td>0x0</td><td>EFI_NOT_FOUND (see {@link #listVariables()})</td></tr>
 * </table>
 * Outputs use the agent path's canonical forms: data as lower-case hex, sizes in decimal, attributes as
 * {@code NV|BS|RT}. The observation's transcript holds each command line with its output and {@code %lasterror%}.
 *
 * <p>Each command costs about 1.2 s under TCG (three typed lines: two markers and the command) plus about 10 ms per
 * typed character; a write adds the {@code dmpstore} that reads the variable first. One command at a time: not for
 * concurrent use.
 */
public final class ShellVariableServices implements VariableServices {

    /** The DataSize a "large enough" GetVariable records as its input, the same as the agent path's. */
    static final long LARGE_DATA = ConsoleFirmwareTarget.LARGE_DATA;
    /** The attributes setvar can express: -nv, -bs and -rt. */
    private static final int EXPRESSIBLE = Attributes.NV | Attributes.BS | Attributes.RT;
    /** Allowance per typed character on top of the call timeout (measured about 10 ms under TCG). */
    private static final Duration TYPING_PER_CHARACTER = Duration.ofMillis(25);

    /** Runs one Shell command line: {@link UefiShell#run}, or a scripted Shell in tests. */
    interface CommandRunner {
        ShellResult run(String command, Deadline deadline);
    }

    private final CommandRunner shell;
    private final String target;
    private final Duration callTimeout;
    private final Supplier<String> phase;
    /** Read from {@code mode} the first time a command line is longer than the smallest console allows. */
    private ShellConsoleSize consoleSize;
    /** Told what each write found stored before it; see {@link #beforeEachWrite}. */
    private WriteListener beforeWrite = (name, vendor, stored) -> { };

    /** What a SetVariable found stored before it was made. */
    interface WriteListener {
        /**
         * @param stored the variable's attributes and data as dmpstore read them; an empty {@link Optional} when it
         *               does not exist; {@code null} when dmpstore could not tell
         */
        void before(String name, EfiGuid vendor, Optional<DmpstoreEntry> stored);
    }

    /**
     * Tells {@code listener} the state each SetVariable found before it wrote (it reads the variable anyway, to
     * know which call setvar will make), so a caller that must undo writes needs no read of its own.
     */
    void beforeEachWrite(WriteListener listener) {
        this.beforeWrite = Objects.requireNonNull(listener, "listener");
    }

    /**
     * @param shell       a Shell at its prompt
     * @param target      the target's name, for observations and messages
     * @param callTimeout the time one command may take, besides typing
     * @param phase       the current phase's label, for observations
     */
    public ShellVariableServices(UefiShell shell, String target, Duration callTimeout, Supplier<String> phase) {
        this(Objects.requireNonNull(shell, "shell")::run, target, callTimeout, phase);
    }

    ShellVariableServices(CommandRunner shell, String target, Duration callTimeout, Supplier<String> phase) {
        this.shell = Objects.requireNonNull(shell, "shell");
        this.target = Objects.requireNonNull(target, "target");
        this.callTimeout = Objects.requireNonNull(callTimeout, "callTimeout");
        this.phase = Objects.requireNonNull(phase, "phase");
    }

    // ---- GetVariable -----------------------------------------------------------------------------------------

    @Override
    public Observation getVariable(String name, EfiGuid vendor, long dataSize) {
        if (dataSize != LARGE_BUFFER) {
            throw notObservable("GetVariable with a DataSize of " + dataSize + ": dmpstore sizes its own buffer "
                    + "(DataSize 0, then the variable's size), the Shell cannot pass another");
        }
        requireTypeable(name);
        Map<String, String> inputs = inputs(Keys.NAME, name, Keys.VENDOR, vendor, Keys.DATA_SIZE, LARGE_DATA);
        Lookup found = lookup(name, vendor);
        Map<String, String> out = new LinkedHashMap<>();
        String status = null;
        if (found.entry().isPresent()) {
            // dmpstore prints a variable only after its GetVariable returned success.
            DmpstoreEntry e = found.entry().get();
            status = EfiStatus.SUCCESS.efiName();
            out.put(Keys.DATA_SIZE, Integer.toString(e.data().length));
            out.put(Keys.ATTRIBUTES, Attributes.format(e.attributes() & 0xFFFFFFFFL));
            out.put(Keys.DATA, Bytes.hex(e.data()));
        } else {
            long shellStatus = found.run().result().lastError();
            out.put(ShellStatus.OUTPUT, ShellStatus.hex(shellStatus));
            // A listing without this exact name (dmpstore matches names ignoring case) is the same answer as
            // SHELL_NOT_FOUND: no variable of this name and vendor.
            out.put(Keys.STATUS_CLASS, ShellStatus.statusClass(shellStatus == ShellStatus.SUCCESS
                    ? ShellStatus.NOT_FOUND : shellStatus));
        }
        return observation("GetVariable", inputs, status, out, found.run().nanos(), List.of(found.run()));
    }

    // ---- SetVariable -----------------------------------------------------------------------------------------

    @Override
    public Observation setVariable(String name, EfiGuid vendor, int attributes, byte[] data) {
        Objects.requireNonNull(data, "data");
        Map<String, String> inputs = inputs(Keys.NAME, name, Keys.VENDOR, vendor,
                Keys.ATTRIBUTES, Attributes.format(attributes & 0xFFFFFFFFL), Keys.DATA_SIZE, data.length,
                Keys.DATA, Bytes.hex(data));
        requireExpressible(attributes);
        requireTypeable(name);
        String command = data.length > 0 ? ShellCommands.setvar(name, guid(vendor), attributes, data)
                : setvarWithoutData(name, guid(vendor), attributes);
        requireFits(command, "SetVariable with " + data.length + " bytes");

        Lookup before = lookup(name, vendor);
        requireSameCall(before, attributes, data.length == 0);
        long found = before.run().result().lastError();
        beforeWrite.before(name, vendor, before.entry().isPresent() || found == ShellStatus.SUCCESS
                || found == ShellStatus.NOT_FOUND ? before.entry() : null);

        Run set = run(command);
        Map<String, String> out = new LinkedHashMap<>();
        String status = null;
        if (set.result().succeeded()) {
            status = EfiStatus.SUCCESS.efiName();
        } else {
            out.put(ShellStatus.OUTPUT, ShellStatus.hex(set.result().lastError()));
            out.put(Keys.STATUS_CLASS, ShellStatus.statusClass(set.result().lastError()));
        }
        return observation("SetVariable", inputs, status, out, set.nanos(), List.of(before.run(), set));
    }

    /** Only NV, BS and RT have options, and -rt adds BS. */
    private void requireExpressible(int attributes) {
        if ((attributes & Attributes.AP) != 0) {
            throw notObservable("SetVariable with APPEND_WRITE: setvar has no append option (its options are "
                    + "-guid, -bs, -rt and -nv) and always replaces the data");
        }
        int other = attributes & ~EXPRESSIBLE;
        if (other != 0) {
            throw notObservable("SetVariable with " + Attributes.format(other & 0xFFFFFFFFL) + ": setvar can only "
                    + "express NV, BS and RT (-nv, -bs, -rt)");
        }
        if ((attributes & Attributes.RT) != 0 && (attributes & Attributes.BS) == 0) {
            throw notObservable("SetVariable with " + Attributes.format(attributes & 0xFFFFFFFFL) + ": setvar's -rt "
                    + "sets BS as well, so RT without BS cannot be passed");
        }
    }

    /**
     * {@code setvar} passes an existing variable's stored attributes instead of the options. The call is the one
     * asked for when nothing is stored, when the stored attributes are the ones asked for, or for a delete
     * (attributes 0, no data) of a variable with only NV/BS/RT, which the firmware deletes either way.
     */
    private void requireSameCall(Lookup before, int attributes, boolean noData) {
        if (before.entry().isEmpty()) {
            long status = before.run().result().lastError();
            if (status != ShellStatus.SUCCESS && status != ShellStatus.NOT_FOUND) {
                throw notObservable("SetVariable: dmpstore could not read the variable's current attributes ("
                        + ShellStatus.name(status) + "), and setvar uses those instead of -nv/-bs/-rt when it exists");
            }
            return;
        }
        int stored = before.entry().get().attributes();
        if (stored == attributes) {
            return;
        }
        if (attributes == 0 && noData && (stored & ~EXPRESSIBLE) == 0) {
            return;
        }
        throw notObservable("SetVariable with " + Attributes.format(attributes & 0xFFFFFFFFL) + " on a variable stored "
                + "with " + Attributes.format(stored & 0xFFFFFFFFL) + ": setvar keeps an existing variable's "
                + "attributes and ignores -nv/-bs/-rt, so it would make a different call");
    }

    /** {@code setvar NAME -guid GUID [-nv] [-bs] [-rt] =}: SetVariable with no data (a delete). */
    static String setvarWithoutData(String name, String guid, int attributes) {
        String delete = ShellCommands.deleteVariable(name, guid);
        StringBuilder flags = new StringBuilder();
        if ((attributes & Attributes.NV) != 0) {
            flags.append(" -nv");
        }
        if ((attributes & Attributes.BS) != 0) {
            flags.append(" -bs");
        }
        if ((attributes & Attributes.RT) != 0) {
            flags.append(" -rt");
        }
        // deleteVariable ends in " =": the options go before it.
        return delete.substring(0, delete.length() - 2) + flags + " =";
    }

    // ---- calls the Shell cannot make -------------------------------------------------------------------------

    @Override
    public Observation getNextVariableName(String name, EfiGuid vendor, long nameSize) {
        throw notObservable("GetNextVariableName: no Shell command makes that call with a given name and buffer "
                + "(dmpstore walks all variables itself; a list of all variables is available)");
    }

    @Override
    public Observation queryVariableInfo(int attributes) {
        throw notObservable("QueryVariableInfo: the UEFI Shell has no command that makes that call");
    }

    // ---- ListVariables ---------------------------------------------------------------------------------------

    /**
     * Every variable, from {@code dmpstore -all -sfo}: a {@code ListVariables} observation with {@link Keys#COUNT}
     * and {@link Keys#VARIABLES} ({@code vendor:name} per line) in walk order. {@code dmpstore} walks the store with
     * GetNextVariableName and prints on the way back, last variable first, so its listing is reversed here
     * (checked against the agent's walk in the same boot: the same order, except for the Shell's own
     * {@code lasterror} variables, which every command rewrites). It ends its walk successfully only when
     * GetNextVariableName returns EFI_NOT_FOUND and every GetVariable succeeded, so SHELL_SUCCESS is recorded as a
     * walk that ended with EFI_NOT_FOUND; any other outcome has no status and carries the Shell's.
     */
    @Override
    public Optional<Observation> listVariables() {
        Run all = run("dmpstore -all -sfo");
        List<DmpstoreEntry> entries = parse(all);
        List<String> lines = new ArrayList<>();
        for (DmpstoreEntry e : entries) {
            lines.add(EfiGuid.parse(e.guid()) + ":" + e.name());
        }
        Collections.reverse(lines);
        Map<String, String> out = new LinkedHashMap<>();
        out.put(Keys.COUNT, Integer.toString(lines.size()));
        StringBuilder text = new StringBuilder();
        lines.forEach(l -> text.append(l).append('\n'));
        out.put(Keys.VARIABLES, text.toString());
        String status = null;
        if (all.result().succeeded()) {
            status = EfiStatus.NOT_FOUND.efiName();
        } else {
            out.put(ShellStatus.OUTPUT, ShellStatus.hex(all.result().lastError()));
            out.put(Keys.STATUS_CLASS, ShellStatus.statusClass(all.result().lastError()));
        }
        return Optional.of(observation("ListVariables", Map.of(), status, out, all.nanos(), List.of(all)));
    }

    // ---- running commands ------------------------------------------------------------------------------------


    /** One command as it ran. */
    private record Run(String command, ShellResult result, long nanos) {
        String transcript() {
            return "Shell> " + command + "\n" + (result.output().isEmpty() ? "" : result.output() + "\n")
                    + "%lasterror% = " + result.lastErrorHex() + "\n";
        }
    }

    /** A variable read with dmpstore: the command, and the entry with exactly this name and vendor if listed. */
    private record Lookup(Run run, Optional<DmpstoreEntry> entry) {
    }

    /**
     * Reads one variable. dmpstore takes the name as a pattern ({@code *}, {@code ?}, {@code [}) matched without
     * regard to case and has no escape, so a name with pattern characters is looked up among all variables of
     * its vendor; either way only an entry with exactly this name counts.
     */
    private Lookup lookup(String name, EfiGuid vendor) {
        boolean pattern = name.chars().anyMatch(c -> c == '*' || c == '?' || c == '[');
        String command = pattern ? ShellCommands.dmpstore(guid(vendor)) : ShellCommands.dmpstore(name, guid(vendor));
        Run r = run(command);
        Optional<DmpstoreEntry> exact = parse(r).stream()
                .filter(e -> e.name().equals(name) && EfiGuid.parse(e.guid()).equals(vendor))
                .findFirst();
        return new Lookup(r, exact);
    }

    private List<DmpstoreEntry> parse(Run r) {
        try {
            return UefiShell.parseDmpstore(r.result().output());
        } catch (TransportException e) {
            throw new HilException("the output of '" + r.command() + "' on target " + target
                    + " cannot be read: " + e.getMessage(), e);
        }
    }

    private Run run(String command) {
        requireFits(command, "the command");
        Deadline deadline = Deadline.in(callTimeout.plus(TYPING_PER_CHARACTER.multipliedBy(command.length())));
        long start = System.nanoTime();
        try {
            ShellResult result = shell.run(command, deadline);
            return new Run(command, result, System.nanoTime() - start);
        } catch (TransportException e) {
            throw new HilException("the UEFI Shell command '" + preview(command) + "' failed on target " + target
                    + ": " + e.getMessage(), e);
        }
    }

    /** Fails as not observable when the line would be cut by the Shell's line editor. */
    private void requireFits(String command, String what) {
        if (command.length() <= ShellConsoleSize.SMALLEST.maxCommandLength()) {
            return;
        }
        if (consoleSize == null) {
            Run mode = run("mode");
            consoleSize = mode.result().succeeded() ? ShellConsoleSize.fromModeOutput(mode.result().output())
                    : ShellConsoleSize.SMALLEST;
        }
        if (command.length() > consoleSize.maxCommandLength()) {
            throw notObservable(what + " needs a Shell command line of " + command.length() + " characters; the "
                    + "Shell's line editor on this " + consoleSize + " console keeps at most "
                    + consoleSize.maxCommandLength() + " and silently drops the rest");
        }
    }

    /** Names the Shell cannot take (empty, starting with '-', not printable ASCII) are not observable. */
    private void requireTypeable(String name) {
        try {
            ShellCommands.argument(name);
        } catch (IllegalArgumentException e) {
            throw notObservable("the variable name cannot be passed on the Shell command line: " + e.getMessage());
        }
    }

    private Observation observation(String operation, Map<String, String> inputs, String status,
                                    Map<String, String> outputs, long nanos, List<Run> runs) {
        StringBuilder transcript = new StringBuilder();
        runs.forEach(r -> transcript.append(r.transcript()));
        return new Observation(operation, inputs, status, outputs, phase.get(), target, nanos, transcript.toString());
    }

    private NotObservableException notObservable(String reason) {
        return new NotObservableException(target, "through the UEFI Shell, " + reason);
    }

    private static String guid(EfiGuid vendor) {
        return vendor.toString();
    }

    private static String preview(String command) {
        return command.length() > 120 ? command.substring(0, 120) + "… (" + command.length() + " characters)" : command;
    }

    private static Map<String, String> inputs(Object... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], String.valueOf(kv[i + 1]));
        }
        return m;
    }
}
