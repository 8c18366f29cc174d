package hil.simulator.platform;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Allocations by type, the memory map and its key, and checked access by address (reference 6.3). */
class SystemMemoryTest {

    private static final long OFFSET = 0xFFFF800000000000L;

    private final SystemMemory memory = new SystemMemory();

    private MemoryFault.Kind faultOf(Runnable access) {
        return assertThrows(MemoryFault.class, access::run).kind();
    }

    @Test
    void allocationsArePageAlignedAndRuntimeMemoryIsKeptTogether() {
        long rt1 = memory.allocatePool(MemoryType.RUNTIME_SERVICES_DATA, 10, "a");
        long bs = memory.allocatePool(MemoryType.BOOT_SERVICES_DATA, 5000, "b");
        long rt2 = memory.allocatePages(MemoryType.RUNTIME_SERVICES_CODE, 2, "c");

        assertEquals(0, rt1 % SystemMemory.PAGE_SIZE);
        assertEquals(0, bs % SystemMemory.PAGE_SIZE);
        assertEquals(rt1 + SystemMemory.PAGE_SIZE, rt2, "a pool of 10 bytes takes one page of its own");
        assertEquals(List.of(
                MemoryDescriptor.of(MemoryType.BOOT_SERVICES_DATA, bs, 0, 2, 0),
                MemoryDescriptor.of(MemoryType.RUNTIME_SERVICES_DATA, rt1, 0, 1, MemoryDescriptor.EFI_MEMORY_RUNTIME),
                MemoryDescriptor.of(MemoryType.RUNTIME_SERVICES_CODE, rt2, 0, 2, MemoryDescriptor.EFI_MEMORY_RUNTIME)),
                memory.memoryMap());
    }

    @Test
    void everyAllocationAndFreeChangesTheMapKey() {
        long key = memory.mapKey();
        long a = memory.allocatePool(MemoryType.BOOT_SERVICES_DATA, 8, "a");
        long afterAllocate = memory.mapKey();
        memory.free(a);

        assertNotEquals(key, afterAllocate);
        assertNotEquals(afterAllocate, memory.mapKey());
    }

    @Test
    void valuesAreKeptByAddress() {
        long a = memory.allocatePool(MemoryType.RUNTIME_SERVICES_DATA, 16, "a");
        memory.writeU64(a + 8, 0x1122334455667788L);

        assertEquals(0x1122334455667788L, memory.readU64(a + 8));
        assertArrayEquals(new byte[] {(byte) 0x88, 0x77}, memory.read(a + 8, 2));
    }

    @Test
    void anAccessPastThePoolSizeIsFlagged() {
        long a = memory.allocatePool(MemoryType.RUNTIME_SERVICES_DATA, 16, "a");
        assertEquals(MemoryFault.Kind.OUT_OF_BOUNDS, faultOf(() -> memory.readU64(a + 12)));
    }

    @Test
    void freedMemoryAndUnmappedAddressesAreToldApart() {
        long a = memory.allocatePool(MemoryType.RUNTIME_SERVICES_DATA, 16, "a");
        memory.free(a);

        assertEquals(MemoryFault.Kind.FREED, faultOf(() -> memory.readU64(a)));
        assertEquals(MemoryFault.Kind.UNMAPPED, faultOf(() -> memory.readU64(0x1234_5000L)));
    }

    @Test
    @DisplayName("At ExitBootServices boot-services memory is poisoned and every later access is flagged")
    void bootServicesMemoryIsPoisonedAndFlaggedAfterExitBootServices() {
        long bs = memory.allocatePool(MemoryType.BOOT_SERVICES_DATA, 16, "bs");
        long rt = memory.allocatePool(MemoryType.RUNTIME_SERVICES_DATA, 16, "rt");
        memory.writeU64(bs, 42);
        memory.writeU64(rt, 43);

        memory.reclaimBootServicesMemory();

        assertEquals(MemoryFault.Kind.FREED_AT_EXIT_BOOT_SERVICES, faultOf(() -> memory.readU64(bs)));
        assertEquals(MemoryFault.Kind.FREED_AT_EXIT_BOOT_SERVICES, faultOf(() -> memory.writeU64Physical(bs, 1)));
        assertEquals(43, memory.readU64(rt), "runtime memory is preserved");
        assertEquals(List.of(MemoryType.RUNTIME_SERVICES_DATA.value()),
                memory.memoryMap().stream().map(MemoryDescriptor::type).toList());
    }

    @Test
    void theStandardVirtualMapCoversEveryRuntimeRangeAtTheOffset() {
        long rt = memory.allocatePages(MemoryType.RUNTIME_SERVICES_CODE, 3, "rt");
        memory.allocatePool(MemoryType.BOOT_SERVICES_DATA, 16, "bs");

        assertEquals(List.of(MemoryDescriptor.of(MemoryType.RUNTIME_SERVICES_CODE, rt, rt + OFFSET, 3,
                MemoryDescriptor.EFI_MEMORY_RUNTIME)), memory.virtualMap(OFFSET));
    }

