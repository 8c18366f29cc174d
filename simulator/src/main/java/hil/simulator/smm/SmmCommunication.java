package hil.simulator.smm;

import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;

/**
 * The SMM IPL and core transport (MM Communication v2): checks the buffer, dispatches on the header GUID and hands
 * the handler the buffer behind the 24-byte header with {@code CommSize − 24} as its size. The comm buffer lives in
 * a region of runtime memory; a buffer running past that region fails the core's location check.
 */
public final class SmmCommunication {

    private final SmmVariableHandler variableHandler;

    public SmmCommunication(SmmVariableHandler variableHandler) {
        this.variableHandler = variableHandler;
    }

    /** Result of Communicate: its own status and the updated CommSize. */
    public record Result(EfiStatus status, long commSize) {
    }

    /**
     * Communicate(CommBuffer, CommSize).
     *
     * @param memory   the runtime-memory region holding the buffer
     * @param offset   where the buffer starts in {@code memory}
     * @param commSize the size the caller passes
     */
    public Result communicate(byte[] memory, int offset, long commSize) {
        if (memory == null || commSize < CommLayout.MM_HEADER_SIZE) {
            return new Result(EfiStatus.INVALID_PARAMETER, commSize);
        }
        if (offset < 0 || commSize > memory.length - (long) offset) {
            // SmmIsBufferOutsideSmmValid: the buffer is not wholly inside an allowed memory-map entry.
            return new Result(EfiStatus.ACCESS_DENIED, commSize);
        }
        if (!EfiGuid.SMM_VARIABLE_PROTOCOL.matches(memory, offset + CommLayout.MM_HEADER_GUID)) {
            return new Result(EfiStatus.NOT_FOUND, commSize);
        }
        long handlerSize = variableHandler.handle(memory, offset + CommLayout.MM_HEADER_SIZE,
                commSize - CommLayout.MM_HEADER_SIZE);
        return new Result(EfiStatus.SUCCESS, handlerSize + CommLayout.MM_HEADER_SIZE);
    }
}
