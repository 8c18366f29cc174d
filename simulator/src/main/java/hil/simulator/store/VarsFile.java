package hil.simulator.store;

import hil.simulator.Profile;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.Ucs2;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static hil.simulator.store.VarsFileException.Field;

/**
 * An {@code OVMF_VARS.fd}-compatible file (reference 4.1, 4.2, 4.9), parsed and checked field by field as OVMF checks
 * its variable flash: the firmware-volume header as the flash driver and OVMF's varstore validator check it
 * (Signature "_FVH", Revision 2, an even HeaderLength taken from the header, Sum16 checksum 0, FvLength equal to the
 * file size, zero ZeroVector, the NvData FileSystemGuid, Attributes 0x4FEFF, a block map covering FvLength), then the
 * variable store behind it (signature, Format, State, Size), then every record up to the first header without
 * StartId 0x55AA. The first failed check is reported as a {@link VarsFileException} naming the field.
 */
public final class VarsFile {

    /** Attributes OVMF's validator requires of the variable FV. */
    public static final int FV_ATTRIBUTES = 0x0004FEFF;
    private static final int FV_MIN_HEADER_LENGTH = VarsImage.FV_OFFSET_BLOCK_MAP + 16;

    /** The EFI_FIRMWARE_VOLUME_HEADER fields that matter here. */
    public record FvHeader(long fvLength, int attributes, int headerLength, int checksum, int revision,
                           List<BlockMapEntry> blockMap) {
    }

    /** One (NumBlocks, Length) pair of the FV block map. */
    public record BlockMapEntry(long numBlocks, long length) {
    }

    /** The VARIABLE_STORE_HEADER, at file offset {@code offset}. */
    public record StoreHeader(int offset, EfiGuid signature, long size, int format, int state) {
        /** Whether records use the 60-byte authenticated header. */
        public boolean authenticated() {
            return signature.equals(EfiGuid.VARIABLE_STORE_AUTHENTICATED);
        }
    }

    /**
     * A record of the store, live or dead. {@code offset} is its file offset; {@code name} is decoded up to the
     * first NUL; {@code data} is empty while the header's sizes read as unwritten.
     */
    public record Variable(int offset, int state, int attributes, EfiGuid vendor, String name, byte[] data) {

        @Override
        public boolean equals(Object o) {
            return o instanceof Variable v && offset == v.offset && state == v.state && attributes == v.attributes
                    && vendor.equals(v.vendor) && name.equals(v.name) && Arrays.equals(data, v.data);
        }

        @Override
        public int hashCode() {
            return ((offset * 31 + state) * 31 + name.hashCode()) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return String.format("%s %s @0x%X state 0x%02X attributes 0x%X, %d bytes: %s", name, vendor, offset,
                    state, attributes, data.length, Bytes.hex(data, 0, Math.min(data.length, 16)));
        }
    }

    private final String source;
    private final byte[] bytes;
    private final FvHeader fvHeader;
    private final StoreHeader store;
    private final List<Variable> records;
    private final int endOfRecords;

    private VarsFile(String source, byte[] bytes, FvHeader fvHeader, StoreHeader store, List<Variable> records,
                     int endOfRecords) {
        this.source = source;
        this.bytes = bytes;
        this.fvHeader = fvHeader;
        this.store = store;
        this.records = List.copyOf(records);
        this.endOfRecords = endOfRecords;
    }

