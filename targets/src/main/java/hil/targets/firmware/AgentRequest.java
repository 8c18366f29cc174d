package hil.targets.firmware;

import hil.simulator.uefi.EfiGuid;

import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One request to the UEFI agent (agent/PROTOCOL.md), built per operation and rendered as the line the agent reads.
 * The arguments are those of the C call: a variable name is a Java string sent as its UTF-16 code units (the agent
 * appends the NUL), sizes are exact, and any pointer the call accepts can be passed as NULL with
 * {@link #withNull(Pointer)}. Requests are immutable.
 *
 * <pre>{@code
 * AgentRequest.getVariable("Boot0001", EfiGuid.GLOBAL_VARIABLE, 0).withNull(Pointer.DATA).line(8)
 *   -> "8 GET name=42006f006f00740030003000300031 guid=8be4df61-... size=0 attrs=ptr data=null"
 * }</pre>
 */
public final class AgentRequest {

    /** The protocol version this codec speaks; the agent announces it in its ready line. */
    public static final int PROTOCOL_VERSION = 1;

    /** Largest buffer (data, name or size) the agent accepts, in bytes. */
    public static final long MAX_BUFFER = 1L << 20;

    /** Longest request line the agent accepts, in characters, without the end of line. */
    public static final int MAX_LINE = 256 * 1024;

    private static final HexFormat HEX = HexFormat.of();

    /** The operations of the protocol, each with the pointers it can pass as NULL. */
    public enum Op {
        GET(EnumSet.of(Pointer.NAME, Pointer.GUID, Pointer.SIZE, Pointer.ATTRIBUTES, Pointer.DATA)),
        NEXT(EnumSet.of(Pointer.NAME, Pointer.GUID, Pointer.SIZE)),
        SET(EnumSet.of(Pointer.NAME, Pointer.GUID, Pointer.DATA)),
        QUERY(EnumSet.of(Pointer.OUTPUTS)),
        PING(EnumSet.noneOf(Pointer.class)),
        EXIT(EnumSet.noneOf(Pointer.class)),
        RESET(EnumSet.noneOf(Pointer.class)),
        SHUTDOWN(EnumSet.noneOf(Pointer.class));

        private final Set<Pointer> nullable;

        Op(Set<Pointer> nullable) {
            this.nullable = nullable;
        }
    }

    /** A pointer argument that can be passed as NULL, with the protocol key that carries it. */
    public enum Pointer {
        /** VariableName. */
        NAME("name"),
        /** VendorGuid. */
        GUID("guid"),
        /** DataSize (GET) or VariableNameSize (NEXT). */
        SIZE("size"),
        /** Attributes (GET). */
        ATTRIBUTES("attrs"),
        /** Data (GET, SET). */
        DATA("data"),
        /** All three outputs of QueryVariableInfo. */
        OUTPUTS("out");

        private final String key;

        Pointer(String key) {
            this.key = key;
        }
    }

    private final Op op;
    private final Map<String, String> args;

    private AgentRequest(Op op, Map<String, String> args) {
        this.op = op;
        this.args = args;
    }

    /** GetVariable with a non-NULL Attributes pointer and a Data buffer of exactly {@code dataSize} bytes. */
    public static AgentRequest getVariable(String name, EfiGuid vendor, long dataSize) {
        Map<String, String> args = nameAndGuid(name, vendor);
        args.put("size", size(dataSize));
        args.put("attrs", "ptr");
        args.put("data", "ptr");
        return new AgentRequest(Op.GET, args);
    }

    /** GetNextVariableName from {@code name}, with VariableNameSize {@code nameSize} bytes. */
    public static AgentRequest getNextVariableName(String name, EfiGuid vendor, long nameSize) {
        Map<String, String> args = nameAndGuid(name, vendor);
        args.put("size", size(nameSize));
        return new AgentRequest(Op.NEXT, args);
    }

    /** SetVariable with DataSize equal to the length of {@code data}. */
    public static AgentRequest setVariable(String name, EfiGuid vendor, int attributes, byte[] data) {
        return setVariable(name, vendor, attributes, data.length, data);
    }

    /**
     * SetVariable with an explicit DataSize. The agent's buffer holds max(dataSize, data.length) bytes, zero beyond
     * {@code data}, so a DataSize larger than the data never makes the firmware read outside it.
     */
    public static AgentRequest setVariable(String name, EfiGuid vendor, int attributes, long dataSize, byte[] data) {
        Map<String, String> args = nameAndGuid(name, vendor);
        args.put("attrs", attributes(attributes));
        args.put("size", size(dataSize));
        args.put("data", data(data));
        return new AgentRequest(Op.SET, args);
    }

    /** QueryVariableInfo with non-NULL output pointers. */
    public static AgentRequest queryVariableInfo(int attributes) {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("attrs", attributes(attributes));
        return new AgentRequest(Op.QUERY, args);
    }

    /** Asks the agent for its protocol version; makes no call. */
    public static AgentRequest ping() {
        return new AgentRequest(Op.PING, new LinkedHashMap<>());
    }

    /** Ends the agent; it returns EFI_SUCCESS to the Shell. */
    public static AgentRequest exit() {
        return new AgentRequest(Op.EXIT, new LinkedHashMap<>());
    }

    /** ResetSystem(EfiResetCold), acknowledged before it happens. */
    public static AgentRequest reset() {
        return new AgentRequest(Op.RESET, new LinkedHashMap<>());
    }

    /** ResetSystem(EfiResetShutdown), acknowledged before it happens. */
    public static AgentRequest shutdown() {
        return new AgentRequest(Op.SHUTDOWN, new LinkedHashMap<>());
    }

    /** The same request with {@code pointer} passed as NULL. */
    public AgentRequest withNull(Pointer pointer) {
        if (!op.nullable.contains(pointer)) {
            throw new IllegalArgumentException(op + " has no " + pointer + " pointer (it has " + op.nullable + ")");
        }
        Map<String, String> copy = new LinkedHashMap<>(args);
        copy.put(pointer.key, "null");
        return new AgentRequest(op, copy);
    }

    public Op op() {
        return op;
    }

    /** The arguments as the agent reads them (key → value text), for codecs that carry the same call elsewhere. */
    Map<String, String> arguments() {
        return java.util.Collections.unmodifiableMap(args);
    }

    /** The request line with sequence number {@code seq}, without the end of line. */
    public String line(long seq) {
        if (seq < 0) {
            throw new IllegalArgumentException("sequence number must not be negative: " + seq);
        }
        String line = seq + " " + this;
        if (line.length() > MAX_LINE) {
            throw new IllegalArgumentException(op + " request of " + line.length()
                    + " characters is longer than the agent accepts (" + MAX_LINE + "); use less hex data");
        }
        return line;
    }

    /** The line without its sequence number, e.g. {@code QUERY attrs=0x7}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(op.name());
        args.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        return sb.toString();
    }

    private static Map<String, String> nameAndGuid(String name, EfiGuid vendor) {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("name", name(name));
        args.put("guid", vendor.toString().toLowerCase(Locale.ROOT));
        return args;
    }

    /** UTF-16LE code units, taken as they are so that unpaired surrogates and NULs reach the firmware unchanged. */
    static String name(String name) {
        if ((name.length() + 1L) * 2 > MAX_BUFFER) {
            throw new IllegalArgumentException("variable name of " + name.length()
                    + " characters is longer than the agent's buffer limit (" + MAX_BUFFER + " bytes)");
        }
        byte[] bytes = new byte[name.length() * 2];
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            bytes[2 * i] = (byte) c;
            bytes[2 * i + 1] = (byte) (c >>> 8);
        }
        return HEX.formatHex(bytes);
    }

    private static String size(long size) {
        if (size < 0 || size > MAX_BUFFER) {
            throw new IllegalArgumentException("size " + size + " is outside what the agent accepts (0.." + MAX_BUFFER + ")");
        }
        return Long.toString(size);
    }

    private static String attributes(int attributes) {
        return "0x" + Integer.toHexString(attributes);
    }

    /** Compact form: {@code fill:} when all bytes are equal, {@code seq:} for 0,1,2,... (mod 256), else {@code hex:}. */
    static String data(byte[] data) {
        if (data.length > MAX_BUFFER) {
            throw new IllegalArgumentException("data of " + data.length + " bytes is more than the agent accepts ("
                    + MAX_BUFFER + ")");
        }
        if (data.length > 0 && allEqual(data)) {
            return "fill:" + data.length + ":" + HEX.toHexDigits(data[0]);
        }
        if (data.length > 0 && isSequence(data)) {
            return "seq:" + data.length;
        }
        return "hex:" + HEX.formatHex(data);
    }

    private static boolean allEqual(byte[] data) {
        for (byte b : data) {
            if (b != data[0]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSequence(byte[] data) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] != (byte) i) {
                return false;
            }
        }
        return true;
    }
}
