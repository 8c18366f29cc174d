package hil.simulator.smm;

import hil.simulator.platform.MemoryFault;
import hil.simulator.platform.SystemMemory;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;

/**
 * The SMM IPL and core transport (MM Communication v2) as edk2 2022.11 builds it: checks the buffer, dispatches on
 * the header GUID to the variable handler ({@link EfiGuid#SMM_VARIABLE_PROTOCOL}) or the VarCheckPolicy handler
 * ({@link VarCheckPolicyMmi#HANDLER_GUID}), and hands the handler the buffer behind the 24-byte header with
 * {@code CommSize − 24} as its size. A handler result other than EFI_SUCCESS becomes EFI_NOT_FOUND.
 *
 * <p>The real path is {@link #communicate(long, long)}: EFI_MM_COMMUNICATION2_PROTOCOL.Communicate as PiSmmIpl
 * implements it takes CommBufferPhysical and CommBufferVirtual and uses only the physical one (the SMI runs with
 * paging as SMM set it up, so the virtual address the caller sees after SetVirtualAddressMap means nothing there).
 * The SMM core (SmmEntryPoint) subtracts the 24-byte header from CommSize and checks the buffer with
 * {@link SmmMemLib#isBufferOutsideSmmValid} over the remaining {@code CommSize − 24} bytes: a refused buffer
 * reaches no handler, Communicate returns EFI_ACCESS_DENIED and CommSize comes back as passed. The 2022.11 core
 * validates only those first {@code CommSize − 24} bytes (later releases validate all of CommSize), so a buffer
 * running up to 24 bytes past its region still reaches its handler.
 *
 * <p>{@link #communicate(byte[], int, long)} is the same transport over a buffer that is a region of its own (an
 * array outside the machine's memory map, for unit tests and the VariablePolicy proxy): only its bounds are checked,
 * and memory past the array does not exist, so the 24-byte header itself must lie inside it.
 */
public final class SmmCommunication {

    private final SmmVariableHandler variableHandler;
    private final VarCheckPolicyMmi policyHandler;
    /** The machine's memory as SMM addresses it (physically); null for a transport over arrays only. */
    private final SystemMemory memory;
    private final SmmMemLib memLib;

    /** The transport with both handlers of the SMM variable driver, over arrays only. */
    public SmmCommunication(SmmVariableHandler variableHandler) {
        this(variableHandler, null, null);
    }

    /** The transport of a machine: buffers are addresses in {@code memory}, checked by {@code memLib}. */
    public SmmCommunication(SmmVariableHandler variableHandler, SystemMemory memory, SmmMemLib memLib) {
        this.variableHandler = variableHandler;
        this.policyHandler = variableHandler.core().varCheck().policyMmi();
        this.memory = memory;
        this.memLib = memLib;
    }

    /**
     * Result of Communicate: its own status and the updated CommSize; or, with a null status, {@code unmodelled}
     * says why the simulator cannot tell what SMM would have done (it accepted a buffer whose bytes the model does not
     * hold).
     */
    public record Result(EfiStatus status, long commSize, String unmodelled) {

        public Result(EfiStatus status, long commSize) {
            this(status, commSize, null);
        }
    }

    /** The SmmMemLib state of this transport (null for a transport over arrays only). */
    public SmmMemLib memLib() {
        return memLib;
    }

    /**
     * Communicate(This, CommBufferPhysical, CommBufferVirtual, CommSize) of the MM Communication 2 protocol, with a
     * non-NULL CommSize: CommBufferVirtual is not used (PiSmmIpl passes only the physical address on), so only the
     * physical address is taken.
     *
     * @param commBufferPhysical the buffer's physical address (0 is NULL)
     * @param commSize           the size the caller passes (a UINTN)
     */
    public Result communicate(long commBufferPhysical, long commSize) {
        if (memory == null) {
            throw new IllegalStateException("this SMM transport has no machine memory to address");
        }
        if (commBufferPhysical == 0 || Long.compareUnsigned(commSize, CommLayout.MM_HEADER_SIZE) < 0) {
            return new Result(EfiStatus.INVALID_PARAMETER, commSize);
        }
        long handlerSize = commSize - CommLayout.MM_HEADER_SIZE;
        if (!memLib.isBufferOutsideSmmValid(commBufferPhysical, handlerSize)) {
            return new Result(EfiStatus.ACCESS_DENIED, commSize);
        }
        SystemMemory.Span span;
        try {
            span = memory.physicalSpan(commBufferPhysical, commSize);
        } catch (MemoryFault f) {
            return new Result(null, commSize, f.describe(String.format(
                    "SMM accepted the communicate buffer at 0x%X with CommSize %s, but it", commBufferPhysical,
                    Long.toUnsignedString(commSize))) + "; what SMM would read there is not modelled");
        }
        return dispatch(span.bytes(), span.offset(), handlerSize);
    }

    /** What an MMI handler gives back to the SMM core: its status and the final *CommBufferSize. */
    record Reply(EfiStatus status, long size) {
    }

    /**
     * Communicate(CommBuffer, CommSize) with a buffer that is a region of its own, outside the machine's memory.
     *
     * @param memory   the region holding the buffer
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
        return dispatch(memory, offset, handlerSize);
    }

    /** SmiManage on the header GUID with the buffer behind the header; the core's status and CommSize back. */
    private Result dispatch(byte[] bytes, int offset, long handlerSize) {
        long commSize = handlerSize + CommLayout.MM_HEADER_SIZE;
        int data = offset + CommLayout.MM_HEADER_SIZE;
        Reply reply;
        if (EfiGuid.SMM_VARIABLE_PROTOCOL.matches(bytes, offset + CommLayout.MM_HEADER_GUID)) {
            reply = new Reply(EfiStatus.SUCCESS, variableHandler.handle(bytes, data, handlerSize));
        } else if (VarCheckPolicyMmi.HANDLER_GUID.matches(bytes, offset + CommLayout.MM_HEADER_GUID)) {
            reply = policyHandler.handle(bytes, data, handlerSize);
        } else {
            return new Result(EfiStatus.NOT_FOUND, commSize);
        }
        EfiStatus status = reply.status() == EfiStatus.SUCCESS ? EfiStatus.SUCCESS : EfiStatus.NOT_FOUND;
        return new Result(status, reply.size() + CommLayout.MM_HEADER_SIZE);
    }
}
