package hil.targets.firmware;

import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One reply line of the guest agent (agent/linux/PROTOCOL.md):
 * {@code @HIL <seq> <OP> errno=<n> errname=<NAME> [at=<system call>] key=value...}, or
 * {@code @HIL <seq> ERROR reason=<text>} for a request the agent refused. The errno is a value; a line that breaks
 * the protocol is an {@link AgentProtocolException}.
 */
public final class GuestReply {

    static final String PREFIX = "@HIL ";
    static final String READY = PREFIX + "GUEST READY ";
    static final String ERROR = "ERROR";

    private static final Pattern OP = Pattern.compile("[A-Z]+");
    private static final Pattern KEY = Pattern.compile("[a-z]+");
    private static final Pattern ERRNAME = Pattern.compile("OK|E[A-Z0-9]+");
    private static final HexFormat HEX = HexFormat.of();

    /** The ready line: protocol version, kernel release, and whether efivarfs is mounted. */
    record Ready(int version, String kernel, boolean efivarfs) {
    }

    private final String line;
    private final long seq;
    private final String op;
    private final Map<String, String> values;

    private GuestReply(String line, long seq, String op, Map<String, String> values) {
        this.line = line;
        this.seq = seq;
        this.op = op;
        this.values = values;
    }

    /** Parses the ready line {@code @HIL GUEST READY <version> kernel=<release> efivarfs=<0|1>}. */
    static Ready parseReady(String line) {
        String l = line.strip();
        if (!l.startsWith(READY)) {
            throw new AgentProtocolException("not the guest agent's ready line", line);
        }
        String[] tokens = l.substring(READY.length()).split(" ");
        if (!tokens[0].equals(Integer.toString(GuestRequest.PROTOCOL_VERSION))) {
            throw new AgentProtocolException("the guest agent speaks protocol version " + tokens[0]
                    + ", this orchestrator speaks " + GuestRequest.PROTOCOL_VERSION + "; rebuild it from agent/linux/", line);
        }
        Map<String, String> v = pairs(tokens, 1, line);
        if (!v.containsKey("kernel") || !v.containsKey("efivarfs")) {
            throw new AgentProtocolException("the ready line lacks kernel= or efivarfs=", line);
        }
        return new Ready(GuestRequest.PROTOCOL_VERSION, v.get("kernel"), v.get("efivarfs").equals("1"));
    }

    /** Parses one reply line; surrounding white space (CR, LF) is ignored. */
    static GuestReply parse(String line) {
        String l = line.strip();
        if (!l.startsWith(PREFIX)) {
            throw new AgentProtocolException("does not start with '" + PREFIX + "'", line);
        }
        String[] tokens = l.substring(PREFIX.length()).split(" ");
        if (tokens.length < 3) {
            throw new AgentProtocolException("expected '<seq> <OP> errno=...' or '<seq> ERROR reason=...'", line);
        }
        long seq = ReplyFields.sequence(tokens[0], line);
        if (!OP.matcher(tokens[1]).matches()) {
            throw new AgentProtocolException("operation '" + tokens[1] + "' is not upper-case letters", line);
        }
        Map<String, String> values = pairs(tokens, 2, line);
        if (tokens[1].equals(ERROR)) {
            if (!values.containsKey("reason")) {
                throw new AgentProtocolException("an ERROR reply needs reason=", line);
            }
        } else {
            String errno = values.get("errno");
            String errname = values.get("errname");
            if (errno == null || !errno.matches("[0-9]{1,4}") || errname == null || !ERRNAME.matcher(errname).matches()) {
                throw new AgentProtocolException("a reply needs errno=<decimal> and errname=<NAME>", line);
            }
            if (errno.equals("0") != errname.equals(LinuxErrno.OK)) {
                throw new AgentProtocolException("errno " + errno + " and errname " + errname + " disagree", line);
            }
        }
        return new GuestReply(l, seq, tokens[1], Collections.unmodifiableMap(values));
    }

    private static Map<String, String> pairs(String[] tokens, int from, String line) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = from; i < tokens.length; i++) {
            int eq = tokens[i].indexOf('=');
            if (eq <= 0) {
                throw new AgentProtocolException("token '" + tokens[i] + "' is not key=value", line);
            }
            String key = tokens[i].substring(0, eq);
            if (!KEY.matcher(key).matches()) {
                throw new AgentProtocolException("key '" + key + "' is not lower-case letters", line);
            }
            if (values.put(key, tokens[i].substring(eq + 1)) != null) {
                throw new AgentProtocolException("key '" + key + "' appears twice", line);
            }
        }
        return values;
    }

    long seq() {
        return seq;
    }

    String op() {
        return op;
    }

    /** The line as received, without its line end. */
    String line() {
        return line;
    }

    boolean isError() {
        return op.equals(ERROR);
    }

    String errorReason() {
        return values.get("reason");
    }

    /** The errno name, {@value LinuxErrno#OK} when the call succeeded. */
    public String errname() {
        return values.get("errname");
    }

    int errno() {
        return Integer.parseInt(values.get("errno"));
    }

    boolean succeeded() {
        return errno() == 0;
    }

    /** The system call that failed ({@code open}, {@code write}, {@code read-empty}, ...), or null. */
    public String failedCall() {
        return values.get("at");
    }

    /** Whether the agent had to create the variable's efivarfs file first. */
    boolean createdFile() {
        return "1".equals(values.get("created"));
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    String value(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new AgentProtocolException("the reply has no " + key + "=", line);
        }
        return v;
    }

    long decimal(String key) {
        try {
            return Long.parseUnsignedLong(value(key));
        } catch (NumberFormatException e) {
            throw new AgentProtocolException(key + "= is not decimal", line);
        }
    }

    long hex(String key) {
        String v = value(key);
        try {
            return Long.parseUnsignedLong(v.startsWith("0x") ? v.substring(2) : v, 16);
        } catch (NumberFormatException e) {
            throw new AgentProtocolException(key + "= is not hex", line);
        }
    }

    byte[] bytes(String key) {
        try {
            return HEX.parseHex(value(key));
        } catch (IllegalArgumentException e) {
            throw new AgentProtocolException(key + "= is not an even number of hex digits", line);
        }
    }
}
