package hil.simulator.uefi;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** x64 EFI_STATUS values (reference 3.1). */
class EfiStatusTest {

    @Test
    void errorsHaveBit63Set() {
        assertEquals(0x8000000000000002L, EfiStatus.INVALID_PARAMETER.value());
        assertEquals(0x8000000000000005L, EfiStatus.BUFFER_TOO_SMALL.value());
        assertEquals(0x800000000000000EL, EfiStatus.NOT_FOUND.value());
        assertEquals(0x800000000000000FL, EfiStatus.ACCESS_DENIED.value());
        assertEquals(0x800000000000001AL, EfiStatus.SECURITY_VIOLATION.value());
        assertTrue(EfiStatus.WRITE_PROTECTED.isError());
    }

    @Test
    void piCodesAlsoHaveBit61Set() {
        assertEquals(0xA000000000000002L, EfiStatus.NOT_AVAILABLE_YET.value());
        assertTrue(EfiStatus.NOT_AVAILABLE_YET.isError());
    }

    @Test
    void successAndWarningsAreNotErrors() {
        assertEquals(0, EfiStatus.SUCCESS.value());
        assertFalse(EfiStatus.SUCCESS.isError());
        assertFalse(EfiStatus.WARN_RESET_REQUIRED.isError());
    }

    @Test
    void unknownValuesAreDescribedInHex() {
        assertEquals("EFI_NOT_FOUND", EfiStatus.describe(0x800000000000000EL));
        assertEquals("0x8000000000000063", EfiStatus.describe(0x8000000000000063L));
    }
}
