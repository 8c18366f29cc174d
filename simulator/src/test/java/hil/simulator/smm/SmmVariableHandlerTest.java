package hil.simulator.smm;

import hil.simulator.Machine;
import hil.simulator.Profile;
import hil.simulator.platform.SimulatedPlatform;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import hil.simulator.uefi.Ucs2;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;

import static hil.simulator.Machine.VENDOR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * SmmVariableHandler driven directly with hand-built messages (reference 2.3–2.5, 8.1–8.5): each buffer starts
 * with SMM_VARIABLE_COMMUNICATE_HEADER (Function @0, ReturnStatus @8), the payload follows at 16, and the size
 * passed is *CommBufferSize = 16 + P.
 */
class SmmVariableHandlerTest {

    /** A value no handler path writes, to tell "left untouched" from "wrote EFI_SUCCESS". */
    private static final long UNTOUCHED = 0x5A5A5A5A5A5A5A5AL;
    /** mVariableBufferPayloadSize of OVMF 4 MB: 0x8400 + 48 − 60 (reference 2.1). */
    private static final int P_MAX = 0x83F4;

    /** The reference's size tables are those of a build without TLS (payload 0x83F4). */
    private final Machine machine = new Machine(new SimulatedPlatform(Profile.OVMF_4M_NO_TLS.withBareStore()));
    private final SmmVariableHandler handler = new SmmVariableHandler(machine.platform().core());

    private static byte[] message(long function, int payload) {
        byte[] b = new byte[16 + payload];
        Bytes.put64(b, 0, function);
        Bytes.put64(b, 8, UNTOUCHED);
        return b;
    }

    /** ACCESS_VARIABLE message with explicit size fields; the name bytes and data are laid out from offset 52. */
    private static byte[] access(long function, int payload, long dataSize, long nameSize, int attributes,
                                 byte[] name, byte[] data) {
        byte[] b = message(function, payload);
        VENDOR.write(b, 16);
        Bytes.put64(b, 16 + 16, dataSize);
        Bytes.put64(b, 16 + 24, nameSize);
        Bytes.put32(b, 16 + 32, attributes & 0xFFFFFFFFL);
        System.arraycopy(name, 0, b, 52, name.length);
        System.arraycopy(data, 0, b, 52 + name.length, data.length);
        return b;
    }

    private static byte[] set(String name, byte[] data) {
        byte[] n = Ucs2.encode(name);
        return access(CommLayout.FN_SET_VARIABLE, 36 + n.length + data.length, data.length, n.length,
                Attributes.NV_BS_RT, n, data);
    }

    private EfiStatus handle(byte[] b) {
        long size = handler.handle(b, 0, b.length);
        assertEquals(b.length, size, "the handler leaves *CommBufferSize as it was");
        return returnStatus(b);
    }

    private static EfiStatus returnStatus(byte[] b) {
        long v = Bytes.u64(b, 8);
        return v == UNTOUCHED ? null : EfiStatus.fromValue(v).orElseThrow();
    }

    @ParameterizedTest(name = "{0}: payload size {1}")
    @CsvSource({"ovmf-4m-notls, 33780", "ovmf-4m, 262132", "ovmf-2m, 10228", "edk2-defaults, 1012"})
    void thePayloadSizeIsTheLargestVariablePlus48MinusTheHeaderAndGetPayloadSizeReportsIt(String profile, int expected) {
        SmmVariableHandler h = new SmmVariableHandler(
                new SimulatedPlatform(Profile.byName(profile).orElseThrow().withBareStore()).core());
        byte[] b = message(CommLayout.FN_GET_PAYLOAD_SIZE, 8);

        h.handle(b, 0, b.length);

        assertEquals(expected, h.payloadSize());
        assertEquals(EfiStatus.SUCCESS, returnStatus(b));
        assertEquals(expected, Bytes.u64(b, 16));
    }

    @Nested
    @DisplayName("silent drops (ReturnStatus left as the caller wrote it)")
    class SilentDrops {

