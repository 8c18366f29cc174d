package hil.simulator.smm;

import hil.simulator.Profile;
import hil.simulator.auth.AuthModulePkcs7;
import hil.simulator.auth.AuthVariableContext;
import hil.simulator.auth.AuthVariableLib;
import hil.simulator.store.VariableStore;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;

import java.util.Arrays;
import java.util.List;

/**
 * The variable service core as it runs inside SMM (EDK II Variable.c): GetVariable, GetNextVariableName, SetVariable
 * and QueryVariableInfo on the volatile and the non-volatile store, with the boot-time and runtime rules. Names are
 * NUL-terminated CHAR16 byte arrays exactly as they travel in the communicate buffer.
 */
public final class VariableCore {

    /** AUTHINFO_SIZE: the only DataSize accepted with AW (deletion of a legacy counter-based variable). */
    static final int AUTHINFO_SIZE = 560;
    /** EFI_TIME (16) + WIN_CERTIFICATE_UEFI_GUID header (24). */
    static final int AUTH2_MIN_SIZE = 40;

    private final Profile profile;
    private final VariableStore nv;
    private final VariableStore volatileStore;
    private final VarCheck varCheck;
    private final MorLock morLock;
    private final int headerSize;
    private final long commonSpace;
    private final long commonRuntimeSpace;
    private boolean atRuntime;
    private boolean endOfDxe;
    private boolean writeServiceReady;
    private boolean reclaimedForOs;
    /**
     * AuthVariableLib, present when the NV store has the authenticated format (AuthFormat) and the profile is not a
     * bare store.
     */
    private final AuthVariableLib authLib;
    /** AuthSupport: AuthVariableLib initialised with the write service. */
    private boolean authSupport;
    /**
     * mCurrentBootVarErrFlag: the variable errors of this boot before EndOfDxe, which InitializeVarErrorFlag writes to
     * VarErrorFlag at EndOfDxe.
     */
    private int currentBootVarErrFlag = VAR_ERROR_FLAG_NO_ERROR;
    /**
     * CommonUserVariableTotalSize: the NV bytes of user variables (no VarCheck property). With
     * PcdMaxUserNvVariableSpaceSize 0 (OVMF) it starts at 0, grows with every user variable written and is counted
     * anew by a reclaim.
     */
    private long commonUserTotal;

    /** VarErrorFlag values (MdeModulePkg Guid/VarErrorFlag.h): bits are cleared, never set, within a boot. */
    public static final int VAR_ERROR_FLAG_NO_ERROR = 0xFF;
    public static final int VAR_ERROR_FLAG_SYSTEM_ERROR = 0xEF;
    public static final int VAR_ERROR_FLAG_USER_ERROR = 0xFE;
    private static final byte[] VAR_ERROR_FLAG_NAME = hil.simulator.uefi.Ucs2.encode("VarErrorFlag");

    public VariableCore(Profile profile, VariableStore nv, VariableStore volatileStore) {
        this.profile = profile;
        this.nv = nv;
        this.volatileStore = volatileStore;
        this.varCheck = new VarCheck((n, v, capacity) -> {
            GetResult r = getVariable(n, v, 0, capacity, capacity != 0);
            return new VariablePolicy.Read(r.status(), r.data());
        });
        this.morLock = new MorLock(this);
        this.headerSize = nv.headerSize();
        this.commonSpace = (long) nv.size() - VariableStore.STORE_HEADER_SIZE - profile.hwErrStorageSize();
        this.commonRuntimeSpace = commonSpace; // PcdBoottimeReservedNvVariableSpaceSize is 0 in every profile
        // A bare store (Profile#withBareStore, for unit tests that count from an empty store) is a driver linked with
        // AuthVariableLibNull, as platforms without Secure Boot build it: nothing is written at start-up and
        // authenticated writes are refused. Every real profile links AuthVariableLib.
        this.authLib = nv.authenticated() && !strippedToBareStore(profile)
                ? new AuthVariableLib(new AuthContext(), new AuthModulePkcs7()) : null;
    }

