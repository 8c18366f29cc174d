package hil.simulator.smm;

import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The data formats VarCheckUefiLib checks (reference 3.7.2), byte by byte. */
class UefiDefinedVariablesTest {

    private static EfiStatus check(String name, String hex) {
        UefiDefinedVariables.Entry e = UefiDefinedVariables.formatEntry(name, EfiGuid.GLOBAL_VARIABLE);
        return UefiDefinedVariables.checkFormat(e, Bytes.fromHex(hex.replace(" ", "")));
    }

    @Test
    void devicePathsEndWithOneEndEntireNodeInsideTheData() {
        assertTrue(UefiDefinedVariables.isDevicePathValid(Bytes.fromHex("7FFF0400"), 0, 4));
        assertTrue(UefiDefinedVariables.isDevicePathValid(Bytes.fromHex("010106000000" + "7FFF0400"), 0, 10));
        assertFalse(UefiDefinedVariables.isDevicePathValid(Bytes.fromHex("7FFF0500"), 0, 4), "end node of 5 bytes");
        assertFalse(UefiDefinedVariables.isDevicePathValid(Bytes.fromHex("01010300" + "7FFF0400"), 0, 8), "node under 4 bytes");
        assertFalse(UefiDefinedVariables.isDevicePathValid(Bytes.fromHex("01010400"), 0, 4), "no room for the end node");
        assertTrue(UefiDefinedVariables.isDevicePathValid(Bytes.fromHex("7F010400" + "7FFF0400"), 0, 8),
                "an End Instance node is an ordinary node before the End Entire node");
        assertFalse(UefiDefinedVariables.isDevicePathValid(Bytes.fromHex("0404080041004200" + "7FFF0400"), 0, 12),
                "a file path whose text does not end in NUL");
        assertTrue(UefiDefinedVariables.isDevicePathValid(Bytes.fromHex("0404080041000000" + "7FFF0400"), 0, 12));
    }

    @Test
    void loadOptionsNeedATerminatedDescriptionAndAFilePathListInsideTheData() {
        assertEquals(EfiStatus.SUCCESS, check("Boot0001", "01000000 0400 4100 0000 7FFF0400"));
        assertEquals(EfiStatus.SUCCESS, check("Boot0001", "01000000 0400 0000 7FFF0400 DEADBEEF"),
                "an empty description and optional data after the file path list");
        assertEquals(EfiStatus.INVALID_PARAMETER, check("Boot0001", "01000000 0400 4100 7FFF0400"));
        assertEquals(EfiStatus.INVALID_PARAMETER, check("Boot0001", "01000000 0800 4100 0000 7FFF0400"));
        assertEquals(EfiStatus.INVALID_PARAMETER, check("Boot0001", "01000000 0200 4100 0000 7FFF"),
                "a file path list under one node");
        assertEquals(EfiStatus.INVALID_PARAMETER, check("Boot0001", "01000000 0400 4100 00"),
                "the NUL only half there");
    }

    @Test
    void otherFormats() {
        assertEquals(EfiStatus.SUCCESS, check("Lang", "656E6700"));
        assertEquals(EfiStatus.SUCCESS, check("Lang", "00656E67"), "a NUL anywhere ends an ASCII string");
        assertEquals(EfiStatus.INVALID_PARAMETER, check("Lang", "656E67"));
        assertEquals(EfiStatus.SUCCESS, check("BootOrder", "0000 0100"));
        assertEquals(EfiStatus.INVALID_PARAMETER, check("BootOrder", "000001"));
        assertEquals(EfiStatus.SUCCESS, check("Key0001", "00".repeat(14)));
        assertEquals(EfiStatus.INVALID_PARAMETER, check("Key0001", "00".repeat(12)));
        assertEquals(EfiStatus.SUCCESS, check("Timeout", "0500"));
    }

    @Test
    void onlyGlobalNamesHaveFormatsAndExactNamesComeFirst() {
        assertNull(UefiDefinedVariables.formatEntry("Boot0001", EfiGuid.HARDWARE_ERROR_VARIABLE));
        assertNull(UefiDefinedVariables.formatEntry("HilTest", EfiGuid.GLOBAL_VARIABLE));
        assertEquals("BootOrder", UefiDefinedVariables.formatEntry("BootOrder", EfiGuid.GLOBAL_VARIABLE).name());
        assertEquals("Boot####", UefiDefinedVariables.formatEntry("BootABCD", EfiGuid.GLOBAL_VARIABLE).name());
        assertFalse(UefiDefinedVariables.matchesNumbered("Boot\u0661234", "Boot####"), "only ASCII hex digits");
    }
}
