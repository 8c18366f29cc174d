package hil.simulator.uefi;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** EFI_GUID memory layout (reference section 0 and table 1.1). */
class EfiGuidTest {

    @Test
    void theSmmVariableProtocolGuidIsStoredWithLittleEndianData1To3() {
        assertEquals("33d532ede69909429cc02d72cdd998a7", Bytes.hex(EfiGuid.SMM_VARIABLE_PROTOCOL.toBytes()));
    }

    @Test
    void theSmmVariableWriteGuidIsStoredWithLittleEndianData1To3() {
        assertEquals("2618ba93fbdfdd4582a7e7dcaa3bbdf3", Bytes.hex(EfiGuid.SMM_VARIABLE_WRITE.toBytes()));
    }

    @Test
    void theRegistryFormatRoundTripsInUpperCase() {
        assertEquals("ED32D533-99E6-4209-9CC0-2D72CDD998A7",
                EfiGuid.parse("ed32d533-99e6-4209-9cc0-2d72cdd998a7").toString());
    }

    @Test
    void aMalformedGuidIsRejectedWithTheText() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EfiGuid.parse("ED32D533-99E6"));
        assertEquals(true, e.getMessage().contains("ED32D533-99E6"));
    }
}
