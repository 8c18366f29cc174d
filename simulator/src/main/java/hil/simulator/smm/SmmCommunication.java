package hil.simulator.smm;

import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;

/**
 * The SMM IPL and core transport (MM Communication v2) as edk2 2022.11 builds it: checks the buffer, dispatches on
 * the header GUID to the variable handler ({@link EfiGuid#SMM_VARIABLE_PROTOCOL}) or the VarCheckPolicy handler
 * ({@link VarCheckPolicyMmi#HANDLER_GUID}), and hands the handler the buffer behind the 24-byte header with
 * {@code CommSize − 24} as its size. A handler result other than EFI_SUCCESS becomes EFI_NOT_FOUND.
 *
 * <p>The comm buffer lives in a region of runtime memory (the array). The 2022.11 core validates only the first
 * {@code CommSize − 24} bytes of the buffer against it (later releases validate all {@code CommSize}), so a buffer
 * running up to 24 bytes past the region still reaches its handler, whose own check then refuses it. Memory past
 * the region does not exist in the model, so the 24-byte header itself must lie inside it.
 */
public final class SmmCommunication {

    private final SmmVariableHandler variableHandler;
    private final VarCheckPolicyMmi policyHandler;

    /** The transport with both handlers of the SMM variable driver. */
    public SmmCommunication(SmmVariableHandler variableHandler) {
        this.variableHandler = variableHandler;
        this.policyHandler = variableHandler.core().varCheck().policyMmi();
    }

    /** Result of Communicate: its own status and the updated CommSize. */
    public record Result(EfiStatus status, long commSize) {
    }

    /** What an MMI handler gives back to the SMM core: its status and the final *CommBufferSize. */
    record Reply(EfiStatus status, long size) {
    }

    /**
     * Communicate(CommBuffer, CommSize).
     *
     * @param memory   the runtime-memory region holding the buffer
     * @param offset   where the buffer starts in {@code memory}
     * @param commSize the size the caller passes (a UINTN: negative values are sizes above 2^63)
     */
    public Result communicate(byte[] memory, int offset, long commSize) {
        if (memory == null || Long.compareUnsigned(commSize, CommLayout.MM_HEADER_SIZE) < 0) {
            return new Result(EfiStatus.INVALID_PARAMETER, commSize);
        }
        long handlerSize = commSize - CommLayout.MM_HEADER_SIZE;
        long room = (long) memory.length - offset;
        if (offset < 0 || room < CommLayout.MM_HEADER_SIZE || Long.compareUnsigned(handlerSize, room) > 0) {
            // SmmIsBufferOutsideSmmValid: the buffer is not inside an allowed memory-map entry.
            return new Result(EfiStatus.ACCESS_DENIED, commSize);
        }
        int data = offset + CommLayout.MM_HEADER_SIZE;
        Reply reply;
        if (EfiGuid.SMM_VARIABLE_PROTOCOL.matches(memory, offset + CommLayout.MM_HEADER_GUID)) {
            reply = new Reply(EfiStatus.SUCCESS, variableHandler.handle(memory, data, handlerSize));
        } else if (VarCheckPolicyMmi.HANDLER_GUID.matches(memory, offset + CommLayout.MM_HEADER_GUID)) {
            reply = policyHandler.handle(memory, data, handlerSize);
        } else {
            return new Result(EfiStatus.NOT_FOUND, commSize);
        }
        EfiStatus status = reply.status() == EfiStatus.SUCCESS ? EfiStatus.SUCCESS : EfiStatus.NOT_FOUND;
        return new Result(status, reply.size() + CommLayout.MM_HEADER_SIZE);
    }
}