    /**
     * Starts the write service (VariableWriteServiceInitialize): a torn tail after the last record triggers a full
     * reclaim first; then AuthVariableLib initialises (its variables and modes, its VarCheck properties) and
     * authenticated writes become possible; then MOR.
     */
    public void startWriteService() {
        if (nv.hasTornTail()) {
            nv.reclaim(-1, -1, null, (c, h) -> true);
            recountUserTotal();
        }
        writeServiceReady = true;
        if (authLib != null) {
            authSupport = authLib.initialize() == EfiStatus.SUCCESS;
        }
        morLock.init();
    }

    /**
     * Whether a unit test asked for a bare store ({@link Profile#withBareStore}) of a profile whose platform writes
     * variables. Profiles whose platform data was never measured (ovmf-2m, edk2-defaults) are bare by default but
     * their variable driver still links AuthVariableLib, as the real builds do.
     */
    private static boolean strippedToBareStore(Profile profile) {
        return profile.bareStore() && Profile.byName(profile.name()).map(p -> !p.bareStore()).orElse(false);
    }

    /** The AuthVariableLib of this driver instance, empty for a store in the normal (non-authenticated) format. */
    public java.util.Optional<AuthVariableLib> authVariableLib() {
        return java.util.Optional.ofNullable(authLib);
    }

    public boolean writeServiceReady() {
        return writeServiceReady;
    }

    public boolean atRuntime() {
        return atRuntime;
    }

    public boolean endOfDxe() {
        return endOfDxe;
    }

    /**
     * EndOfDxe in SMM (SmmEndOfDxeCallback): the MOR/MORLock set-up, then the VariablePolicy interface is locked,
     * then VarCheck enforcement (properties, UEFI-defined names, policies and locks) starts.
     */
    public void onEndOfDxe() {
        morLock.initAtEndOfDxe();
        varCheck.policy().lock();
        endOfDxe = true;
        varCheck.onEndOfDxe();
        initializeVarErrorFlag();
    }

    /**
     * InitializeVarErrorFlag (InitializeVariableQuota at EndOfDxe): VarErrorFlag, NV|BS|RT, becomes this boot's flag
     * unless it already holds it. Before EndOfDxe it still tells the last boot's errors.
     */
    private void initializeVarErrorFlag() {
        Found f = find(VAR_ERROR_FLAG_NAME, EfiGuid.VAR_ERROR_FLAG, false);
        if (f != null && f.store.data(f.offset).length > 0
                && (f.store.data(f.offset)[0] & 0xFF) == currentBootVarErrFlag) {
            return;
        }
        update(VAR_ERROR_FLAG_NAME, EfiGuid.VAR_ERROR_FLAG, Attributes.NV | Attributes.BS | Attributes.RT,
                new byte[] {(byte) currentBootVarErrFlag}, f);
    }

    /**
     * RecordVarErrorFlag: before EndOfDxe the error is kept for this boot's flag; after it, VarErrorFlag's data byte
     * is programmed in place with the error's bits cleared (no new record), if the variable exists.
     */
    private void recordVarErrorFlag(int flag) {
        if (!endOfDxe) {
            currentBootVarErrFlag &= flag;
            return;
        }
        VariableStore.Lookup l = nv.find(VAR_ERROR_FLAG_NAME, EfiGuid.VAR_ERROR_FLAG, a -> visibleNow(a));
        if (!l.found() || nv.dataSize(l.offset()) < 1) {
            return;
        }
        int stored = nv.data(l.offset())[0] & 0xFF;
        if ((stored & flag) != stored) {
            nv.programDataByte(l.offset(), 0, stored & flag);
        }
    }

    /** A user variable: one without a VarCheck property (IsUserVariable). */
    private boolean isUserVariable(byte[] name, EfiGuid vendor) {
        return varCheck.property(name, vendor) == null;
    }

    /** CommonUserVariableTotalSize as a reclaim counts it: every remaining non-HR user record. */
    private void recountUserTotal() {
        long total = 0;
        for (int off : nv.records()) {
            if ((nv.attributes(off) & Attributes.HR) == 0 && isUserVariable(nv.nameBytes(off), nv.vendor(off))) {
                total += nv.next(off) - off;
            }
        }
        commonUserTotal = total;
    }

    /** The variable error flag value of this boot so far (tests). */
    public int currentBootVarErrFlag() {
        return currentBootVarErrFlag;
    }

