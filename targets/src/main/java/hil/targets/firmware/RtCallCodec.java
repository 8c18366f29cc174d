package hil.targets.firmware;

import hil.simulator.uefi.EfiGuid;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.Map;

/**
 * The binary mailbox of the runtime driver {@code hilrtcall.efi} (agent/rtcall/, agent/linux/PROTOCOL.md "Raw
 * calls"): a boot-agent request ({@link AgentRequest}) becomes the data a program of the OS writes to the variable
 * {@code HilRtCall}, and the data it then reads from {@code HilRtResult} becomes the reply the boot agent would
 * have printed for the same call ({@link AgentReply}), so both phases are observed with one set of rules.
 *
 * <p>Request (little endian): magic {@code HRTQ}, version (u16), op (u16), seq (u32), NULL flags (u32), attributes
 * (u32), name bytes (u32), size (u64), VendorGuid (16 bytes, EFI_GUID layout), data bytes (u32), reserved (u32);
 * then the name (UTF-16LE without NUL) and the data. The data travels separately in the guest agent's data forms
 * ({@code fill:}, {@code seq:}, {@code hex:}), so {@link Encoded} keeps it apart from the header.
 *
 * <p>Result: magic {@code HRTR}, version (u16), op (u16), seq (u32), state (u32: ExitBootServices and
 * SetVirtualAddressMap seen), error (u32, 0 when the call was made), attributes out (u32), status (u64), size out
 * (u64), VendorGuid out (16), max (u64), remaining (u64), maxvar (u64), output bytes (u32), requests so far (u32);
 * then the output (GetVariable's data, GetNextVariableName's name up to its NUL).
 */
final class RtCallCodec {

    /** The private GUID of the mailbox variables. */
    static final EfiGuid MAILBOX = EfiGuid.parse("6f3c9a52-8e1d-4c7b-9a0e-5d2f71b3c4a8");
    static final String CALL_VARIABLE = "HilRtCall";
    static final String RESULT_VARIABLE = "HilRtResult";

    static final int VERSION = 1;
    static final int REQUEST_HEADER = 56;
    static final int RESULT_HEADER = 88;
    static final int REQUEST_MAGIC = 0x51545248; // "HRTQ"
    static final int RESULT_MAGIC = 0x52545248;  // "HRTR"

    static final int OP_GET = 1;
    static final int OP_NEXT = 2;
    static final int OP_SET = 3;
    static final int OP_QUERY = 4;
    static final int OP_HELLO = 5;

    static final int NULL_NAME = 0x01;
    static final int NULL_GUID = 0x02;
    static final int NULL_SIZE = 0x04;
    static final int NULL_ATTRS = 0x08;
    static final int NULL_DATA = 0x10;
    static final int NULL_OUTPUTS = 0x20;

    static final int SEEN_EXIT_BOOT_SERVICES = 0x1;
    static final int SEEN_VIRTUAL_ADDRESS_MAP = 0x2;

    /** What the driver says in a HELLO result. */
    static final String HELLO_TEXT = "hilrtcall 1";

    private static final String[] ERRORS = {"none", "bad-magic", "bad-version", "unknown-op", "bad-length",
            "too-large", "bad-flags"};
    private static final HexFormat HEX = HexFormat.of();

    private RtCallCodec() {
    }

    /** A request: its header and name as bytes, its data in a guest data form (null when it has none). */
    record Encoded(byte[] head, String data) {
    }

    /** The driver's answer to HELLO: its text, what it saw of the OS's start, and how many requests it took. */
    record Hello(String text, boolean exitBootServicesSeen, boolean virtualAddressMapSeen, long requests) {
    }

