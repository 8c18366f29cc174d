package hil.simulator.smm;

import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;

import java.util.Arrays;

import static hil.simulator.smm.CommLayout.*;

/**
 * SmmVariableHandler: validates a communicate buffer in the order EDK II does (reference 2.3, 2.4) and runs the
 * requested function on the {@link VariableCore}. Messages that fail the top-level or minimum-size checks are
 * dropped silently (ReturnStatus is left as the caller wrote it); every other outcome is written to ReturnStatus.
 * Payloads of functions 1, 2, 3 and 10 are copied into a private buffer before they are checked, so the caller
 * cannot change them mid-check; functions 1, 2 and 10 copy that buffer back whole.
 *
 * <p>Nothing is read or written outside [{@code offset}, {@code offset + size}). Functions 8 and 9 read their name
 * (and GUID, property) from the comm buffer without any length check, up to the name's NUL; where that would run
 * past the end of the message, the simulator reads zeros, as the zero-filled rest of a DXE buffer would give.
 */
public final class SmmVariableHandler {

    private static final long MAX_UINTN = -1L;

    private final VariableCore core;
    private final int payloadSize;
    private final byte[] smramCopy;

    public SmmVariableHandler(VariableCore core) {
        this.core = core;
        this.payloadSize = CommLayout.payloadSize(core.profile().maxOfAllVariableSizes(), core.nvStore().headerSize());
        this.smramCopy = new byte[payloadSize];
    }

    VariableCore core() {
        return core;
    }

    /** mVariableBufferPayloadSize. */
    public int payloadSize() {
        return payloadSize;
    }

    /**
     * Handles one message.
     *
     * @param buf    memory holding the message
     * @param offset start of SMM_VARIABLE_COMMUNICATE_HEADER
     * @param size   *CommBufferSize
     * @return the final *CommBufferSize
     */
    public long handle(byte[] buf, int offset, long size) {
        if (buf == null || Long.compareUnsigned(size, VARIABLE_HEADER_SIZE) < 0) {
            return size;
        }
        long p = size - VARIABLE_HEADER_SIZE;
        if (Long.compareUnsigned(p, payloadSize) > 0) {
            return size;
        }
        if (offset < 0 || size > buf.length - (long) offset) {
            // VariableSmmIsBufferOutsideSmmValid on (CommBuffer, *CommBufferSize).
            return size;
        }
        int pl = offset + VARIABLE_HEADER_SIZE;
        int payload = (int) p;
        long function = Bytes.u64(buf, offset + FUNCTION);
        EfiStatus status;
        if (function == FN_GET_VARIABLE || function == FN_SET_VARIABLE) {
            if (payload < ACCESS_NAME) {
                return size;
            }
            status = access(buf, pl, payload, function == FN_GET_VARIABLE);
        } else if (function == FN_GET_NEXT_VARIABLE_NAME) {
            if (payload < NEXT_NAME) {
                return size;
            }
            status = getNext(buf, pl, payload);
        } else if (function == FN_QUERY_VARIABLE_INFO) {
            if (payload < QUERY_SIZE) {
                return size;
            }
            status = query(buf, pl);
        } else if (function == FN_READY_TO_BOOT) {
            status = core.onReadyToBoot();
        } else if (function == FN_EXIT_BOOT_SERVICE) {
            core.onExitBootServices();
            status = EfiStatus.SUCCESS;
        } else if (function == FN_GET_STATISTICS) {
            // PcdVariableCollectStatistics is FALSE: no statistics, so *CommBufferSize = InfoSize + 16 is unchanged.
            status = EfiStatus.UNSUPPORTED;
        } else if (function == FN_LOCK_VARIABLE) {
            status = lock(buf, pl, payload);
        } else if (function == FN_VAR_CHECK_PROPERTY_SET) {
            status = propertySet(buf, pl, payload);
        } else if (function == FN_VAR_CHECK_PROPERTY_GET) {
            if (payload < PROPERTY_NAME) {
                return size;
            }
            status = propertyGet(buf, pl, payload);
        } else if (function == FN_GET_PAYLOAD_SIZE) {
            if (payload < PAYLOAD_SIZE_SIZE) {
                return size;
            }
            Bytes.put64(buf, pl, payloadSize);
            status = EfiStatus.SUCCESS;
        } else if (function == FN_INIT_RUNTIME_CACHE_CONTEXT) {
            // The simulator's memory model has no addresses the cache pointers could name, so the non-primary
            // buffer check always fails; a short payload or EndOfDxe fails earlier with the same status.
            status = EfiStatus.ACCESS_DENIED;
        } else if (function == FN_SYNC_RUNTIME_CACHE) {
            status = EfiStatus.UNSUPPORTED;
        } else if (function == FN_GET_RUNTIME_CACHE_INFO) {
            if (payload < CACHE_INFO_SIZE) {
                return size;
            }
            Bytes.put64(buf, pl, 0);
            Bytes.put64(buf, pl + 8, core.nvStore().size());
            Bytes.put64(buf, pl + 16, core.volatileStore().size());
            buf[pl + 24] = (byte) (core.nvStore().authenticated() ? 1 : 0);
            status = EfiStatus.SUCCESS;
        } else {
            status = EfiStatus.UNSUPPORTED;
        }
        Bytes.put64(buf, offset + RETURN_STATUS, status.value());
        return size;
    }