    /** EDKII_VARIABLE_LOCK_PROTOCOL.RequestToLock as a DXE driver calls it (see {@link VarCheck#requestToLock}). */
    public EfiStatus requestToLock(String name, EfiGuid vendor) {
        return varCheck.requestToLock(hil.simulator.uefi.Ucs2.encode(name), vendor);
    }

    /** EXIT_BOOT_SERVICE SMI: irreversible. */
    public void onExitBootServices() {
        atRuntime = true;
    }

    /** READY_TO_BOOT SMI. */
    public EfiStatus onReadyToBoot() {
        if (atRuntime) {
            return EfiStatus.UNSUPPORTED;
        }
        if (!endOfDxe) {
            onEndOfDxe();
        }
        reclaimForOs();
        return EfiStatus.SUCCESS;
    }

    private void reclaimForOs() {
        if (reclaimedForOs) {
            return;
        }
        reclaimedForOs = true;
        long remaining = Math.max(0, commonRuntimeSpace - nv.commonTotal());
        boolean hwErrLow = profile.hwErrStorageSize() != 0
                && profile.hwErrStorageSize() - nv.hwErrTotal() < profile.maxHwErrVariableSize();
        if (remaining < profile.maxVariableSize() || remaining < profile.effectiveMaxAuthVariableSize() || hwErrLow) {
            nv.reclaim(-1, -1, null, (c, h) -> true);
            recountUserTotal();
        }
    }

    public VarCheck varCheck() {
        return varCheck;
    }

    public Profile profile() {
        return profile;
    }

    public VariableStore nvStore() {
        return nv;
    }

    public VariableStore volatileStore() {
        return volatileStore;
    }

    // ---- GetVariable ---------------------------------------------------------------------------------------

    /** Result of GetVariable: the status, the DataSize and Attributes written back, and the data copied. */
    public record GetResult(EfiStatus status, long dataSize, int attributes, boolean attributesWritten, byte[] data) {
    }

    /**
     * GetVariable with a non-NULL Attributes pointer holding {@code attributesIn}.
     *
     * @param dataPresent whether the Data pointer is non-NULL
     */
    public GetResult getVariable(byte[] name, EfiGuid vendor, int attributesIn, long dataSize, boolean dataPresent) {
        if (isEmpty(name)) {
            return new GetResult(EfiStatus.NOT_FOUND, dataSize, attributesIn, false, null);
        }
        Found f = find(name, vendor, true);
        if (f == null) {
            return new GetResult(EfiStatus.NOT_FOUND, dataSize, attributesIn, false, null);
        }
        long stored = f.store.dataSize(f.offset);
        int attrs = f.store.attributes(f.offset);
        if (Long.compareUnsigned(dataSize, stored) >= 0) {
            if (!dataPresent) {
                return new GetResult(EfiStatus.INVALID_PARAMETER, dataSize, attributesIn, false, null);
            }
            return new GetResult(EfiStatus.SUCCESS, stored, attrs, true, f.store.data(f.offset));
        }
        return new GetResult(EfiStatus.BUFFER_TOO_SMALL, stored, attrs, true, null);
    }

    // ---- GetNextVariableName -------------------------------------------------------------------------------

    /** Result of GetNextVariableName: status, NameSize written back, and on success the name and vendor. */
    public record NextResult(EfiStatus status, long nameSize, byte[] name, EfiGuid vendor) {
    }

