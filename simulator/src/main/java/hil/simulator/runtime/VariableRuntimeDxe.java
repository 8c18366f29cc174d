package hil.simulator.runtime;

import hil.simulator.smm.SmmCommunication;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import hil.simulator.uefi.Ucs2;

import java.util.Arrays;

import static hil.simulator.smm.CommLayout.*;

/**
 * The runtime DXE side of the variable services (VariableSmmRuntimeDxe): the gRT GetVariable, GetNextVariableName,
 * SetVariable and QueryVariableInfo that callers see. Each call checks its arguments, marshals them into the
 * runtime communicate buffer with the exact EDK II layout, triggers the SMI and reads the status back from the
 * buffer. Like the real driver it ignores Communicate's own status, so a message SMM dropped reads back as the
 * zero the buffer was filled with: EFI_SUCCESS.
 *
 * <p>The buffer lives in simulated memory; {@link Channel} is how this code reaches it and SMM: each message is
 * composed in {@link #commBuffer()} (the driver's view of the buffer), stored through {@code mVariableBuffer},
 * sent with {@code Communicate(mVariableBufferPhysical, mVariableBuffer, &CommSize)}, and read back through
 * {@code mVariableBuffer}.
 *
 * <p>Pointer arguments are modelled explicitly: a {@code null} name, vendor or size means a NULL pointer.
 */
public final class VariableRuntimeDxe {

    /** The communicate buffer in memory and the SMM transport, as the wrapper's globals reach them. */
    public interface Channel {

        /** Stores bytes {@code [0, length)} of {@code message} at the start of the buffer, through mVariableBuffer. */
        void store(byte[] message, int length);

        /** mMmCommunication2->Communicate with the buffer's physical and virtual addresses and {@code commSize}. */
        void communicate(long commSize);

        /** Reads bytes {@code [0, length)} of the buffer, through mVariableBuffer, into {@code message}. */
        void load(byte[] message, int length);
    }

    private final Channel channel;
    private final long payloadSize;
    private final byte[] commBuffer;
    private long lastCommSize;
    /** How far into the communicate buffer messages have written since it was last zeroed. */
    private int dirtyEnd;
    /** How far the last zero fill reached: that much of the memory must be stored to clear it. */
    private int writtenEnd;

    /**
     * The wrapper once SmmVariableReady has its buffer: {@code payloadSize} is what SMM answered to function 11
     * ({@link #payloadSizeQuery} and {@link #payloadSizeAnswer}), the buffer is 24 + 16 + that many bytes.
     *
     * @throws IllegalStateException if the payload size cannot be a buffer
     */
    public VariableRuntimeDxe(long payloadSize, Channel channel) {
        if (payloadSize <= 0 || payloadSize > Integer.MAX_VALUE - 64) {
            throw new IllegalStateException("SMM variable handler reported a payload size of " + payloadSize);
        }
        this.channel = channel;
        this.payloadSize = payloadSize;
        this.commBuffer = new byte[(int) (MM_HEADER_SIZE + VARIABLE_HEADER_SIZE + payloadSize)];
    }

    /** The size of GetVariablePayloadSize's exactly sized temporary buffer. */
    public static final int PAYLOAD_SIZE_QUERY_SIZE = MM_HEADER_SIZE + VARIABLE_HEADER_SIZE + PAYLOAD_SIZE_SIZE;

    /** GetVariablePayloadSize's message (function 11) in its exactly sized buffer. */
    public static byte[] payloadSizeQuery() {
        byte[] temp = new byte[PAYLOAD_SIZE_QUERY_SIZE];
        EfiGuid.SMM_VARIABLE_PROTOCOL.write(temp, MM_HEADER_GUID);
        Bytes.put64(temp, MM_MESSAGE_LENGTH, VARIABLE_HEADER_SIZE + PAYLOAD_SIZE_SIZE);
        Bytes.put64(temp, MM_HEADER_SIZE + FUNCTION, FN_GET_PAYLOAD_SIZE);
        return temp;
    }

