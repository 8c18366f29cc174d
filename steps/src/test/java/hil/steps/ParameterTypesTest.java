package hil.steps;

import hil.simulator.uefi.EfiStatus;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ParameterTypesTest {

    private final ParameterTypes types = new ParameterTypes(new ScenarioState());

    @Test
    void attributeTokensCombineIntoBits() {
        assertEquals(0x07, types.attrs("NV|BS|RT"));
        assertEquals(0x47, types.attrs("NV|BS|RT|AP"));
        assertEquals(0x30, types.attrs("AW|AT"));
        assertEquals(0x08, types.attrs("HR"));
    }

    @Test
    void numericAttributesAreDecimalOrHex() {
        assertEquals(0, types.attrs("0"));
        assertEquals(7, types.attrs("7"));
        assertEquals(0x80, types.attrs("0x80"));
    }

    @Test
    void hexDataIgnoresSpaces() {
        assertArrayEquals(new byte[] {0, 1, (byte) 0xAB}, types.data("00 01 ab", null, null, null, null, null).bytes());
    }

    @Test
    void textDataIsUtf8() {
        assertArrayEquals(new byte[] {'a', 'b', (byte) 0xC3, (byte) 0xA9}, types.data(null, "abé", null, null, null, null).bytes());
    }

    @Test
    void filledAndSequentialDataHaveTheirLength() {
        assertArrayEquals(new byte[] {0x5A, 0x5A, 0x5A}, types.data(null, null, "3", "5A", null, null).bytes());
        assertArrayEquals(new byte[] {0, 1, 2, 3}, types.data(null, null, null, null, "4", null).bytes());
        assertEquals(0x400, types.data(null, null, "0x400", "00", null, null).bytes().length);
        assertEquals(0, types.data(null, null, null, null, null, "no data").bytes().length);
    }

    @Test
    void oddHexIsRefusedWithTheText() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> types.data("0 1 2", null, null, null, null, null));
        assertEquals("hex string has an odd number of digits: '0 1 2'", e.getMessage());
    }

    @Test
    void statusNamesFollowTheSpecification() {
        assertEquals(EfiStatus.NOT_FOUND, types.status("EFI_NOT_FOUND"));
        assertEquals(EfiStatus.SECURITY_VIOLATION, types.status("EFI_SECURITY_VIOLATION"));
        assertThrows(IllegalArgumentException.class, () -> types.status("EFI_NOPE"));
    }

    @Test
    void sizesAreDecimalOrHex() {
        assertEquals(10L, types.size("10"));
        assertEquals(0x400L, types.size("0x400"));
    }

    @Test
    void vendorAcceptsABareOrQuotedAlias() {
        assertEquals("TestVendor", types.vendor("TestVendor", null).token());
        assertEquals("TestVendor", types.vendor(null, "TestVendor").token());
    }
}
