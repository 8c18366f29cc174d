package hil.simulator.platform;

import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.Ucs2;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The variables a platform's own drivers write on every boot before the Shell runs a program — the boot manager's
 * (Boot####, BootOrder, Lang, ConOut …), MonotonicCounter's MTC, the iSCSI driver's, the variable driver's
 * VarErrorFlag, the Shell's own — as data measured on the real firmware, not code: a resource file (see
 * {@code ovmf-4m-2022.11.vars}) lists the writes in the order the firmware made them. Replaying them through the
 * variable core leaves the same records on the simulated flash, superseded ones included, so a walk, the remaining
 * storage and where the next record lands line up with the firmware's.
 *
 * <p>AuthVariableLib's variables are not part of this data: that library creates them inside the variable driver's
 * write-service start, before any platform driver runs.
 */
public final class PlatformVariables {

    /** One SetVariable a platform driver makes. */
    public record Write(boolean nonVolatile, int attributes, EfiGuid vendor, String name, byte[] data,
                        boolean counter) {

        public byte[] nameBytes() {
            return Ucs2.encode(name);
        }
    }

    /** The sections of the data file, in the order a boot replays them. */
    public enum Section {
        /** NV writes of a boot on a store that has never booted. */
        FIRST_BOOT("first boot"),
        /** NV writes of every later boot. */
        LATER_BOOTS("later boots"),
        /** Volatile variables of the platform's drivers, every boot. */
        VOLATILE("volatile"),
        /** The UEFI Shell's volatile variables, every boot (the Shell starts the program that makes the calls). */
        SHELL("shell");

        private final String label;

        Section(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final String source;
    private final Map<Section, List<Write>> sections;

    private PlatformVariables(String source, Map<Section, List<Write>> sections) {
        this.source = source;
        this.sections = sections;
    }

    /** Where the data came from (the resource name). */
    public String source() {
        return source;
    }

    public List<Write> section(Section s) {
        return sections.getOrDefault(s, List.of());
    }

    /**
     * The write whose presence in the store tells a boot that has run before from a first boot: the first write of
     * the first boot (MonotonicCounter's MTC on OVMF).
     */
    public Write firstBootMarker() {
        List<Write> first = section(Section.FIRST_BOOT);
        if (first.isEmpty()) {
            throw new IllegalStateException(source + " has no [first boot] writes");
        }
        return first.get(0);
    }

    /** Reads a data file from the classpath next to this class. */
    public static PlatformVariables load(String resource) {
        try (InputStream in = PlatformVariables.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no platform variable data " + resource + " on the classpath");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read platform variable data " + resource + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses the data format: {@code [section]} lines, then {@code nv|vol ATTRIBUTES GUID DATA NAME} lines (DATA hex,
     * {@code -} for none, {@code counter} for the stored 32-bit value plus one); {@code #} starts a comment line.
     *
     * @throws IllegalArgumentException naming the line, for anything else
     */
    public static PlatformVariables parse(String text, String source) {
        Map<Section, List<Write>> sections = new LinkedHashMap<>();
        Section current = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].stripTrailing();
            String where = source + " line " + (i + 1);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[")) {
                String label = line.substring(1, line.length() - 1);
                current = null;
                for (Section s : Section.values()) {
                    if (s.label().equals(label) && line.endsWith("]")) {
                        current = s;
                    }
                }
                if (current == null) {
                    throw new IllegalArgumentException(where + ": unknown section " + line);
                }
                sections.putIfAbsent(current, new ArrayList<>());
                continue;
            }
            if (current == null) {
                throw new IllegalArgumentException(where + ": a write before the first [section]");
            }
            String[] f = line.split(" ", 5);
            if (f.length < 5 || f[4].isEmpty()) {
                throw new IllegalArgumentException(where + ": expected 'nv|vol ATTRIBUTES GUID DATA NAME', got '"
                        + line + "'");
            }
            boolean nv = switch (f[0]) {
                case "nv" -> true;
                case "vol" -> false;
                default -> throw new IllegalArgumentException(where + ": store must be nv or vol, not '" + f[0] + "'");
            };
            int attributes;
            EfiGuid vendor;
            byte[] data;
            try {
                attributes = Integer.decode(f[1]);
                vendor = EfiGuid.parse(f[2]);
                data = f[3].equals("-") || f[3].equals("counter") ? new byte[0] : HexFormat.of().parseHex(f[3]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
            if (nv != ((attributes & 1) != 0)) {
                throw new IllegalArgumentException(where + ": store " + f[0] + " does not match attributes " + f[1]);
            }
            sections.get(current).add(new Write(nv, attributes, vendor, f[4], data, f[3].equals("counter")));
        }
        return new PlatformVariables(source, sections);
    }
}
