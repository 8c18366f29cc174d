package hil.targets.firmware;

import hil.simulator.platform.EventGroups;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import hil.targets.RuntimeDrivers.Conversion;
import hil.targets.RuntimeDrivers.DriverSpec;
import hil.targets.RuntimeDrivers.Notify;
import hil.targets.RuntimeDrivers.Pointer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The codec of the runtime-driver test images ({@code agent/rtdriver/hilrtdrv.c}): a {@link DriverSpec} as the load
 * options the image reads, and the record the hub keeps in runtime memory, one line per entry, in the order the
 * entries were made.
 *
 * <pre>
 * load Leaky EfiRuntimeServicesCode                     the image started; its code's memory type
 * event Leaky VirtualAddressChange TPL_NOTIFY 0x0       CreateEventEx at load, with its status
 * notify Leaky ExitBootServices TPL_NOTIFY              a notify function ran
 * convert Leaky gBootBuffer - 0x800000000000000e        ConvertPointer in the VirtualAddressChange notify ("opt": with EFI_OPTIONAL_PTR)
 * used-at-exit Leaky fault gBootBuffer points into …    what using the pointers found in the ExitBootServices notify
 * fault BsDriver the VirtualAddressChange notify …      a fault a notify function found
 * unload Tidy closed 0x0 open 0                         the driver's Unload: CloseEvent's status, events left open
 * </pre>
 */
public final class RuntimeDriverRecord {

    /** Vendor GUID of the hub's variables and configuration table. */
    public static final EfiGuid VENDOR = EfiGuid.parse("5f3b0a6e-8c1d-4b7a-9e2f-6d4c3b2a1908");
    public static final String LOG = "HilRtLog";
    public static final String REPLY = "HilRtReply";
    public static final String USE_PREFIX = "HilRtUse-";
    public static final String COMMAND_PREFIX = "HilRtCmd-";
    /** The hub's own name in its registry. */
    public static final String HUB = "HilRtHub";
    public static final String HUB_OPTIONS = "hub";
    public static final String RUNTIME_IMAGE = "hilrtdrv.efi";
    public static final String BOOT_SERVICES_IMAGE = "hilbsdrv.efi";
    /** The images the agent build makes next to the agent. */
    public static final List<String> IMAGES = List.of(RUNTIME_IMAGE, BOOT_SERVICES_IMAGE);
    /** Firmware drivers the scenarios name: they exist on real firmware, but are OVMF's, not the harness's. */
    public static final Set<String> FIRMWARE_DRIVERS = Set.of("VariableSmmRuntimeDxe", "VariableRuntimeDxe",
            "RuntimeDxe", "MmCommunicationDxe");

    /** Names the image accepts (it keeps at most 31 characters, and the options are space separated). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]{1,31}");
    private static final int MAX_ITEMS = 8;

    private final List<String> lines;

    private RuntimeDriverRecord(List<String> lines) {
        this.lines = lines;
    }

    /** The record as the hub returns it. */
    public static RuntimeDriverRecord parse(String text) {
        return new RuntimeDriverRecord(text.lines().filter(l -> !l.isBlank()).toList());
    }

    public List<String> lines() {
        return lines;
    }

    // ---- load options --------------------------------------------------------------------------------------

    /**
     * The load options for {@code spec}.
     *
     * @throws IllegalArgumentException for a name the image cannot take, too many items, a conversion of a pointer
     *                                  the driver does not keep, or an unknown event group
     */
    public static String options(DriverSpec spec) {
        StringBuilder sb = new StringBuilder("name=").append(name("driver name", spec.name()));
        if (spec.name().equals(HUB)) {
            throw new IllegalArgumentException("\"" + HUB + "\" is the name of the harness's hub driver");
        }
        limit("pointers", spec.pointers().size());
        limit("conversions", spec.conversions().size());
        limit("notifies", spec.notifies().size());
        Set<String> kept = new HashSet<>();
        for (Pointer p : spec.pointers()) {
            if (!kept.add(name("pointer name", p.name()))) {
                throw new IllegalArgumentException("driver \"" + spec.name() + "\" keeps the pointer \"" + p.name()
                        + "\" twice");
            }
            sb.append(" ptr=").append(p.name()).append(':').append(switch (p.placement()) {
                case RUNTIME -> "rt";
                case BOOT_SERVICES -> "bs";
                case NULL -> "null";
            });
        }
        for (Conversion c : spec.conversions()) {
            if (!kept.contains(c.pointer())) {
                throw new IllegalArgumentException("driver \"" + spec.name() + "\" converts \"" + c.pointer()
                        + "\", which it does not keep (keeps: " + String.join(", ", kept) + ")");
            }
            sb.append(" conv=").append(c.pointer()).append(c.optional() ? ":opt" : "");
        }
        for (Notify n : spec.notifies()) {
            EfiGuid g = EventGroups.byName(n.group()).orElseThrow(() -> new IllegalArgumentException(
                    "unknown event group \"" + n.group() + "\" (known: " + EventGroups.names() + ")"));
            if (n.tpl() < 0 || n.tpl() > 31) {
                throw new IllegalArgumentException("TPL " + n.tpl() + " of driver \"" + spec.name() + "\" is not a TPL");
            }
            sb.append(" notify=").append(n.group()).append(':').append(g.toString().toLowerCase(Locale.ROOT))
                    .append(':').append(n.tpl());
        }
        if (!spec.unloadClosesEvents()) {
            sb.append(" leave-open");
        }
        return sb.toString();
    }

