package hil.transports.shell;

import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShellCommandsTest {

    private static final String GUID = "12345678-1234-5678-9ABC-DEF012345678";

    @Test
    void setvarWritesBareHexBytesAndOneFlagPerAttribute() {
        assertEquals("setvar HilTest -guid " + GUID + " -nv -bs -rt =0102",
                ShellCommands.setvar("HilTest", GUID, 0x7, new byte[] {1, 2}));
        assertEquals("setvar HilTest -guid " + GUID + " -bs =FF",
                ShellCommands.setvar("HilTest", GUID, 0x2, new byte[] {(byte) 0xFF}));
    }

    @Test
    void everyFlagTheBuilderWritesIsInTheRealShellsUsage() {
        Matcher usage = Pattern.compile("SETVAR variable-name (.*)").matcher(Fixtures.text("help-setvar-verbose.txt"));
        assertTrue(usage.find(), "usage line in the captured help");
        String line = ShellCommands.setvar("V", GUID, 0x7, new byte[] {1});

        for (String flag : new String[] {"-guid", "-nv", "-bs", "-rt"}) {
            assertTrue(line.contains(" " + flag), flag);
            assertTrue(usage.group(1).contains("[" + flag), flag + " in " + usage.group(1));
        }
        assertTrue(usage.group(1).contains("[=data]"));
    }

    @Test
    void setvarRefusesWhatTheShellCannotExpress() {
        assertThrows(IllegalArgumentException.class, () -> ShellCommands.setvar("V", GUID, 0x27, new byte[] {1}));
        assertThrows(IllegalArgumentException.class, () -> ShellCommands.setvar("V", GUID, 0x7, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> ShellCommands.setvar("V", "not-a-guid", 0x7,
                new byte[] {1}));
    }

    @Test
    void deletingIsAnEqualsSignWithoutData() {
        assertEquals("setvar HilTest -guid " + GUID + " =", ShellCommands.deleteVariable("HilTest", GUID));
    }

    @Test
    void dmpstoreAsksForTheStandardFormat() {
        assertEquals("dmpstore HilTest -guid " + GUID + " -sfo", ShellCommands.dmpstore("HilTest", GUID));
        assertEquals("dmpstore -guid " + GUID + " -sfo", ShellCommands.dmpstore(GUID));
    }

    @Test
    void dmpstoreRefusesNamesItWouldReadAsPatterns() {
        assertThrows(IllegalArgumentException.class, () -> ShellCommands.dmpstore("Boot*", GUID));
        assertThrows(IllegalArgumentException.class, () -> ShellCommands.dmpstore("Boot[01]", GUID));
    }

    @Test
    void argumentsAreEscapedAsTheRealShellReadsThem() {
        // Verified on OVMF: these created the variables "Hil B#c" and "Hil%x%y".
        assertEquals("\"Hil B^#c\"", ShellCommands.argument("Hil B#c"));
        assertEquals("Hil^%x^%y", ShellCommands.argument("Hil%x%y"));
        assertEquals("\"Hil ^\"q^\" ^<y^> ^|z ^^x\"", ShellCommands.argument("Hil \"q\" <y> |z ^x"));
    }

    @Test
    void argumentsThatCannotBeTypedAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ShellCommands.argument(""));
        assertThrows(IllegalArgumentException.class, () -> ShellCommands.argument("-nv"));
        assertThrows(IllegalArgumentException.class, () -> ShellCommands.argument("Grüße"));
        assertThrows(IllegalArgumentException.class, () -> ShellCommands.argument("tab\there"));
    }
}