    @Test
    @DisplayName("In virtual mode a virtual address works and the physical address of the same memory is flagged as not converted")
    void inVirtualModeOnlyVirtualAddressesWork() {
        long rt = memory.allocatePool(MemoryType.RUNTIME_SERVICES_DATA, 16, "rt");
        long bs = memory.allocatePool(MemoryType.BOOT_SERVICES_DATA, 16, "bs");
        memory.writeU64(rt, 7);
        memory.reclaimBootServicesMemory();

        memory.switchToVirtual(memory.virtualMap(OFFSET));

        assertEquals(SystemMemory.Mode.VIRTUAL, memory.mode());
        assertEquals(7, memory.readU64(rt + OFFSET));
        assertEquals(rt + OFFSET, memory.toVirtual(rt).orElseThrow());
        assertEquals(MemoryFault.Kind.NOT_CONVERTED, faultOf(() -> memory.readU64(rt)));
        assertEquals(MemoryFault.Kind.FREED_AT_EXIT_BOOT_SERVICES, faultOf(() -> memory.readU64(bs)));
        assertEquals(7, memory.readU64Physical(rt), "firmware-internal physical access still works");
    }

    @Test
    void aFaultDescribesItsSubject() {
        assertEquals("mSmmCommunication was not converted",
                new MemoryFault(MemoryFault.Kind.NOT_CONVERTED, 0x7F000000L).describe("mSmmCommunication"));
        assertEquals("gBootBuffer points into boot-services memory freed at ExitBootServices",
                new MemoryFault(MemoryFault.Kind.FREED_AT_EXIT_BOOT_SERVICES, 0x40000000L).describe("gBootBuffer"));
        assertEquals("p points to 0x1000, where nothing is mapped",
                new MemoryFault(MemoryFault.Kind.UNMAPPED, 0x1000L).describe("p"));
    }

    @Test
    @DisplayName("With bins, allocations of a bin's type come from it and its free pages are reported as that type")
    void binsHoldTheirTypeAndReportTheirFreePages() {
        SystemMemory binned = new SystemMemory(java.util.Map.of(MemoryType.RUNTIME_SERVICES_DATA, 4L));
        long a = binned.allocatePool(MemoryType.RUNTIME_SERVICES_DATA, 10, "a");
        long bs = binned.allocatePool(MemoryType.BOOT_SERVICES_DATA, 10, "bs");

        assertEquals(List.of(
                MemoryDescriptor.of(MemoryType.BOOT_SERVICES_DATA, bs, 0, 1, 0),
                MemoryDescriptor.of(MemoryType.RUNTIME_SERVICES_DATA, a, 0, 1, MemoryDescriptor.EFI_MEMORY_RUNTIME),
                MemoryDescriptor.of(MemoryType.RUNTIME_SERVICES_DATA, a + SystemMemory.PAGE_SIZE, 0, 3,
                        MemoryDescriptor.EFI_MEMORY_RUNTIME)), binned.memoryMap());
    }

    @Test
    void freedBinPagesAreReusedAndAFullBinSpillsOutside() {
        SystemMemory binned = new SystemMemory(java.util.Map.of(MemoryType.ACPI_MEMORY_NVS, 2L));
        long a = binned.allocatePages(MemoryType.ACPI_MEMORY_NVS, 2, "a");
        long outside = binned.allocatePages(MemoryType.ACPI_MEMORY_NVS, 1, "outside");
        binned.free(a);
        long again = binned.allocatePool(MemoryType.ACPI_MEMORY_NVS, 16, "again");

        assertEquals(a + SystemMemory.PAGE_SIZE * 2, outside, "the bin is full: the allocation lies past its end");
        assertEquals(a, again);
        assertEquals(0, binned.readU64(again), "reused pages are zeroed");
    }

    @Test
    @DisplayName("Physically, a bin is one piece: a span may run from one allocation into the next; elsewhere it may not")
    void physicalSpansRunAcrossAllocationsOnlyInsideABin() {
        SystemMemory binned = new SystemMemory(java.util.Map.of(MemoryType.RUNTIME_SERVICES_DATA, 4L));
        long a = binned.allocatePool(MemoryType.RUNTIME_SERVICES_DATA, 16, "a");
        long b = binned.allocatePool(MemoryType.RUNTIME_SERVICES_DATA, 16, "b");
        binned.writeU64(b, 0x77);
        long bs = binned.allocatePool(MemoryType.BOOT_SERVICES_DATA, 16, "bs");

        SystemMemory.Span span = binned.physicalSpan(a, 2 * SystemMemory.PAGE_SIZE);
        assertEquals(0x77, hil.simulator.uefi.Bytes.u64(span.bytes(), span.offset() + (int) (b - a)));
        assertEquals(MemoryFault.Kind.OUT_OF_BOUNDS, faultOf(() -> binned.physicalSpan(a, 5 * SystemMemory.PAGE_SIZE)));
        binned.physicalSpan(bs, SystemMemory.PAGE_SIZE);
        assertEquals(MemoryFault.Kind.OUT_OF_BOUNDS, faultOf(() -> binned.physicalSpan(bs, SystemMemory.PAGE_SIZE + 1)));
        assertEquals(MemoryFault.Kind.UNMAPPED, faultOf(() -> binned.physicalSpan(0x1234_5000L, 8)));
    }

    @Test
    void onlyTheTypesEdk2KeepsBinsForMayHaveOne() {
        assertThrows(IllegalArgumentException.class,
                () -> new SystemMemory(java.util.Map.of(MemoryType.BOOT_SERVICES_DATA, 4L)));
    }
}
