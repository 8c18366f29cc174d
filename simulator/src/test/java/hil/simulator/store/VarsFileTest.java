package hil.simulator.store;

import hil.simulator.Machine;
import hil.simulator.Profile;
import hil.simulator.platform.SimulatedPlatform;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.Ucs2;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static hil.simulator.store.VarsFileException.Field;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing and checking an OVMF_VARS.fd-compatible file (reference 4.1, 4.2, 4.9). */
class VarsFileTest {

    private static byte[] fresh() {
        return VarsImage.fresh(Profile.OVMF_4M);
    }

    /** Recomputes the FV header checksum, so a check after the checksum check sees the damage. */
    private static void fixChecksum(byte[] image) {
        Bytes.put16(image, VarsImage.FV_OFFSET_CHECKSUM, 0);
        Bytes.put16(image, VarsImage.FV_OFFSET_CHECKSUM, VarsImage.checksum16(Arrays.copyOf(image, 0x48)));
    }

    private static Arguments damage(String what, Consumer<byte[]> damage, Field field, long offset, String value) {
        return Arguments.of(what, damage, field, offset, value);
    }

    static Stream<Arguments> damagedImages() {
        return Stream.of(
                damage("Signature \"_FVX\"", b -> b[0x2B] = 'X', Field.FV_SIGNATURE, 0x28, "0x5856465F"),
                damage("Revision 1", b -> b[0x37] = 1, Field.FV_REVISION, 0x37, "0x1"),
                damage("odd HeaderLength", b -> b[0x30] = 0x49, Field.FV_HEADER_LENGTH, 0x30, "0x49"),
                damage("HeaderLength shorter than the header", b -> b[0x30] = 0x20, Field.FV_HEADER_LENGTH, 0x30, "0x20"),
                damage("Checksum off by one", b -> b[0x32] = (byte) 0xAE, Field.FV_CHECKSUM, 0x32, "0xB8AE"),
                damage("FvLength 0x80000", b -> {
                    Bytes.put64(b, 0x20, 0x80000);
                    fixChecksum(b);
                }, Field.FV_LENGTH, 0x20, "0x80000"),
                damage("ZeroVector byte 3", b -> {
                    b[3] = 1;
                    fixChecksum(b);
                }, Field.FV_ZERO_VECTOR, 0x3, "00000001000000000000000000000000"),
                damage("FileSystemGuid of another FV", b -> {
                    EfiGuid.VARIABLE_STORE_NORMAL.write(b, 0x10);
                    fixChecksum(b);
                }, Field.FV_FILE_SYSTEM_GUID, 0x10, "DDCF3616-3275-4164-98B6-FE85707FFE7D"),
                damage("Attributes 0x4FEFE", b -> {
                    b[0x2C] = (byte) 0xFE;
                    fixChecksum(b);
                }, Field.FV_ATTRIBUTES, 0x2C, "0x4FEFE"),
                damage("BlockMap one block short", b -> {
                    b[0x38] = (byte) 0x83;
                    fixChecksum(b);
                }, Field.FV_BLOCK_MAP, 0x38, "[BlockMapEntry[numBlocks=131, length=4096]]"),
                damage("store Signature", b -> b[0x48] = 0x79, Field.STORE_SIGNATURE, 0x48, "AAF32C79-947B-439A-A180-2E144EC37792"),
                damage("store Size past the FV", b -> Bytes.put32(b, 0x58, 0x84000), Field.STORE_SIZE, 0x58, "0x84000"),
                damage("store Size below its header", b -> Bytes.put32(b, 0x58, 0x1B), Field.STORE_SIZE, 0x58, "0x1B"),
                damage("store Format 0", b -> b[0x5C] = 0, Field.STORE_FORMAT, 0x5C, "0x0"),
                damage("store State 0xFC", b -> b[0x5D] = (byte) 0xFC, Field.STORE_STATE, 0x5D, "0xFC"),
                damage("a record whose DataSize runs past the store", b -> {
                    VariableStore store = VariableStore.inRam(0x1000, true);
                    byte[] record = store.buildRecord(Machine.VENDOR, Ucs2.encode("Big"), 7, new byte[4], 0x3F);
                    Bytes.put32(record, 40, 0x40000);
                    System.arraycopy(record, 0, b, 0x64, record.length);
                }, Field.RECORD_SIZE, 0x88, "0x8 + 0x40000"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damagedImages")
    void eachDamagedFieldIsReportedWithItsOffsetAndValue(String what, Consumer<byte[]> damage, Field field, long offset,
                                                         String value) {
        byte[] image = fresh();
        damage.accept(image);

        VarsFileException e = assertThrows(VarsFileException.class, () -> VarsFile.parse(image, "vars.fd"));

        assertEquals(field, e.field());
        assertEquals(offset, e.offset());
        assertEquals(value, e.value());
    }

    @Test
    void aFileShorterThanAnFvHeaderIsReportedAsSuch() {
        VarsFileException e = assertThrows(VarsFileException.class, () -> VarsFile.parse(new byte[10]));

        assertEquals(Field.FILE_SIZE, e.field());
        assertEquals("0xA", e.value());
    }

    @Test
    @DisplayName("The error says which file, which field, where, what was found, what was expected and what to do")
    void theErrorMessageNamesEverything() {
        byte[] image = fresh();
        image[0x5D] = (byte) 0xFC;

        VarsFileException e = assertThrows(VarsFileException.class, () -> VarsFile.parse(image, "lab/vars.fd"));

        assertEquals("lab/vars.fd: variable store State at offset 0x5D is 0xFC, expected 0xFE (VARIABLE_STORE_HEALTHY);"
                + " use an OVMF_VARS.fd built for this firmware, or a copy the firmware itself wrote", e.getMessage());
    }

    @Test
    void aFreshImageParsesWithOvmfsHeadersAndNoRecords() {
        VarsFile file = VarsFile.parse(fresh());

        assertEquals(new VarsFile.FvHeader(0x84000, 0x4FEFF, 0x48, 0xB8AF, 2,
                List.of(new VarsFile.BlockMapEntry(0x84, 0x1000))), file.fvHeader());
        assertEquals(new VarsFile.StoreHeader(0x48, EfiGuid.VARIABLE_STORE_AUTHENTICATED, 0x3FFB8, 0x5A, 0xFE), file.store());
        assertTrue(file.store().authenticated());
        assertEquals(List.of(), file.records());
        assertEquals(0x64, file.endOfRecords());
        assertFalse(file.hasTornTail());
    }

    @Test
    @DisplayName("Records are listed in physical order with their State; variables() keeps what the firmware shows")
    void recordsAndVariables() {
        Machine machine = new Machine(new SimulatedPlatform(Profile.OVMF_4M.withBareStore()));
        machine.set("A", Attributes.NV_BS_RT, (byte) 1);
        machine.set("B", Attributes.NV_BS, (byte) 2, (byte) 3);
        machine.set("A", Attributes.NV_BS_RT, (byte) 4);
        machine.set("B", Attributes.NV_BS);

        VarsFile file = VarsFile.parse(machine.platform().flash().snapshot());

        assertEquals(List.of(
                new VarsFile.Variable(0x64, 0x3C, 7, Machine.VENDOR, "A", new byte[] {1}),
                new VarsFile.Variable(0x64 + 68, 0x3D, 3, Machine.VENDOR, "B", new byte[] {2, 3}),
                new VarsFile.Variable(0x64 + 68 + 68, 0x3F, 7, Machine.VENDOR, "A", new byte[] {4})), file.records());
        assertEquals(List.of(file.records().get(2)), file.variables());
    }

    @Test
    void anInDeletedTransitionRecordWithoutATwinIsAVariable() {
        byte[] image = fresh();
        byte[] record = VariableStore.inRam(0x1000, true).buildRecord(Machine.VENDOR, Ucs2.encode("Old"), 7, new byte[] {9}, 0x3E);
        System.arraycopy(record, 0, image, 0x64, record.length);

        VarsFile file = VarsFile.parse(image);

        assertEquals(List.of("Old"), file.variables().stream().map(VarsFile.Variable::name).toList());
    }

    @Test
    void aTornTailIsReportedNotRefused() {
        byte[] image = fresh();
        image[0x64] = (byte) 0xAA; // half a StartId

        VarsFile file = VarsFile.parse(image);

        assertEquals(List.of(), file.records());
        assertTrue(file.hasTornTail());
    }

    @Test
    @DisplayName("A file of another geometry is refused for a profile, naming the profile and the size it needs")
    void requireProfileChecksTheGeometry() {
        VarsFile twoMb = VarsFile.parse(VarsImage.fresh(Profile.OVMF_2M), "OVMF_VARS.fd");

        VarsFileException e = assertThrows(VarsFileException.class, () -> twoMb.requireProfile(Profile.OVMF_4M));

        assertEquals(Field.PROFILE, e.field());
        assertEquals(0x20, e.offset());
        assertEquals("0x20000", e.value());
        assertTrue(e.getMessage().contains("0x84000 for profile ovmf-4m"), e.getMessage());
        assertEquals(twoMb, twoMb.requireProfile(Profile.OVMF_2M));
    }

    @Test
    void parsingCopiesTheImage() {
        byte[] image = fresh();
        VarsFile file = VarsFile.parse(image);
        image[0x64] = 0;

        assertArrayEquals(fresh(), file.bytes());
    }
}
