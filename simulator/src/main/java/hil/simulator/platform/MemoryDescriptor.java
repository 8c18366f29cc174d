package hil.simulator.platform;

import hil.simulator.uefi.Bytes;

import java.util.ArrayList;
import java.util.List;

/**
 * EFI_MEMORY_DESCRIPTOR, x64 (reference 6.3): Type at 0 (UINT32, then 4 bytes of padding), PhysicalStart at 8,
 * VirtualStart at 16, NumberOfPages at 24, Attribute at 32; 40 bytes. Arrays of descriptors are walked with the
 * DescriptorSize the caller states, which may be larger than 40.
 *
 * @param type          the EFI_MEMORY_TYPE value (kept as a number: a caller may pass any value)
 * @param numberOfPages in 4 KiB pages
 */
public record MemoryDescriptor(int type, long physicalStart, long virtualStart, long numberOfPages, long attribute) {

    /** sizeof (EFI_MEMORY_DESCRIPTOR). */
    public static final int SIZE = 40;
    /** EFI_MEMORY_DESCRIPTOR_VERSION. */
    public static final int VERSION = 1;
    /**
     * The DescriptorSize EDK II's GetMemoryMap reports: the structure size plus one UINT64, so that callers who
     * step by sizeof instead of DescriptorSize fail at once.
     */
    public static final int EDK2_DESCRIPTOR_SIZE = SIZE + 8 - (SIZE % 8);
    /** EFI_MEMORY_RUNTIME: the range must be given a virtual address by SetVirtualAddressMap. */
    public static final long EFI_MEMORY_RUNTIME = 0x8000000000000000L;

    static final int TYPE = 0;
    static final int PHYSICAL_START = 8;
    static final int VIRTUAL_START = 16;
    static final int NUMBER_OF_PAGES = 24;
    static final int ATTRIBUTE = 32;

    public static MemoryDescriptor of(MemoryType type, long physicalStart, long virtualStart, long pages, long attribute) {
        return new MemoryDescriptor(type.value(), physicalStart, virtualStart, pages, attribute);
    }

    public boolean runtime() {
        return (attribute & EFI_MEMORY_RUNTIME) != 0;
    }

    /** Whether the physical address lies in this range (addresses compare unsigned). */
    public boolean containsPhysical(long address) {
        return within(address, physicalStart);
    }

    /** Whether the virtual address lies in this range's virtual mapping. */
    public boolean containsVirtual(long address) {
        return within(address, virtualStart);
    }

    private boolean within(long address, long start) {
        long length = numberOfPages * SystemMemory.PAGE_SIZE;
        return Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address - start, length) < 0;
    }

    /** The descriptors laid out as a memory map with the given stride (bytes past the 40 stay zero). */
    public static byte[] encode(List<MemoryDescriptor> descriptors, int descriptorSize) {
        if (descriptorSize < SIZE) {
            throw new IllegalArgumentException("descriptor size " + descriptorSize + " is below sizeof (EFI_MEMORY_DESCRIPTOR) = " + SIZE);
        }
        byte[] out = new byte[descriptors.size() * descriptorSize];
        for (int i = 0; i < descriptors.size(); i++) {
            MemoryDescriptor d = descriptors.get(i);
            int at = i * descriptorSize;
            Bytes.put32(out, at + TYPE, d.type & 0xFFFFFFFFL);
            Bytes.put64(out, at + PHYSICAL_START, d.physicalStart);
            Bytes.put64(out, at + VIRTUAL_START, d.virtualStart);
            Bytes.put64(out, at + NUMBER_OF_PAGES, d.numberOfPages);
            Bytes.put64(out, at + ATTRIBUTE, d.attribute);
        }
        return out;
    }

    /**
     * Reads {@code count} descriptors stepping by {@code descriptorSize}; stops early where the bytes run out, as a
     * map shorter than its stated size has no more whole entries.
     */
    public static List<MemoryDescriptor> decode(byte[] map, long count, long descriptorSize) {
        List<MemoryDescriptor> out = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            long at = i * descriptorSize;
            if (at + SIZE > map.length) {
                break;
            }
            int o = (int) at;
            out.add(new MemoryDescriptor((int) Bytes.u32(map, o + TYPE), Bytes.u64(map, o + PHYSICAL_START),
                    Bytes.u64(map, o + VIRTUAL_START), Bytes.u64(map, o + NUMBER_OF_PAGES), Bytes.u64(map, o + ATTRIBUTE)));
        }
        return out;
    }

    @Override
    public String toString() {
        String name = MemoryType.fromValue(type).map(MemoryType::efiName).orElse("type " + type);
        return String.format("%s 0x%X-0x%X -> 0x%X (%d pages, attr 0x%X)", name, physicalStart,
                physicalStart + numberOfPages * SystemMemory.PAGE_SIZE - 1, virtualStart, numberOfPages, attribute);
    }
}
