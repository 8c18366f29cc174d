package hil.transports.shell;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code dmpstore} output in both of the forms the EDK II Shell prints (captured from OVMF 2022.11).
 *
 * <p>Plain form: a header, then a hex dump of 16 bytes a line with a dash after the eighth byte and an ASCII
 * column; well-known GUIDs appear by name, and the attribute names are lossy (RT is printed as {@code RT+BS}):
 * <pre>
 * Variable NV+RT+BS '12345678-1234-5678-9ABC-DEF012345678:HilTest' DataSize = 0x12
 *   00000000: 01 02 03 04 05 06 07 08-09 0A 0B 0C 0D 0E 0F 10  *................*
 *   00000010: 11 12                                            *..*
 * </pre>
 * Standard-format output ({@code -sfo}): exact attributes and GUID, data as one hex string:
 * <pre>
 * ShellCommand,"dmpstore"
 * VariableInfo,"HilTest","12345678-1234-5678-9ABC-DEF012345678","0x7","0x12","0102030405060708090A0B0C0D0E0F101112"
 * </pre>
 * Lines starting with {@code dmpstore: } (e.g. "No matching variables found") are messages and skipped.
 */
final class DmpstoreParser {

    private static final Pattern HEADER =
            Pattern.compile("Variable (\\S+) '([^:']+):(.*)' DataSize = 0x([0-9A-Fa-f]+)");
    /** Two spaces of indent, an 8-digit offset, a colon and a space, then the bytes. */
    private static final Pattern DUMP = Pattern.compile("\\s+([0-9A-Fa-f]{8}): (.*)");
    /** 16 bytes as "xx " with a '-' after the eighth, minus the trailing space. */
    private static final int HEX_COLUMN_WIDTH = 16 * 3 - 1;
    private static final int BYTES_PER_LINE = 16;
    private static final Pattern SFO = Pattern.compile(
            "VariableInfo,\"(.*)\",\"([0-9A-Fa-f-]{36})\",\"0x([0-9A-Fa-f]+)\",\"0x([0-9A-Fa-f]+)\",\"([0-9A-Fa-f]*)\"");
    private static final Pattern GUID = Pattern.compile(
            "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}");

    /** Names the Shell prints instead of a GUID, as seen on OVMF 2022.11 (cross-checked with {@code -sfo}). */
    private static final Map<String, String> GUID_NAMES = Map.of(
            "EFIGlobalVariable", "8BE4DF61-93CA-11D2-AA0D-00E098032B8C",
            "iSCSIInitiatorName", "59324945-EC44-4C0D-B1CD-9DB139DF070C");

    private static final Map<String, Integer> ATTRIBUTE_NAMES = Map.of(
            "NV", 0x1, "BS", 0x2, "RT", 0x4, "RS", 0x4, "HR", 0x8, "AW", 0x10, "AT", 0x20, "Invalid", 0x0);

    private DmpstoreParser() {
    }

    static List<DmpstoreEntry> parse(String output) {
        List<DmpstoreEntry> entries = new ArrayList<>();
        Block block = null;
        String[] lines = output.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = stripCr(lines[i]);
            int lineNumber = i + 1;
            Matcher dump = DUMP.matcher(line);
            if (block != null && dump.matches()) {
                block.add(dump.group(1), dump.group(2), lineNumber);
                continue;
            }
            if (block != null) {
                entries.add(block.finish());
                block = null;
            }
            if (line.isBlank() || line.startsWith("ShellCommand,") || line.startsWith("dmpstore: ")) {
                continue;
            }
            Matcher header = HEADER.matcher(line);
            Matcher sfo = SFO.matcher(line);
            if (header.matches()) {
                block = new Block(header.group(3), guid(header.group(2)), attributes(header.group(1), lineNumber),
                        Integer.parseInt(header.group(4), 16), lineNumber);
            } else if (sfo.matches()) {
                entries.add(sfoEntry(sfo, lineNumber));
            } else {
                throw new ShellParseException("dmpstore output line " + lineNumber + " is not a variable header, "
                        + "hex dump or message: \"" + line + "\"");
            }
        }
        if (block != null) {
            entries.add(block.finish());
        }
        return List.copyOf(entries);
    }

    private static DmpstoreEntry sfoEntry(Matcher sfo, int lineNumber) {
        int size = Integer.parseInt(sfo.group(4), 16);
        String hex = sfo.group(5);
        if (hex.length() != size * 2) {
            throw new ShellParseException("dmpstore -sfo line " + lineNumber + ": size 0x" + sfo.group(4)
                    + " but " + hex.length() / 2.0 + " bytes of data");
        }
        return new DmpstoreEntry(sfo.group(1), sfo.group(2).toUpperCase(Locale.ROOT),
                (int) Long.parseLong(sfo.group(3), 16), HexFormat.of().parseHex(hex));
    }

    private static String guid(String printed) {
        if (GUID.matcher(printed).matches()) {
            return printed.toUpperCase(Locale.ROOT);
        }
        return GUID_NAMES.getOrDefault(printed, printed);
    }

    private static int attributes(String printed, int lineNumber) {
        int bits = 0;
        for (String name : printed.split("\\+")) {
            Integer bit = ATTRIBUTE_NAMES.get(name);
            if (bit == null) {
                throw new ShellParseException("dmpstore output line " + lineNumber + ": unknown attribute '"
                        + name + "' in " + printed);
            }
            bits |= bit;
        }
        return bits;
    }

    private static String stripCr(String line) {
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    /** A plain-format variable being collected from its hex dump lines. */
    private static final class Block {
        private final String name;
        private final String guid;
        private final int attributes;
        private final int size;
        private final int headerLine;
        private final ByteArrayOutputStream data = new ByteArrayOutputStream();

        Block(String name, String guid, int attributes, int size, int headerLine) {
            this.name = name;
            this.guid = guid;
            this.attributes = attributes;
            this.size = size;
            this.headerLine = headerLine;
        }

        void add(String offsetHex, String rest, int lineNumber) {
            int offset = Integer.parseInt(offsetHex, 16);
            if (offset != data.size()) {
                throw new ShellParseException("dmpstore output line " + lineNumber + ": offset 0x" + offsetHex
                        + " but " + data.size() + " bytes so far (a line is missing)");
            }
            if (data.size() % BYTES_PER_LINE != 0) {
                throw new ShellParseException("dmpstore output line " + lineNumber
                        + ": a dump line follows a short line");
            }
            String hexColumn = rest.substring(0, Math.min(rest.length(), HEX_COLUMN_WIDTH)).trim();
            int count = 0;
            for (String token : hexColumn.split("[ -]+")) {
                if (!token.matches("[0-9A-Fa-f]{2}")) {
                    throw new ShellParseException("dmpstore output line " + lineNumber + ": '" + token
                            + "' is not a hex byte in \"" + rest + "\"");
                }
                data.write(Integer.parseInt(token, 16));
                count++;
            }
            if (count > BYTES_PER_LINE) {
                throw new ShellParseException("dmpstore output line " + lineNumber + ": more than 16 bytes");
            }
        }

        DmpstoreEntry finish() {
            if (data.size() != size) {
                throw new ShellParseException("dmpstore variable '" + name + "' (line " + headerLine
                        + "): DataSize 0x" + Integer.toHexString(size).toUpperCase(Locale.ROOT) + " but "
                        + data.size() + " bytes dumped (output truncated?)");
            }
            return new DmpstoreEntry(name, guid, attributes, data.toByteArray());
        }
    }
}
