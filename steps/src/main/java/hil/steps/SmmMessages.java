package hil.steps;

import hil.simulator.smm.CommLayout;
import hil.simulator.smm.VarCheckPolicyMmi;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.Ucs2;

import java.util.Arrays;

/**
 * Hand-built communicate buffers for the SMM steps, laid out as EDK II lays them out (reference 1.2–1.6, 5.5): the
 * 24-byte MM header, then SMM_VARIABLE_COMMUNICATE_HEADER (Function, ReturnStatus) and the payload, or the
 * VarCheckPolicy header. ReturnStatus and the policy Result start out as {@link #UNTOUCHED}, a value no handler
 * writes, so a message the handler dropped can be told from one it answered.
 */
public final class SmmMessages {

    /** What ReturnStatus and Result hold when sent. */
    public static final long UNTOUCHED = 0x5A5A_5A5A_5A5A_5A5AL;
    /** Buffers are zero-padded up to CommSize, up to this size. */
    static final long MAX_PADDED = 1024 * 1024;

    private static final int PAYLOAD = CommLayout.MM_HEADER_SIZE + CommLayout.VARIABLE_HEADER_SIZE;

    private SmmMessages() {
    }

    /** A variable message with {@code payload} zero bytes of payload. */
    public static byte[] variable(EfiGuid headerGuid, long function, int payload) {
        byte[] b = new byte[PAYLOAD + payload];
        headerGuid.write(b, CommLayout.MM_HEADER_GUID);
        Bytes.put64(b, CommLayout.MM_MESSAGE_LENGTH, CommLayout.VARIABLE_HEADER_SIZE + payload);
        Bytes.put64(b, CommLayout.MM_HEADER_SIZE + CommLayout.FUNCTION, function);
        Bytes.put64(b, CommLayout.MM_HEADER_SIZE + CommLayout.RETURN_STATUS, UNTOUCHED);
        return b;
    }

    /**
     * An ACCESS_VARIABLE message (GetVariable or SetVariable): Guid, DataSize, NameSize, Attributes, the name's
     * bytes, then {@code data}.
     *
     * @param nameBytes the name as it should appear in the buffer (normally with its NUL)
     */
    public static byte[] access(int function, byte[] nameBytes, EfiGuid vendor, long nameSize, long dataSize,
                         int attributes, byte[] data) {
        byte[] b = variable(EfiGuid.SMM_VARIABLE_PROTOCOL, function, CommLayout.ACCESS_NAME + nameBytes.length + data.length);
        vendor.write(b, PAYLOAD + CommLayout.ACCESS_GUID);
        Bytes.put64(b, PAYLOAD + CommLayout.ACCESS_DATA_SIZE, dataSize);
        Bytes.put64(b, PAYLOAD + CommLayout.ACCESS_NAME_SIZE, nameSize);
        Bytes.put32(b, PAYLOAD + CommLayout.ACCESS_ATTRIBUTES, attributes & 0xFFFFFFFFL);
        System.arraycopy(nameBytes, 0, b, PAYLOAD + CommLayout.ACCESS_NAME, nameBytes.length);
        System.arraycopy(data, 0, b, PAYLOAD + CommLayout.ACCESS_NAME + nameBytes.length, data.length);
        return b;
    }

    /** A GET_NEXT_VARIABLE_NAME or LOCK_VARIABLE message: Guid, NameSize, then a name area holding the name. */
    public static byte[] named(int function, String name, EfiGuid vendor, long nameSize, int nameArea) {
        byte[] encoded = Ucs2.encode(name);
        byte[] b = variable(EfiGuid.SMM_VARIABLE_PROTOCOL, function, CommLayout.NEXT_NAME + nameArea);
        vendor.write(b, PAYLOAD + CommLayout.NEXT_GUID);
        Bytes.put64(b, PAYLOAD + CommLayout.NEXT_NAME_SIZE, nameSize);
        System.arraycopy(encoded, 0, b, PAYLOAD + CommLayout.NEXT_NAME, Math.min(encoded.length, nameArea));
        return b;
    }

    /** A VarCheckPolicy message: the header with the given command and revision, then {@code params} zero bytes. */
    public static byte[] policy(long command, long revision, int params) {
        int header = CommLayout.MM_HEADER_SIZE;
        byte[] b = new byte[header + VarCheckPolicyMmi.HEADER_SIZE + params];
        VarCheckPolicyMmi.HANDLER_GUID.write(b, CommLayout.MM_HEADER_GUID);
        Bytes.put64(b, CommLayout.MM_MESSAGE_LENGTH, VarCheckPolicyMmi.HEADER_SIZE + params);
        Bytes.put32(b, header + VarCheckPolicyMmi.OFFSET_SIGNATURE, VarCheckPolicyMmi.SIGNATURE);
        Bytes.put32(b, header + VarCheckPolicyMmi.OFFSET_REVISION, revision);
        Bytes.put32(b, header + VarCheckPolicyMmi.OFFSET_COMMAND, command);
        Bytes.put64(b, header + VarCheckPolicyMmi.OFFSET_RESULT, UNTOUCHED);
        return b;
    }

    /** The buffer zero-padded to CommSize when that is longer (and at most {@link #MAX_PADDED}). */
    public static byte[] padded(byte[] message, long commSize) {
        if (commSize > message.length && commSize <= MAX_PADDED) {
            return Arrays.copyOf(message, (int) commSize);
        }
        return message;
    }

    /** The CHAR16 bytes of a name without its terminating NUL. */
    public static byte[] withoutNul(String name) {
        byte[] encoded = Ucs2.encode(name);
        return Arrays.copyOf(encoded, encoded.length - 2);
    }
}