    /**
     * GetNextVariableName.
     *
     * @param nameSize   *VariableNameSize: the capacity of the name buffer in bytes
     * @param nameBuffer the caller's name buffer (the previous name, NUL-terminated somewhere inside)
     */
    public NextResult getNextVariableName(long nameSize, byte[] nameBuffer, EfiGuid vendor) {
        long maxLen = Long.divideUnsigned(nameSize, 2);
        if (maxLen == 0 || !hasNul(nameBuffer, maxLen)) {
            return new NextResult(EfiStatus.INVALID_PARAMETER, nameSize, null, null);
        }
        byte[] name = terminated(nameBuffer);
        List<VariableStore> order = List.of(volatileStore, nv);
        int storeIndex = 0;
        int offset;
        if (isEmpty(name)) {
            // FindVariableEx with an empty name: the walk starts at the first 0x3F record of the first store that has
            // one visible now, so records in deleted transition (0x3E) before it are skipped even without a 0x3F
            // twin; a store with only 0x3E records starts at its last one.
            int[] start = firstOfWalk(order);
            if (start == null) {
                return new NextResult(EfiStatus.NOT_FOUND, nameSize, null, null);
            }
            storeIndex = start[0];
            offset = start[1];
        } else {
            Found f = find(name, vendor, true);
            if (f == null) {
                return new NextResult(EfiStatus.INVALID_PARAMETER, nameSize, null, null);
            }
            storeIndex = f.store == volatileStore ? 0 : 1;
            offset = f.store.next(f.offset);
        }
        while (storeIndex < order.size()) {
            VariableStore s = order.get(storeIndex);
            for (int off = offset; s.isValidHeader(off); off = s.next(off)) {
                if (!VariableStore.isVisibleState(s.state(off)) || !visibleNow(s.attributes(off)) || !s.isEnumerable(off)) {
                    continue;
                }
                long needed = s.nameSize(off);
                if (Long.compareUnsigned(needed, nameSize) <= 0) {
                    return new NextResult(EfiStatus.SUCCESS, needed, s.nameBytes(off), s.vendor(off));
                }
                return new NextResult(EfiStatus.BUFFER_TOO_SMALL, needed, null, null);
            }
            storeIndex++;
            if (storeIndex < order.size()) {
                offset = order.get(storeIndex).firstOffset();
            }
        }
        return new NextResult(EfiStatus.NOT_FOUND, nameSize, null, null);
    }

    /** Where FindVariableEx puts a walk from the empty name: {store index, offset}, or null when nothing is visible. */
    private int[] firstOfWalk(List<VariableStore> order) {
        for (int i = 0; i < order.size(); i++) {
            VariableStore s = order.get(i);
            int inTransition = -1;
            for (int off = s.firstOffset(); s.isValidHeader(off); off = s.next(off)) {
                int st = s.state(off);
                if (!VariableStore.isVisibleState(st) || !visibleNow(s.attributes(off))) {
                    continue;
                }
                if (st == VariableStore.VAR_ADDED) {
                    return new int[] {i, off};
                }
                inTransition = off;
            }
            if (inTransition >= 0) {
                return new int[] {i, inTransition};
            }
        }
        return null;
    }

    // ---- SetVariable ---------------------------------------------------------------------------------------

