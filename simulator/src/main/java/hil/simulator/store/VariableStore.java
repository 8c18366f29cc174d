package hil.simulator.store;

import hil.simulator.Profile;
import hil.simulator.flash.NorFlash;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * A variable store in the EDK II format: a 28-byte VARIABLE_STORE_HEADER followed by 4-byte aligned records, each
 * a variable header (60 bytes authenticated, 32 normal), the CHAR16 name and the data. Record visibility is decided
 * by the State byte alone (0x3F, or 0x3E without a 0x3F twin); the walk stops at the first header without StartId
 * 0x55AA and steps over every other record by its header sizes, invisible ones (0xFF, 0x7F, 0x3D, 0x3C) included.
 * Offsets are relative to the store header.
 */
public final class VariableStore {

    public static final int STORE_HEADER_SIZE = 28;
    public static final int AUTH_HEADER_SIZE = 60;
    public static final int NORMAL_HEADER_SIZE = 32;
    public static final int START_ID = 0x55AA;
    public static final byte FORMATTED = 0x5A;
    public static final byte HEALTHY = (byte) 0xFE;

    public static final int VAR_HEADER_VALID_ONLY = 0x7F;
    public static final int VAR_ADDED = 0x3F;
    public static final int VAR_IN_DELETED_TRANSITION = 0xFE;
    public static final int VAR_DELETED = 0xFD;
    /** Offset of TimeStamp in AUTHENTICATED_VARIABLE_HEADER (after StartId, State, Reserved, Attributes, MonotonicCount). */
    private static final int TIME_STAMP_FIELD = 16;
    private static final int TIME_STAMP_SIZE = 16;

    private static final byte[] ERASED_BLOCK = erasedBlock();

    private final StoreMedium medium;
    private final boolean authenticated;
    private final int headerSize;
    private final int size;
    private int lastOffset;
    private long commonTotal;
    private long hwErrTotal;

    private VariableStore(StoreMedium medium) {
        this.medium = medium;
        byte[] b = medium.bytes();
        int base = medium.base();
        EfiGuid signature = EfiGuid.read(b, base);
        this.authenticated = signature.equals(EfiGuid.VARIABLE_STORE_AUTHENTICATED);
        this.headerSize = authenticated ? AUTH_HEADER_SIZE : NORMAL_HEADER_SIZE;
        this.size = (int) Bytes.u32(b, base + 16);
        recount();
    }

    private static byte[] erasedBlock() {
        byte[] b = new byte[4096];
        Arrays.fill(b, (byte) 0xFF);
        return b;
    }

    /** Formats an empty store in RAM (the volatile store), with the given signature. */
    public static VariableStore inRam(int size, boolean authenticated) {
        RamMedium ram = new RamMedium(size);
        ram.write(0, header(size, authenticated));
        return new VariableStore(ram);
    }

    /**
     * Opens the non-volatile store as the variable driver does at start-up, on the VARS flash of {@code profile}
     * whose fault-tolerant write driver has already started (and so finished any interrupted write): the FV header
     * must have the "_FVH" signature and the NvData file-system GUID, and the store behind it (at the FV
     * HeaderLength) must be formatted and healthy.
     *
     * @throws StoreFormatException if the firmware volume or the store header is not usable
     */
    public static VariableStore onFlash(NorFlash flash, Profile profile, FaultTolerantWrite ftw) {
        byte[] b = flash.view();
        if (Bytes.u32(b, VarsImage.FV_OFFSET_SIGNATURE) != VarsImage.FV_SIGNATURE
                || !EfiGuid.SYSTEM_NV_DATA_FV.matches(b, VarsImage.FV_OFFSET_FILE_SYSTEM_GUID)) {
            throw new StoreFormatException("the variable firmware volume is corrupted: Signature 0x"
                    + Long.toHexString(Bytes.u32(b, VarsImage.FV_OFFSET_SIGNATURE)) + ", FileSystemGuid "
                    + EfiGuid.read(b, VarsImage.FV_OFFSET_FILE_SYSTEM_GUID));
        }
        int fvHeaderLength = Bytes.u16(b, VarsImage.FV_OFFSET_HEADER_LENGTH);
        int regionSize = profile.nvRegionSize();
        if (fvHeaderLength + STORE_HEADER_SIZE > regionSize) {
            throw new StoreFormatException("FV HeaderLength 0x" + Integer.toHexString(fvHeaderLength)
                    + " leaves no room for a store in the 0x" + Integer.toHexString(regionSize) + "-byte region");
        }
        EfiGuid signature = EfiGuid.read(b, fvHeaderLength);
        if (!signature.equals(EfiGuid.VARIABLE_STORE_AUTHENTICATED) && !signature.equals(EfiGuid.VARIABLE_STORE_NORMAL)) {
            throw new StoreFormatException("variable store at 0x" + Integer.toHexString(fvHeaderLength)
                    + " has an unknown signature " + signature);
        }
        if (b[fvHeaderLength + 20] != FORMATTED || b[fvHeaderLength + 21] != HEALTHY) {
            throw new StoreFormatException("variable store is not formatted and healthy (Format 0x"
                    + Integer.toHexString(b[fvHeaderLength + 20] & 0xFF) + ", State 0x" + Integer.toHexString(b[fvHeaderLength + 21] & 0xFF) + ")");
        }
        long size = Bytes.u32(b, fvHeaderLength + 16);
        if (size < STORE_HEADER_SIZE || fvHeaderLength + size > regionSize) {
            throw new StoreFormatException("variable store Size 0x" + Long.toHexString(size) + " does not fit the "
                    + "0x" + Integer.toHexString(regionSize) + "-byte region");
        }
        return new VariableStore(new FlashMedium(flash, fvHeaderLength, profile.recordWrite(), ftw));
    }

