package hil.simulator.smm;

import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiStatus;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The DXE side of EDKII_VARIABLE_POLICY_PROTOCOL as the SMM build installs it (VariablePolicySmmDxe): each call
 * fills in the VarCheckPolicy header in its own 16 KiB runtime buffer and sends the whole buffer (CommSize
 * {@link VarCheckPolicyMmi#COMM_BUFFER_SIZE}) to the {@link VarCheckPolicyMmi} handler. The buffer is not cleared
 * between calls. A failing Communicate is returned as is; otherwise the Result field is the answer.
 */
public final class VariablePolicyProxy {

    private static final int HEADER = CommLayout.MM_HEADER_SIZE;
    private static final int PARAMS = HEADER + VarCheckPolicyMmi.HEADER_SIZE;

    private final SmmCommunication smm;
    private final boolean allowDisable;
    private final byte[] buffer = new byte[VarCheckPolicyMmi.COMM_BUFFER_SIZE];

    /**
     * @param allowDisable PcdAllowVariablePolicyEnforcementDisable as the DXE driver sees it (FALSE in OVMF)
     */
    public VariablePolicyProxy(SmmCommunication smm, boolean allowDisable) {
        this.smm = smm;
        this.allowDisable = allowDisable;
    }

    /** The proxy of the OVMF build, where disabling enforcement is not allowed. */
    public VariablePolicyProxy(SmmCommunication smm) {
        this(smm, false);
    }

    private void header(int command) {
        VarCheckPolicyMmi.HANDLER_GUID.write(buffer, CommLayout.MM_HEADER_GUID);
        Bytes.put64(buffer, CommLayout.MM_MESSAGE_LENGTH, buffer.length - HEADER);
        Bytes.put32(buffer, HEADER + VarCheckPolicyMmi.OFFSET_SIGNATURE, VarCheckPolicyMmi.SIGNATURE);
        Bytes.put32(buffer, HEADER + VarCheckPolicyMmi.OFFSET_REVISION, VarCheckPolicyMmi.REVISION);
        Bytes.put32(buffer, HEADER + VarCheckPolicyMmi.OFFSET_COMMAND, command);
    }

    private EfiStatus send() {
        SmmCommunication.Result r = smm.communicate(buffer, 0, buffer.length);
        if (r.status().isError()) {
            return r.status();
        }
        return result();
    }

    private EfiStatus result() {
        long value = Bytes.u64(buffer, HEADER + VarCheckPolicyMmi.OFFSET_RESULT);
        return EfiStatus.fromValue(value).orElse(EfiStatus.DEVICE_ERROR);
    }

    /**
     * RegisterVariablePolicy: INVALID_PARAMETER for no entry, OUT_OF_RESOURCES when its Size does not fit the
     * buffer, else the engine's answer. The proxy copies Size bytes whatever the entry holds; bytes the given array
     * does not have are sent as zeros.
     */
    public EfiStatus register(byte[] entry) {
        if (entry == null) {
            return EfiStatus.INVALID_PARAMETER;
        }
        byte[] fixed = Arrays.copyOf(entry, Math.max(entry.length, VariablePolicyEntry.FIXED_SIZE));
        int size = Bytes.u16(fixed, VariablePolicyEntry.OFFSET_SIZE);
        if (PARAMS + (long) size > buffer.length) {
            return EfiStatus.OUT_OF_RESOURCES;
        }
        header(VarCheckPolicyMmi.COMMAND_REGISTER);
        Arrays.fill(buffer, PARAMS, PARAMS + size, (byte) 0);
        System.arraycopy(fixed, 0, buffer, PARAMS, Math.min(size, fixed.length));
        return send();
    }

    /** DisableVariablePolicy: WRITE_PROTECTED before any MMI unless the platform allows disabling. */
    public EfiStatus disable() {
        if (!allowDisable) {
            return EfiStatus.WRITE_PROTECTED;
        }
        header(VarCheckPolicyMmi.COMMAND_DISABLE);
        return send();
    }

    /** LockVariablePolicy. */
    public EfiStatus lock() {
        header(VarCheckPolicyMmi.COMMAND_LOCK);
        return send();
    }

    /** IsVariablePolicyEnabled: the status and the State byte. */
    public record Enabled(EfiStatus status, boolean enabled) {
    }

    public Enabled isEnabled() {
        header(VarCheckPolicyMmi.COMMAND_IS_ENABLED);
        SmmCommunication.Result r = smm.communicate(buffer, 0, buffer.length);
        if (r.status().isError()) {
            return new Enabled(r.status(), false);
        }
        return new Enabled(result(), buffer[PARAMS] != 0);
    }

    /** DumpVariablePolicy: the status and the table bytes. */
    public record Dump(EfiStatus status, byte[] table) {
    }

    /**
     * DumpVariablePolicy with a buffer large enough for any table: page 0 for the size, then pages 1… until HasMore
     * is clear; retried from page 0 while a page answers TIMEOUT.
     */
    public Dump dump() {
        EfiStatus status;
        ByteArrayOutputStream table;
        do {
            table = new ByteArrayOutputStream();
            status = page(0);
            if (status.isError()) {
                break;
            }
            boolean more = buffer[PARAMS + 12] != 0;
            for (long index = 1; !status.isError() && more && index < 0xFFFF_FFFFL; index++) {
                status = page(index);
                if (!status.isError()) {
                    table.write(buffer, PARAMS + VarCheckPolicyMmi.DUMP_PARAMS_SIZE, (int) Bytes.u32(buffer, PARAMS + 8));
                    more = buffer[PARAMS + 12] != 0;
                }
            }
        } while (status == EfiStatus.TIMEOUT);
        return new Dump(status, status.isError() ? new byte[0] : table.toByteArray());
    }

    private EfiStatus page(long index) {
        header(VarCheckPolicyMmi.COMMAND_DUMP);
        Bytes.put32(buffer, PARAMS, index);
        return send();
    }
}