    /**
     * SetVariable as the SMM handler or an in-SMM caller makes it.
     *
     * @param trusted whether the request comes from inside SMM (EFI_SMM_VARIABLE_PROTOCOL), which locks do not bind
     */
    public EfiStatus setVariable(byte[] name, EfiGuid vendor, int attributes, byte[] data, boolean trusted) {
        if (isEmpty(name)) {
            return EfiStatus.INVALID_PARAMETER;
        }
        if ((attributes & ~Attributes.SET_VARIABLE_VALID) != 0) {
            return EfiStatus.INVALID_PARAMETER;
        }
        boolean aw = (attributes & Attributes.AW) != 0;
        boolean at = (attributes & Attributes.AT) != 0;
        if ((attributes & (Attributes.RT | Attributes.BS)) == Attributes.RT) {
            return aw ? EfiStatus.UNSUPPORTED : EfiStatus.INVALID_PARAMETER;
        } else if ((attributes & Attributes.MASK) == Attributes.NV) {
            // NV alone is INVALID_PARAMETER even with AW: Debian's OVMF 2022.11 answers NV|AW so on real hardware
            // (later EDK II turns it into UNSUPPORTED, as it does for RT without BS).
            return EfiStatus.INVALID_PARAMETER;
        } else if ((attributes & (Attributes.AT | Attributes.AW)) != 0) {
            if (!authSupport) {
                // Authenticated variables are supported once the write service started AuthVariableLib
                // (AuthSupport); before that, or for a store in the normal format (no AuthVariableLib), the driver
                // refuses them like a platform without authenticated variables.
                return EfiStatus.INVALID_PARAMETER;
            }
        } else if ((attributes & Attributes.HR) != 0 && profile.hwErrStorageSize() == 0) {
            return EfiStatus.INVALID_PARAMETER;
        }
        if (aw && at) {
            return EfiStatus.UNSUPPORTED;
        }
        long payload = data.length;
        if (aw) {
            if (data.length != AUTHINFO_SIZE) {
                return EfiStatus.UNSUPPORTED;
            }
            payload = 0;
        } else if (at) {
            if (data.length < AUTH2_MIN_SIZE) {
                return EfiStatus.SECURITY_VIOLATION;
            }
            long dwLength = Bytes.u32(data, 16);
            if (dwLength > data.length - 16L || dwLength < 24) {
                return EfiStatus.SECURITY_VIOLATION;
            }
            payload = data.length - (16 + dwLength);
        }
        long limit;
        if ((attributes & Attributes.HR) != 0) {
            limit = profile.maxHwErrVariableSize();
        } else if (at || aw) {
            limit = profile.effectiveMaxAuthVariableSize();
        } else if ((attributes & Attributes.NV) != 0) {
            limit = profile.maxVariableSize();
        } else {
            limit = profile.effectiveMaxVolatileVariableSize();
        }
        if (name.length + payload > limit - headerSize) {
            return EfiStatus.INVALID_PARAMETER;
        }
        EfiStatus mor = morLock.check(name, vendor, attributes, data, payload, trusted);
        if (mor == EfiStatus.ALREADY_STARTED) {
            return EfiStatus.SUCCESS;
        }
        if (mor != EfiStatus.SUCCESS) {
            return mor;
        }
        if (endOfDxe) {
            EfiStatus veto = varCheck.check(name, vendor, attributes, data, payload, trusted);
            if (veto != EfiStatus.SUCCESS) {
                return veto;
            }
        }
        Found existing = find(name, vendor, false);
        if (existing != null) {
            int stored = existing.store.attributes(existing.offset);
            if ((stored & Attributes.RT) == 0 && atRuntime) {
                return EfiStatus.WRITE_PROTECTED;
            }
            if (attributes != 0 && (attributes & ~Attributes.AP) != stored) {
                return EfiStatus.INVALID_PARAMETER;
            }
        }
        if (atRuntime && isLanguageCodes(name)) {
            return EfiStatus.WRITE_PROTECTED;
        }
        if (!writeServiceReady) {
            // UpdateVariable's first check, reached without AuthVariableLib (not started yet): no NV write before
            // the write service. AT and AW were refused above.
            return (attributes & Attributes.NV) != 0 ? EfiStatus.NOT_AVAILABLE_YET
                    : update(name, vendor, attributes, data, existing);
        }
        if (authSupport) {
            return authLib.process(name, vendor, data, attributes);
        }
        return update(name, vendor, attributes, data, existing, null);
    }

    /** UpdateVariable without a timestamp (every write but a time-based authenticated one). */
    private EfiStatus update(byte[] name, EfiGuid vendor, int attributes, byte[] data, Found existing) {
        return update(name, vendor, attributes, data, existing, null);
    }

