package hil.targets.firmware;

import hil.simulator.uefi.EfiGuid;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One request to the guest agent of the OS phase (agent/linux/PROTOCOL.md), rendered as the line it reads:
 * {@code <seq> <OP> key=value...}. Names go as the hex of their UTF-16LE code units (as to the UEFI agent), data as
 * {@code hex:}, {@code fill:<n>:<HH>} or {@code seq:<n>}, whichever is shortest to type.
 */
public final class GuestRequest {

    /** The protocol version this codec speaks; the guest announces it in its ready line. */
    static final int PROTOCOL_VERSION = 1;
    /** Largest data the guest accepts in one SET, in bytes. */
    static final int MAX_DATA = 1 << 20;

    private static final HexFormat HEX = HexFormat.of();

    private final String op;
    private final Map<String, String> args;

    private GuestRequest(String op, Map<String, String> args) {
        this.op = op;
        this.args = args;
    }

    String op() {
        return op;
    }

    static GuestRequest ping() {
        return new GuestRequest("PING", Map.of());
    }

    /** Reads the variable's efivarfs file: a GetVariable made by the kernel. */
    static GuestRequest get(String name, EfiGuid vendor) {
        return new GuestRequest("GET", variable(name, vendor));
    }

    /** Writes attributes and data to the variable's efivarfs file: a SetVariable made by the kernel. */
    static GuestRequest set(String name, EfiGuid vendor, int attributes, byte[] data) {
        if (data.length > MAX_DATA) {
            throw new IllegalArgumentException("the guest agent takes at most " + MAX_DATA + " bytes, not " + data.length);
        }
        Map<String, String> a = variable(name, vendor);
        a.put("attrs", "0x" + Integer.toHexString(attributes));
        a.put("data", data(data));
        return new GuestRequest("SET", a);
    }

    /** Unlinks the variable's efivarfs file: the kernel deletes the variable. */
    public static GuestRequest delete(String name, EfiGuid vendor) {
        return new GuestRequest("DELETE", variable(name, vendor));
    }

    /** The entries of the efivarfs directory. */
    static GuestRequest list() {
        return new GuestRequest("LIST", Map.of());
    }

    /** statfs() of efivarfs. */
    static GuestRequest statfs() {
        return new GuestRequest("STATFS", Map.of());
    }

    /** The kernel log lines that contain {@code text}. */
    static GuestRequest klog(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("a kernel log search needs some text");
        }
        return new GuestRequest("KLOG", Map.of("match", HEX.formatHex(text.getBytes(StandardCharsets.UTF_8))));
    }

    /**
     * One raw call through the runtime driver's mailbox: {@code head} (the request's header and name) and its data
     * in a data form, or null when it has none.
     */
    static GuestRequest rtcall(byte[] head, String data) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("req", HEX.formatHex(head));
        if (data != null) {
            a.put("data", data);
        }
        return new GuestRequest("RTCALL", a);
    }

    private static Map<String, String> variable(String name, EfiGuid vendor) {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("name", utf16Hex(name));
        a.put("guid", vendor.toString().toLowerCase(java.util.Locale.ROOT));
        return a;
    }

    /** The hex of the name's UTF-16LE code units, without a NUL. */
    static String utf16Hex(String name) {
        return HEX.formatHex(name.getBytes(StandardCharsets.UTF_16LE));
    }

    /** The shortest of the three data forms the agent reads. */
    static String data(byte[] data) {
        if (data.length == 0) {
            return "hex:";
        }
        boolean same = true;
        boolean sequential = true;
        for (int i = 0; i < data.length; i++) {
            same &= data[i] == data[0];
            sequential &= data[i] == (byte) i;
        }
        if (data.length > 4 && same) {
            return "fill:" + data.length + ":" + HEX.toHexDigits(data[0]);
        }
        if (data.length > 4 && sequential) {
            return "seq:" + data.length;
        }
        return "hex:" + HEX.formatHex(data);
    }

    /** The request line for sequence number {@code seq}, without a line end. */
    String line(long seq) {
        StringBuilder b = new StringBuilder().append(Long.toUnsignedString(seq)).append(' ').append(op);
        args.forEach((k, v) -> b.append(' ').append(k).append('=').append(v));
        return b.toString();
    }
}