        @Test
        void aCommBufferSizeBelowTheVariableHeaderIsDropped() {
            byte[] b = set("T", new byte[] {1});

            handler.handle(b, 0, 15);

            assertNull(returnStatus(b));
            assertNull(machine.value("T"));
        }

        @Test
        void aPayloadLargerThanThePayloadSizeIsDroppedEvenIfTheMessageIsValid() {
            byte[] b = Arrays.copyOf(set("T", new byte[] {1}), 16 + P_MAX + 1);
            Bytes.put64(b, 8, UNTOUCHED);

            assertNull(handle(b));
            assertNull(machine.value("T"));
        }

        @Test
        void aPayloadOfExactlyThePayloadSizeIsHandled() {
            byte[] b = Arrays.copyOf(set("T", new byte[] {1}), 16 + P_MAX);

            assertEquals(EfiStatus.SUCCESS, handle(b));
        }

        @ParameterizedTest(name = "function {0} with P = {1}")
        @CsvSource({"1, 35", "3, 35", "2, 23", "4, 31", "10, 47", "11, 7", "14, 31"})
        void aPayloadBelowTheFunctionsMinimumIsDropped(long function, int payload) {
            byte[] b = message(function, payload);

            assertNull(handle(b));
        }

        @Test
        void aSetVariableThatTheSmmCoreRejectsUnseenReadsBackAsSuccessThroughTheZeroedBuffer() {
            // DXE zero-fills the buffer (InitCommunicateBuffer); a 35-byte SET payload never reaches the core.
            byte[] memory = new byte[24 + 16 + 35];
            EfiGuid.SMM_VARIABLE_PROTOCOL.write(memory, 0);
            Bytes.put64(memory, 16, 16 + 35);
            Bytes.put64(memory, 24, CommLayout.FN_SET_VARIABLE);

            new SmmCommunication(handler).communicate(memory, 0, memory.length);

            assertEquals(EfiStatus.SUCCESS.value(), Bytes.u64(memory, 32));
        }
    }

    @Nested
    @DisplayName("ACCESS_DENIED for GET_VARIABLE and SET_VARIABLE payloads")
    class AccessChecks {

        @ParameterizedTest(name = "function {0}")
        @CsvSource({"1", "3"})
        void aDataSizeThatOverflowsIsAccessDenied(long function) {
            byte[] n = Ucs2.encode("T");
            byte[] b = access(function, 36 + 4, -10L, n.length, Attributes.NV_BS_RT, n, new byte[0]);

            assertEquals(EfiStatus.ACCESS_DENIED, handle(b));
        }

        @ParameterizedTest(name = "function {0}")
        @CsvSource({"1", "3"})
        void aNameSizeThatOverflowsTogetherWithDataSizeIsAccessDenied(long function) {
            byte[] n = Ucs2.encode("T");
            byte[] b = access(function, 36 + 4, 8, -20L, Attributes.NV_BS_RT, n, new byte[0]);

            assertEquals(EfiStatus.ACCESS_DENIED, handle(b));
        }

        @ParameterizedTest(name = "function {0}")
        @CsvSource({"1", "3"})
        void declaredSizesBeyondThePayloadAreAccessDenied(long function) {
            byte[] n = Ucs2.encode("T");
            byte[] b = access(function, 36 + 4 + 1, 2, n.length, Attributes.NV_BS_RT, n, new byte[] {1});

            assertEquals(EfiStatus.ACCESS_DENIED, handle(b));
        }

        @ParameterizedTest(name = "function {0}, NameSize {1}")
        @CsvSource({"1, 0", "1, 1", "3, 0", "3, 1"})
        void aNameShorterThanOneChar16IsAccessDenied(long function, long nameSize) {
            byte[] b = access(function, 36 + 4, 0, nameSize, Attributes.NV_BS_RT, new byte[4], new byte[0]);

            assertEquals(EfiStatus.ACCESS_DENIED, handle(b));
        }