    /** Opens the non-volatile store after starting the fault-tolerant write driver on the same flash. */
    public static VariableStore onFlash(NorFlash flash, Profile profile) {
        return onFlash(flash, profile, FaultTolerantWrite.start(flash, profile));
    }

    /** A 28-byte VARIABLE_STORE_HEADER. */
    public static byte[] header(int size, boolean authenticated) {
        byte[] h = new byte[STORE_HEADER_SIZE];
        (authenticated ? EfiGuid.VARIABLE_STORE_AUTHENTICATED : EfiGuid.VARIABLE_STORE_NORMAL).write(h, 0);
        Bytes.put32(h, 16, size);
        h[20] = FORMATTED;
        h[21] = HEALTHY;
        return h;
    }

    public boolean authenticated() {
        return authenticated;
    }

    /** Size of one variable header in this store's format (60 or 32). */
    public int headerSize() {
        return headerSize;
    }

    /** The Size field of the store header. */
    public int size() {
        return size;
    }

    /** First free offset: end of the used area. */
    public int lastOffset() {
        return lastOffset;
    }

    /** Footprint of every record that is not hardware-error, live or dead (as EDK II counts until reclaim). */
    public long commonTotal() {
        return commonTotal;
    }

    public long hwErrTotal() {
        return hwErrTotal;
    }

    // ---- record fields -------------------------------------------------------------------------------------

    private byte[] b() {
        return medium.bytes();
    }

    private int abs(int offset) {
        return medium.base() + offset;
    }

    /** Whether a header with StartId 0x55AA starts at {@code offset} inside the store. */
    public boolean isValidHeader(int offset) {
        return offset >= STORE_HEADER_SIZE && offset + headerSize <= size && Bytes.u16(b(), abs(offset)) == START_ID;
    }

    public int state(int offset) {
        return b()[abs(offset) + 2] & 0xFF;
    }

    public int attributes(int offset) {
        return (int) Bytes.u32(b(), abs(offset) + 4);
    }

    private boolean sizesUnreadable(int offset) {
        byte[] b = b();
        int a = abs(offset);
        return (b[a + 2] & 0xFF) == 0xFF || Bytes.u32(b, a + 4) == 0xFFFFFFFFL
                || Bytes.u32(b, a + nameSizeField()) == 0xFFFFFFFFL || Bytes.u32(b, a + nameSizeField() + 4) == 0xFFFFFFFFL;
    }

    private int nameSizeField() {
        return authenticated ? 36 : 8;
    }

    /** NameSize, read as 0 for a header whose State, Attributes or sizes are still erased. */
    public long nameSize(int offset) {
        return sizesUnreadable(offset) ? 0 : Bytes.u32(b(), abs(offset) + nameSizeField());
    }

    public long dataSize(int offset) {
        return sizesUnreadable(offset) ? 0 : Bytes.u32(b(), abs(offset) + nameSizeField() + 4);
    }

    /**
     * The header's TimeStamp (EFI_TIME, 16 bytes) in the authenticated format; 16 zero bytes in the normal format,
     * which has none.
     */
    public byte[] timeStamp(int offset) {
        if (!authenticated) {
            return new byte[TIME_STAMP_SIZE];
        }
        int a = abs(offset) + TIME_STAMP_FIELD;
        return Arrays.copyOfRange(b(), a, a + TIME_STAMP_SIZE);
    }

