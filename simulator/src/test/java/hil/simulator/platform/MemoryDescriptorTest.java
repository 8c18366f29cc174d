package hil.simulator.platform;

import hil.simulator.uefi.Bytes;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** EFI_MEMORY_DESCRIPTOR layout and strides (reference 6.3). */
class MemoryDescriptorTest {

    private static final MemoryDescriptor RUNTIME_DATA = MemoryDescriptor.of(MemoryType.RUNTIME_SERVICES_DATA,
            0x7F001000L, 0xFFFF80007F001000L, 2, MemoryDescriptor.EFI_MEMORY_RUNTIME);

    @Test
    void aDescriptorIs40BytesWithTheFieldsAtTheirX64Offsets() {
        byte[] b = MemoryDescriptor.encode(List.of(RUNTIME_DATA), 40);

        assertEquals(40, b.length);
        assertEquals(6, Bytes.u32(b, 0), "Type: EfiRuntimeServicesData");
        assertEquals(0, Bytes.u32(b, 4), "padding");
        assertEquals(0x7F001000L, Bytes.u64(b, 8), "PhysicalStart");
        assertEquals(0xFFFF80007F001000L, Bytes.u64(b, 16), "VirtualStart");
        assertEquals(2, Bytes.u64(b, 24), "NumberOfPages");
        assertEquals(0x8000000000000000L, Bytes.u64(b, 32), "Attribute: EFI_MEMORY_RUNTIME (bit 63)");
    }

    @Test
    void edk2ReportsADescriptorSizeOf48() {
        assertEquals(48, MemoryDescriptor.EDK2_DESCRIPTOR_SIZE);
    }

    @Test
    void aMapIsWalkedWithTheStatedStride() {
        MemoryDescriptor code = MemoryDescriptor.of(MemoryType.RUNTIME_SERVICES_CODE, 0x7F000000L, 0, 1, 0);
        byte[] b = MemoryDescriptor.encode(List.of(code, RUNTIME_DATA), 48);

        assertEquals(96, b.length);
        assertEquals(0x7F001000L, Bytes.u64(b, 48 + 8), "the second entry starts at 48");
        assertEquals(List.of(code, RUNTIME_DATA), MemoryDescriptor.decode(b, 2, 48));
        assertEquals(List.of(code), MemoryDescriptor.decode(b, 5, 48).subList(0, 1));
        assertEquals(2, MemoryDescriptor.decode(b, 5, 48).size(), "entries past the bytes are not invented");
    }

    @Test
    void rangesCompareUnsigned() {
        assertEquals(true, RUNTIME_DATA.containsVirtual(0xFFFF80007F002FFFL));
        assertEquals(false, RUNTIME_DATA.containsVirtual(0xFFFF80007F003000L));
        assertEquals(true, RUNTIME_DATA.containsPhysical(0x7F001000L));
        assertEquals(false, RUNTIME_DATA.containsPhysical(0x7F000FFFL));
    }

    @Test
    void aStrideBelowTheStructureSizeCannotBeEncoded() {
        assertThrows(IllegalArgumentException.class, () -> MemoryDescriptor.encode(List.of(RUNTIME_DATA), 39));
    }
}