    /**
     * The payload size in SMM's answer to {@link #payloadSizeQuery()}.
     *
     * @throws IllegalStateException if SMM did not answer with a usable size
     */
    public static long payloadSizeAnswer(byte[] reply) {
        long status = Bytes.u64(reply, MM_HEADER_SIZE + RETURN_STATUS);
        long size = Bytes.u64(reply, MM_HEADER_SIZE + VARIABLE_HEADER_SIZE);
        if (status != 0 || size <= 0 || size > Integer.MAX_VALUE - 64) {
            throw new IllegalStateException("SMM variable handler did not report a payload size (status "
                    + EfiStatus.describe(status) + ", size " + size + ")");
        }
        return size;
    }

    /**
     * A wrapper over a buffer that is only an array (no machine memory): SMM is handed the array. For tests of the
     * marshalling alone.
     */
    public static VariableRuntimeDxe overArray(SmmCommunication smm) {
        byte[] query = payloadSizeQuery();
        smm.communicate(query, 0, query.length);
        long size = payloadSizeAnswer(query);
        byte[] memory = new byte[(int) (MM_HEADER_SIZE + VARIABLE_HEADER_SIZE + size)];
        return new VariableRuntimeDxe(size, new Channel() {
            @Override
            public void store(byte[] message, int length) {
                System.arraycopy(message, 0, memory, 0, length);
            }

            @Override
            public void communicate(long commSize) {
                smm.communicate(memory, 0, commSize);
            }

            @Override
            public void load(byte[] message, int length) {
                System.arraycopy(memory, 0, message, 0, length);
            }
        });
    }

    /** mVariableBufferPayloadSize. */
    public long payloadSize() {
        return payloadSize;
    }

    /** The driver's view of the communicate buffer after the last message (for inspection by tests and tools). */
    public byte[] commBuffer() {
        return commBuffer;
    }

    /** The CommSize passed with the last message. */
    public long lastCommSize() {
        return lastCommSize;
    }

    /**
     * InitCommunicateBuffer's zero fill and header. Like EDK II the whole buffer is zero afterwards; only the part
     * earlier messages may have touched (up to {@code dirtyEnd}, the furthest CommSize since the last fill) needs
     * clearing, because neither side writes past CommSize.
     */
    private void writeHeader(byte[] buffer, long payload, int function) {
        int end = (int) Math.min(buffer.length, Math.max(dirtyEnd, MM_HEADER_SIZE + VARIABLE_HEADER_SIZE + payload));
        Arrays.fill(buffer, 0, end, (byte) 0);
        writtenEnd = end;
        dirtyEnd = 0;
        EfiGuid.SMM_VARIABLE_PROTOCOL.write(buffer, MM_HEADER_GUID);
        Bytes.put64(buffer, MM_MESSAGE_LENGTH, VARIABLE_HEADER_SIZE + payload);
        Bytes.put64(buffer, MM_HEADER_SIZE + FUNCTION, function);
    }

    /** InitCommunicateBuffer: false (INVALID_PARAMETER) when the payload does not fit. */
    private boolean init(long payload, int function) {
        if (payload < 0 || payload > payloadSize) {
            return false;
        }
        writeHeader(commBuffer, payload, function);
        return true;
    }

    /**
     * SendCommunicateBuffer: the status SMM left in the buffer. What InitCommunicateBuffer wrote (its zero fill up to
     * where earlier messages reached, and this message) is stored in memory first; afterwards the part SMM may have
     * written (up to CommSize) is read back.
     */
    private EfiStatus send(long payload) {
        int zeroed = writtenEnd;
        lastCommSize = MM_HEADER_SIZE + VARIABLE_HEADER_SIZE + payload;
        dirtyEnd = (int) Math.max(dirtyEnd, Math.min(commBuffer.length, lastCommSize));
        channel.store(commBuffer, Math.max(zeroed, dirtyEnd));
        channel.communicate(lastCommSize);
        channel.load(commBuffer, dirtyEnd);
        long status = Bytes.u64(commBuffer, MM_HEADER_SIZE + RETURN_STATUS);
        return EfiStatus.fromValue(status).orElse(EfiStatus.DEVICE_ERROR);
    }

