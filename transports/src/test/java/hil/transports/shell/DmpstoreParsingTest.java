package hil.transports.shell;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DmpstoreParsingTest {

    private static final String TEST_GUID = "12345678-1234-5678-9ABC-DEF012345678";
    private static final String GLOBAL = "8BE4DF61-93CA-11D2-AA0D-00E098032B8C";
    /** The Shell's own volatile variables, e.g. lasterror, which change between two dmpstore runs. */
    private static final String SHELL_VARIABLES = "158DEF5A-F656-419C-B027-7A3192C079D2";

    @Test
    void aPlainEntryIsReadFromHeaderAndHexDump() {
        String output = String.join("\n",
                // attributes NV+RT+BS, GUID:name, DataSize 0x12 = 18 bytes
                "Variable NV+RT+BS '12345678-1234-5678-9ABC-DEF012345678:HilTest' DataSize = 0x12",
                // offset 0, 16 bytes with a dash after the eighth, then the ASCII column
                "  00000000: 01 02 03 04 05 06 07 08-09 0A 0B 0C 0D 0E 0F 10  *................*",
                // offset 0x10, the last 2 bytes, padded to the ASCII column
                "  00000010: 11 12                                            *..*");

        List<DmpstoreEntry> entries = UefiShell.parseDmpstore(output);

        assertEquals(1, entries.size());
        DmpstoreEntry entry = entries.get(0);
        assertEquals("HilTest", entry.name());
        assertEquals(TEST_GUID, entry.guid());
        assertEquals(0x7, entry.attributes());
        assertArrayEquals(HexFormat.of().parseHex("0102030405060708090A0B0C0D0E0F101112"), entry.data());
    }

    @Test
    void anSfoEntryGivesExactAttributesAndTheGuid() {
        String output = "ShellCommand,\"dmpstore\"\n"
                // name, GUID, attributes, size, data
                + "VariableInfo,\"Lang\",\"8BE4DF61-93CA-11D2-AA0D-00E098032B8C\",\"0x7\",\"0x4\",\"656E6700\"\n";

        DmpstoreEntry entry = UefiShell.parseDmpstore(output).get(0);

        assertEquals(new DmpstoreEntry("Lang", GLOBAL, 0x7, new byte[] {'e', 'n', 'g', 0}), entry);
    }

    @Test
    void theRealPlainDumpOfAllVariablesParses() {
        Map<String, DmpstoreEntry> byName = byName(UefiShell.parseDmpstore(Fixtures.text("dmpstore-all.txt")));

        assertEquals(59, byName.size());
        assertEquals(GLOBAL, byName.get("Lang").guid(), "EFIGlobalVariable is printed by name");
        assertEquals("59324945-EC44-4C0D-B1CD-9DB139DF070C", byName.get("Attempt 8").guid());
        assertEquals(0x419, byName.get("Attempt 8").data().length);
        assertEquals(0x23, byName.get("VendorKeysNv").attributes(), "NV+BS+AT");
        assertEquals(0x6, byName.get("SecureBoot").attributes(), "RT+BS");
        assertEquals(0x2, byName.get("cd\\").attributes(), "a name ending in a backslash");
    }

    @Test
    void thePlainAndSfoDumpsOfTheSameStoreAgree() {
        Map<String, DmpstoreEntry> plain = byName(UefiShell.parseDmpstore(Fixtures.text("dmpstore-all.txt")));
        Map<String, DmpstoreEntry> sfo = byName(UefiShell.parseDmpstore(Fixtures.text("dmpstore-all-sfo.txt")));

        assertEquals(plain.keySet(), sfo.keySet());
        for (DmpstoreEntry entry : sfo.values()) {
            DmpstoreEntry other = plain.get(entry.name());
            assertEquals(entry.guid(), other.guid(), entry.name());
            assertEquals(entry.attributes(), other.attributes(), entry.name());
            if (!entry.guid().equals(SHELL_VARIABLES)) {
                assertArrayEquals(entry.data(), other.data(), entry.name());
            }
        }
    }

    @Test
    void aMissingDumpLineIsReported() {
        String output = "Variable NV+BS '12345678-1234-5678-9ABC-DEF012345678:X' DataSize = 0x20\n"
                + "  00000010: 00 00 00 00 00 00 00 00-00 00 00 00 00 00 00 00  *................*\n";

        ShellParseException e = assertThrows(ShellParseException.class, () -> UefiShell.parseDmpstore(output));

        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        assertTrue(e.getMessage().contains("a line is missing"), e.getMessage());
    }

    @Test
    void aDumpShorterThanItsDataSizeIsReported() {
        String output = "Variable NV+BS '12345678-1234-5678-9ABC-DEF012345678:X' DataSize = 0x03\n"
                + "  00000000: 00 01                                            *..*\n";

        ShellParseException e = assertThrows(ShellParseException.class, () -> UefiShell.parseDmpstore(output));

        assertTrue(e.getMessage().contains("DataSize 0x3 but 2 bytes"), e.getMessage());
    }

    @Test
    void anUnknownAttributeOrAnUnexpectedLineIsReportedWithItsLine() {
        assertThrows(ShellParseException.class, () -> UefiShell.parseDmpstore(
                "Variable NV+XX '12345678-1234-5678-9ABC-DEF012345678:X' DataSize = 0x01\n  00000000: 00  *.*"));
        ShellParseException e = assertThrows(ShellParseException.class,
                () -> UefiShell.parseDmpstore("\nsomething else"));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void anSfoLineWhoseDataDoesNotMatchItsSizeIsReported() {
        assertThrows(ShellParseException.class, () -> UefiShell.parseDmpstore(
                "VariableInfo,\"X\",\"12345678-1234-5678-9ABC-DEF012345678\",\"0x7\",\"0x4\",\"656E67\""));
    }

    @Test
    void theNoMatchMessageYieldsNoEntries() {
        assertEquals(List.of(), UefiShell.parseDmpstore("dmpstore: No matching variables found. Guid "
                + TEST_GUID + ", Name Nope"));
    }

    private static Map<String, DmpstoreEntry> byName(List<DmpstoreEntry> entries) {
        return entries.stream().collect(Collectors.toMap(DmpstoreEntry::name, Function.identity()));
    }
}