    private static String name(String what, String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("the " + what + " \"" + name + "\" cannot be given to a real driver image:"
                    + " use 1 to 31 letters, digits or '_'");
        }
        return name;
    }

    private static void limit(String what, int count) {
        if (count > MAX_ITEMS) {
            throw new IllegalArgumentException("a real driver image takes at most " + MAX_ITEMS + " " + what + ", not "
                    + count);
        }
    }

    // ---- the record ----------------------------------------------------------------------------------------

    /** The words of each line of {@code kind} for {@code driver} after the kind and the driver. */
    private List<String> of(String kind, String driver) {
        List<String> out = new ArrayList<>();
        String prefix = kind + " " + driver + " ";
        for (String l : lines) {
            if (l.startsWith(prefix)) {
                out.add(l.substring(prefix.length()));
            }
        }
        return out;
    }

    /** The memory type of the driver's code, as the image saw it in its LoadedImage. */
    public String imageType(String driver) {
        List<String> l = of("load", driver);
        return l.isEmpty() ? "" : l.get(l.size() - 1);
    }

    /** The events the driver created at load: {@code STATUS group at TPL}, the harness's marked. */
    public List<String> createdEvents(String driver) {
        List<String> out = new ArrayList<>();
        for (String rest : of("event", driver)) {
            String[] w = rest.split(" ");
            if (w.length < 3) {
                throw new IllegalArgumentException("malformed record line: event " + driver + " " + rest);
            }
            out.add(statusName(w[2]) + " " + w[0] + " at " + w[1] + (w.length > 3 ? " (" + w[3] + ")" : ""));
        }
        return out;
    }

    /** What using the pointers found in the driver's ExitBootServices notify, one line each. */
    public List<String> usedAtExit(String driver) {
        return of("used-at-exit", driver);
    }

    /** The events the driver's Unload left open, if it was unloaded. */
    public OptionalLong openAfterUnload(String driver) {
        List<String> l = of("unload", driver);
        if (l.isEmpty()) {
            return OptionalLong.empty();
        }
        String[] w = l.get(l.size() - 1).split(" ");
        if (w.length < 2 || !w[w.length - 2].equals("open")) {
            throw new IllegalArgumentException("malformed record line: unload " + driver + " " + l.get(l.size() - 1));
        }
        return OptionalLong.of(Long.parseLong(w[w.length - 1]));
    }

    /** The driver's ConvertPointer calls: {@code pointer [EFI_OPTIONAL_PTR] -> STATUS}. */
    public List<String> conversions(String driver) {
        List<String> out = new ArrayList<>();
        for (String rest : of("convert", driver)) {
            String[] w = rest.split(" ");
            if (w.length != 3 || !(w[1].equals("opt") || w[1].equals("-"))) {
                throw new IllegalArgumentException("malformed record line: convert " + driver + " " + rest);
            }
            out.add(w[0] + (w[1].equals("opt") ? " EFI_OPTIONAL_PTR" : "") + " -> " + statusName(w[2]));
        }
        return out;
    }

    /** Faults found by notify functions: {@code driver: message}. */
    public List<String> faults() {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            if (l.startsWith("fault ")) {
                String[] w = l.split(" ", 3);
                if (w.length < 3) {
                    throw new IllegalArgumentException("malformed record line: " + l);
                }
                out.add(w[1] + ": " + w[2]);
            }
        }
        return out;
    }

    /** The notify functions that ran, in order: {@code driver group at TPL}. */
    public List<String> notifications() {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            if (l.startsWith("notify ")) {
                String[] w = l.split(" ");
                if (w.length != 4) {
                    throw new IllegalArgumentException("malformed record line: " + l);
                }
                out.add(w[1] + " " + w[2] + " at " + w[3]);
            }
        }
        return out;
    }

    /** An EFI_GUID as its 16 bytes in memory order (hex), e.g. IEVENT.EventGroup; null for the zero GUID. */
    public static EfiGuid guidFromBytes(String hex) {
        byte[] b = java.util.HexFormat.of().parseHex(hex);
        if (b.length != 16) {
            throw new IllegalArgumentException("a GUID has 16 bytes, not " + b.length + ": " + hex);
        }
        boolean zero = true;
        for (byte x : b) {
            zero &= x == 0;
        }
        if (zero) {
            return null;
        }
        return EfiGuid.parse(String.format("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]));
    }

    private static String statusName(String hex) {
        if (!hex.startsWith("0x")) {
            throw new IllegalArgumentException("not a status: " + hex);
        }
        long v = Long.parseUnsignedLong(hex.substring(2), 16);
        return EfiStatus.fromValue(v).map(EfiStatus::efiName).orElse(EfiStatus.describe(v));
    }
}