    /**
     * Overwrites bytes of a record's data in place, without a new record: AuthVariableLib's UpdatePlatformMode
     * changes SetupMode by a plain copy into the variable's data so that it works at runtime too (volatile store).
     */
    public void overwriteData(int offset, int at, byte[] bytes) {
        if (at < 0 || at + bytes.length > dataSize(offset)) {
            throw new IllegalArgumentException("in-place write of " + bytes.length + " bytes at " + at
                    + " exceeds the record's " + dataSize(offset) + " data bytes");
        }
        medium.write(offset + headerSize + (int) nameSize(offset) + at, bytes);
    }

    public EfiGuid vendor(int offset) {
        return EfiGuid.read(b(), abs(offset) + headerSize - EfiGuid.SIZE);
    }

    /** The name bytes (NameSize of them, NUL included). */
    public byte[] nameBytes(int offset) {
        int a = abs(offset) + headerSize;
        return Arrays.copyOfRange(b(), a, a + (int) nameSize(offset));
    }

    public byte[] data(int offset) {
        int a = abs(offset) + headerSize + (int) nameSize(offset);
        return Arrays.copyOfRange(b(), a, a + (int) dataSize(offset));
    }

    /** Copies the data into {@code target} at {@code targetOffset}. */
    public void copyData(int offset, byte[] target, int targetOffset) {
        int a = abs(offset) + headerSize + (int) nameSize(offset);
        System.arraycopy(b(), a, target, targetOffset, (int) dataSize(offset));
    }

    /** Whether the record's vendor and name equal the given GUID and NUL-terminated name bytes. */
    public boolean matches(int offset, EfiGuid vendor, byte[] name) {
        if (nameSize(offset) != name.length || !vendor.matches(b(), abs(offset) + headerSize - EfiGuid.SIZE)) {
            return false;
        }
        int a = abs(offset) + headerSize;
        return Arrays.equals(b(), a, a + name.length, name, 0, name.length);
    }

    /** Offset of the record after the one at {@code offset}, clamped to the store end. */
    public int next(int offset) {
        long end = (long) offset + headerSize + nameSize(offset) + dataSize(offset);
        long aligned = (end + 3) & ~3L;
        return (int) Math.min(aligned, size);
    }

    public int firstOffset() {
        return Bytes.align4(STORE_HEADER_SIZE);
    }

    /** Offsets of every record with a valid header, in physical order, whatever its State. */
    public List<Integer> records() {
        List<Integer> out = new ArrayList<>();
        for (int off = firstOffset(); isValidHeader(off); off = next(off)) {
            out.add(off);
        }
        return out;
    }

    public static boolean isVisibleState(int state) {
        return state == VAR_ADDED || state == (VAR_ADDED & VAR_IN_DELETED_TRANSITION);
    }

    // ---- lookup --------------------------------------------------------------------------------------------

    /**
     * FindVariableEx: the first 0x3F record with this name and vendor, else the last 0x3E one; records whose
     * attributes fail {@code visible} are skipped.
     */
    public Lookup find(byte[] name, EfiGuid vendor, IntPredicate visible) {
        List<Integer> candidates = index().get(new RecordKey(vendor, java.nio.ByteBuffer.wrap(name)));
        if (candidates == null) {
            return Lookup.NONE;
        }
        int inTransition = -1;
        for (int off : candidates) {
            int st = state(off);
            if (!isVisibleState(st) || !visible.test(attributes(off)) || !matches(off, vendor, name)) {
                continue;
            }
            if (st == VAR_ADDED) {
                return new Lookup(off, inTransition);
            }
            inTransition = off;
        }
        return inTransition >= 0 ? new Lookup(inTransition, -1) : Lookup.NONE;
    }

    /** A record's identity: vendor and name bytes (NUL included). */
    private record RecordKey(EfiGuid vendor, java.nio.ByteBuffer name) {
    }

    /**
     * Every record the walk reaches, by name and vendor, in physical order. Built on first use after the store was
     * opened or rewritten, and kept up to date by {@link #append}; State changes do not change membership. It only
     * saves the walk: {@link #find} applies the walk's rules to the candidates it lists.
     */
    private java.util.Map<RecordKey, List<Integer>> index;

    private java.util.Map<RecordKey, List<Integer>> index() {
        if (index == null) {
            java.util.Map<RecordKey, List<Integer>> built = new java.util.HashMap<>();
            for (int off = firstOffset(); isValidHeader(off); off = next(off)) {
                built.computeIfAbsent(new RecordKey(vendor(off), java.nio.ByteBuffer.wrap(nameBytes(off))),
                        k -> new ArrayList<>(2)).add(off);
            }
            index = built;
        }
        return index;
    }

