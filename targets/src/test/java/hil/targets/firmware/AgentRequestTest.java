package hil.targets.firmware;

import hil.simulator.uefi.EfiGuid;
import hil.targets.firmware.AgentRequest.Op;
import hil.targets.firmware.AgentRequest.Pointer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentRequestTest {

    private static final EfiGuid VENDOR = EfiGuid.parse("12345678-1234-1234-1234-123456789ABC");
    private static final String G = "guid=12345678-1234-1234-1234-123456789abc";
    /** "Test" as UTF-16LE: T=5400 e=6500 s=7300 t=7400. */
    private static final String TEST = "name=5400650073007400";

    @Nested
    class GetVariable {

        @Test
        void rendersNameGuidSizeAndNonNullOutputPointers() {
            assertEquals("7 GET " + TEST + " " + G + " size=10 attrs=ptr data=ptr",
                    AgentRequest.getVariable("Test", VENDOR, 10).line(7));
        }

        @Test
        void passesNullDataAndAttributesPointersOnRequest() {
            assertEquals("8 GET " + TEST + " " + G + " size=0 attrs=null data=null",
                    AgentRequest.getVariable("Test", VENDOR, 0)
                            .withNull(Pointer.DATA).withNull(Pointer.ATTRIBUTES).line(8));
        }

        @Test
        void passesNullNameGuidAndSizePointersOnRequest() {
            assertEquals("9 GET name=null guid=null size=null attrs=ptr data=ptr",
                    AgentRequest.getVariable("Test", VENDOR, 4)
                            .withNull(Pointer.NAME).withNull(Pointer.GUID).withNull(Pointer.SIZE).line(9));
        }

        @Test
        void leavesTheOriginalRequestUnchangedWhenANullVariantIsMade() {
            AgentRequest plain = AgentRequest.getVariable("Test", VENDOR, 4);
            plain.withNull(Pointer.DATA);
            assertEquals("GET " + TEST + " " + G + " size=4 attrs=ptr data=ptr", plain.toString());
        }
    }

    @Nested
    class Communicate {

        /** A GET_PAYLOAD_SIZE message: header GUID, MessageLength 24, Function 11, ReturnStatus 0x5A.., 8 zero bytes. */
        private static byte[] payloadSize(int length) {
            byte[] b = new byte[length];
            EfiGuid.SMM_VARIABLE_PROTOCOL.write(b, 0);
            b[16] = 24;
            b[24] = 11;
            Arrays.fill(b, 32, 40, (byte) 0x5A);
            return b;
        }

        @Test
        void sendsTheBytesUpToTheLastNonZeroOneAndTheBufferLength() {
            assertEquals("3 COMM type=6 len=48 size=48 data=hex:33d532ede69909429cc02d72cdd998a7180000000000"
                            + "00000b000000000000005a5a5a5a5a5a5a5a",
                    AgentRequest.communicate(payloadSize(48), 48, 6).line(3));
        }

        @Test
        void sendsALargeZeroPaddedBufferInAFewCharacters() {
            String line = AgentRequest.communicate(payloadSize(262172), 262172, 10).line(1);
            assertTrue(line.startsWith("1 COMM type=10 len=262172 size=262172 data=hex:33d532ed"), line);
            assertTrue(line.length() < 200, line);
        }

        @Test
        void sendsAnAllZeroBufferAsEmptyData() {
            assertEquals("COMM type=4 len=30 size=23 data=hex:", AgentRequest.communicate(new byte[30], 23, 4).toString());
        }

        @Test
        void passesACommSizeSmallerThanTheBuffer() {
            assertTrue(AgentRequest.communicate(payloadSize(48), 23, 6).toString().contains(" size=23 "));
        }

        @Test
        void refusesACommSizeBeyondTheBufferThatMemoryCouldHold() {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> AgentRequest.communicate(payloadSize(48), 49, 6));
            assertTrue(e.getMessage().contains("CommSize 49 reaches beyond the 48-byte buffer"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> AgentRequest.communicate(payloadSize(48), AgentRequest.COMM_SIZE_OUTSIDE_MEMORY - 1, 6));
        }

        @Test
        void passesACommSizeNoMemoryCanHoldAsAnUnsignedDecimal() {
            assertTrue(AgentRequest.communicate(payloadSize(48), -1L, 6).toString()
                    .contains(" size=18446744073709551615 "));
            assertTrue(AgentRequest.communicate(payloadSize(48), 1L << 52, 6).toString()
                    .contains(" size=4503599627370496 "));
        }

        @Test
        void refusesABufferAboveTheAgentLimit() {
            byte[] big = new byte[(int) AgentRequest.MAX_BUFFER + 1];
            assertThrows(IllegalArgumentException.class, () -> AgentRequest.communicate(big, 24, 6));
        }
    }

    @Nested
    class Protocols {

        @Test
        void rendersRequestToLockWithTheNameAndGuid() {
            assertEquals("2 LOCKVAR " + TEST + " " + G, AgentRequest.requestToLock("Test", VENDOR).line(2));
        }

        @Test
        void rendersThePolicyEntryAsHex() {
            assertEquals("REGPOLICY entry=hex:00000100ff", AgentRequest.registerVariablePolicy(
                    new byte[] {0, 0, 1, 0, (byte) 0xff}).toString());
        }

        @Test
        void refusesAnEntryLargerThanItsSizeFieldCanDescribe() {
            assertThrows(IllegalArgumentException.class,
                    () -> AgentRequest.registerVariablePolicy(new byte[AgentRequest.MAX_POLICY_ENTRY + 1]));
        }

        @Test
        void rendersTheArgumentlessPolicyCalls() {
            assertEquals("LOCKPOLICY", AgentRequest.lockVariablePolicy().toString());
            assertEquals("DISABLEPOLICY", AgentRequest.disableVariablePolicy().toString());
            assertEquals("POLICYENABLED", AgentRequest.isVariablePolicyEnabled().toString());
        }

        @Test
        void haveNoPointerToPassAsNull() {
            assertThrows(IllegalArgumentException.class,
                    () -> AgentRequest.requestToLock("Test", VENDOR).withNull(Pointer.NAME));
        }
    }

    @Nested
    class OsLoader {

        @Test
        void passesTheMapKeyInHexOrAsksForTheCurrentOne() {
            assertEquals("4 EBS key=0x95b", AgentRequest.exitBootServices(0x95B).line(4));
            assertEquals("5 EBS key=current", AgentRequest.exitBootServicesWithCurrentKey().line(5));
            assertEquals("6 MEMMAP", AgentRequest.memoryMap().line(6));
        }

        @Test
        void givesTheMapsLayoutAndOffset() {
            assertEquals("7 SVAM descsize=32 version=1 offset=0xffff800000000000",
                    AgentRequest.setVirtualAddressMap(32, 1, 0xFFFF800000000000L).line(7));
        }

        @Test
        void refusesADescriptorSizeTheAgentWouldRefuse() {
            assertThrows(IllegalArgumentException.class, () -> AgentRequest.setVirtualAddressMap(0, 1, 0));
            assertThrows(IllegalArgumentException.class, () -> AgentRequest.setVirtualAddressMap(4097, 1, 0));
            assertThrows(IllegalArgumentException.class, () -> AgentRequest.setVirtualAddressMap(48, 1L << 32, 0));
        }
    }

    @Nested
    class Names {

        @Test
        void sendsTheEmptyNameAsAnEmptyValue() {
            assertEquals("1 NEXT name= " + G + " size=2", AgentRequest.getNextVariableName("", VENDOR, 2).line(1));
        }

        @Test
        @DisplayName("sends non-ASCII characters as little-endian code units: Ä = c400, € = ac20")
        void sendsNonAsciiAsLittleEndianCodeUnits() {
            assertEquals("c400ac20", AgentRequest.name("Ä€"));
        }

        @Test
        void sendsUnpairedSurrogatesAndEmbeddedNulsUnchanged() {
            assertEquals("00d841000000", AgentRequest.name("\uD800A\0"));
        }
    }

    @Nested
    class GetNextVariableName {

        @Test
        void rendersTheStartNameAndVariableNameSize() {
            assertEquals("3 NEXT " + TEST + " guid=8be4df61-93ca-11d2-aa0d-00e098032b8c size=1024",
                    AgentRequest.getNextVariableName("Test", EfiGuid.GLOBAL_VARIABLE, 1024).line(3));
        }

        @Test
        void refusesAPointerTheCallDoesNotHave() {
            AgentRequest next = AgentRequest.getNextVariableName("", VENDOR, 2);
            var e = assertThrows(IllegalArgumentException.class, () -> next.withNull(Pointer.DATA));
            assertTrue(e.getMessage().contains("NEXT has no DATA pointer"), e.getMessage());
        }
    }

    @Nested
    class SetVariableData {

        @Test
        void rendersEqualBytesAsAFill() {
            byte[] data = new byte[32768];
            Arrays.fill(data, (byte) 0xAA);
            assertEquals("2 SET " + TEST + " " + G + " attrs=0x7 size=32768 data=fill:32768:aa",
                    AgentRequest.setVariable("Test", VENDOR, 7, data).line(2));
        }

        @Test
        void rendersTheCountingPatternAsASequenceThatWrapsAt256() {
            byte[] data = new byte[300];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) i;
            }
            assertEquals("seq:300", AgentRequest.data(data));
        }

        @Test
        void rendersOtherBytesAsHex() {
            assertEquals("hex:0102ff", AgentRequest.data(new byte[] {1, 2, (byte) 0xFF}));
        }

        @Test
        void rendersNoBytesAsEmptyHex() {
            assertEquals("hex:", AgentRequest.data(new byte[0]));
        }

        @Test
        @DisplayName("prefers fill: for a single byte, which is also the start of the sequence")
        void prefersFillForASingleByte() {
            assertEquals("fill:1:00", AgentRequest.data(new byte[] {0}));
        }

        @Test
        void passesAnExplicitDataSizeWithANullDataPointer() {
            assertEquals("4 SET " + TEST + " " + G + " attrs=0x3 size=10 data=null",
                    AgentRequest.setVariable("Test", VENDOR, 3, 10, new byte[0]).withNull(Pointer.DATA).line(4));
        }

        @Test
        void rendersAttributesAsUnsignedHex() {
            assertEquals("5 SET " + TEST + " " + G + " attrs=0x80000047 size=1 data=fill:1:05",
                    AgentRequest.setVariable("Test", VENDOR, 0x80000047, new byte[] {5}).line(5));
        }
    }

    @Nested
    class OtherOperations {

        @Test
        void rendersQueryWithAndWithoutOutputPointers() {
            assertEquals("6 QUERY attrs=0x7", AgentRequest.queryVariableInfo(7).line(6));
            assertEquals("6 QUERY attrs=0x7 out=null",
                    AgentRequest.queryVariableInfo(7).withNull(Pointer.OUTPUTS).line(6));
        }

        @Test
        void rendersArgumentlessOperationsAsSeqAndOp() {
            assertEquals("10 PING", AgentRequest.ping().line(10));
            assertEquals("11 EXIT", AgentRequest.exit().line(11));
            assertEquals("12 RESET", AgentRequest.reset().line(12));
            assertEquals("13 SHUTDOWN", AgentRequest.shutdown().line(13));
            assertEquals(Op.SHUTDOWN, AgentRequest.shutdown().op());
        }
    }

    @Nested
    class Limits {

        @Test
        void refusesSizesTheAgentWouldRefuse() {
            assertThrows(IllegalArgumentException.class, () -> AgentRequest.getVariable("A", VENDOR, -1));
            assertThrows(IllegalArgumentException.class,
                    () -> AgentRequest.getVariable("A", VENDOR, AgentRequest.MAX_BUFFER + 1));
            AgentRequest.getVariable("A", VENDOR, AgentRequest.MAX_BUFFER);
        }

        @Test
        void refusesDataAboveTheAgentBuffer() {
            byte[] data = new byte[(int) AgentRequest.MAX_BUFFER + 1];
            assertThrows(IllegalArgumentException.class, () -> AgentRequest.setVariable("A", VENDOR, 7, data));
        }

        @Test
        void refusesALineLongerThanTheAgentReads() {
            byte[] random = new byte[140_000];
            new Random(1).nextBytes(random);
            AgentRequest set = AgentRequest.setVariable("A", VENDOR, 7, random);
            var e = assertThrows(IllegalArgumentException.class, () -> set.line(1));
            assertTrue(e.getMessage().contains("longer than the agent accepts (262144)"), e.getMessage());
        }

        @Test
        void acceptsAMegabyteOfDataWhenItRendersCompactly() {
            byte[] data = new byte[(int) AgentRequest.MAX_BUFFER];
            assertTrue(AgentRequest.setVariable("A", VENDOR, 7, data).line(1).endsWith("data=fill:1048576:00"));
        }

        @Test
        void refusesANegativeSequenceNumber() {
            assertThrows(IllegalArgumentException.class, () -> AgentRequest.ping().line(-1));
        }
    }
}
