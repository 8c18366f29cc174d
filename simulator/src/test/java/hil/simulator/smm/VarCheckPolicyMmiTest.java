package hil.simulator.smm;

import hil.simulator.Machine;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static hil.simulator.Machine.VENDOR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Hand-built messages to the VarCheckPolicy MMI handler (reference 5.5; VAR_CHECK_POLICY_COMM_HEADER is packed: 20
 * bytes, Result @12). Buffers start with the 24-byte MM header; the policy header follows at 24.
 */
class VarCheckPolicyMmiTest {

    private static final long UNTOUCHED = 0x5A5A5A5A5A5A5A5AL;
    private static final int RESULT = 24 + 12;
    private static final int PARAMS = 24 + 20;

    private final Machine machine = new Machine();
    private final SmmCommunication smm = new SmmCommunication(new SmmVariableHandler(machine.platform().core()));

    /** A message with {@code params} parameter bytes; CommSize is the whole buffer. */
    private static byte[] message(int command, int params) {
        byte[] b = new byte[PARAMS + params];
        VarCheckPolicyMmi.HANDLER_GUID.write(b, 0);
        Bytes.put64(b, 16, b.length - 24);
        Bytes.put32(b, 24, VarCheckPolicyMmi.SIGNATURE);
        Bytes.put32(b, 28, VarCheckPolicyMmi.REVISION);
        Bytes.put32(b, 32, command);
        Bytes.put64(b, RESULT, UNTOUCHED);
        return b;
    }

    private EfiStatus send(byte[] b) {
        SmmCommunication.Result r = smm.communicate(b, 0, b.length);
        assertEquals(EfiStatus.SUCCESS, r.status(), "Communicate");
        return EfiStatus.fromValue(Bytes.u64(b, RESULT)).orElseThrow();
    }

    @Test
    void theSignatureIsVcpcInLittleEndianOrder() {
        byte[] b = message(VarCheckPolicyMmi.COMMAND_LOCK, 0);
        assertArrayEquals(new byte[] {'V', 'C', 'P', 'C'}, Arrays.copyOfRange(b, 24, 28));
    }

    @Test
    void aWrongSignatureOrRevisionIsAnsweredWithInvalidParameter() {
        byte[] sig = message(VarCheckPolicyMmi.COMMAND_LOCK, 0);
        sig[24] = 'X';
        byte[] rev = message(VarCheckPolicyMmi.COMMAND_LOCK, 0);
        Bytes.put32(rev, 28, 2);

        assertEquals(EfiStatus.INVALID_PARAMETER, send(sig));
        assertEquals(EfiStatus.INVALID_PARAMETER, send(rev));
        assertEquals(EfiStatus.SUCCESS, send(message(VarCheckPolicyMmi.COMMAND_LOCK, 0)), "nothing was locked before");
    }

    @ParameterizedTest(name = "CommBufferSize {0}")
    @ValueSource(ints = {0, 19, 16385})
    @DisplayName("a buffer shorter than the header or larger than 16 KiB makes the handler fail: Communicate says NOT_FOUND")
    void aBadSizeFailsTheHandler(int size) {
        byte[] b = Arrays.copyOf(message(VarCheckPolicyMmi.COMMAND_LOCK, 0), Math.max(24 + size, PARAMS));
        Bytes.put64(b, RESULT, UNTOUCHED);

        SmmCommunication.Result r = smm.communicate(b, 0, 24 + size);

        assertEquals(EfiStatus.NOT_FOUND, r.status());
        assertEquals(UNTOUCHED, Bytes.u64(b, RESULT), "Result untouched");
    }

    @Test
    void isEnabledWritesTheStateByteAndNeedsRoomForIt() {
        byte[] b = message(VarCheckPolicyMmi.COMMAND_IS_ENABLED, 1);

        assertEquals(EfiStatus.SUCCESS, send(b));
        assertEquals(1, b[PARAMS]);
        assertEquals(EfiStatus.INVALID_PARAMETER, send(message(VarCheckPolicyMmi.COMMAND_IS_ENABLED, 0)));
    }

    @Test
    void registerNeedsTheFixedPartAndTheWholeEntryInsideTheBuffer() {
        byte[] entry = VariablePolicyEntry.lockNow(VENDOR, "Ab").encode();
        byte[] ok = message(VarCheckPolicyMmi.COMMAND_REGISTER, entry.length);
        System.arraycopy(entry, 0, ok, PARAMS, entry.length);
        byte[] cut = Arrays.copyOf(ok, ok.length - 1);

        assertEquals(EfiStatus.INVALID_PARAMETER, send(message(VarCheckPolicyMmi.COMMAND_REGISTER, 43)));
        assertEquals(EfiStatus.INVALID_PARAMETER, send(cut), "Size runs past the buffer");
        assertEquals(EfiStatus.SUCCESS, send(ok));
        assertEquals(EfiStatus.ALREADY_STARTED, send(ok));
    }