    /** Whether the visible record at {@code offset} should be enumerated: 0x3F, or 0x3E without a 0x3F twin. */
    public boolean isEnumerable(int offset) {
        int st = state(offset);
        if (st == VAR_ADDED) {
            return true;
        }
        if (st != (VAR_ADDED & VAR_IN_DELETED_TRANSITION)) {
            return false;
        }
        byte[] name = nameBytes(offset);
        EfiGuid vendor = vendor(offset);
        for (int off : index().getOrDefault(new RecordKey(vendor, java.nio.ByteBuffer.wrap(name)), List.of())) {
            if (off != offset && state(off) == VAR_ADDED && matches(off, vendor, name)) {
                return false;
            }
        }
        return true;
    }

    /** Result of {@link #find}: the record found (or -1) and its in-deleted-transition twin (or -1). */
    public record Lookup(int offset, int inDeletedTransition) {
        public static final Lookup NONE = new Lookup(-1, -1);

        public boolean found() {
            return offset >= 0;
        }
    }

    // ---- writes --------------------------------------------------------------------------------------------

    /** Builds a record (State 0xFF) in this store's format, with a zero TimeStamp. */
    public byte[] buildRecord(EfiGuid vendor, byte[] name, int attributes, byte[] data, int state) {
        return buildRecord(vendor, name, attributes, data, state, null);
    }

    /**
     * Builds a record (State 0xFF) in this store's format; in the authenticated format {@code timeStamp} (an
     * EFI_TIME, 16 bytes, or null for zero) goes into the header's TimeStamp field, as UpdateVariable stores it for
     * time-based authenticated writes.
     */
    public byte[] buildRecord(EfiGuid vendor, byte[] name, int attributes, byte[] data, int state, byte[] timeStamp) {
        byte[] r = new byte[headerSize + name.length + data.length];
        if (authenticated && timeStamp != null) {
            System.arraycopy(timeStamp, 0, r, TIME_STAMP_FIELD, TIME_STAMP_SIZE);
        }
        Bytes.put16(r, 0, START_ID);
        r[2] = (byte) state;
        Bytes.put32(r, 4, attributes & 0xFFFFFFFFL);
        Bytes.put32(r, nameSizeField(), name.length);
        Bytes.put32(r, nameSizeField() + 4, data.length);
        vendor.write(r, headerSize - EfiGuid.SIZE);
        System.arraycopy(name, 0, r, headerSize, name.length);
        System.arraycopy(data, 0, r, headerSize + name.length, data.length);
        return r;
    }

    /** Aligned footprint of a record of this size. */
    public int footprint(int nameSize, int dataSize) {
        return Bytes.align4(headerSize + nameSize + dataSize);
    }

    /** Whether the record fits between the used area and the store end. */
    public boolean fits(int recordLength) {
        return (long) lastOffset + recordLength <= size;
    }

    /**
     * Appends a record at the end of the used area, leaving it with State 0x3F: on flash in the steps of the
     * profile's record write (reference 4.3), in RAM in one copy. Totals advance by the aligned footprint.
     *
     * @return the record's offset
     */
    public int append(EfiGuid vendor, byte[] name, int attributes, byte[] data) {
        return append(vendor, name, attributes, data, null);
    }

    /** {@link #append(EfiGuid, byte[], int, byte[])} with a TimeStamp (authenticated format; null for zero). */
    public int append(EfiGuid vendor, byte[] name, int attributes, byte[] data, byte[] timeStamp) {
        int offset = lastOffset;
        medium.appendRecord(offset, buildRecord(vendor, name, attributes, data, 0xFF, timeStamp), headerSize);
        if (index != null) {
            index.computeIfAbsent(new RecordKey(vendor, java.nio.ByteBuffer.wrap(name.clone())), k -> new ArrayList<>(2))
                    .add(offset);
        }
        int footprint = footprint(name.length, data.length);
        lastOffset = offset + footprint;
        if (isHwErr(attributes)) {
            hwErrTotal += footprint;
        } else {
            commonTotal += footprint;
        }
        return offset;
    }

    /**
     * Programs byte {@code index} of the record's data in place (UpdateVariableStore on the data, as RecordVarErrorFlag
     * does): a flash write can only clear bits, so the byte becomes {@code stored & value}.
     */
    public void programDataByte(int offset, int index, int value) {
        int at = offset + headerSize + (int) nameSize(offset) + index;
        medium.write(at, new byte[] {(byte) (b()[abs(at)] & value)});
    }

    /** ANDs the State byte of the record at {@code offset} with {@code mask} (only clears bits). */
    public void clearState(int offset, int mask) {
        medium.write(offset + 2, new byte[] {(byte) (state(offset) & mask)});
    }

