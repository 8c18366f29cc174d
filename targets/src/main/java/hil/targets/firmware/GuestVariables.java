package hil.targets.firmware;

import hil.reports.model.Observation;
import hil.reports.model.Observation.Keys;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import hil.targets.HilException;
import hil.targets.NotObservableException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The variable services as the OS phase reaches them: through Linux's efivarfs, by the guest agent. Every call is
 * a file operation the kernel turns into runtime-service calls, and every observation carries what Linux reported:
 * the errno name as {@code statusClass}, and the EFI status only when that errno leaves exactly one
 * ({@link LinuxErrno}). The transcript of each observation holds the request and the guest's reply (errno number,
 * the system call that failed).
 *
 * <ul>
 *   <li>GetVariable: a {@code read()} of the variable's file; the kernel sizes the buffer itself, so only the
 *       "large enough" form is observable. When efivarfs has no file for the name the agent creates an empty one
 *       first (no firmware call), so the read is still a real GetVariable.</li>
 *   <li>SetVariable (deletes included: attributes 0 and no data): one {@code write()} of attributes and data,
 *       which the kernel passes to SetVariable as they are. Unlinking the file would delete too, but efivarfs
 *       then reports every failure as EINVAL; the write keeps EROFS, ENOSPC and the others apart.</li>
 *   <li>QueryVariableInfo: {@code statfs()} of efivarfs, which the kernel answers with QueryVariableInfo for
 *       NV|BS|RT only, giving the maximum and remaining storage but not the maximum variable size. The kernel does
 *       not return the status; it logs a warning when the call fails, which is read back from the kernel log.</li>
 *   <li>The variable list: the efivarfs directory, which the kernel filled from its own GetNextVariableName walk
 *       when efivarfs was mounted and keeps up to date with its own writes. A single GetNextVariableName call is
 *       not observable.</li>
 * </ul>
 */
final class GuestVariables {

    private static final HexFormat HEX = HexFormat.of();
    private static final Pattern QUERY_FAILED = Pattern.compile("query_variable_info\\(\\) failed: 0x([0-9a-fA-F]+)");
    private static final Pattern WALK_STATUS = Pattern.compile("efivars: get_next_variable: status=([0-9a-fA-F]+)");
    private static final Pattern DUPLICATE = Pattern.compile("efivars: duplicate variable: (.+)-([0-9a-fA-F-]{36})\\s*$");

    private final String target;
    private final GuestChannel channel;
    private final Supplier<String> phase;

    GuestVariables(String target, GuestChannel channel, Supplier<String> phase) {
        this.target = target;
        this.channel = channel;
        this.phase = phase;
    }

    /** The channel to the guest agent, for tests that send requests of their own. */
    GuestChannel channel() {
        return channel;
    }