    @Test
    void disableIsWriteProtectedAndLockWorksOnce() {
        assertEquals(EfiStatus.WRITE_PROTECTED, send(message(VarCheckPolicyMmi.COMMAND_DISABLE, 0)));
        assertEquals(EfiStatus.SUCCESS, send(message(VarCheckPolicyMmi.COMMAND_LOCK, 0)));
        assertEquals(EfiStatus.WRITE_PROTECTED, send(message(VarCheckPolicyMmi.COMMAND_LOCK, 0)));
    }

    @ParameterizedTest(name = "command {0}")
    @ValueSource(ints = {0, 6, 7, 8, -1})
    @DisplayName("GET_INFO (6) and GET_LOCK_VAR_STATE_INFO (7) are unknown to edk2 2022.11, like any other number")
    void unknownCommandsAreUnsupported(int command) {
        assertEquals(EfiStatus.UNSUPPORTED, send(message(command, 64)));
    }

    private byte[] dumpPage(long page) {
        byte[] b = message(VarCheckPolicyMmi.COMMAND_DUMP, VarCheckPolicyMmi.DUMP_PARAMS_SIZE + VarCheckPolicyMmi.DUMP_BUFFER_SIZE);
        Bytes.put32(b, PARAMS, page);
        return b;
    }

    @Test
    void theDumpNeedsTheWholeSixteenKibBuffer() {
        assertEquals(16384, dumpPage(0).length);
        byte[] short1 = Arrays.copyOf(dumpPage(0), 16383);

        assertEquals(EfiStatus.INVALID_PARAMETER, send(short1));
    }

    @Test
    void dumpPageZeroReportsTheSizeThenPageOneCarriesTheTable() {
        byte[] entry = VariablePolicyEntry.lockNow(VENDOR, "Ab").encode();
        machine.platform().core().varCheck().policy().register(entry, 0, entry.length);

        byte[] first = dumpPage(0);
        assertEquals(EfiStatus.SUCCESS, send(first));
        assertEquals(entry.length, Bytes.u32(first, PARAMS + 4), "TotalSize");
        assertEquals(1, first[PARAMS + 12], "HasMore");

        byte[] second = dumpPage(1);
        assertEquals(EfiStatus.SUCCESS, send(second));
        assertEquals(entry.length, Bytes.u32(second, PARAMS + 8), "PageSize");
        assertEquals(0, second[PARAMS + 12], "HasMore");
        assertArrayEquals(entry, Arrays.copyOfRange(second, PARAMS + 13, PARAMS + 13 + entry.length));

        assertEquals(EfiStatus.TIMEOUT, send(dumpPage(1)), "the capture ended with the last page");
    }

    @Test
    void anotherCommandBetweenPagesEndsTheCaptureAndTheNextPageTimesOut() {
        machine.platform().core().varCheck().policy().register(VariablePolicyEntry.lockNow(VENDOR, "A"));
        send(dumpPage(0));

        send(message(VarCheckPolicyMmi.COMMAND_IS_ENABLED, 1));

        assertEquals(EfiStatus.TIMEOUT, send(dumpPage(1)));
    }

    @Test
    void aPagePastTheEndIsInvalidParameter() {
        machine.platform().core().varCheck().policy().register(VariablePolicyEntry.lockNow(VENDOR, "A"));
        send(dumpPage(0));

        assertEquals(EfiStatus.INVALID_PARAMETER, send(dumpPage(2)));
    }

    @Test
    void anEmptyTableDumpsAsNothingWithoutACapture() {
        byte[] first = dumpPage(0);
        assertEquals(EfiStatus.SUCCESS, send(first));
        assertEquals(0, Bytes.u32(first, PARAMS + 4));
        assertEquals(0, first[PARAMS + 12]);
    }

    @Test
    void theHandlerIsReachedOnlyUnderItsOwnGuid() {
        byte[] b = message(VarCheckPolicyMmi.COMMAND_LOCK, 0);
        EfiGuid.ZERO.write(b, 0);

        assertEquals(EfiStatus.NOT_FOUND, smm.communicate(b, 0, b.length).status());
        assertEquals(UNTOUCHED, Bytes.u64(b, RESULT));
    }
}
