package hil.simulator.smm;

import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;

/**
 * The VarCheckPolicy MMI handler (VarCheckPolicyLib, registered under {@link #HANDLER_GUID}): the SMM end of
 * EDKII_VARIABLE_POLICY_PROTOCOL. Its message is VAR_CHECK_POLICY_COMM_HEADER (packed, 20 bytes: Signature 'VCPC'
 * @0, Revision 1 @4, Command @8, Result @12) followed by the command's parameters.
 *
 * <p>The handler refuses a buffer larger than {@link #COMM_BUFFER_SIZE}, outside its memory or shorter than the
 * header by returning EFI_INVALID_PARAMETER to the SMM core (Communicate then reports EFI_NOT_FOUND and Result is
 * left alone). Otherwise it copies the message into its own 16 KiB buffer, answers a wrong signature or revision
 * with Result = EFI_INVALID_PARAMETER, and runs the command: 1 DISABLE, 2 IS_ENABLED, 3 REGISTER, 4 DUMP (paginated),
 * 5 LOCK. Commands 6 (GET_INFO) and 7 (GET_LOCK_VAR_STATE_INFO) first appear in edk2-stable202311; the reference
 * firmware (edk2 2022.11) answers them, like any other number, with Result = EFI_UNSUPPORTED.
 *
 * <p>Parameters are read from the private copy. Like the firmware's copy buffer, it keeps the bytes of earlier,
 * longer messages past the end of a shorter one; the only place that shows is the name a namespace-only policy is
 * compared under when checking for duplicates.
 */
public final class VarCheckPolicyMmi {

    /** gVarCheckPolicyLibMmiHandlerGuid. */
    public static final EfiGuid HANDLER_GUID = EfiGuid.parse("DA1B0D11-D1A7-46C4-9DC9-F3714875C6EB");
    /** VAR_CHECK_POLICY_COMM_SIG: 'V' 'C' 'P' 'C' as a little-endian UINT32. */
    public static final int SIGNATURE = 0x43504356;
    public static final int REVISION = 1;

    public static final int OFFSET_SIGNATURE = 0;
    public static final int OFFSET_REVISION = 4;
    public static final int OFFSET_COMMAND = 8;
    public static final int OFFSET_RESULT = 12;
    /** sizeof (VAR_CHECK_POLICY_COMM_HEADER). */
    public static final int HEADER_SIZE = 20;
    /** sizeof (VAR_CHECK_POLICY_COMM_IS_ENABLED_PARAMS): State (BOOLEAN). */
    public static final int IS_ENABLED_PARAMS_SIZE = 1;
    /** sizeof (VAR_CHECK_POLICY_COMM_DUMP_PARAMS): PageRequested @0, TotalSize @4, PageSize @8, HasMore @12. */
    public static final int DUMP_PARAMS_SIZE = 13;
    /** VAR_CHECK_POLICY_MM_COMM_BUFFER_SIZE: max(24 + 20 + 4 KiB, 16 KiB), the whole DXE buffer. */
    public static final int COMM_BUFFER_SIZE = 16 * 1024;
    /** VAR_CHECK_POLICY_MM_DUMP_BUFFER_SIZE: what is left of the buffer for one dump page. */
    public static final int DUMP_BUFFER_SIZE = COMM_BUFFER_SIZE - (CommLayout.MM_HEADER_SIZE + HEADER_SIZE + DUMP_PARAMS_SIZE);

    public static final int COMMAND_DISABLE = 1;
    public static final int COMMAND_IS_ENABLED = 2;
    public static final int COMMAND_REGISTER = 3;
    public static final int COMMAND_DUMP = 4;
    public static final int COMMAND_LOCK = 5;
    public static final int COMMAND_GET_INFO = 6;
    public static final int COMMAND_GET_LOCK_VAR_STATE_INFO = 7;

    private final VariablePolicy policy;
    /** mSecurityEvalBuffer. */
    private final byte[] internal = new byte[COMM_BUFFER_SIZE];
    /** The table as the first DUMP page captured it, or null. */
    private byte[] paginationCache;
    private int paginationCommand;

    VarCheckPolicyMmi(VariablePolicy policy) {
        this.policy = policy;
    }

