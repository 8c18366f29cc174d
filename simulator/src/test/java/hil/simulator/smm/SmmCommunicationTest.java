package hil.simulator.smm;

import hil.simulator.Machine;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import hil.simulator.uefi.Ucs2;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The SMM IPL/core transport (reference 1.8): what the handler receives and what Communicate returns. */
class SmmCommunicationTest {

    private final Machine machine = new Machine();
    private final SmmCommunication smm = new SmmCommunication(new SmmVariableHandler(machine.platform().core()));

    /** A v1/v2 buffer at {@code at} in {@code memory}: SetVariable("T", NV|BS|RT, {5}); returns its CommSize. */
    private static long writeSetMessage(byte[] memory, int at, long messageLength) {
        EfiGuid.SMM_VARIABLE_PROTOCOL.write(memory, at);
        Bytes.put64(memory, at + 16, messageLength);
        int v = at + CommLayout.MM_HEADER_SIZE;
        Bytes.put64(memory, v, CommLayout.FN_SET_VARIABLE);
        int p = v + CommLayout.VARIABLE_HEADER_SIZE;
        Machine.VENDOR.write(memory, p);
        Bytes.put64(memory, p + 16, 1);
        Bytes.put64(memory, p + 24, 4);
        Bytes.put32(memory, p + 32, Attributes.NV_BS_RT);
        System.arraycopy(Ucs2.encode("T"), 0, memory, p + 36, 4);
        memory[p + 40] = 5;
        return 24 + 16 + 41;
    }

    @Test
    void aMessageIsDispatchedToTheVariableHandlerAndCommSizeComesBackUnchanged() {
        byte[] memory = new byte[24 + 16 + 41];
        long commSize = writeSetMessage(memory, 0, 16 + 41);

        SmmCommunication.Result r = smm.communicate(memory, 0, commSize);

        assertEquals(new SmmCommunication.Result(EfiStatus.SUCCESS, commSize), r);
        assertEquals(0, Bytes.u64(memory, 32), "ReturnStatus EFI_SUCCESS");
        assertArrayEquals(new byte[] {5}, machine.value("T"));
    }

    @Test
    void theHandlerSizeComesFromCommSizeNotFromMessageLength() {
        byte[] memory = new byte[24 + 16 + 41];
        long commSize = writeSetMessage(memory, 0, 0); // MessageLength is informational when CommSize is given

        smm.communicate(memory, 0, commSize);

        assertArrayEquals(new byte[] {5}, machine.value("T"));
    }

    @Test
    void aBufferAnywhereInsideTheRegionIsAccepted() {
        byte[] memory = new byte[200];
        long commSize = writeSetMessage(memory, 100, 16 + 41);

        assertEquals(EfiStatus.SUCCESS, smm.communicate(memory, 100, commSize).status());
        assertArrayEquals(new byte[] {5}, machine.value("T"));
    }

    @Test
    void aCommSizeBelowTheHeaderIsInvalidParameter() {
        byte[] memory = new byte[24 + 16 + 41];
        writeSetMessage(memory, 0, 16 + 41);

        assertEquals(EfiStatus.INVALID_PARAMETER, smm.communicate(memory, 0, 23).status());
        assertEquals(EfiStatus.INVALID_PARAMETER, smm.communicate(null, 0, 100).status());
        assertNull(machine.value("T"));
    }

    @Test
    void aBufferRunningMoreThanTheHeaderPastItsMemoryIsAccessDeniedAndNoHandlerRunsSoReturnStatusStaysZero() {
        byte[] memory = new byte[24 + 16 + 41];
        long commSize = writeSetMessage(memory, 0, 16 + 41);

        SmmCommunication.Result r = smm.communicate(memory, 0, commSize + 25);

        assertEquals(new SmmCommunication.Result(EfiStatus.ACCESS_DENIED, commSize + 25), r);
        assertEquals(0, Bytes.u64(memory, 32), "the zeroed ReturnStatus a DXE caller reads as EFI_SUCCESS");
        assertNull(machine.value("T"));
    }

    @Test
    @DisplayName("the 2022.11 core validates CommSize − 24 bytes, so a buffer up to 24 bytes too long reaches the "
            + "handler, which drops it silently")
    void aBufferRunningUpTo24BytesPastItsMemoryIsDroppedByTheHandler() {
        byte[] memory = new byte[24 + 16 + 41];
        long commSize = writeSetMessage(memory, 0, 16 + 41);
        Bytes.put64(memory, 32, 0x5A5A5A5A5A5A5A5AL);

        SmmCommunication.Result r = smm.communicate(memory, 0, commSize + 24);

        assertEquals(new SmmCommunication.Result(EfiStatus.SUCCESS, commSize + 24), r);
        assertEquals(0x5A5A5A5A5A5A5A5AL, Bytes.u64(memory, 32), "ReturnStatus untouched");
        assertNull(machine.value("T"));
    }

    @Test
    void aCommSizeAbove2To63IsAccessDeniedNotInvalidParameter() {
        byte[] memory = new byte[24 + 16 + 41];
        writeSetMessage(memory, 0, 16 + 41);

        assertEquals(EfiStatus.ACCESS_DENIED, smm.communicate(memory, 0, -1L).status());
        assertEquals(EfiStatus.ACCESS_DENIED, smm.communicate(memory, 0, Long.MIN_VALUE).status());
    }

    @Test
    void aHeaderThatDoesNotFitTheMemoryIsAccessDenied() {
        byte[] memory = new byte[30];

        assertEquals(EfiStatus.ACCESS_DENIED, smm.communicate(memory, 10, 24).status());
    }

    @Test
    void aHeaderGuidWithoutAHandlerIsNotFound() {
        byte[] memory = new byte[24 + 16 + 41];
        long commSize = writeSetMessage(memory, 0, 16 + 41);
        EfiGuid.SMM_VARIABLE_WRITE.write(memory, 0);

        assertEquals(EfiStatus.NOT_FOUND, smm.communicate(memory, 0, commSize).status());
        assertNull(machine.value("T"));
    }
}