        @ParameterizedTest(name = "function {0}")
        @CsvSource({"1", "3"})
        void aNameWhoseLastDeclaredChar16IsNotNulIsAccessDenied(long function) {
            byte[] name = {'A', 0, 'B', 0}; // NameSize 4, no terminator inside it
            byte[] b = access(function, 36 + 4 + 1, 1, 4, Attributes.NV_BS_RT, name, new byte[] {1});

            assertEquals(EfiStatus.ACCESS_DENIED, handle(b));
        }

        @Test
        void anEmbeddedNulBeforeTheDeclaredEndIsNotRejectedAndTheDataFollowsTheDeclaredName() {
            byte[] name = {'A', 0, 0, 0, 'B', 0, 0, 0}; // "A" NUL "B" NUL, NameSize 8
            byte[] b = access(CommLayout.FN_SET_VARIABLE, 36 + 8 + 1, 1, 8, Attributes.NV_BS_RT, name, new byte[] {7});

            assertEquals(EfiStatus.SUCCESS, handle(b));
            assertArrayEquals(new byte[] {7}, machine.value("A"));
        }
    }

    @Nested
    @DisplayName("GET_NEXT_VARIABLE_NAME checks")
    class GetNextChecks {

        private byte[] getNext(int payload, long nameSize, byte[] name) {
            byte[] b = message(CommLayout.FN_GET_NEXT_VARIABLE_NAME, payload);
            EfiGuid.ZERO.write(b, 16);
            Bytes.put64(b, 32, nameSize);
            System.arraycopy(name, 0, b, 40, name.length);
            return b;
        }

        @Test
        void theNulCheckLooksAtTheLastChar16OfTheWholeNameAreaNotAtNameSize() {
            machine.set("Test", Attributes.NV_BS_RT, new byte[] {1});
            byte[] b = getNext(24 + 20, 4, new byte[] {0, 0});
            b[b.length - 2] = 'X'; // garbage in the last CHAR16 of the 20-byte name area

            assertEquals(EfiStatus.ACCESS_DENIED, handle(b));
        }

        @Test
        void aZeroLastChar16PassesTheHandlerEvenWhenNameSizeCoversNoNul() {
            machine.set("Test", Attributes.NV_BS_RT, new byte[] {1});
            byte[] b = getNext(24 + 8, 4, new byte[] {'A', 0, 'B', 0}); // last CHAR16 of the 8-byte area is 0

            assertEquals(EfiStatus.INVALID_PARAMETER, handle(b), "rejected by the core's MaxLen rule instead");
        }

        @Test
        void aNameSizeBeyondThePayloadIsAccessDenied() {
            assertEquals(EfiStatus.ACCESS_DENIED, handle(getNext(24 + 4, 6, new byte[4])));
        }

        @Test
        void aNameAreaShorterThanOneChar16IsAccessDenied() {
            assertEquals(EfiStatus.ACCESS_DENIED, handle(getNext(24 + 1, 0, new byte[0])));
        }

        @Test
        void aGoodRequestReturnsTheFirstNameWithItsGuidInThePayload() {
            machine.set("Test", Attributes.NV_BS_RT, new byte[] {1});
            byte[] b = getNext(24 + 20, 20, new byte[2]);

            assertEquals(EfiStatus.SUCCESS, handle(b));
            assertEquals(VENDOR, EfiGuid.read(b, 16));
            assertEquals(10, Bytes.u64(b, 32));
            assertEquals("Test", Ucs2.decode(b, 40, 20));
        }
    }

    @Nested
    @DisplayName("phase messages")
    class Phases {

        @Test
        void lockVariableAfterEndOfDxeIsAccessDeniedWithoutAnyLengthValidation() {
            machine.platform().signalEndOfDxe();

            assertEquals(EfiStatus.ACCESS_DENIED, handle(message(CommLayout.FN_LOCK_VARIABLE, 0)));
        }

        @Test
        void lockVariableBeforeEndOfDxeSucceeds() {
            byte[] b = message(CommLayout.FN_LOCK_VARIABLE, 24 + 4);
            VENDOR.write(b, 16);
            Bytes.put64(b, 32, 4);
            System.arraycopy(Ucs2.encode("T"), 0, b, 40, 4);

            assertEquals(EfiStatus.SUCCESS, handle(b));
        }

