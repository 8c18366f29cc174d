package hil.steps;

import hil.simulator.smm.CommLayout;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.Ucs2;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The hand-built buffers of the SMM steps, against the worked example of reference 7.1. */
class SmmMessagesTest {

    private static final EfiGuid VENDOR = EfiGuid.parse("12345678-1234-5678-9ABC-DEF012345678");

    @Test
    void aSetVariableBufferIsLaidOutAsTheDxeDriverLaysItOut() {
        byte[] b = SmmMessages.access(CommLayout.FN_SET_VARIABLE, Ucs2.encode("Test"), VENDOR, 10, 4, 7,
                new byte[] {1, 2, 3, 4});

        assertEquals(""
                + "33d532ede6990942" + "9cc02d72cdd998a7"   // HeaderGuid gEfiSmmVariableProtocolGuid
                + "4200000000000000"                        // MessageLength 16 + 36 + 10 + 4
                + "0300000000000000"                        // Function SET_VARIABLE
                + "5a5a5a5a5a5a5a5a"                        // ReturnStatus, as no handler writes it
                + "78563412341278569abcdef012345678"        // Guid
                + "0400000000000000"                        // DataSize
                + "0a00000000000000"                        // NameSize
                + "07000000"                                // Attributes NV|BS|RT
                + "5400650073007400" + "0000"               // L"Test"
                + "01020304", Bytes.hex(b));
    }

    @Test
    void aPolicyBufferCarriesThePackedTwentyByteHeader() {
        byte[] b = SmmMessages.policy(2, 1, 1);

        assertEquals(24 + 20 + 1, b.length);
        assertEquals("5643504301000000020000005a5a5a5a5a5a5a5a", Bytes.hex(b, 24, 20), "'VCPC', revision, command, Result");
    }

    @Test
    void aBufferIsPaddedToCommSizeOnlyUpToOneMebibyte() {
        byte[] m = SmmMessages.variable(EfiGuid.SMM_VARIABLE_PROTOCOL, 11, 8);

        assertEquals(100, SmmMessages.padded(m, 100).length);
        assertEquals(m.length, SmmMessages.padded(m, 20).length);
        assertEquals(m.length, SmmMessages.padded(m, 2L * 1024 * 1024).length);
        assertEquals(m.length, SmmMessages.padded(m, -1).length);
    }
}