    private static boolean isHwErr(int attributes) {
        return (attributes & 0x09) == 0x09;
    }

    /** Whether any byte between the used area and the store end is not 0xFF (a torn write). */
    public boolean hasTornTail() {
        return !isErased(b(), abs(lastOffset), abs(size));
    }

    /** Whether every byte of [from, to) is 0xFF. Runs at every start-up over the whole free area, hence the chunks. */
    static boolean isErased(byte[] b, int from, int to) {
        for (int at = from; at < to; at += ERASED_BLOCK.length) {
            int end = Math.min(to, at + ERASED_BLOCK.length);
            if (Arrays.mismatch(b, at, end, ERASED_BLOCK, 0, end - at) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** Recomputes the used area and the totals from the records (all states count). */
    private void recount() {
        index = null;
        commonTotal = 0;
        hwErrTotal = 0;
        int off = firstOffset();
        for (; isValidHeader(off); off = next(off)) {
            int fp = next(off) - off;
            if (isHwErr(attributes(off))) {
                hwErrTotal += fp;
            } else {
                commonTotal += fp;
            }
        }
        lastOffset = Math.min(off, size);
    }

    /**
     * Reclaim: rewrites the store with the live records only. 0x3F records keep their order (except the one being
     * updated); 0x3E records without a copy already kept are promoted to 0x3F; then {@code newRecord} (if any) is
     * appended as 0x3F. Records in any other state (0x7F, 0x3D, 0x3C, bare headers) are dropped. On flash the new
     * image goes in with one fault-tolerant write of the whole store, so a power cut leaves the old or the new store.
     *
     * @param updating  offset of the record being replaced, or -1
     * @param twin      its in-deleted-transition twin, or -1
     * @param newRecord a record built by {@link #buildRecord}, or {@code null}
     * @param quota     checks the new totals (common, hwErr); returns false to refuse
     * @return the new record's offset, -1 if none was given, or -2 if it did not fit (the store is then unchanged)
     */
    public int reclaim(int updating, int twin, byte[] newRecord, Quota quota) {
        byte[] image = new byte[size];
        Arrays.fill(image, (byte) 0xFF);
        System.arraycopy(b(), abs(0), image, 0, STORE_HEADER_SIZE);
        int pos = firstOffset();
        long common = 0;
        long hwErr = 0;
        List<Integer> kept = new ArrayList<>();
        for (int off : records()) {
            if (off != updating && state(off) == VAR_ADDED) {
                int len = next(off) - off;
                System.arraycopy(b(), abs(off), image, pos, len);
                kept.add(pos);
                pos += len;
                if (isHwErr(attributes(off))) {
                    hwErr += len;
                } else {
                    common += len;
                }
            }
        }
        for (int off : records()) {
            if (off == updating || off == twin || state(off) != (VAR_ADDED & VAR_IN_DELETED_TRANSITION)) {
                continue;
            }
            byte[] name = nameBytes(off);
            EfiGuid vendor = vendor(off);
            boolean present = false;
            for (int k : kept) {
                if (nameSizeIn(image, k) == name.length && vendor.matches(image, k + headerSize - EfiGuid.SIZE)
                        && Arrays.equals(image, k + headerSize, k + headerSize + name.length, name, 0, name.length)) {
                    present = true;
                    break;
                }
            }
            if (present) {
                continue;
            }
            int len = next(off) - off;
            System.arraycopy(b(), abs(off), image, pos, len);
            image[pos + 2] = (byte) VAR_ADDED;
            kept.add(pos);
            pos += len;
            if (isHwErr(attributes(off))) {
                hwErr += len;
            } else {
                common += len;
            }
        }
        int newOffset = -1;
        if (newRecord != null) {
            int len = Bytes.align4(newRecord.length);
            int attrs = (int) Bytes.u32(newRecord, 4);
            long newCommon = common + (isHwErr(attrs) ? 0 : len);
            long newHwErr = hwErr + (isHwErr(attrs) ? len : 0);
            if ((long) pos + len > size || !quota.allows(newCommon, newHwErr)) {
                return -2;
            }
            System.arraycopy(newRecord, 0, image, pos, newRecord.length);
            image[pos + 2] = (byte) VAR_ADDED;
            newOffset = pos;
            pos += len;
        }
        medium.rewrite(image);
        recount();
        return newOffset;
    }

    private int nameSizeIn(byte[] image, int off) {
        return (int) Bytes.u32(image, off + nameSizeField());
    }

    /** Quota test applied to the totals a reclaim would produce. */
    @FunctionalInterface
    public interface Quota {
        boolean allows(long commonTotal, long hwErrTotal);
    }
}
