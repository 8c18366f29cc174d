package hil.targets.firmware;

import hil.simulator.uefi.EfiGuid;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The guest agent's line protocol (agent/linux/PROTOCOL.md): requests rendered, replies parsed. */
class GuestProtocolTest {

    private static final EfiGuid VENDOR = EfiGuid.parse("12345678-1234-1234-1234-123456789ABC");

    @Test
    void requestsCarryTheNameAsUtf16HexAndTheGuidInLowerCase() {
        assertEquals("7 GET name=480069006c00 guid=12345678-1234-1234-1234-123456789abc",
                GuestRequest.get("Hil", VENDOR).line(7));
        assertEquals("8 SET name=4100 guid=12345678-1234-1234-1234-123456789abc attrs=0x47 data=hex:0506",
                GuestRequest.set("A", VENDOR, 0x47, new byte[] {5, 6}).line(8));
        assertEquals("9 DELETE name=4100 guid=12345678-1234-1234-1234-123456789abc", GuestRequest.delete("A", VENDOR).line(9));
        assertEquals("10 LIST", GuestRequest.list().line(10));
        assertEquals("11 STATFS", GuestRequest.statfs().line(11));
        assertEquals("12 KLOG match=656669", GuestRequest.klog("efi").line(12));
        assertEquals("13 PING", GuestRequest.ping().line(13));
    }

    @Test
    void dataGoesInItsShortestForm() {
        assertEquals("hex:", GuestRequest.data(new byte[0]));
        byte[] filled = new byte[33710];
        java.util.Arrays.fill(filled, (byte) 0xA5);
        assertEquals("fill:33710:a5", GuestRequest.data(filled));
        byte[] sequential = new byte[300];
        for (int i = 0; i < sequential.length; i++) {
            sequential[i] = (byte) i;
        }
        assertEquals("seq:300", GuestRequest.data(sequential));
        assertEquals("hex:00000000", GuestRequest.data(new byte[4]), "short data stays hex");
        assertEquals("hex:76697369626c65", GuestRequest.data("visible".getBytes()));
    }

    @Test
    void moreDataThanTheAgentTakesIsRefusedBeforeSending() {
        assertThrows(IllegalArgumentException.class,
                () -> GuestRequest.set("A", VENDOR, 7, new byte[GuestRequest.MAX_DATA + 1]));
    }

    @Test
    void aSuccessfulGetReplyGivesAttributesAndData() {
        GuestReply r = GuestReply.parse("@HIL 102 GET errno=0 errname=OK attrs=0x7 size=4 data=41424344\r\n");
        assertEquals(102, r.seq());
        assertEquals("GET", r.op());
        assertTrue(r.succeeded());
        assertEquals(7, r.hex("attrs"));
        assertEquals(4, r.decimal("size"));
        assertArrayEquals(new byte[] {0x41, 0x42, 0x43, 0x44}, r.bytes("data"));
        assertFalse(r.createdFile());
    }

    @Test
    void aFailedCallNamesItsErrnoAndTheSystemCall() {
        GuestReply r = GuestReply.parse("@HIL 104 GET errno=2 errname=ENOENT at=read-empty created=1");
        assertFalse(r.succeeded());
        assertEquals(2, r.errno());
        assertEquals("ENOENT", r.errname());
        assertEquals("read-empty", r.failedCall());
        assertTrue(r.createdFile());
    }

    @Test
    void anErrorReplyIsARefusedRequest() {
        GuestReply r = GuestReply.parse("@HIL 5 ERROR reason=bad-value:name");
        assertTrue(r.isError());
        assertEquals("bad-value:name", r.errorReason());
    }

    @Test
    void linesThatBreakTheProtocolAreHarnessFailures() {
        assertThrows(AgentProtocolException.class, () -> GuestReply.parse("HIL 1 GET errno=0 errname=OK"));
        assertThrows(AgentProtocolException.class, () -> GuestReply.parse("@HIL x GET errno=0 errname=OK"));
        assertThrows(AgentProtocolException.class, () -> GuestReply.parse("@HIL 1 GET errname=OK"));
        assertThrows(AgentProtocolException.class, () -> GuestReply.parse("@HIL 1 GET errno=0 errname=EINVAL"));
        assertThrows(AgentProtocolException.class, () -> GuestReply.parse("@HIL 1 GET errno=0 errname=OK errno=1"));
        assertThrows(AgentProtocolException.class, () -> GuestReply.parse("@HIL 1 ERROR because"));
        AgentProtocolException e = assertThrows(AgentProtocolException.class,
                () -> GuestReply.parse("@HIL 1 GET errno=0 errname=OK").value("data"));
        assertTrue(e.getMessage().contains("no data="), e.getMessage());
    }

    @Test
    void theReadyLineGivesTheKernelAndWhetherEfivarfsIsMounted() {
        GuestReply.Ready ready = GuestReply.parseReady("@HIL GUEST READY 1 kernel=6.1.0-56-cloud-amd64 efivarfs=1\r\n");
        assertEquals("6.1.0-56-cloud-amd64", ready.kernel());
        assertTrue(ready.efivarfs());
        assertFalse(GuestReply.parseReady("@HIL GUEST READY 1 kernel=x efivarfs=0").efivarfs());
        AgentProtocolException e = assertThrows(AgentProtocolException.class,
                () -> GuestReply.parseReady("@HIL GUEST READY 2 kernel=x efivarfs=1"));
        assertTrue(e.getMessage().contains("rebuild"), e.getMessage());
    }
}