    /**
     * UpdateVariable: the decision table of section 3.4.2. {@code timeStamp} (time-based authenticated writes) goes
     * into the record, the later of the old and the new one for APPEND, and a write carrying one is never skipped
     * as identical.
     */
    private EfiStatus update(byte[] name, EfiGuid vendor, int attributes, byte[] data, Found existing,
                             byte[] timeStamp) {
        boolean append = (attributes & Attributes.AP) != 0;
        byte[] newData = data;
        if (existing != null) {
            VariableStore s = existing.store;
            int stored = s.attributes(existing.offset);
            if (atRuntime && s == volatileStore) {
                return EfiStatus.WRITE_PROTECTED;
            }
            if (atRuntime && ((stored & Attributes.NV) == 0 || (stored & Attributes.RT) == 0)) {
                return EfiStatus.INVALID_PARAMETER;
            }
            if ((!append && data.length == 0) || (attributes & (Attributes.BS | Attributes.RT)) == 0) {
                if (existing.twin >= 0) {
                    s.clearState(existing.twin, VariableStore.VAR_DELETED);
                }
                s.clearState(existing.offset, VariableStore.VAR_DELETED);
                return EfiStatus.SUCCESS;
            }
            byte[] old = s.data(existing.offset);
            if (!append && Arrays.equals(old, data) && timeStamp == null) {
                return EfiStatus.SUCCESS;
            }
            if (append && timeStamp != null && (attributes & Attributes.AT) != 0
                    && !AuthVariableLib.notLater(s.timeStamp(existing.offset), timeStamp)) {
                timeStamp = s.timeStamp(existing.offset);
            }
            if (append) {
                long max = maxFor(attributes) - (headerSize + (long) name.length);
                if ((long) old.length + data.length > max) {
                    return EfiStatus.INVALID_PARAMETER;
                }
                newData = Arrays.copyOf(old, old.length + data.length);
                System.arraycopy(data, 0, newData, old.length, data.length);
            }
            s.clearState(existing.offset, VariableStore.VAR_IN_DELETED_TRANSITION);
        } else {
            if (data.length == 0 && append) {
                return EfiStatus.SUCCESS;
            }
            if (data.length == 0 || (attributes & (Attributes.BS | Attributes.RT)) == 0) {
                return EfiStatus.NOT_FOUND;
            }
            if (atRuntime && ((attributes & Attributes.RT) == 0 || (attributes & Attributes.NV) == 0)) {
                return EfiStatus.INVALID_PARAMETER;
            }
        }
        int storedAttributes = attributes & ~Attributes.AP;
        // Only time-based authenticated records carry a stamp; others keep zero.
        byte[] recordStamp = (attributes & Attributes.AT) != 0 ? timeStamp : null;
        boolean nonVolatile = (attributes & Attributes.NV) != 0;
        VariableStore target = nonVolatile ? nv : volatileStore;
        long varSize = (long) headerSize + name.length + newData.length;
        int updating = existing != null ? existing.offset : -1;
        int twin = existing != null ? existing.twin : -1;
        if (nonVolatile) {
            boolean hwErr = (attributes & Attributes.HR) != 0;
            boolean user = !hwErr && isUserVariable(name, vendor);
            long aligned = Bytes.align4((int) varSize);
            boolean overQuota = hwErr
                    ? varSize + nv.hwErrTotal() > profile.hwErrStorageSize()
                    : varSize + nv.commonTotal() > (atRuntime ? commonRuntimeSpace : commonSpace);
            // CommonMaxUserVariableSpace is CommonVariableSpace when PcdMaxUserNvVariableSpaceSize is 0.
            boolean overUserQuota = user && varSize + commonUserTotal > commonSpace;
            boolean overCommonQuota = !hwErr && varSize + nv.commonTotal() > (atRuntime ? commonRuntimeSpace : commonSpace);
            if (overQuota || overUserQuota || !nv.fits(nv.footprint(name.length, newData.length))) {
                if (atRuntime) {
                    recordQuotaErrors(overUserQuota, overCommonQuota);
                    return EfiStatus.OUT_OF_RESOURCES;
                }
                int placed = nv.reclaim(updating, twin,
                        nv.buildRecord(vendor, name, storedAttributes, newData, 0xFF, recordStamp),
                        (common, hw) -> common <= commonSpace && hw <= profile.hwErrStorageSize());
                recountUserTotal();
                if (placed == -2) {
                    recordQuotaErrors(user && varSize + commonUserTotal > commonSpace,
                            !hwErr && varSize + nv.commonTotal() > commonSpace);
                    return EfiStatus.OUT_OF_RESOURCES;
                }
                return EfiStatus.SUCCESS;
            }
            if (user) {
                commonUserTotal += aligned;
            }
        } else if (!volatileStore.fits(volatileStore.footprint(name.length, newData.length))
                || varSize + volatileStore.lastOffset() > volatileStore.size()) {
            int placed = volatileStore.reclaim(updating, twin,
                    volatileStore.buildRecord(vendor, name, storedAttributes, newData, 0xFF, recordStamp),
                    (c, h) -> true);
            return placed == -2 ? EfiStatus.OUT_OF_RESOURCES : EfiStatus.SUCCESS;
        }
        target.append(vendor, name, storedAttributes, newData, recordStamp);
        if (existing != null) {
            if (twin >= 0) {
                existing.store.clearState(twin, VariableStore.VAR_DELETED);
            }
            existing.store.clearState(existing.offset, VariableStore.VAR_DELETED);
        }
        return EfiStatus.SUCCESS;
    }

