package hil.targets.firmware;

import hil.simulator.uefi.EfiGuid;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runtime driver's mailbox format (agent/linux/PROTOCOL.md, "Raw calls"; agent/rtcall/hilrtcall.c): requests
 * encoded byte for byte, results decoded into the boot agent's replies. Expected bytes are written out by hand from
 * the documented layout.
 */
class RtCallCodecTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final EfiGuid VENDOR = EfiGuid.parse("12345678-1234-1234-1234-123456789abc");
    /** VENDOR in EFI_GUID memory layout: Data1..3 little endian, Data4 as written. */
    private static final String VENDOR_BYTES = "78563412" + "3412" + "3412" + "1234123456789abc";

    private static String header(int op, int seq, int flags, int attrs, int nameBytes, long size, String guid,
                                 int dataBytes) {
        return "48525451" + "0100" + le16(op) + le32(seq) + le32(flags) + le32(attrs) + le32(nameBytes) + le64(size)
                + guid + le32(dataBytes) + "00000000";
    }

    private static String le16(int v) {
        return String.format("%02x%02x", v & 0xFF, (v >> 8) & 0xFF);
    }

    private static String le32(int v) {
        return le16(v) + le16(v >>> 16);
    }

    private static String le64(long v) {
        return le32((int) v) + le32((int) (v >>> 32));
    }

    @Test
    void aGetCarriesItsSizeAndNameAndNoData() {
        RtCallCodec.Encoded e = RtCallCodec.encode(AgentRequest.getVariable("Hi", VENDOR, 16), 7);
        assertEquals(header(1, 7, 0, 0, 4, 16, VENDOR_BYTES, 0) + "48006900", HEX.formatHex(e.head()));
        assertNull(e.data());
    }

    @Test
    void nullPointersBecomeFlags() {
        AgentRequest get = AgentRequest.getVariable("Hi", VENDOR, 0).withNull(AgentRequest.Pointer.DATA)
                .withNull(AgentRequest.Pointer.ATTRIBUTES).withNull(AgentRequest.Pointer.GUID);
        assertEquals(header(1, 1, 0x02 | 0x08 | 0x10, 0, 4, 0, "00".repeat(16), 0) + "48006900",
                HEX.formatHex(RtCallCodec.encode(get, 1).head()));
        AgentRequest next = AgentRequest.getNextVariableName("", VENDOR, 2).withNull(AgentRequest.Pointer.SIZE)
                .withNull(AgentRequest.Pointer.NAME);
        assertEquals(header(2, 2, 0x01 | 0x04, 0, 0, 0, VENDOR_BYTES, 0),
                HEX.formatHex(RtCallCodec.encode(next, 2).head()));
        AgentRequest query = AgentRequest.queryVariableInfo(3).withNull(AgentRequest.Pointer.OUTPUTS);
        assertEquals(header(4, 3, 0x20, 3, 0, 0, "00".repeat(16), 0), HEX.formatHex(RtCallCodec.encode(query, 3).head()));
    }

    @Test
    void aSetSendsItsDataInTheGuestsDataFormWithTheCountInTheHeader() {
        byte[] data = new byte[33710];
        java.util.Arrays.fill(data, (byte) 0xA5);
        RtCallCodec.Encoded e = RtCallCodec.encode(AgentRequest.setVariable("A", VENDOR, 0x47, data), 9);
        assertEquals(header(3, 9, 0, 0x47, 2, 33710, VENDOR_BYTES, 33710) + "4100", HEX.formatHex(e.head()));
        assertEquals("fill:33710:a5", e.data());

        RtCallCodec.Encoded sized = RtCallCodec.encode(AgentRequest.setVariable("A", VENDOR, 7, 100, new byte[] {1, 2}), 10);
        assertEquals(header(3, 10, 0, 7, 2, 100, VENDOR_BYTES, 2) + "4100", HEX.formatHex(sized.head()),
                "DataSize is the request's, the data count what follows");
        assertEquals("hex:0102", sized.data());

        RtCallCodec.Encoded delete = RtCallCodec.encode(AgentRequest.setVariable("A", VENDOR, 0, new byte[0]), 11);
        assertEquals(header(3, 11, 0, 0, 2, 0, VENDOR_BYTES, 0) + "4100", HEX.formatHex(delete.head()));
        assertEquals("hex:", delete.data());
    }

    @Test
    void helloMakesNoCall() {
        assertEquals(header(5, 4, 0, 0, 0, 0, "00".repeat(16), 0), HEX.formatHex(RtCallCodec.hello(4).head()));
        assertThrows(IllegalArgumentException.class, () -> RtCallCodec.encode(AgentRequest.reset(), 1));
    }

    /** A result as the driver writes it. */
    private static byte[] result(int op, int seq, int state, int error, int attrs, long status, long size, String guid,
                                 long max, long remaining, long maxvar, String out) {
        return HEX.parseHex("48525452" + "0100" + le16(op) + le32(seq) + le32(state) + le32(error) + le32(attrs)
                + le64(status) + le64(size) + guid + le64(max) + le64(remaining) + le64(maxvar)
                + le32(out.length() / 2) + le32(5) + out);
    }

    @Test
    void aGetResultBecomesTheAgentsReply() {
        AgentRequest get = AgentRequest.getVariable("Hi", VENDOR, 64);
        AgentReply ok = RtCallCodec.decode(get, 12, result(1, 12, 3, 0, 7, 0, 3, "00".repeat(16), 0, 0, 0, "414243"));
        assertEquals("@HIL 12 GET status=0x0000000000000000 size=3 attrs=0x7 data=414243", ok.toString());
        assertArrayEquals(new byte[] {0x41, 0x42, 0x43}, ok.bytes("data"));

        AgentReply small = RtCallCodec.decode(get, 13, result(1, 13, 3, 0, 6, 0x8000000000000005L, 10, "00".repeat(16),
                0, 0, 0, ""));
        assertEquals(0x8000000000000005L, small.status());
        assertEquals(10, small.decimal("size"));
        assertFalse(small.has("data"), "data only on success");

        AgentReply nullSize = RtCallCodec.decode(AgentRequest.getVariable("Hi", VENDOR, 1)
                        .withNull(AgentRequest.Pointer.SIZE).withNull(AgentRequest.Pointer.ATTRIBUTES), 14,
                result(1, 14, 3, 0, 0, 0x8000000000000002L, 0, "00".repeat(16), 0, 0, 0, ""));
        assertEquals("@HIL 14 GET status=0x8000000000000002 size=null", nullSize.toString());
    }

    @Test
    void nextAndQueryResultsBecomeTheAgentsReplies() {
        AgentReply next = RtCallCodec.decode(AgentRequest.getNextVariableName("", VENDOR, 1024), 20,
                result(2, 20, 3, 0, 0, 0, 8, "61dfe48bca93d211aa0d00e098032b8c", 0, 0, 0, "4c0061006e006700"));
        assertEquals("Lang", next.utf16("name"));
        assertEquals(EfiGuid.GLOBAL_VARIABLE, next.guid("guid"));
        assertEquals(8, next.decimal("size"));

        AgentReply query = RtCallCodec.decode(AgentRequest.queryVariableInfo(7), 21,
                result(4, 21, 3, 0, 0, 0, 0, "00".repeat(16), 262044, 177784, 33732, ""));
        assertEquals("@HIL 21 QUERY status=0x0000000000000000 max=262044 remaining=177784 maxvar=33732", query.toString());

        AgentReply set = RtCallCodec.decode(AgentRequest.setVariable("A", VENDOR, 6, new byte[] {1}), 22,
                result(3, 22, 3, 0, 0, 0x8000000000000008L, 0, "00".repeat(16), 0, 0, 0, ""));
        assertEquals("@HIL 22 SET status=0x8000000000000008", set.toString());
    }

    @Test
    void helloSaysWhatTheDriverSawOfTheOsStart() {
        RtCallCodec.Hello h = RtCallCodec.decodeHello(1, result(5, 1, 3, 0, 0, 0, 0, "00".repeat(16), 0, 0, 0,
                HEX.formatHex("hilrtcall 1".getBytes())));
        assertEquals("hilrtcall 1", h.text());
        assertTrue(h.exitBootServicesSeen());
        assertTrue(h.virtualAddressMapSeen());
        assertEquals(5, h.requests());
        RtCallCodec.Hello early = RtCallCodec.decodeHello(1, result(5, 1, 1, 0, 0, 0, 0, "00".repeat(16), 0, 0, 0, ""));
        assertFalse(early.virtualAddressMapSeen());
    }

    @Test
    void aStaleRefusedOrBrokenResultIsAProtocolError() {
        AgentRequest query = AgentRequest.queryVariableInfo(7);
        byte[] good = result(4, 30, 3, 0, 0, 0, 0, "00".repeat(16), 1, 1, 1, "");
        AgentProtocolException stale = assertThrows(AgentProtocolException.class, () -> RtCallCodec.decode(query, 31, good));
        assertTrue(stale.getMessage().contains("for request 30, not 31"), stale.getMessage());

        byte[] refused = result(4, 30, 3, 4, 0, 0, 0, "00".repeat(16), 0, 0, 0, "");
        AgentProtocolException e = assertThrows(AgentProtocolException.class, () -> RtCallCodec.decode(query, 30, refused));
        assertTrue(e.getMessage().contains("bad-length"), e.getMessage());

        assertThrows(AgentProtocolException.class, () -> RtCallCodec.decode(query, 30,
                java.util.Arrays.copyOf(good, 40)));
        byte[] wrongOp = result(1, 30, 3, 0, 0, 0, 0, "00".repeat(16), 0, 0, 0, "");
        assertThrows(AgentProtocolException.class, () -> RtCallCodec.decode(query, 30, wrongOp));
        byte[] badMagic = good.clone();
        badMagic[0] = 0;
        assertThrows(AgentProtocolException.class, () -> RtCallCodec.decode(query, 30, badMagic));
        byte[] longer = java.util.Arrays.copyOf(good, good.length + 1);
        assertThrows(AgentProtocolException.class, () -> RtCallCodec.decode(query, 30, longer),
                "bytes beyond the announced output");
    }

    @Test
    void theGuestRequestCarriesHeadAndDataForm() {
        RtCallCodec.Encoded e = RtCallCodec.encode(AgentRequest.setVariable("A", VENDOR, 6, new byte[] {5, 7}), 2);
        assertEquals("3 RTCALL req=" + HEX.formatHex(e.head()) + " data=hex:0507", GuestRequest.rtcall(e.head(), e.data()).line(3));
        assertEquals("4 RTCALL req=00", GuestRequest.rtcall(new byte[1], null).line(4));
    }
}