    /** Names efivarfs can carry: it creates variables from the file name byte by byte. */
    private void requireFileName(String name) {
        if (name.isEmpty()) {
            throw new NotObservableException(target, "efivarfs names a variable by a file name, which cannot be empty;"
                    + " a call with an empty VariableName cannot be made from Linux");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '/') {
                throw new NotObservableException(target, "efivarfs takes a new variable's name from its file name"
                        + " byte by byte, so only printable ASCII without '/' can be passed; the name \"" + name
                        + "\" cannot");
            }
        }
    }

    Observation getVariable(String name, EfiGuid vendor, long dataSize) {
        if (dataSize != hil.targets.VariableServices.LARGE_BUFFER) {
            throw new NotObservableException(target, "in the OS phase the kernel sizes GetVariable's buffer itself"
                    + " (a read of the variable's efivarfs file); a DataSize of " + dataSize + " cannot be passed");
        }
        requireFileName(name);
        GuestRequest request = GuestRequest.get(name, vendor);
        Call c = call(request);
        GuestReply r = c.reply();
        refusedByKernel(r, "GetVariable");
        Map<String, String> out = new LinkedHashMap<>();
        if (r.succeeded()) {
            byte[] data = r.bytes("data");
            out.put(Keys.DATA_SIZE, Integer.toString(data.length));
            out.put(Keys.ATTRIBUTES, Attributes.format(r.hex("attrs")));
            out.put(Keys.DATA, Bytes.hex(data));
        } else if (!"read".equals(r.failedCall()) && !"read-empty".equals(r.failedCall())) {
            throw new HilException("the guest could not read the variable's efivarfs file: "
                    + LinuxErrno.describe(r.errname()) + " from " + r.failedCall() + " (" + r.line() + ")");
        }
        return observation("GetVariable", inputs(Keys.NAME, name, Keys.VENDOR, vendor), r, out, c,
                r.createdFile() ? "efivarfs had no file for the variable; the agent created an empty one (no firmware"
                        + " call) and read it, which the kernel answers with GetVariable" : null);
    }

    Observation getNextVariableName(String name, EfiGuid vendor, long nameSize) {
        throw new NotObservableException(target, "Linux makes no single GetNextVariableName call for a program: efivarfs"
                + " lists the variables its own walk found when it was mounted, in its own order (a list of all"
                + " variables is observable)");
    }

    Observation setVariable(String name, EfiGuid vendor, int attributes, byte[] data) {
        requireFileName(name);
        if (data.length > GuestRequest.MAX_DATA) {
            throw new NotObservableException(target, "the guest agent writes at most " + GuestRequest.MAX_DATA
                    + " bytes at once, not " + data.length);
        }
        Map<String, String> inputs = inputs(Keys.NAME, name, Keys.VENDOR, vendor,
                Keys.ATTRIBUTES, Attributes.format(attributes & 0xFFFFFFFFL), Keys.DATA_SIZE, data.length,
                Keys.DATA, Bytes.hex(data));
        Call c = call(GuestRequest.set(name, vendor, attributes, data));
        GuestReply r = c.reply();
        refusedByKernel(r, "SetVariable");
        if (!r.succeeded() && !"write".equals(r.failedCall())) {
            throw new HilException("the guest could not write the variable's efivarfs file: "
                    + LinuxErrno.describe(r.errname()) + " from " + r.failedCall() + " (" + r.line() + ")");
        }
        return observation("SetVariable", inputs, r, Map.of(), c,
                r.createdFile() ? "efivarfs had no file for the variable; the agent created it (no firmware call)"
                        + " and wrote attributes and data to it, which the kernel passes to SetVariable" : null);
    }

    Observation queryVariableInfo(int attributes) {
        if (attributes != Attributes.NV_BS_RT) {
            throw new NotObservableException(target, "Linux calls QueryVariableInfo for a program only through statfs()"
                    + " of efivarfs, and always with NV|BS|RT; attributes " + Attributes.format(attributes & 0xFFFFFFFFL)
                    + " cannot be passed");
        }
        Map<String, String> inputs = inputs(Keys.ATTRIBUTES, Attributes.format(attributes & 0xFFFFFFFFL));
        List<String> before = klog("query_variable_info() failed");
        Call c = call(GuestRequest.statfs());
        List<String> after = klog("query_variable_info() failed");
        GuestReply r = c.reply();
        if (!r.succeeded()) {
            throw new HilException("statfs() of efivarfs failed in the guest: " + LinuxErrno.describe(r.errname())
                    + " (" + r.line() + ")");
        }
        if (after.size() > before.size()) {
            Matcher m = QUERY_FAILED.matcher(after.get(after.size() - 1));
            if (m.find()) {
                EfiStatus status = EfiStatus.fromValue(Long.parseUnsignedLong(m.group(1), 16)).orElse(null);
                String statusName = status != null ? status.efiName() : "0x" + m.group(1);
                Map<String, String> out = new LinkedHashMap<>();
                if (status != null) {
                    out.put(Keys.STATUS_CLASS, LinuxErrno.statusClass("QueryVariableInfo", status));
                }
                return new Observation("QueryVariableInfo", inputs, statusName, out, phase.get(), target, c.nanos(),
                        c.transcript("statfs() of efivarfs: the kernel logged the failed QueryVariableInfo: "
                                + after.get(after.size() - 1)));
            }
        }
        if (r.decimal("blocks") == 0) {
            throw new NotObservableException(target, "this kernel's efivarfs does not answer statfs() with"
                    + " QueryVariableInfo (0 blocks), so Linux offers no QueryVariableInfo at all");
        }
        Map<String, String> out = new LinkedHashMap<>();
        out.put(Keys.MAX_STORAGE, Long.toUnsignedString(r.decimal("blocks")));
        out.put(Keys.REMAINING_STORAGE, Long.toUnsignedString(r.decimal("bfree")));
        out.put(Keys.STATUS_CLASS, LinuxErrno.OK);
        return new Observation("QueryVariableInfo", inputs, EfiStatus.SUCCESS.efiName(), out, phase.get(), target,
                c.nanos(), c.transcript("statfs() of efivarfs: block size 1, blocks = MaximumVariableStorageSize, free ="
                + " RemainingVariableStorageSize of QueryVariableInfo(NV|BS|RT); the kernel does not return"
                + " MaximumVariableSize. It returns no status either: it logs a warning when the call fails, and"
                + " none was logged, so the call returned EFI_SUCCESS"));
    }

    /**
     * Every variable efivarfs lists, in the order of the kernel's walk: efivarfs lists its newest file first, and
     * the files were made in walk order at mount time (files the OS created later come after them). Files of size
     * 0 are the kernel's own placeholders for variables the firmware never stored and are left out. A duplicate the
     * firmware returned is dropped by the kernel with a warning in its log; it is put back from there, so that
     * the list shows what the walk returned. The walk's last status is logged too when it is not NOT_FOUND.
     */
    Observation listVariables() {
        Call c = call(GuestRequest.list());
        GuestReply r = c.reply();
        if (!r.succeeded()) {
            throw new HilException("listing efivarfs failed in the guest: " + LinuxErrno.describe(r.errname())
                    + " from " + r.failedCall());
        }
        List<String> kernelLog = klog("efivars: ");
        List<String> entries = new ArrayList<>();
        int placeholders = 0;
        String all = r.value("entries");
        for (String entry : all.isEmpty() ? new String[0] : all.split(",")) {
            String[] parts = entry.split(":");
            if (parts.length != 3) {
                throw new AgentProtocolException("a LIST entry is not <name>:<guid>:<size>", r.line());
            }
            if (parts[2].equals("0")) {
                placeholders++;
                continue;
            }
            String varName = new String(HEX.parseHex(parts[0]), StandardCharsets.UTF_16LE);
            entries.add(EfiGuid.parse(parts[1]) + ":" + varName);
        }
        Collections.reverse(entries);
        EfiStatus end = EfiStatus.NOT_FOUND;
        String endNote = "the kernel's walk at mount time ended with EFI_NOT_FOUND (it logs any other last status)";
        for (String line : kernelLog) {
            Matcher walk = WALK_STATUS.matcher(line);
            if (walk.find()) {
                long value = Long.parseUnsignedLong(walk.group(1), 16);
                end = EfiStatus.fromValue(value).orElse(null);
                endNote = "the kernel's walk at mount time ended with " + EfiStatus.describe(value) + ": " + line;
            }
            Matcher dup = DUPLICATE.matcher(line);
            if (dup.find()) {
                String again = EfiGuid.parse(dup.group(2)) + ":" + dup.group(1);
                int first = entries.indexOf(again);
                entries.add(first < 0 ? entries.size() : first + 1, again);
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        out.put(Keys.COUNT, Integer.toString(entries.size()));
        StringBuilder text = new StringBuilder();
        entries.forEach(e -> text.append(e).append('\n'));
        out.put(Keys.VARIABLES, text.toString());
        String note = "the efivarfs directory (" + entries.size() + " variables" + (placeholders == 0 ? ""
                : ", " + placeholders + " empty placeholder files left out") + "); " + endNote;
        return new Observation("ListVariables", Map.of(), end == null ? null : end.efiName(), out, phase.get(), target,
                c.nanos(), c.transcript(note));
    }

    /** A name the kernel refused before any firmware call: not an answer of the firmware. */
    private void refusedByKernel(GuestReply r, String operation) {
        if (!r.succeeded() && "open".equals(r.failedCall())
                && (r.errname().equals("EINVAL") || r.errname().equals("ENAMETOOLONG"))) {
            throw new NotObservableException(target, "efivarfs refused the file name with "
                    + LinuxErrno.describe(r.errname()) + " before any firmware call, so " + operation
                    + "'s answer cannot be observed");
        }
    }

    private Observation observation(String operation, Map<String, String> inputs, GuestReply r,
                                    Map<String, String> outputs, Call c, String note) {
        String statusClass = r.succeeded() ? LinuxErrno.OK : r.errname();
        Optional<EfiStatus> exact = LinuxErrno.exactStatus(operation, inputs, statusClass);
        Map<String, String> out = new LinkedHashMap<>(outputs);
        out.put(Keys.STATUS_CLASS, statusClass);
        return new Observation(operation, inputs, exact.map(EfiStatus::efiName).orElse(null), out, phase.get(),
                target, c.nanos(), c.transcript(note));
    }

    private List<String> klog(String text) {
        GuestReply r = channel.call(GuestRequest.klog(text));
        if (!r.succeeded()) {
            throw new HilException("the guest could not read the kernel log: " + LinuxErrno.describe(r.errname()));
        }
        String lines = new String(HEX.parseHex(r.value("lines")), StandardCharsets.UTF_8);
        return lines.isEmpty() ? List.of() : lines.lines().toList();
    }

    /** One request and its reply, timed. */
    private record Call(GuestRequest request, GuestReply reply, long nanos) {
        String transcript(String note) {
            String sent = request.line(reply.seq());
            return "> " + AgentProtocolException.excerpt(sent) + "\n< " + AgentProtocolException.excerpt(reply.line())
                    + (note == null ? "" : "\n" + note);
        }
    }

    private Call call(GuestRequest request) {
        long start = System.nanoTime();
        GuestReply reply = channel.call(request);
        return new Call(request, reply, System.nanoTime() - start);
    }

    private static Map<String, String> inputs(Object... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], String.valueOf(kv[i + 1]));
        }
        return m;
    }
}