    /** The RecordVarErrorFlag calls of a NV write that did not fit, user error first as in UpdateVariable. */
    private void recordQuotaErrors(boolean user, boolean common) {
        if (user) {
            recordVarErrorFlag(VAR_ERROR_FLAG_USER_ERROR);
        }
        if (common) {
            recordVarErrorFlag(VAR_ERROR_FLAG_SYSTEM_ERROR);
        }
    }

    private long maxFor(int attributes) {
        if ((attributes & Attributes.HR) != 0) {
            return profile.maxHwErrVariableSize();
        }
        if ((attributes & (Attributes.AT | Attributes.AW)) != 0) {
            return profile.effectiveMaxAuthVariableSize();
        }
        if ((attributes & Attributes.NV) != 0) {
            return profile.maxVariableSize();
        }
        return profile.effectiveMaxVolatileVariableSize();
    }

    // ---- QueryVariableInfo ---------------------------------------------------------------------------------

    /** Result of QueryVariableInfo. */
    public record QueryResult(EfiStatus status, long maximumVariableStorageSize, long remainingVariableStorageSize,
                              long maximumVariableSize) {
    }

    public QueryResult queryVariableInfo(int attributes) {
        if (attributes == 0) {
            return queryFailure(EfiStatus.INVALID_PARAMETER);
        }
        int a = attributes;
        if ((a & Attributes.AW) != 0) {
            return queryFailure(EfiStatus.UNSUPPORTED);
        }
        if ((a & Attributes.MASK) == 0) {
            return queryFailure(EfiStatus.UNSUPPORTED);
        }
        if ((a & Attributes.MASK) == Attributes.NV) {
            return queryFailure(EfiStatus.INVALID_PARAMETER);
        }
        if ((a & (Attributes.RT | Attributes.BS)) == Attributes.RT) {
            return queryFailure(EfiStatus.INVALID_PARAMETER);
        }
        if (atRuntime && (a & Attributes.RT) == 0) {
            return queryFailure(EfiStatus.INVALID_PARAMETER);
        }
        if ((a & (Attributes.NV | Attributes.HR)) == Attributes.HR) {
            return queryFailure(EfiStatus.INVALID_PARAMETER);
        }
        if ((a & Attributes.AT) != 0 && !writeServiceReady) {
            // No AuthSupport before the write service started AuthVariableLib.
            return queryFailure(EfiStatus.UNSUPPORTED);
        }
        // One else-if chain in EDK II: with AT the authenticated-support branch is taken, so HR|AT is not refused on a
        // platform without a hardware-error store; it reports that store's size, 0.
        if ((a & Attributes.AT) == 0 && (a & Attributes.HR) != 0 && profile.hwErrStorageSize() == 0) {
            return queryFailure(EfiStatus.UNSUPPORTED);
        }
        boolean at = (a & Attributes.AT) != 0;
        long max;
        long maxVar;
        VariableStore walked;
        boolean hwErrQuery = (a & Attributes.HR) != 0;
        if ((a & Attributes.NV) == 0) {
            max = (long) volatileStore.size() - VariableStore.STORE_HEADER_SIZE;
            maxVar = (at ? profile.effectiveMaxAuthVariableSize() : profile.effectiveMaxVolatileVariableSize()) - headerSize;
            walked = volatileStore;
        } else if (!hwErrQuery) {
            max = atRuntime ? commonRuntimeSpace : commonSpace;
            maxVar = (at ? profile.effectiveMaxAuthVariableSize() : profile.maxVariableSize()) - headerSize;
            walked = nv;
        } else {
            max = profile.hwErrStorageSize();
            maxVar = profile.maxHwErrVariableSize() - headerSize;
            walked = nv;
        }
        long commonUsed = 0;
        long hwErrUsed = 0;
        for (int off : walked.records()) {
            boolean counts = atRuntime || (VariableStore.isVisibleState(walked.state(off)) && walked.isEnumerable(off));
            if (!counts) {
                continue;
            }
            long footprint = walked.next(off) - off;
            if ((walked.attributes(off) & Attributes.HR) == Attributes.HR) {
                hwErrUsed += footprint;
            } else {
                commonUsed += footprint;
            }
        }
        long remaining = hwErrQuery ? max - hwErrUsed : Math.max(0, max - commonUsed);
        long finalMaxVar = remaining < headerSize ? 0 : Math.min(maxVar, remaining - headerSize);
        return new QueryResult(EfiStatus.SUCCESS, max, remaining, finalMaxVar);
    }