    private static final int P = MM_HEADER_SIZE + VARIABLE_HEADER_SIZE;

    // ---- GetVariable ---------------------------------------------------------------------------------------

    /** Outputs of GetVariable: status, *DataSize, *Attributes (null without a pointer) and the data copied. */
    public record GetVariableResult(EfiStatus status, Long dataSize, Integer attributes, byte[] data) {
    }

    /**
     * GetVariable.
     *
     * @param name         NUL-terminated CHAR16 bytes, or null for a NULL pointer
     * @param vendor       or null
     * @param dataSize     *DataSize, or null for a NULL pointer
     * @param attributesIn *Attributes on entry, or null for a NULL Attributes pointer
     * @param dataPresent  whether Data is non-NULL
     */
    public GetVariableResult getVariable(byte[] name, EfiGuid vendor, Long dataSize, Integer attributesIn,
                                         boolean dataPresent) {
        if (name == null || vendor == null || dataSize == null) {
            return new GetVariableResult(EfiStatus.INVALID_PARAMETER, dataSize, attributesIn, null);
        }
        if (isEmpty(name)) {
            return new GetVariableResult(EfiStatus.NOT_FOUND, dataSize, attributesIn, null);
        }
        long nameSize = strSize(name);
        if (nameSize > payloadSize - ACCESS_NAME) {
            return new GetVariableResult(EfiStatus.INVALID_PARAMETER, dataSize, attributesIn, null);
        }
        long tempDataSize = dataSize;
        if (Long.compareUnsigned(tempDataSize, payloadSize - ACCESS_NAME - nameSize) > 0) {
            tempDataSize = payloadSize - ACCESS_NAME - nameSize;
        }
        long payload = ACCESS_NAME + nameSize + tempDataSize;
        if (!init(payload, FN_GET_VARIABLE)) {
            return new GetVariableResult(EfiStatus.INVALID_PARAMETER, dataSize, attributesIn, null);
        }
        vendor.write(commBuffer, P + ACCESS_GUID);
        Bytes.put64(commBuffer, P + ACCESS_DATA_SIZE, tempDataSize);
        Bytes.put64(commBuffer, P + ACCESS_NAME_SIZE, nameSize);
        Bytes.put32(commBuffer, P + ACCESS_ATTRIBUTES, attributesIn == null ? 0 : attributesIn & 0xFFFFFFFFL);
        System.arraycopy(name, 0, commBuffer, P + ACCESS_NAME, (int) Math.min(nameSize, name.length));
        EfiStatus status = send(payload);
        Long outSize = dataSize;
        if (status == EfiStatus.SUCCESS || status == EfiStatus.BUFFER_TOO_SMALL) {
            outSize = Bytes.u64(commBuffer, P + ACCESS_DATA_SIZE);
        }
        Integer outAttributes = attributesIn == null ? null : (int) Bytes.u32(commBuffer, P + ACCESS_ATTRIBUTES);
        if (status != EfiStatus.SUCCESS) {
            return new GetVariableResult(status, outSize, outAttributes, null);
        }
        if (!dataPresent) {
            return new GetVariableResult(EfiStatus.INVALID_PARAMETER, outSize, outAttributes, null);
        }
        int from = P + ACCESS_NAME + (int) nameSize;
        long n = Math.min(outSize, commBuffer.length - (long) from);
        return new GetVariableResult(status, outSize, outAttributes, Arrays.copyOfRange(commBuffer, from, from + (int) n));
    }

    // ---- GetNextVariableName -------------------------------------------------------------------------------