    /**
     * Handles one message.
     *
     * @param buf    memory holding the message
     * @param offset start of VAR_CHECK_POLICY_COMM_HEADER
     * @param size   *CommBufferSize (unsigned)
     * @return the status for the SMM core and the final *CommBufferSize
     */
    SmmCommunication.Reply handle(byte[] buf, int offset, long size) {
        if (buf == null || Long.compareUnsigned(size, COMM_BUFFER_SIZE) > 0
                || offset < 0 || size > buf.length - (long) offset) {
            return new SmmCommunication.Reply(EfiStatus.INVALID_PARAMETER, size);
        }
        int n = (int) size;
        if (n < HEADER_SIZE) {
            return new SmmCommunication.Reply(EfiStatus.INVALID_PARAMETER, size);
        }
        System.arraycopy(buf, offset, internal, 0, n);
        if (Bytes.u32(internal, OFFSET_SIGNATURE) != SIGNATURE || Bytes.u32(internal, OFFSET_REVISION) != REVISION) {
            result(buf, offset, EfiStatus.INVALID_PARAMETER);
            return new SmmCommunication.Reply(EfiStatus.SUCCESS, size);
        }
        long command = Bytes.u32(internal, OFFSET_COMMAND);
        if (paginationCache != null && command != paginationCommand) {
            paginationCache = null;
            paginationCommand = 0;
        }
        // The default Result for a command that does not complete.
        result(buf, offset, EfiStatus.ABORTED);
        EfiStatus status;
        if (command == COMMAND_DISABLE) {
            status = policy.disable();
        } else if (command == COMMAND_IS_ENABLED) {
            if (n < HEADER_SIZE + IS_ENABLED_PARAMS_SIZE) {
                status = EfiStatus.INVALID_PARAMETER;
            } else {
                buf[offset + HEADER_SIZE] = (byte) (policy.isEnabled() ? 1 : 0);
                status = EfiStatus.SUCCESS;
            }
        } else if (command == COMMAND_REGISTER) {
            status = register(n);
        } else if (command == COMMAND_DUMP) {
            status = dump(buf, offset, n);
        } else if (command == COMMAND_LOCK) {
            status = policy.lock();
        } else {
            status = EfiStatus.UNSUPPORTED;
        }
        result(buf, offset, status);
        return new SmmCommunication.Reply(EfiStatus.SUCCESS, size);
    }

    private static void result(byte[] buf, int offset, EfiStatus status) {
        Bytes.put64(buf, offset + OFFSET_RESULT, status.value());
    }

    private EfiStatus register(int n) {
        int entry = HEADER_SIZE;
        if (n < entry + VariablePolicyEntry.FIXED_SIZE) {
            return EfiStatus.INVALID_PARAMETER;
        }
        long version = Bytes.u32(internal, entry + VariablePolicyEntry.OFFSET_VERSION);
        int entrySize = Bytes.u16(internal, entry + VariablePolicyEntry.OFFSET_SIZE);
        if (version != VariablePolicyEntry.REVISION || entrySize < VariablePolicyEntry.FIXED_SIZE
                || n < entry + entrySize) {
            return EfiStatus.INVALID_PARAMETER;
        }
        return policy.register(internal, entry, internal.length);
    }

    /**
     * DUMP: page 0 captures the table and reports its size (HasMore when there is anything); pages 1… return
     * successive {@link #DUMP_BUFFER_SIZE}-byte slices, the last one ending the capture. A page past the end is
     * INVALID_PARAMETER; a page without a capture (another command came in between) is TIMEOUT.
     */
    private EfiStatus dump(byte[] buf, int offset, int n) {
        int params = HEADER_SIZE;
        if (n < params + DUMP_PARAMS_SIZE + DUMP_BUFFER_SIZE) {
            return EfiStatus.INVALID_PARAMETER;
        }
        long page = Bytes.u32(internal, params);
        int out = offset + params;
        if (page == 0) {
            paginationCache = null;
            Bytes.put32(buf, out + 4, 0);
            Bytes.put32(buf, out + 8, 0);
            buf[out + 12] = 0;
            if (policy.tableUsage() > 0) {
                paginationCommand = COMMAND_DUMP;
                paginationCache = policy.dump();
                Bytes.put32(buf, out + 4, paginationCache.length);
                buf[out + 12] = 1;
            }
            return EfiStatus.SUCCESS;
        }
        if (paginationCache == null) {
            Bytes.put32(buf, out + 4, 0);
            Bytes.put32(buf, out + 8, 0);
            buf[out + 12] = 0;
            return EfiStatus.TIMEOUT;
        }
        int total = paginationCache.length;
        Bytes.put32(buf, out + 4, total);
        long pages = (total + (long) DUMP_BUFFER_SIZE - 1) / DUMP_BUFFER_SIZE;
        if (page > pages) {
            return EfiStatus.INVALID_PARAMETER;
        }
        int from = (int) ((page - 1) * DUMP_BUFFER_SIZE);
        // The last page's size is the remainder, which is 0 when the table fills its pages exactly.
        int length = page == pages ? total % DUMP_BUFFER_SIZE : DUMP_BUFFER_SIZE;
        System.arraycopy(paginationCache, from, buf, out + DUMP_PARAMS_SIZE, length);
        Bytes.put32(buf, out + 8, length);
        if (page == pages) {
            buf[out + 12] = 0;
            paginationCache = null;
            paginationCommand = 0;
        } else {
            buf[out + 12] = 1;
        }
        return EfiStatus.SUCCESS;
    }
}