    /** Checks (a)(b)(c) shared by functions 1, 3 and 10 on the private copy; null when they pass. */
    private EfiStatus checkNamed(int fixed, long dataSize, long nameSize, int payload) {
        if (Long.compareUnsigned(MAX_UINTN - dataSize, fixed) < 0
                || Long.compareUnsigned(MAX_UINTN - nameSize, fixed + dataSize) < 0) {
            return EfiStatus.ACCESS_DENIED;
        }
        long total = fixed + dataSize + nameSize;
        if (Long.compareUnsigned(total, payload) > 0 || Long.compareUnsigned(total, fixed) < 0) {
            return EfiStatus.ACCESS_DENIED;
        }
        if (nameSize < 2) {
            return EfiStatus.ACCESS_DENIED;
        }
        int last = fixed + (int) (nameSize / 2 - 1) * 2;
        if (smramCopy[last] != 0 || smramCopy[last + 1] != 0) {
            return EfiStatus.ACCESS_DENIED;
        }
        return null;
    }

    private EfiStatus access(byte[] buf, int pl, int payload, boolean get) {
        System.arraycopy(buf, pl, smramCopy, 0, payload);
        long dataSize = Bytes.u64(smramCopy, ACCESS_DATA_SIZE);
        long nameSize = Bytes.u64(smramCopy, ACCESS_NAME_SIZE);
        EfiStatus invalid = checkNamed(ACCESS_NAME, dataSize, nameSize, payload);
        if (invalid != null) {
            return invalid;
        }
        EfiGuid vendor = EfiGuid.read(smramCopy, ACCESS_GUID);
        byte[] name = VariableCore.terminated(Arrays.copyOfRange(smramCopy, ACCESS_NAME, ACCESS_NAME + (int) nameSize));
        int dataOffset = ACCESS_NAME + (int) nameSize;
        if (!get) {
            int attributes = (int) Bytes.u32(smramCopy, ACCESS_ATTRIBUTES);
            byte[] data = Arrays.copyOfRange(smramCopy, dataOffset, dataOffset + (int) dataSize);
            return core.setVariable(name, vendor, attributes, data, false);
        }
        int attributesIn = (int) Bytes.u32(smramCopy, ACCESS_ATTRIBUTES);
        VariableCore.GetResult r = core.getVariable(name, vendor, attributesIn, dataSize, true);
        if (r.status() == EfiStatus.SUCCESS || r.status() == EfiStatus.BUFFER_TOO_SMALL) {
            Bytes.put64(smramCopy, ACCESS_DATA_SIZE, r.dataSize());
        }
        if (r.attributesWritten()) {
            Bytes.put32(smramCopy, ACCESS_ATTRIBUTES, r.attributes() & 0xFFFFFFFFL);
        }
        if (r.data() != null) {
            System.arraycopy(r.data(), 0, smramCopy, dataOffset, r.data().length);
        }
        System.arraycopy(smramCopy, 0, buf, pl, payload);
        return r.status();
    }

    private EfiStatus getNext(byte[] buf, int pl, int payload) {
        System.arraycopy(buf, pl, smramCopy, 0, payload);
        long nameSize = Bytes.u64(smramCopy, NEXT_NAME_SIZE);
        if (Long.compareUnsigned(MAX_UINTN - nameSize, NEXT_NAME) < 0
                || Long.compareUnsigned(NEXT_NAME + nameSize, payload) > 0) {
            return EfiStatus.ACCESS_DENIED;
        }
        int nameBufferSize = payload - NEXT_NAME;
        if (nameBufferSize < 2) {
            return EfiStatus.ACCESS_DENIED;
        }
        int last = NEXT_NAME + (nameBufferSize / 2 - 1) * 2;
        if (smramCopy[last] != 0 || smramCopy[last + 1] != 0) {
            return EfiStatus.ACCESS_DENIED;
        }
        byte[] nameBuffer = Arrays.copyOfRange(smramCopy, NEXT_NAME, NEXT_NAME + nameBufferSize);
        EfiGuid vendor = EfiGuid.read(smramCopy, NEXT_GUID);
        VariableCore.NextResult r = core.getNextVariableName(nameSize, nameBuffer, vendor);
        if (r.status() == EfiStatus.SUCCESS || r.status() == EfiStatus.BUFFER_TOO_SMALL) {
            Bytes.put64(smramCopy, NEXT_NAME_SIZE, r.nameSize());
        }
        if (r.status() == EfiStatus.SUCCESS) {
            System.arraycopy(r.name(), 0, smramCopy, NEXT_NAME, r.name().length);
            r.vendor().write(smramCopy, NEXT_GUID);
        }
        System.arraycopy(smramCopy, 0, buf, pl, payload);
        return r.status();
    }

