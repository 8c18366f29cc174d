package hil.targets.firmware;

import hil.simulator.uefi.EfiGuid;
import hil.targets.HilException;
import hil.targets.firmware.AgentRequest.Op;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Golden lines are replies recorded from the agent on Debian OVMF 2022.11. */
class AgentReplyTest {

    @Nested
    class Calls {

        @Test
        void readsATooSmallGetWithTheRequiredSizeAndAttributes() {
            // BUFFER_TOO_SMALL (5 with bit 63), DataSize 10, Attributes NV|BS
            AgentReply r = AgentReply.parse("@HIL 10 GET status=0x8000000000000005 size=10 attrs=0x3\r\n");
            assertEquals(10, r.seq());
            assertEquals("GET", r.op());
            assertEquals(0x8000000000000005L, r.status());
            assertEquals(10, r.decimal("size"));
            assertEquals(3, r.hex("attrs"));
            assertFalse(r.has("data"));
            assertFalse(r.isError());
        }

        @Test
        void readsTheDataOfASuccessfulGet() {
            AgentReply r = AgentReply.parse(
                    "@HIL 11 GET status=0x0000000000000000 size=10 attrs=0x3 data=00010203040506070809");
            assertEquals(0, r.status());
            assertArrayEquals(new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, r.bytes("data"));
            assertEquals(List.of("size", "attrs", "data"), List.copyOf(r.values().keySet()));
        }

        @Test
        void readsTheNameAndGuidOfASuccessfulNext() {
            AgentReply r = AgentReply.parse("@HIL 26 NEXT status=0x0000000000000000 size=20 "
                    + "name=530065007400750070004d006f0064006500 guid=8be4df61-93ca-11d2-aa0d-00e098032b8c");
            assertEquals("SetupMode", r.utf16("name"));
            assertEquals(EfiGuid.GLOBAL_VARIABLE, r.guid("guid"));
            assertEquals(20, r.decimal("size"));
        }

        @Test
        void readsTheThreeFiguresOfQuery() {
            AgentReply r = AgentReply.parse(
                    "@HIL 98 QUERY status=0x0000000000000000 max=262044 remaining=250740 maxvar=33732");
            assertEquals(262044, r.decimal("max"));
            assertEquals(250740, r.decimal("remaining"));
            assertEquals(33732, r.decimal("maxvar"));
        }

        @Test
        void tellsANullSizePointerFromAValue() {
            AgentReply r = AgentReply.parse("@HIL 14 GET status=0x8000000000000002 size=null attrs=0x0");
            assertTrue(r.isNull("size"));
            assertFalse(r.isNull("attrs"));
        }

        @Test
        void keepsAll64BitsOfTheStatusAndSequence() {
            AgentReply r = AgentReply.parse("@HIL 18446744073709551615 SET status=0xFFFFFFFFFFFFFFFF");
            assertEquals(-1L, r.status());
            assertEquals(-1L, r.seq());
        }

        @Test
        void answersItsOwnSequenceNumberAndOperationOnly() {
            AgentReply r = AgentReply.parse("@HIL 7 SET status=0x0000000000000000");
            assertTrue(r.answers(7, Op.SET));
            assertFalse(r.answers(8, Op.SET));
            assertFalse(r.answers(7, Op.GET));
        }

        @Test
        void keepsAnEmptyValue() {
            assertEquals("", AgentReply.parse("@HIL 3 NEXT status=0x0000000000000000 size=2 name=").value("name"));
        }
    }

    @Nested
    class Refusals {

        @Test
        void readsTheReasonOfAnError() {
            AgentReply r = AgentReply.parse("@HIL 109 ERROR reason=bad-value:name");
            assertTrue(r.isError());
            assertEquals("bad-value:name", r.errorReason());
            assertTrue(r.answers(109, Op.GET));
            assertThrows(IllegalStateException.class, r::status);
        }

        @Test
        void acceptsSequenceZeroForAnUnparsableRequest() {
            assertEquals(0, AgentReply.parse("@HIL 0 ERROR reason=bad-seq").seq());
        }

        @Test
        void hasNoReasonOnASuccessfulCall() {
            assertThrows(IllegalStateException.class,
                    () -> AgentReply.parse("@HIL 1 PING status=0x0000000000000000 version=1").errorReason());
        }
    }

    @Nested
    class Communicate {

        @Test
        void rebuildsTheWholeBufferFromItsNonZeroStartAndLength() {
            AgentReply r = AgentReply.parse("@HIL 4 COMM status=0x0000000000000000 size=48 len=48 data=0b00ff");
            byte[] expected = new byte[48];
            expected[0] = 0x0b;
            expected[2] = (byte) 0xff;
            assertArrayEquals(expected, r.commBuffer());
            assertEquals(48, r.decimal("size"));
        }

        @Test
        void readsAnAllZeroBufferFromAnEmptyData() {
            AgentReply r = AgentReply.parse("@HIL 5 COMM status=0x800000000000000f size=48 len=3 data=");
            assertArrayEquals(new byte[3], r.commBuffer());
            assertEquals(0x800000000000000fL, r.status());
        }

