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
    public static final int PROTOCOL_VERSION = 3;

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
        /** EFI_SMM_COMMUNICATION_PROTOCOL.Communicate with a raw buffer. */
        COMM(EnumSet.noneOf(Pointer.class)),
        /** EDKII_VARIABLE_LOCK_PROTOCOL.RequestToLock. */
        LOCKVAR(EnumSet.noneOf(Pointer.class)),
        /** EDKII_VARIABLE_POLICY_PROTOCOL.RegisterVariablePolicy. */
        REGPOLICY(EnumSet.noneOf(Pointer.class)),
        /** EDKII_VARIABLE_POLICY_PROTOCOL.LockVariablePolicy. */
        LOCKPOLICY(EnumSet.noneOf(Pointer.class)),
        /** EDKII_VARIABLE_POLICY_PROTOCOL.DisableVariablePolicy. */
        DISABLEPOLICY(EnumSet.noneOf(Pointer.class)),
        /** EDKII_VARIABLE_POLICY_PROTOCOL.IsVariablePolicyEnabled. */
        POLICYENABLED(EnumSet.noneOf(Pointer.class)),
        PING(EnumSet.noneOf(Pointer.class)),
        RTDRV(EnumSet.noneOf(Pointer.class)),
        /** GetMemoryMap, as an OS loader reads it. */
        MEMMAP(EnumSet.noneOf(Pointer.class)),
        /** ExitBootServices with a key of the host's choosing. */
        EBS(EnumSet.noneOf(Pointer.class)),
        /** SetVirtualAddressMap with a map of the host's choosing. */
        SVAM(EnumSet.noneOf(Pointer.class)),
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

    /**
     * A CommSize from which the agent passes a size beyond the buffer on: it reaches past every x86-64 physical
     * address, so the firmware's range check refuses it before anything reads the buffer past its header. Below it,
     * a CommSize beyond the buffer would let SMM read and write pool memory the agent does not own.
     */
    public static final long COMM_SIZE_OUTSIDE_MEMORY = 1L << 52;

    /** Largest VARIABLE_POLICY_ENTRY the agent takes: its Size field is a UINT16. */
    public static final int MAX_POLICY_ENTRY = 65536;

    /**
     * Communicate with {@code buffer} (exactly its bytes) in a pool of EFI_MEMORY_TYPE {@code memoryType} and
     * CommSize {@code commSize} (a UINTN: negative values are sizes from 2^63). Trailing zero bytes are not written
     * out: the agent's buffer is zero beyond the data sent, up to {@code buffer.length}.
     *
     * @throws IllegalArgumentException when CommSize goes beyond the buffer (below {@link #COMM_SIZE_OUTSIDE_MEMORY})
     *                                  or the buffer is larger than the agent takes
     */
    public static AgentRequest communicate(byte[] buffer, long commSize, int memoryType) {
        if (buffer.length > MAX_BUFFER) {
            throw new IllegalArgumentException("a communicate buffer of " + buffer.length
                    + " bytes is more than the agent allocates (" + MAX_BUFFER + ")");
        }
        if (memoryType < 0) {
            throw new IllegalArgumentException("EFI_MEMORY_TYPE " + Integer.toUnsignedString(memoryType)
                    + " is not a UINT32 the codec sends; use a value below 2^31");
        }
        if (Long.compareUnsigned(commSize, buffer.length) > 0
                && Long.compareUnsigned(commSize, COMM_SIZE_OUTSIDE_MEMORY) < 0) {
            throw new IllegalArgumentException("CommSize " + Long.toUnsignedString(commSize) + " reaches beyond the "
                    + buffer.length + "-byte buffer; the agent sends a buffer only with the memory it owns");
        }
        int used = buffer.length;
        while (used > 0 && buffer[used - 1] == 0) {
            used--;
        }
        Map<String, String> args = new LinkedHashMap<>();
        args.put("type", Integer.toString(memoryType));
        args.put("len", Integer.toString(buffer.length));
        args.put("size", Long.toUnsignedString(commSize));
        args.put("data", "hex:" + HEX.formatHex(buffer, 0, used));
        return new AgentRequest(Op.COMM, args);
    }

    /** RequestToLock(name, vendor). */
    public static AgentRequest requestToLock(String name, EfiGuid vendor) {
        return new AgentRequest(Op.LOCKVAR, nameAndGuid(name, vendor));
    }

    /**
     * RegisterVariablePolicy with {@code entry} at the start of the agent's zeroed 64 KiB buffer, so an entry whose
     * Size field claims more than its bytes makes the firmware read zeros, never memory the agent does not own.
     */
    public static AgentRequest registerVariablePolicy(byte[] entry) {
        if (entry.length > MAX_POLICY_ENTRY) {
            throw new IllegalArgumentException("a variable policy entry of " + entry.length
                    + " bytes is more than its UINT16 Size can describe (" + MAX_POLICY_ENTRY + ")");
        }
        Map<String, String> args = new LinkedHashMap<>();
        args.put("entry", "hex:" + HEX.formatHex(entry));
        return new AgentRequest(Op.REGPOLICY, args);
    }

    /** LockVariablePolicy(). */
    public static AgentRequest lockVariablePolicy() {
        return new AgentRequest(Op.LOCKPOLICY, new LinkedHashMap<>());
    }

    /** DisableVariablePolicy(). */
    public static AgentRequest disableVariablePolicy() {
        return new AgentRequest(Op.DISABLEPOLICY, new LinkedHashMap<>());
    }

    /** IsVariablePolicyEnabled(&state). */
    public static AgentRequest isVariablePolicyEnabled() {
        return new AgentRequest(Op.POLICYENABLED, new LinkedHashMap<>());
    }

    /**
     * LoadImage of {@code file} from the agent's own file system, with {@code options} (ASCII, NUL appended) as the
     * image's LoadOptions, then StartImage; the reply has the image handle.
     */
    public static AgentRequest loadDriver(String file, String options) {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("do", "load");
        args.put("file", ascii("file", file));
        args.put("options", ascii("options", options));
        return new AgentRequest(Op.RTDRV, args);
    }

    /** UnloadImage of an image the agent loaded. */
    public static AgentRequest unloadDriver(long handle) {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("do", "unload");
        args.put("handle", "0x" + Long.toHexString(handle));
        return new AgentRequest(Op.RTDRV, args);
    }

    /** Printable ASCII of at most 1023 characters as hex, as RTDRV takes its texts. */
    private static String ascii(String key, String text) {
        if (text.isEmpty() || text.length() > 1023 || !text.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
            throw new IllegalArgumentException("RTDRV " + key + " must be 1 to 1023 printable ASCII characters: \""
                    + text + "\"");
        }
        return HEX.formatHex(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** GetMemoryMap: the reply has the map's key, descriptor count, size and version. */
    public static AgentRequest memoryMap() {
        return new AgentRequest(Op.MEMMAP, new LinkedHashMap<>());
    }

    /** ExitBootServices with {@code mapKey}; from this call on the agent talks over COM1 itself (PROTOCOL.md). */
    public static AgentRequest exitBootServices(long mapKey) {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("key", "0x" + Long.toHexString(mapKey));
        return new AgentRequest(Op.EBS, args);
    }

    /** ExitBootServices with the key of a map read immediately before it, as an OS loader that succeeds does. */
    public static AgentRequest exitBootServicesWithCurrentKey() {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("key", "current");
        return new AgentRequest(Op.EBS, args);
    }

    /**
     * SetVirtualAddressMap with the runtime entries of the firmware's map laid out {@code descriptorSize} bytes
     * apart, with {@code descriptorVersion}, each at PhysicalStart + {@code offset} (a multiple of 512 GiB, or 0).
     */
    public static AgentRequest setVirtualAddressMap(long descriptorSize, long descriptorVersion, long offset) {
        if (descriptorSize < 1 || descriptorSize > 4096 || descriptorVersion < 0 || descriptorVersion > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("SVAM takes a descriptor size of 1 to 4096 bytes and a 32-bit version: "
                    + descriptorSize + ", " + descriptorVersion);
        }
        Map<String, String> args = new LinkedHashMap<>();
        args.put("descsize", Long.toString(descriptorSize));
        args.put("version", Long.toString(descriptorVersion));
        args.put("offset", "0x" + Long.toHexString(offset));
        return new AgentRequest(Op.SVAM, args);
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
