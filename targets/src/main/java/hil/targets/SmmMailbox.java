package hil.targets;

import hil.reports.model.Observation;
import hil.simulator.smm.CommLayout;
import hil.simulator.smm.VarCheckPolicyMmi;
import hil.simulator.platform.MemoryType;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Raw access to the SMM side of the variable services: hand-built (possibly malformed) communicate buffers sent to
 * the SMM handlers, and the lock and policy protocols that talk to SMM. Offered by targets that can observe it;
 * each call is one call on the target and returns its observation.
 *
 * <p>Methods throw {@link NotObservableException} when the target cannot make the call as asked.
 */
public interface SmmMailbox {

    /** Observation operations and keys of this capability. */
    final class Keys {
        public static final String COMMUNICATE = "SmmCommunicate";
        public static final String REQUEST_TO_LOCK = "RequestToLock";
        public static final String REGISTER_POLICY = "RegisterVariablePolicy";
        public static final String LOCK_POLICY = "LockVariablePolicy";
        public static final String DISABLE_POLICY = "DisableVariablePolicy";

        /** Input: the header GUID of the buffer sent. */
        public static final String HEADER_GUID = "headerGuid";
        /** Input: the Function of a variable message or the Command of a policy message, as sent. */
        public static final String FUNCTION = "function";
        /** Input: CommSize as passed; output: CommSize after the call (unsigned decimal). */
        public static final String COMM_SIZE = "commSize";
        /** Input: the EFI_MEMORY_TYPE the buffer was allocated as, e.g. {@code EfiRuntimeServicesData}. */
        public static final String MEMORY_TYPE = "memoryType";
        /** Input: the bytes sent (hex). */
        public static final String BUFFER = "buffer";
        /** Input: a VARIABLE_POLICY_ENTRY (hex). */
        public static final String ENTRY = "entry";
        /** Output: the variable header's ReturnStatus after the call (EFI name, or the raw value in hex). */
        public static final String RETURN_STATUS = "returnStatus";
        /** Output: the VarCheckPolicy header's Result after the call (EFI name, or the raw value in hex). */
        public static final String POLICY_RESULT = "policyResult";
        /** Output: the whole buffer after the call (hex). */
        public static final String REPLY = "reply";

        private Keys() {
        }
    }

    /**
     * Communicate(buffer, CommSize) with a hand-built buffer: the 24-byte EFI_MM_COMMUNICATE_HEADER and whatever
     * follows. The buffer's bytes are all the memory there is: a CommSize beyond them makes the buffer run out of
     * its region. The observation's status is Communicate's own; see {@link #inputs} and {@link #outputs}.
     */
    default Observation communicate(byte[] buffer, long commSize) {
        return communicate(buffer, commSize, DEFAULT_BUFFER_MEMORY);
    }

    /**
     * Communicate with the buffer in memory of the given type, as a caller that allocated it so (after
     * SmmReadyToLock, EDK II's SmmMemLib accepts only buffers in regions of the memory map taken then:
     * EfiRuntimeServicesData, EfiACPIMemoryNVS and the like; a buffer in EfiBootServicesData is refused).
     * The observation's inputs name the type (key {@link Keys#MEMORY_TYPE}).
     */
    Observation communicate(byte[] buffer, long commSize, MemoryType memory);

    /** Where VariableSmmRuntimeDxe keeps its buffer (AllocateRuntimePool): the default for a raw buffer. */
    MemoryType DEFAULT_BUFFER_MEMORY = MemoryType.RUNTIME_SERVICES_DATA;

    /** EDKII_VARIABLE_LOCK_PROTOCOL.RequestToLock. */
    Observation requestToLock(String name, EfiGuid vendor);

    /** EDKII_VARIABLE_POLICY_PROTOCOL.RegisterVariablePolicy with a VARIABLE_POLICY_ENTRY given as bytes. */
    Observation registerVariablePolicy(byte[] entry);

    /** EDKII_VARIABLE_POLICY_PROTOCOL.LockVariablePolicy. */
    Observation lockVariablePolicy();

    /** EDKII_VARIABLE_POLICY_PROTOCOL.DisableVariablePolicy. */
    Observation disableVariablePolicy();

    /**
     * The canonical inputs of {@link #communicate}: header GUID, Function or Command, CommSize, the buffer's
     * memory type and the bytes.
     */
    static Map<String, String> inputs(byte[] buffer, long commSize, MemoryType memory) {
        Map<String, String> in = new LinkedHashMap<>();
        if (buffer.length >= EfiGuid.SIZE) {
            EfiGuid guid = EfiGuid.read(buffer, CommLayout.MM_HEADER_GUID);
            in.put(Keys.HEADER_GUID, guid.toString());
            if (guid.equals(EfiGuid.SMM_VARIABLE_PROTOCOL) && buffer.length >= 32) {
                in.put(Keys.FUNCTION, Long.toUnsignedString(Bytes.u64(buffer, CommLayout.MM_HEADER_SIZE)));
            } else if (guid.equals(VarCheckPolicyMmi.HANDLER_GUID) && buffer.length >= 36) {
                in.put(Keys.FUNCTION, Long.toString(Bytes.u32(buffer, CommLayout.MM_HEADER_SIZE
                        + VarCheckPolicyMmi.OFFSET_COMMAND)));
            }
        }
        in.put(Keys.COMM_SIZE, Long.toUnsignedString(commSize));
        in.put(Keys.MEMORY_TYPE, memory.efiName());
        in.put(Keys.BUFFER, Bytes.hex(buffer));
        return in;
    }

    /**
     * The canonical outputs of {@link #communicate}: CommSize after the call, the whole buffer after it, and the
     * status field of the message's header kind (ReturnStatus @32 for the variable GUID, Result @36 for the
     * VarCheckPolicy GUID) when the buffer holds it.
     */
    static Map<String, String> outputs(byte[] after, long commSizeAfter) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(Keys.COMM_SIZE, Long.toUnsignedString(commSizeAfter));
        if (after.length >= EfiGuid.SIZE) {
            EfiGuid guid = EfiGuid.read(after, CommLayout.MM_HEADER_GUID);
            int variableStatus = CommLayout.MM_HEADER_SIZE + CommLayout.RETURN_STATUS;
            int policyResult = CommLayout.MM_HEADER_SIZE + VarCheckPolicyMmi.OFFSET_RESULT;
            if (guid.equals(EfiGuid.SMM_VARIABLE_PROTOCOL) && after.length >= variableStatus + 8) {
                out.put(Keys.RETURN_STATUS, EfiStatus.describe(Bytes.u64(after, variableStatus)));
            } else if (guid.equals(VarCheckPolicyMmi.HANDLER_GUID) && after.length >= policyResult + 8) {
                out.put(Keys.POLICY_RESULT, EfiStatus.describe(Bytes.u64(after, policyResult)));
            }
        }
        out.put(Keys.REPLY, Bytes.hex(after));
        return out;
    }
}