        @Test
        void keepsACommSizeAbove2To63() {
            AgentReply r = AgentReply.parse("@HIL 6 COMM status=0x8000000000000002 size=18446744073709551615 len=0"
                    + " data=");
            assertEquals(-1L, r.decimal("size"));
        }

        @Test
        void refusesDataLongerThanTheBuffer() {
            AgentReply r = AgentReply.parse("@HIL 7 COMM status=0x0000000000000000 size=2 len=2 data=010203");
            var e = assertThrows(AgentProtocolException.class, r::commBuffer);
            assertTrue(e.getMessage().contains("does not fit len=2"), e.getMessage());
        }

        @Test
        void refusesALengthAboveTheAgentBuffer() {
            AgentReply r = AgentReply.parse("@HIL 8 COMM status=0x0000000000000000 size=2 len=1048577 data=01");
            assertThrows(AgentProtocolException.class, r::commBuffer);
        }

        @Test
        void readsThePolicyState() {
            AgentReply r = AgentReply.parse("@HIL 9 POLICYENABLED status=0x0000000000000000 state=1");
            assertEquals(1, r.decimal("state"));
            assertTrue(r.answers(9, AgentRequest.Op.POLICYENABLED));
        }
    }

    @Nested
    class Ready {

        @Test
        void recognisesTheReadyLineOfThisVersion() {
            assertTrue(AgentReply.isReady("@HIL READY 3\r"));
            assertFalse(AgentReply.isReady("@HIL 1 PING status=0x0000000000000000 version=1"));
            assertFalse(AgentReply.isReady("Shell> fs0:\\hilagent.efi"));
        }

        @Test
        void refusesAReadyLineOfAnotherVersion() {
            var e = assertThrows(AgentProtocolException.class, () -> AgentReply.isReady("@HIL READY 2"));
            assertTrue(e.getMessage().contains("protocol version 2"), e.getMessage());
        }
    }

    @Nested
    class MalformedLines {

        @ParameterizedTest
        @ValueSource(strings = {
                "",
                "HIL 1 PING status=0x0000000000000000",
                "@HIL READY 2",
                "@HIL x PING status=0x0000000000000000",
                "@HIL 1 ping status=0x0000000000000000",
                "@HIL 1 PING",
                "@HIL 1 PING status=0x0",
                "@HIL 1 PING status=0000000000000000",
                "@HIL 1 PING status=0x0000000000000000 version",
                "@HIL 1 PING status=0x0000000000000000 =1",
                "@HIL 1 PING status=0x0000000000000000 Version=1",
                "@HIL 1 PING status=0x0000000000000000  version=1",
                "@HIL 1 PING status=0x0000000000000000 version=1 ",
                "@HIL 1 GET status=0x0000000000000000 size=1 size=2",
                "@HIL 1 ERROR",
                "@HIL 1 ERROR because",
                "@HIL 99999999999999999999 PING status=0x0000000000000000",
        })
        void areProtocolErrorsThatQuoteTheLine(String line) {
            var e = assertThrows(AgentProtocolException.class, () -> AgentReply.parse(line));
            assertTrue(e.getMessage().contains("'" + line + "'"), e.getMessage());
            assertEquals(line, e.line());
            assertInstanceOf(HilException.class, e);
        }

        @Test
        void quoteOnlyTheStartOfAVeryLongLine() {
            String line = "@HIL 1 GET status=0x0000000000000000 size=100000 data=" + "ab".repeat(100_000) + " x";
            var e = assertThrows(AgentProtocolException.class, () -> AgentReply.parse(line));
            assertTrue(e.getMessage().length() < 400, e.getMessage());
            assertTrue(e.getMessage().contains("(" + line.length() + " characters)"), e.getMessage());
        }
    }

    @Nested
    class TypedValues {

        private final AgentReply reply = AgentReply.parse(
                "@HIL 5 GET status=0x0000000000000000 size=abc attrs=7 data=abc name=610 guid=1234");

        @Test
        void nameTheKeyWhenAValueHasTheWrongForm() {
            Map<String, Runnable> reads = Map.of(
                    "size", () -> reply.decimal("size"),
                    "attrs", () -> reply.hex("attrs"),
                    "data", () -> reply.bytes("data"),
                    "name", () -> reply.utf16("name"),
                    "guid", () -> reply.guid("guid"));
            reads.forEach((key, read) -> {
                var e = assertThrows(AgentProtocolException.class, read::run, key);
                assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
            });
        }

        @Test
        void nameTheKeyWhenItIsMissing() {
            var e = assertThrows(AgentProtocolException.class, () -> reply.value("remaining"));
            assertTrue(e.getMessage().contains("no 'remaining' in the GET reply"), e.getMessage());
        }

        @Test
        void refuseADecimalBeyond64Bits() {
            AgentReply r = AgentReply.parse("@HIL 5 QUERY status=0x0000000000000000 max=18446744073709551616");
            assertThrows(AgentProtocolException.class, () -> r.decimal("max"));
        }
    }
}