        @Test
        void propertySetAfterEndOfDxeIsAccessDenied() {
            machine.platform().signalEndOfDxe();

            assertEquals(EfiStatus.ACCESS_DENIED, handle(message(CommLayout.FN_VAR_CHECK_PROPERTY_SET, 0)));
        }

        @Test
        void exitBootServiceIsAcceptedAnyTimeAndReadyToBootAfterItIsUnsupported() {
            assertEquals(EfiStatus.SUCCESS, handle(message(CommLayout.FN_EXIT_BOOT_SERVICE, 0)));
            assertEquals(EfiStatus.SUCCESS, handle(message(CommLayout.FN_EXIT_BOOT_SERVICE, 0)));

            assertEquals(EfiStatus.UNSUPPORTED, handle(message(CommLayout.FN_READY_TO_BOOT, 0)));
        }

        @Test
        void readyToBootAtBootTimeSucceeds() {
            assertEquals(EfiStatus.SUCCESS, handle(message(CommLayout.FN_READY_TO_BOOT, 0)));
        }

        @Test
        void readyToBootWithoutEndOfDxeRunsTheEndOfDxeStepsSoLocksAreRefusedAfterwards() {
            assertEquals(EfiStatus.SUCCESS, handle(message(CommLayout.FN_READY_TO_BOOT, 0)));

            assertEquals(EfiStatus.ACCESS_DENIED, handle(message(CommLayout.FN_LOCK_VARIABLE, 0)));
        }

        @Test
        void statisticsAreDisabledAndUnknownFunctionsAreUnsupported() {
            assertEquals(EfiStatus.UNSUPPORTED, handle(message(CommLayout.FN_GET_STATISTICS, 64)));
            assertEquals(EfiStatus.UNSUPPORTED, handle(message(99, 0)));
        }
    }

    @Nested
    @DisplayName("checks of the audit against reference 2.3 and 2.4")
    class Audit {

        @Test
        void aBufferThatRunsPastItsMemoryIsDroppedByTheHandlersOwnLocationCheck() {
            byte[] b = set("T", new byte[] {1});

            assertEquals(b.length + 1, handler.handle(b, 0, b.length + 1));
            assertNull(returnStatus(b));
            assertNull(machine.value("T"));
        }

        @Test
        void aCommBufferSizeAbove2To63IsDropped() {
            byte[] b = set("T", new byte[] {1});

            assertEquals(-1L, handler.handle(b, 0, -1L));
            assertNull(returnStatus(b));
        }

        @Test
        void propertySetWithAnEmptyNameIsInvalidParameter() {
            byte[] b = message(CommLayout.FN_VAR_CHECK_PROPERTY_SET, 48 + 2);
            Bytes.put16(b, 16 + 24, 1); // Revision 1; the name is a lone NUL

            assertEquals(EfiStatus.INVALID_PARAMETER, handle(b));
        }

        @Test
        void propertyGetWithAnEmptyNameIsInvalidParameter() {
            byte[] b = message(CommLayout.FN_VAR_CHECK_PROPERTY_GET, 48 + 2);
            Bytes.put64(b, 16 + 16, 2);

            assertEquals(EfiStatus.INVALID_PARAMETER, handle(b));
        }

        @Test
        @DisplayName("LOCK_VARIABLE reads its name up to the NUL without a length check; past the message it reads zeros")
        void lockVariableReadsItsNameUpToTheNulOrTheEndOfTheMessage() {
            byte[] b = message(CommLayout.FN_LOCK_VARIABLE, 24 + 4);
            VENDOR.write(b, 16);
            Bytes.put64(b, 32, 999); // NameSize is not looked at
            b[40] = 'A';
            b[42] = 'B';

            assertEquals(EfiStatus.SUCCESS, handle(b));
            assertEquals(VariablePolicyEntry.lockNow(VENDOR, "AB"),
                    machine.platform().core().varCheck().policy().policies().get(0));
        }