    /** Outputs of GetNextVariableName: status, *VariableNameSize, and on success the name bytes and vendor. */
    public record NextNameResult(EfiStatus status, Long nameSize, byte[] name, EfiGuid vendor) {
    }

    /**
     * GetNextVariableName.
     *
     * @param nameSize   *VariableNameSize (the buffer capacity in bytes), or null for a NULL pointer
     * @param nameBuffer the caller's VariableName buffer contents, or null for a NULL pointer
     * @param vendor     *VendorGuid, or null for a NULL pointer
     */
    public NextNameResult getNextVariableName(Long nameSize, byte[] nameBuffer, EfiGuid vendor) {
        if (nameSize == null || nameBuffer == null || vendor == null) {
            return new NextNameResult(EfiStatus.INVALID_PARAMETER, nameSize, null, null);
        }
        long maxLen = Long.divideUnsigned(nameSize, 2);
        if (maxLen == 0 || !Ucs2.hasNul(nameBuffer, 0, maxLen)) {
            return new NextNameResult(EfiStatus.INVALID_PARAMETER, nameSize, null, null);
        }
        long inSize = strSize(nameBuffer);
        long capacity = payloadSize - NEXT_NAME;
        if (inSize > capacity) {
            return new NextNameResult(EfiStatus.INVALID_PARAMETER, nameSize, null, null);
        }
        long outSize = nameSize;
        if (Long.compareUnsigned(outSize, capacity) > 0) {
            outSize = capacity;
        }
        if (outSize < inSize) {
            outSize = inSize;
        }
        long payload = NEXT_NAME + outSize;
        if (!init(payload, FN_GET_NEXT_VARIABLE_NAME)) {
            return new NextNameResult(EfiStatus.INVALID_PARAMETER, nameSize, null, null);
        }
        Bytes.put64(commBuffer, P + NEXT_NAME_SIZE, outSize);
        vendor.write(commBuffer, P + NEXT_GUID);
        System.arraycopy(nameBuffer, 0, commBuffer, P + NEXT_NAME, (int) Math.min(inSize, nameBuffer.length));
        EfiStatus status = send(payload);
        Long out = nameSize;
        if (status == EfiStatus.SUCCESS || status == EfiStatus.BUFFER_TOO_SMALL) {
            out = Bytes.u64(commBuffer, P + NEXT_NAME_SIZE);
        }
        if (status != EfiStatus.SUCCESS) {
            return new NextNameResult(status, out, null, null);
        }
        int n = (int) Math.min(out, commBuffer.length - (long) (P + NEXT_NAME));
        return new NextNameResult(status, out, Arrays.copyOfRange(commBuffer, P + NEXT_NAME, P + NEXT_NAME + n),
                EfiGuid.read(commBuffer, P + NEXT_GUID));
    }

    // ---- SetVariable ---------------------------------------------------------------------------------------

    /**
     * SetVariable.
     *
     * @param name   NUL-terminated CHAR16 bytes, or null
     * @param vendor or null
     * @param data   the data (its length is DataSize), or null for a NULL Data pointer with {@code dataSize}
     */
    public EfiStatus setVariable(byte[] name, EfiGuid vendor, int attributes, long dataSize, byte[] data) {
        if (name == null || isEmpty(name) || vendor == null) {
            return EfiStatus.INVALID_PARAMETER;
        }
        if (dataSize != 0 && data == null) {
            return EfiStatus.INVALID_PARAMETER;
        }
        long nameSize = strSize(name);
        long room = payloadSize - ACCESS_NAME;
        if (Long.compareUnsigned(dataSize, room) > 0 || nameSize > room - dataSize) {
            return EfiStatus.INVALID_PARAMETER;
        }
        long payload = ACCESS_NAME + nameSize + dataSize;
        if (!init(payload, FN_SET_VARIABLE)) {
            return EfiStatus.INVALID_PARAMETER;
        }
        vendor.write(commBuffer, P + ACCESS_GUID);
        Bytes.put64(commBuffer, P + ACCESS_DATA_SIZE, dataSize);
        Bytes.put64(commBuffer, P + ACCESS_NAME_SIZE, nameSize);
        Bytes.put32(commBuffer, P + ACCESS_ATTRIBUTES, attributes & 0xFFFFFFFFL);
        System.arraycopy(name, 0, commBuffer, P + ACCESS_NAME, (int) Math.min(nameSize, name.length));
        if (dataSize != 0) {
            System.arraycopy(data, 0, commBuffer, P + ACCESS_NAME + (int) nameSize, (int) dataSize);
        }
        return send(payload);
    }