    /** Reads and parses a file. */
    public static VarsFile read(Path path) {
        try {
            return parse(Files.readAllBytes(path), path.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the varstore file " + path, e);
        }
    }

    /** Parses an image held in memory, e.g. the flash of a simulated machine. */
    public static VarsFile parse(byte[] image) {
        return parse(image, "varstore image");
    }

    /**
     * Parses {@code image}; {@code source} names it in error messages.
     *
     * @throws VarsFileException at the first check that fails
     */
    public static VarsFile parse(byte[] image, String source) {
        byte[] b = image.clone();
        if (b.length < FV_MIN_HEADER_LENGTH) {
            throw fail(source, Field.FILE_SIZE, 0, hex(b.length), "at least 0x" + Integer.toHexString(FV_MIN_HEADER_LENGTH)
                    + " bytes (an FV header)");
        }
        FvHeader fv = checkFvHeader(b, source);
        StoreHeader store = checkStoreHeader(b, fv, source);
        List<Variable> records = new ArrayList<>();
        int end = walk(b, store, records, source);
        return new VarsFile(source, b, fv, store, records, end);
    }

    private static FvHeader checkFvHeader(byte[] b, String source) {
        long signature = Bytes.u32(b, VarsImage.FV_OFFSET_SIGNATURE);
        if (signature != VarsImage.FV_SIGNATURE) {
            throw fail(source, Field.FV_SIGNATURE, VarsImage.FV_OFFSET_SIGNATURE, hex(signature), "0x4856465F (\"_FVH\")");
        }
        int revision = b[VarsImage.FV_OFFSET_REVISION] & 0xFF;
        if (revision != 2) {
            throw fail(source, Field.FV_REVISION, VarsImage.FV_OFFSET_REVISION, hex(revision), "0x2");
        }
        int headerLength = Bytes.u16(b, VarsImage.FV_OFFSET_HEADER_LENGTH);
        if (headerLength % 2 != 0 || headerLength < FV_MIN_HEADER_LENGTH
                || headerLength + VariableStore.STORE_HEADER_SIZE > b.length) {
            throw fail(source, Field.FV_HEADER_LENGTH, VarsImage.FV_OFFSET_HEADER_LENGTH, hex(headerLength),
                    "an even length from 0x" + Integer.toHexString(FV_MIN_HEADER_LENGTH) + " that leaves room for the store header");
        }
        int checksum = Bytes.u16(b, VarsImage.FV_OFFSET_CHECKSUM);
        int sum = VarsImage.sum16(b, headerLength);
        if (sum != 0) {
            throw fail(source, Field.FV_CHECKSUM, VarsImage.FV_OFFSET_CHECKSUM, hex(checksum),
                    hex((checksum - sum) & 0xFFFF) + " (Sum16 over the HeaderLength bytes must be 0)");
        }
        long fvLength = Bytes.u64(b, VarsImage.FV_OFFSET_LENGTH);
        if (fvLength != b.length) {
            throw fail(source, Field.FV_LENGTH, VarsImage.FV_OFFSET_LENGTH, hex(fvLength), hex(b.length) + " (the file size)");
        }
        for (int i = 0; i < 16; i++) {
            if (b[VarsImage.FV_OFFSET_ZERO_VECTOR + i] != 0) {
                throw fail(source, Field.FV_ZERO_VECTOR, VarsImage.FV_OFFSET_ZERO_VECTOR + i,
                        Bytes.hex(b, VarsImage.FV_OFFSET_ZERO_VECTOR, 16), "16 zero bytes");
            }
        }
        EfiGuid fileSystem = EfiGuid.read(b, VarsImage.FV_OFFSET_FILE_SYSTEM_GUID);
        if (!fileSystem.equals(EfiGuid.SYSTEM_NV_DATA_FV)) {
            throw fail(source, Field.FV_FILE_SYSTEM_GUID, VarsImage.FV_OFFSET_FILE_SYSTEM_GUID, fileSystem.toString(),
                    EfiGuid.SYSTEM_NV_DATA_FV + " (gEfiSystemNvDataFvGuid)");
        }
        long attributes = Bytes.u32(b, VarsImage.FV_OFFSET_ATTRIBUTES);
        if (attributes != FV_ATTRIBUTES) {
            throw fail(source, Field.FV_ATTRIBUTES, VarsImage.FV_OFFSET_ATTRIBUTES, hex(attributes), hex(FV_ATTRIBUTES));
        }
        List<BlockMapEntry> blockMap = new ArrayList<>();
        long covered = 0;
        int at = VarsImage.FV_OFFSET_BLOCK_MAP;
        for (; at + 8 <= headerLength; at += 8) {
            long blocks = Bytes.u32(b, at);
            long length = Bytes.u32(b, at + 4);
            if (blocks == 0 && length == 0) {
                break;
            }
            blockMap.add(new BlockMapEntry(blocks, length));
            covered += blocks * length;
        }
        if (at + 8 > headerLength || blockMap.isEmpty() || covered != fvLength) {
            throw fail(source, Field.FV_BLOCK_MAP, VarsImage.FV_OFFSET_BLOCK_MAP, blockMap.toString(),
                    "(NumBlocks, Length) pairs covering FvLength " + hex(fvLength) + ", ended by (0, 0) inside HeaderLength");
        }
        return new FvHeader(fvLength, (int) attributes, headerLength, checksum, revision, blockMap);
    }

    private static StoreHeader checkStoreHeader(byte[] b, FvHeader fv, String source) {
        int at = fv.headerLength();
        EfiGuid signature = EfiGuid.read(b, at);
        if (!signature.equals(EfiGuid.VARIABLE_STORE_AUTHENTICATED) && !signature.equals(EfiGuid.VARIABLE_STORE_NORMAL)) {
            throw fail(source, Field.STORE_SIGNATURE, at, signature.toString(), EfiGuid.VARIABLE_STORE_AUTHENTICATED
                    + " (gEfiAuthenticatedVariableGuid) or " + EfiGuid.VARIABLE_STORE_NORMAL + " (gEfiVariableGuid)");
        }
        long size = Bytes.u32(b, at + 16);
        if (size < VariableStore.STORE_HEADER_SIZE || size > fv.fvLength() - fv.headerLength()) {
            throw fail(source, Field.STORE_SIZE, at + 16, hex(size), "0x1C to " + hex(fv.fvLength() - fv.headerLength()));
        }
        int format = b[at + 20] & 0xFF;
        if (format != (VariableStore.FORMATTED & 0xFF)) {
            throw fail(source, Field.STORE_FORMAT, at + 20, hex(format), "0x5A (VARIABLE_STORE_FORMATTED)");
        }
        int state = b[at + 21] & 0xFF;
        if (state != (VariableStore.HEALTHY & 0xFF)) {
            throw fail(source, Field.STORE_STATE, at + 21, hex(state), "0xFE (VARIABLE_STORE_HEALTHY)");
        }
        return new StoreHeader(at, signature, size, format, state);
    }

    /** Walks the records as the variable driver does; returns the file offset where the walk stopped. */
    private static int walk(byte[] b, StoreHeader store, List<Variable> out, String source) {
        int headerSize = store.authenticated() ? VariableStore.AUTH_HEADER_SIZE : VariableStore.NORMAL_HEADER_SIZE;
        int nameSizeField = store.authenticated() ? 36 : 8;
        long end = store.offset() + store.size();
        int at = Bytes.align4(store.offset() + VariableStore.STORE_HEADER_SIZE);
        while (at + headerSize <= end && Bytes.u16(b, at) == VariableStore.START_ID) {
            int state = b[at + 2] & 0xFF;
            long attributes = Bytes.u32(b, at + 4);
            long nameSize = Bytes.u32(b, at + nameSizeField);
            long dataSize = Bytes.u32(b, at + nameSizeField + 4);
            if (state == 0xFF || attributes == 0xFFFFFFFFL || nameSize == 0xFFFFFFFFL || dataSize == 0xFFFFFFFFL) {
                // Header written, State not yet: the driver reads the sizes as 0 and steps over the bare header.
                nameSize = 0;
                dataSize = 0;
            }
            long recordEnd = at + headerSize + nameSize + dataSize;
            if (recordEnd > end) {
                throw fail(source, Field.RECORD_SIZE, at + nameSizeField, hex(nameSize) + " + " + hex(dataSize),
                        "a record ending by the store end " + hex(end));
            }
            EfiGuid vendor = EfiGuid.read(b, at + headerSize - EfiGuid.SIZE);
            String name = Ucs2.decode(b, at + headerSize, (int) nameSize);
            byte[] data = Arrays.copyOfRange(b, (int) (at + headerSize + nameSize), (int) recordEnd);
            out.add(new Variable(at, state, (int) attributes, vendor, name, data));
            at = (int) Math.min((recordEnd + 3) & ~3L, end);
        }
        return at;
    }

    // ---- results -------------------------------------------------------------------------------------------

    /** The parsed bytes (a copy of the input). */
    public byte[] bytes() {
        return bytes.clone();
    }

    public FvHeader fvHeader() {
        return fvHeader;
    }

    public StoreHeader store() {
        return store;
    }

    /** Every record the walk reaches, in physical order, whatever its State. */
    public List<Variable> records() {
        return records;
    }

    /**
     * The variables the firmware shows: records with State 0x3F, and records with State 0x3E whose name and vendor
     * have no 0x3F record (reference 4.4), in physical order.
     */
    public List<Variable> variables() {
        List<Variable> visible = new ArrayList<>();
        for (Variable r : records) {
            if (r.state() == VariableStore.VAR_ADDED) {
                visible.add(r);
            } else if (r.state() == (VariableStore.VAR_ADDED & VariableStore.VAR_IN_DELETED_TRANSITION)
                    && records.stream().noneMatch(o -> o.state() == VariableStore.VAR_ADDED
                    && o.vendor().equals(r.vendor()) && o.name().equals(r.name()))) {
                visible.add(r);
            }
        }
        return visible;
    }

    /** File offset of the end of the used area: where the walk stopped. */
    public int endOfRecords() {
        return endOfRecords;
    }

    /**
     * Whether a byte between the end of the used area and the store end is not 0xFF: a torn write, which the
     * variable driver repairs with a reclaim when its write service starts.
     */
    public boolean hasTornTail() {
        return !VariableStore.isErased(bytes, endOfRecords, (int) (store.offset() + store.size()));
    }

    /**
     * Checks that the file has the geometry of {@code profile}: its size, its block size and the size of the
     * variable firmware volume (HeaderLength + store Size).
     *
     * @throws VarsFileException naming {@link Field#PROFILE} otherwise
     */
    public VarsFile requireProfile(Profile profile) {
        if (fvHeader.fvLength() != profile.varsSize()) {
            throw fail(source, Field.PROFILE, VarsImage.FV_OFFSET_LENGTH, hex(fvHeader.fvLength()),
                    hex(profile.varsSize()) + " for profile " + profile.name() + " (choose the profile of this flash size)");
        }
        BlockMapEntry first = fvHeader.blockMap().get(0);
        if (fvHeader.blockMap().size() != 1 || first.length() != profile.blockSize()) {
            throw fail(source, Field.PROFILE, VarsImage.FV_OFFSET_BLOCK_MAP, fvHeader.blockMap().toString(),
                    "blocks of " + hex(profile.blockSize()) + " for profile " + profile.name());
        }
        if (fvHeader.headerLength() + store.size() != profile.nvRegionSize()) {
            throw fail(source, Field.PROFILE, store.offset() + 16, hex(store.size()), hex(profile.nvRegionSize()
                    - fvHeader.headerLength()) + " (variable FV of profile " + profile.name() + " minus HeaderLength)");
        }
        return this;
    }

    private static String hex(long value) {
        return "0x" + Long.toHexString(value).toUpperCase(Locale.ROOT);
    }

    private static VarsFileException fail(String source, Field field, long offset, String value, String expected) {
        return new VarsFileException(source, field, offset, value, expected);
    }
}