        @Test
        void getVariableCopiesBackTheWholePayloadEvenWhenTheVariableIsMissing() {
            byte[] n = Ucs2.encode("Missing");
            byte[] b = access(CommLayout.FN_GET_VARIABLE, 36 + n.length + 4, 4, n.length, 0x12345678, n,
                    new byte[] {9, 9, 9, 9});
            byte[] before = Arrays.copyOfRange(b, 16, b.length);

            assertEquals(EfiStatus.NOT_FOUND, handle(b));
            assertArrayEquals(before, Arrays.copyOfRange(b, 16, b.length), "DataSize and Attributes as sent");
        }
    }

    @Nested
    @DisplayName("the SMM size limit")
    class SizeLimit {

        @Test
        @DisplayName("name + data of MaxVariableSize − 60 = 33732 bytes passes SMM")
        void atTheSmmLimitTheWriteSucceeds() {
            assertEquals(EfiStatus.SUCCESS, handle(set("V", new byte[33732 - 4])));
        }

        @Test
        @DisplayName("name + data of 33744 bytes (full payload, 12 over the SMM limit) is INVALID_PARAMETER from SMM")
        void inTheTwelveByteGapSmmRejectsTheWrite() {
            byte[] b = set("V", new byte[33744 - 4]);
            assertEquals(16 + P_MAX, b.length, "the request fills the payload exactly");

            assertEquals(EfiStatus.INVALID_PARAMETER, handle(b));
            assertNull(machine.value("V"));
        }
    }

    @Test
    @DisplayName("GET_RUNTIME_CACHE_INFO reports no HOB store, the NV store Size, the volatile store Size and the auth format")
    void runtimeCacheInfo() {
        byte[] b = message(CommLayout.FN_GET_RUNTIME_CACHE_INFO, 32);

        assertEquals(EfiStatus.SUCCESS, handle(b));
        assertEquals(0, Bytes.u64(b, 16), "TotalHobStorageSize");
        assertEquals(0x3FFB8, Bytes.u64(b, 24), "TotalNvStorageSize");
        assertEquals(0x40000, Bytes.u64(b, 32), "TotalVolatileStorageSize");
        assertEquals(1, b[40], "AuthenticatedVariableUsage");
    }

    @Test
    void theRuntimeCacheCannotBeSetUpOrSyncedInTheSimulatedMemoryModel() {
        assertEquals(EfiStatus.ACCESS_DENIED, handle(message(CommLayout.FN_INIT_RUNTIME_CACHE_CONTEXT, 48)));
        assertEquals(EfiStatus.UNSUPPORTED, handle(message(CommLayout.FN_SYNC_RUNTIME_CACHE, 0)));
    }

    @Test
    void getVariableCopiesTheWholePayloadBackWhileSetVariableDoesNot() {
        machine.set("T", Attributes.NV_BS_RT, (byte) 1, (byte) 2);
        byte[] n = Ucs2.encode("T");
        byte[] get = access(CommLayout.FN_GET_VARIABLE, 36 + 4 + 6, 6, 4, 0, n, new byte[] {9, 9, 9, 9, 9, 9});
        byte[] set = access(CommLayout.FN_SET_VARIABLE, 36 + 4 + 2, 2, 4, Attributes.NV_BS_RT, n, new byte[] {3, 4});
        Bytes.put64(set, 16 + 16, 2);
        byte[] setPayloadBefore = Arrays.copyOfRange(set, 16, set.length);

        assertEquals(EfiStatus.SUCCESS, handle(get));
        assertEquals(EfiStatus.SUCCESS, handle(set));

        assertEquals(2, Bytes.u64(get, 32), "DataSize");
        assertEquals(Attributes.NV_BS_RT, Bytes.u32(get, 48), "Attributes");
        assertArrayEquals(new byte[] {1, 2, 9, 9, 9, 9}, Arrays.copyOfRange(get, 56, 62), "data, then the rest untouched");
        assertArrayEquals(setPayloadBefore, Arrays.copyOfRange(set, 16, set.length));
    }
}
