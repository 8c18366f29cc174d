package hil.targets.firmware;

import hil.simulator.uefi.EfiGuid;

import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One reply line of the UEFI agent (agent/PROTOCOL.md): {@code @HIL <seq> <OP> status=0x<16 hex> key=value...},
 * or {@code @HIL <seq> ERROR reason=<text>} when the agent refused a request. The raw EFI status is a value; a line
 * that breaks the protocol is an {@link AgentProtocolException}.
 */
public final class AgentReply {

    /** Every agent line starts with this. */
    public static final String PREFIX = "@HIL ";

    /** The pseudo-operation of a refused request. */
    public static final String ERROR = "ERROR";

    private static final String READY = PREFIX + "READY ";
    private static final Pattern OP = Pattern.compile("[A-Z]+");
    private static final Pattern STATUS = Pattern.compile("status=0x([0-9a-fA-F]{16})");
    private static final Pattern KEY = Pattern.compile("[a-z]+");
    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,20}");
    private static final Pattern HEX_VALUE = Pattern.compile("0x[0-9a-fA-F]{1,16}");

    private final String line;
    private final long seq;
    private final String op;
    private final long status;
    private final Map<String, String> values;

    private AgentReply(String line, long seq, String op, long status, Map<String, String> values) {
        this.line = line;
        this.seq = seq;
        this.op = op;
        this.status = status;
        this.values = values;
    }

    /**
     * Whether {@code line} is the agent's ready line for this protocol version.
     *
     * @throws AgentProtocolException when it is a ready line of another version
     */
    public static boolean isReady(String line) {
        String l = stripEnd(line);
        if (!l.startsWith(READY)) {
            return false;
        }
        String version = l.substring(READY.length());
        if (!version.equals(Integer.toString(AgentRequest.PROTOCOL_VERSION))) {
            throw new AgentProtocolException("the agent speaks protocol version " + version + ", this orchestrator speaks "
                    + AgentRequest.PROTOCOL_VERSION + "; rebuild the agent from agent/", line);
        }
        return true;
    }

    /** Parses one reply line; a trailing CR or LF is ignored. */
    public static AgentReply parse(String line) {
        String l = stripEnd(line);
        if (!l.startsWith(PREFIX)) {
            throw new AgentProtocolException("does not start with '" + PREFIX + "'", line);
        }
        String[] tokens = l.substring(PREFIX.length()).split(" ", -1);
        if (tokens.length < 3) {
            throw new AgentProtocolException("expected '<seq> <OP> status=...' or '<seq> ERROR reason=...'", line);
        }
        long seq = ReplyFields.sequence(tokens[0], line);
        String op = tokens[1];
        if (!OP.matcher(op).matches()) {
            throw new AgentProtocolException("operation '" + op + "' is not an upper-case word", line);
        }

        long status = 0;
        int first = 2;
        if (!op.equals(ERROR)) {
            var m = STATUS.matcher(tokens[2]);
            if (!m.matches()) {
                throw new AgentProtocolException("expected 'status=0x' and 16 hex digits, got '" + tokens[2] + "'", line);
            }
            status = Long.parseUnsignedLong(m.group(1), 16);
            first = 3;
        }

        Map<String, String> values = new LinkedHashMap<>();
        for (int i = first; i < tokens.length; i++) {
            int eq = tokens[i].indexOf('=');
            String key = eq < 0 ? tokens[i] : tokens[i].substring(0, eq);
            if (eq < 0 || !KEY.matcher(key).matches()) {
                throw new AgentProtocolException("'" + AgentProtocolException.excerpt(tokens[i])
                        + "' is not a key=value pair", line);
            }
            if (values.putIfAbsent(key, tokens[i].substring(eq + 1)) != null) {
                throw new AgentProtocolException("key '" + key + "' appears twice", line);
            }
        }
        if (op.equals(ERROR) && !values.containsKey("reason")) {
            throw new AgentProtocolException("an ERROR reply without reason=", line);
        }
        return new AgentReply(l, seq, op, status, Collections.unmodifiableMap(values));
    }

    public long seq() {
        return seq;
    }

    /** The operation answered, or {@link #ERROR}. */
    public String op() {
        return op;
    }

    /** Whether the agent refused the request instead of making the call. */
    public boolean isError() {
        return op.equals(ERROR);
    }

    /** Why the agent refused the request, e.g. {@code bad-value:name}. */
    public String errorReason() {
        if (!isError()) {
            throw new IllegalStateException("not an ERROR reply: " + this);
        }
        return values.get("reason");
    }

    /** The raw EFI_STATUS the call returned. */
    public long status() {
        if (isError()) {
            throw new IllegalStateException("an ERROR reply has no status: " + this);
        }
        return status;
    }

    /**
     * Whether this reply answers request {@code seq} of operation {@code op}; an ERROR reply to that sequence number
     * counts, since it answers the request too.
     */
    public boolean answers(long seq, AgentRequest.Op op) {
        return this.seq == seq && (isError() || this.op.equals(op.name()));
    }

    /** The key=value pairs after the status (or, for ERROR, the reason), in line order. */
    public Map<String, String> values() {
        return values;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** The raw value of {@code key}. */
    public String value(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new AgentProtocolException("no '" + key + "' in the " + op + " reply", line);
        }
        return v;
    }

    /** Whether {@code key} is present with the value {@code null} (a NULL pointer was passed). */
    public boolean isNull(String key) {
        return "null".equals(values.get(key));
    }

    /** An unsigned decimal value such as {@code size=10}, as a 64-bit pattern. */
    public long decimal(String key) {
        String v = value(key);
        if (DECIMAL.matcher(v).matches()) {
            try {
                return Long.parseUnsignedLong(v);
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
        }
        throw new AgentProtocolException("'" + key + "' is not an unsigned 64-bit decimal", line);
    }

    /** A hex value such as {@code attrs=0x7}, as a 64-bit pattern. */
    public long hex(String key) {
        String v = value(key);
        if (!HEX_VALUE.matcher(v).matches()) {
            throw new AgentProtocolException("'" + key + "' is not 0x and 1 to 16 hex digits", line);
        }
        return Long.parseUnsignedLong(v.substring(2), 16);
    }

    /** A hex byte string such as {@code data=0001ff}. */
    public byte[] bytes(String key) {
        String v = value(key);
        try {
            return HexFormat.of().parseHex(v);
        } catch (IllegalArgumentException e) {
            throw new AgentProtocolException("'" + key + "' is not an even number of hex digits", line);
        }
    }

    /**
     * The buffer of a COMM reply: {@code data} (the buffer up to its last non-zero byte) followed by zeros up to
     * {@code len} bytes.
     */
    public byte[] commBuffer() {
        long len = decimal("len");
        byte[] data = bytes("data");
        if (len > AgentRequest.MAX_BUFFER || data.length > len) {
            throw new AgentProtocolException("'data' of " + data.length + " bytes does not fit len=" + len, line);
        }
        return java.util.Arrays.copyOf(data, (int) len);
    }

    /** A UTF-16LE name such as {@code name=54006500}, as its code units (unpaired surrogates kept). */
    public String utf16(String key) {
        byte[] b = bytes(key);
        if (b.length % 2 != 0) {
            throw new AgentProtocolException("'" + key + "' is not whole UTF-16 code units", line);
        }
        char[] chars = new char[b.length / 2];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = (char) ((b[2 * i] & 0xFF) | (b[2 * i + 1] & 0xFF) << 8);
        }
        return new String(chars);
    }

    /** A GUID in registry format. */
    public EfiGuid guid(String key) {
        String v = value(key);
        if (!EfiGuid.isRegistryFormat(v)) {
            throw new AgentProtocolException("'" + key + "' is not a GUID in registry format", line);
        }
        return EfiGuid.parse(v);
    }

    /** The line, shortened when long. */
    @Override
    public String toString() {
        return AgentProtocolException.excerpt(line);
    }

    private static String stripEnd(String line) {
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == '\r' || line.charAt(end - 1) == '\n')) {
            end--;
        }
        return line.substring(0, end);
    }
}