    private EfiStatus query(byte[] buf, int pl) {
        int attributes = (int) Bytes.u32(buf, pl + QUERY_ATTRIBUTES);
        VariableCore.QueryResult r = core.queryVariableInfo(attributes);
        if (r.status() == EfiStatus.SUCCESS) {
            Bytes.put64(buf, pl + QUERY_MAX_STORAGE, r.maximumVariableStorageSize());
            Bytes.put64(buf, pl + QUERY_REMAINING_STORAGE, r.remainingVariableStorageSize());
            Bytes.put64(buf, pl + QUERY_MAX_VARIABLE_SIZE, r.maximumVariableSize());
        }
        return r.status();
    }

    /** LOCK_VARIABLE: gated by EndOfDxe only; the handler does no length validation of its own (reference 8.4). */
    private EfiStatus lock(byte[] buf, int pl, int payload) {
        if (core.endOfDxe()) {
            return EfiStatus.ACCESS_DENIED;
        }
        Unchecked message = new Unchecked(buf, pl, payload);
        return core.varCheck().requestToLock(message.name(NEXT_NAME), message.guid(NEXT_GUID));
    }

    /** VAR_CHECK_VARIABLE_PROPERTY_SET: gated by EndOfDxe only, like LOCK_VARIABLE. */
    private EfiStatus propertySet(byte[] buf, int pl, int payload) {
        if (core.endOfDxe()) {
            return EfiStatus.ACCESS_DENIED;
        }
        Unchecked message = new Unchecked(buf, pl, payload);
        VarCheck.Property property = new VarCheck.Property(message.u16(PROPERTY + 2), (int) message.u32(PROPERTY + 4),
                message.u64(PROPERTY + 8), message.u64(PROPERTY + 16));
        return core.varCheck().setProperty(message.name(PROPERTY_NAME), message.guid(PROPERTY_GUID),
                message.u16(PROPERTY), property);
    }

    private EfiStatus propertyGet(byte[] buf, int pl, int payload) {
        System.arraycopy(buf, pl, smramCopy, 0, payload);
        long nameSize = Bytes.u64(smramCopy, PROPERTY_NAME_SIZE);
        EfiStatus invalid = checkNamed(PROPERTY_NAME, 0, nameSize, payload);
        if (invalid != null) {
            return invalid;
        }
        byte[] name = VariableCore.terminated(Arrays.copyOfRange(smramCopy, PROPERTY_NAME, PROPERTY_NAME + (int) nameSize));
        EfiStatus status;
        if (VarCheck.isEmpty(name)) {
            status = EfiStatus.INVALID_PARAMETER;
        } else {
            VarCheck.Property p = core.varCheck().property(name, EfiGuid.read(smramCopy, PROPERTY_GUID));
            if (p == null) {
                status = EfiStatus.NOT_FOUND;
            } else {
                Bytes.put16(smramCopy, PROPERTY, VarCheck.PROPERTY_REVISION);
                Bytes.put16(smramCopy, PROPERTY + 2, p.property());
                Bytes.put32(smramCopy, PROPERTY + 4, p.attributes() & 0xFFFFFFFFL);
                Bytes.put64(smramCopy, PROPERTY + 8, p.minSize());
                Bytes.put64(smramCopy, PROPERTY + 16, p.maxSize());
                status = EfiStatus.SUCCESS;
            }
        }
        System.arraycopy(smramCopy, 0, buf, pl, payload);
        return status;
    }

    /**
     * A payload read in place without length checks (functions 8 and 9): bytes past the message read as zero, so
     * the simulator never touches memory outside it.
     */
    private record Unchecked(byte[] buf, int pl, int payload) {

        private int at(int i) {
            return i < payload ? buf[pl + i] & 0xFF : 0;
        }

        int u16(int i) {
            return at(i) | at(i + 1) << 8;
        }

        long u32(int i) {
            return u16(i) | (long) u16(i + 2) << 16;
        }

        long u64(int i) {
            return u32(i) | u32(i + 4) << 32;
        }

        EfiGuid guid(int i) {
            byte[] g = new byte[EfiGuid.SIZE];
            for (int k = 0; k < g.length; k++) {
                g[k] = (byte) at(i + k);
            }
            return EfiGuid.read(g, 0);
        }

        /** The NUL-terminated CHAR16 string at {@code i}, its NUL included. */
        byte[] name(int i) {
            int end = i;
            while (u16(end) != 0) {
                end += 2;
            }
            byte[] name = new byte[end - i + 2];
            for (int k = 0; k < end - i; k++) {
                name[k] = (byte) at(i + k);
            }
            return name;
        }
    }
}