    /** The mailbox request for a boot-agent request (GET, NEXT, SET or QUERY). */
    static Encoded encode(AgentRequest request, int seq) {
        Map<String, String> a = request.arguments();
        int op;
        int flags = 0;
        long attrs = 0;
        byte[] name = new byte[0];
        long size = 0;
        byte[] guid = new byte[EfiGuid.SIZE];
        long dataBytes = 0;
        String data = null;
        switch (request.op()) {
            case GET, NEXT, SET -> {
                op = switch (request.op()) {
                    case GET -> OP_GET;
                    case NEXT -> OP_NEXT;
                    default -> OP_SET;
                };
                if (isNull(a.get("name"))) {
                    flags |= NULL_NAME;
                } else {
                    name = HEX.parseHex(a.get("name"));
                }
                if (isNull(a.get("guid"))) {
                    flags |= NULL_GUID;
                } else {
                    guid = EfiGuid.parse(a.get("guid")).toBytes();
                }
                if (request.op() == AgentRequest.Op.SET) {
                    attrs = Long.parseLong(strip0x(a.get("attrs")), 16);
                    String d = a.get("data");
                    if (isNull(d)) {
                        flags |= NULL_DATA;
                    } else {
                        dataBytes = dataCount(d);
                        data = d;
                    }
                    size = a.containsKey("size") ? Long.parseLong(a.get("size")) : dataBytes;
                } else {
                    if (isNull(a.get("size"))) {
                        flags |= NULL_SIZE;
                    } else {
                        size = Long.parseLong(a.get("size"));
                    }
                    if (request.op() == AgentRequest.Op.GET) {
                        flags |= isNull(a.get("attrs")) ? NULL_ATTRS : 0;
                        flags |= isNull(a.get("data")) ? NULL_DATA : 0;
                    }
                }
            }
            case QUERY -> {
                op = OP_QUERY;
                attrs = Long.parseLong(strip0x(a.get("attrs")), 16);
                flags |= isNull(a.get("out")) ? NULL_OUTPUTS : 0;
            }
            case PING -> op = OP_HELLO;
            default -> throw new IllegalArgumentException("the runtime driver makes variable calls only, not "
                    + request.op());
        }
        ByteBuffer b = ByteBuffer.allocate(REQUEST_HEADER + name.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(REQUEST_MAGIC).putShort((short) VERSION).putShort((short) op).putInt(seq).putInt(flags)
                .putInt((int) attrs).putInt(name.length).putLong(size).put(guid).putInt((int) dataBytes).putInt(0)
                .put(name);
        return new Encoded(b.array(), data);
    }

    /** The HELLO request, which makes no call. */
    static Encoded hello(int seq) {
        return encode(AgentRequest.ping(), seq);
    }

    /** The byte count of a data form ({@code hex:}, {@code fill:<n>:<HH>}, {@code seq:<n>}). */
    static long dataCount(String form) {
        if (form.startsWith("hex:")) {
            return (form.length() - 4) / 2;
        }
        if (form.startsWith("fill:")) {
            return Long.parseLong(form.substring(5, form.indexOf(':', 5)));
        }
        if (form.startsWith("seq:")) {
            return Long.parseLong(form.substring(4));
        }
        throw new IllegalArgumentException("not a data form: " + form);
    }

    /**
     * The reply the boot agent would print for {@code request} (sequence number {@code seq}), from the driver's
     * result. A result for another request, or one that says the driver refused it, is a protocol error.
     */
    static AgentReply decode(AgentRequest request, int seq, byte[] result) {
        ByteBuffer b = header(result, seq);
        int op = b.getShort(6) & 0xFFFF;
        int expected = encodedOp(request);
        if (op != expected) {
            throw new AgentProtocolException("the runtime driver answered op " + op + " to op " + expected, hex(result));
        }
        Map<String, String> a = request.arguments();
        long status = b.getLong(24);
        long size = b.getLong(32);
        int outBytes = b.getInt(80);
        if (outBytes < 0 || RESULT_HEADER + (long) outBytes != result.length) {
            throw new AgentProtocolException("the runtime driver's result has " + result.length + " bytes, its header"
                    + " says " + (RESULT_HEADER + (long) outBytes), hex(result));
        }
        byte[] out = java.util.Arrays.copyOfRange(result, RESULT_HEADER, result.length);
        StringBuilder line = new StringBuilder(AgentReply.PREFIX).append(seq).append(' ').append(request.op().name())
                .append(" status=0x").append(String.format("%016x", status));
        boolean success = status == 0;
        switch (request.op()) {
            case GET -> {
                line.append(" size=").append(isNull(a.get("size")) ? "null" : Long.toUnsignedString(size));
                if (!isNull(a.get("attrs"))) {
                    line.append(" attrs=0x").append(Integer.toHexString(b.getInt(20)));
                }
                if (success && !isNull(a.get("data")) && !isNull(a.get("size"))) {
                    line.append(" data=").append(HEX.formatHex(out));
                }
            }
            case NEXT -> {
                line.append(" size=").append(isNull(a.get("size")) ? "null" : Long.toUnsignedString(size));
                if (success && !isNull(a.get("name"))) {
                    line.append(" name=").append(HEX.formatHex(out));
                    if (!isNull(a.get("guid"))) {
                        line.append(" guid=").append(EfiGuid.read(result, 40).toString().toLowerCase(java.util.Locale.ROOT));
                    }
                }
            }
            case QUERY -> {
                if (!isNull(a.get("out"))) {
                    line.append(" max=").append(Long.toUnsignedString(b.getLong(56)))
                            .append(" remaining=").append(Long.toUnsignedString(b.getLong(64)))
                            .append(" maxvar=").append(Long.toUnsignedString(b.getLong(72)));
                }
            }
            default -> {
                // SET: the status alone
            }
        }
        return AgentReply.parse(line.toString());
    }

    /** The driver's answer to HELLO. */
    static Hello decodeHello(int seq, byte[] result) {
        ByteBuffer b = header(result, seq);
        int state = b.getInt(12);
        int outBytes = b.getInt(80);
        if ((b.getShort(6) & 0xFFFF) != OP_HELLO || outBytes < 0 || RESULT_HEADER + (long) outBytes != result.length) {
            throw new AgentProtocolException("not the runtime driver's answer to HELLO", hex(result));
        }
        String text = new String(result, RESULT_HEADER, outBytes, java.nio.charset.StandardCharsets.US_ASCII);
        return new Hello(text, (state & SEEN_EXIT_BOOT_SERVICES) != 0, (state & SEEN_VIRTUAL_ADDRESS_MAP) != 0,
                Integer.toUnsignedLong(b.getInt(84)));
    }

    /** Checks magic, version, sequence number and error code; returns the result as a little-endian buffer. */
    private static ByteBuffer header(byte[] result, int seq) {
        if (result.length < RESULT_HEADER) {
            throw new AgentProtocolException("the runtime driver's result has " + result.length + " bytes, less than"
                    + " its " + RESULT_HEADER + "-byte header", hex(result));
        }
        ByteBuffer b = ByteBuffer.wrap(result).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != RESULT_MAGIC || (b.getShort(4) & 0xFFFF) != VERSION) {
            throw new AgentProtocolException("not a result of the runtime driver's mailbox version " + VERSION
                    + " (rebuild agent/rtcall)", hex(result));
        }
        int error = b.getInt(16);
        if (error != 0) {
            String name = error > 0 && error < ERRORS.length ? ERRORS[error] : "error " + error;
            throw new AgentProtocolException("the runtime driver refused the request: " + name, hex(result));
        }
        if (b.getInt(8) != seq) {
            throw new AgentProtocolException("the runtime driver's result is for request " + Integer.toUnsignedString(
                    b.getInt(8)) + ", not " + Integer.toUnsignedString(seq), hex(result));
        }
        return b;
    }

    private static int encodedOp(AgentRequest request) {
        return switch (request.op()) {
            case GET -> OP_GET;
            case NEXT -> OP_NEXT;
            case SET -> OP_SET;
            case QUERY -> OP_QUERY;
            case PING -> OP_HELLO;
            default -> throw new IllegalArgumentException(request.op().name());
        };
    }

    private static boolean isNull(String v) {
        return "null".equals(v);
    }

    private static String strip0x(String v) {
        return v.startsWith("0x") || v.startsWith("0X") ? v.substring(2) : v;
    }

    private static String hex(byte[] b) {
        return AgentProtocolException.excerpt(HEX.formatHex(b));
    }
}