    // ---- QueryVariableInfo ---------------------------------------------------------------------------------

    /** Outputs of QueryVariableInfo (the sizes are meaningful only on success). */
    public record QueryResult(EfiStatus status, long maximumVariableStorageSize, long remainingVariableStorageSize,
                              long maximumVariableSize) {
    }

    /** QueryVariableInfo with all three output pointers non-NULL unless {@code outputsPresent} is false. */
    public QueryResult queryVariableInfo(int attributes, boolean outputsPresent) {
        if (!outputsPresent || attributes == 0) {
            return new QueryResult(EfiStatus.INVALID_PARAMETER, 0, 0, 0);
        }
        if (!init(QUERY_SIZE, FN_QUERY_VARIABLE_INFO)) {
            return new QueryResult(EfiStatus.INVALID_PARAMETER, 0, 0, 0);
        }
        Bytes.put32(commBuffer, P + QUERY_ATTRIBUTES, attributes & 0xFFFFFFFFL);
        EfiStatus status = send(QUERY_SIZE);
        if (status != EfiStatus.SUCCESS) {
            return new QueryResult(status, 0, 0, 0);
        }
        return new QueryResult(status, Bytes.u64(commBuffer, P + QUERY_MAX_STORAGE),
                Bytes.u64(commBuffer, P + QUERY_REMAINING_STORAGE), Bytes.u64(commBuffer, P + QUERY_MAX_VARIABLE_SIZE));
    }

    // ---- phase notifications ------------------------------------------------------------------------------

    /** OnReadyToBoot: SMI function 5 (the DXE side sends it once). */
    public EfiStatus signalReadyToBoot() {
        init(0, FN_READY_TO_BOOT);
        return send(0);
    }

    /** OnExitBootServices: SMI function 6. */
    public EfiStatus signalExitBootServices() {
        init(0, FN_EXIT_BOOT_SERVICE);
        return send(0);
    }

    /** RequestToLock (EDKII_VARIABLE_LOCK_PROTOCOL): SMI function 8. */
    public EfiStatus requestToLock(byte[] name, EfiGuid vendor) {
        if (name == null || isEmpty(name) || vendor == null) {
            return EfiStatus.INVALID_PARAMETER;
        }
        long nameSize = strSize(name);
        if (nameSize > payloadSize - NEXT_NAME) {
            return EfiStatus.INVALID_PARAMETER;
        }
        long payload = NEXT_NAME + nameSize;
        init(payload, FN_LOCK_VARIABLE);
        vendor.write(commBuffer, P + NEXT_GUID);
        Bytes.put64(commBuffer, P + NEXT_NAME_SIZE, nameSize);
        System.arraycopy(name, 0, commBuffer, P + NEXT_NAME, (int) Math.min(nameSize, name.length));
        return send(payload);
    }

    private static boolean isEmpty(byte[] name) {
        return name.length < 2 || (name[0] == 0 && name[1] == 0);
    }

    /** StrSize of a CHAR16 buffer: up to and including the first NUL (or the whole even length plus a NUL). */
    private static long strSize(byte[] name) {
        for (int i = 0; i + 1 < name.length; i += 2) {
            if (name[i] == 0 && name[i + 1] == 0) {
                return i + 2L;
            }
        }
        return (name.length & ~1) + 2L;
    }
}