    private static QueryResult queryFailure(EfiStatus status) {
        return new QueryResult(status, 0, 0, 0);
    }

    // ---- lookup helpers ------------------------------------------------------------------------------------

    private record Found(VariableStore store, int offset, int twin) {
    }

    /** FindVariable: Volatile then NV; with {@code runtimeCheck}, non-RT variables are invisible at runtime. */
    private Found find(byte[] name, EfiGuid vendor, boolean runtimeCheck) {
        for (VariableStore s : List.of(volatileStore, nv)) {
            VariableStore.Lookup l = s.find(name, vendor, attrs -> !runtimeCheck || visibleNow(attrs));
            if (l.found()) {
                return new Found(s, l.offset(), l.inDeletedTransition());
            }
        }
        return null;
    }

    private boolean visibleNow(int attributes) {
        return !atRuntime || (attributes & Attributes.RT) != 0;
    }

    private static boolean isEmpty(byte[] name) {
        return name.length < 2 || (name[0] == 0 && name[1] == 0);
    }

    private static boolean hasNul(byte[] buffer, long maxChars) {
        long limit = Math.min(maxChars, buffer.length / 2);
        for (int i = 0; i < limit; i++) {
            if (buffer[2 * i] == 0 && buffer[2 * i + 1] == 0) {
                return true;
            }
        }
        return false;
    }

    /** The name up to and including its first NUL CHAR16. */
    static byte[] terminated(byte[] buffer) {
        for (int i = 0; i + 1 < buffer.length; i += 2) {
            if (buffer[i] == 0 && buffer[i + 1] == 0) {
                return Arrays.copyOf(buffer, i + 2);
            }
        }
        byte[] out = Arrays.copyOf(buffer, (buffer.length & ~1) + 2);
        out[out.length - 1] = 0;
        out[out.length - 2] = 0;
        return out;
    }

    private static final byte[] PLATFORM_LANG_CODES = hil.simulator.uefi.Ucs2.encode("PlatformLangCodes");
    private static final byte[] LANG_CODES = hil.simulator.uefi.Ucs2.encode("LangCodes");

    private static boolean isLanguageCodes(byte[] name) {
        return Arrays.equals(name, PLATFORM_LANG_CODES) || Arrays.equals(name, LANG_CODES);
    }

    /** What the core lends AuthVariableLib (AUTH_VAR_LIB_CONTEXT_IN). */
    private final class AuthContext implements AuthVariableContext {

        @Override
        public Variable find(byte[] name, EfiGuid vendor) {
            Found f = VariableCore.this.find(name, vendor, true);
            return f == null ? null
                    : new Variable(f.store.attributes(f.offset), f.store.data(f.offset), f.store.timeStamp(f.offset));
        }

        @Override
        public EfiStatus update(byte[] name, EfiGuid vendor, byte[] data, int attributes, byte[] timeStamp) {
            return VariableCore.this.update(name, vendor, attributes, data, VariableCore.this.find(name, vendor, false),
                    timeStamp);
        }

        @Override
        public boolean overwriteFirstByte(byte[] name, EfiGuid vendor, byte value) {
            Found f = VariableCore.this.find(name, vendor, false);
            if (f == null || f.store.dataSize(f.offset) == 0) {
                return false;
            }
            f.store.overwriteData(f.offset, 0, new byte[] {value});
            return true;
        }

        @Override
        public boolean atRuntime() {
            return atRuntime;
        }

        @Override
        public long maxAuthVariableSize() {
            return profile.effectiveMaxAuthVariableSize() - headerSize;
        }

        @Override
        public void setProperty(byte[] name, EfiGuid vendor, int property, int attributes, long minSize, long maxSize) {
            varCheck.setProperty(name, vendor, VarCheck.PROPERTY_REVISION,
                    new VarCheck.Property(property, attributes, minSize, maxSize));
        }
    }
}
