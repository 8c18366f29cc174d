package hil.simulator.smm;

import hil.simulator.Machine;
import hil.simulator.Profile;
import hil.simulator.platform.MemoryDescriptor;
import hil.simulator.platform.MemoryType;
import hil.simulator.platform.SimulatedPlatform;
import hil.simulator.platform.SystemMemory;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SmmIsBufferOutsideSmmValid and the SMM core's use of it (reference 2.2, 1.8; errata on the region rule). */
class SmmMemLibTest {

    private static final long PAGE = SystemMemory.PAGE_SIZE;

    private final SmmMemLib lib = new SmmMemLib();

    @Test
    void beforeReadyToLockOnlyTheAddressRangeAndSmramCount() {
        assertTrue(lib.isBufferOutsideSmmValid(0x4000_0000L, 64), "boot-services memory is fine before the lock");
        assertTrue(lib.isBufferOutsideSmmValid(0x1234_5000L, 64), "even memory nobody allocated");
        assertFalse(lib.isBufferOutsideSmmValid(SystemMemory.SMRAM_BASE + 8, 8), "starts inside SMRAM");
        assertFalse(lib.isBufferOutsideSmmValid(SystemMemory.SMRAM_BASE - 8, 9), "runs into SMRAM");
        assertTrue(lib.isBufferOutsideSmmValid(SystemMemory.SMRAM_BASE - 8, 8), "ends right below SMRAM");
        assertTrue(lib.isBufferOutsideSmmValid(SmmMemLib.MAXIMUM_SUPPORT_ADDRESS, 1), "the last byte of the space");
        assertFalse(lib.isBufferOutsideSmmValid(SmmMemLib.MAXIMUM_SUPPORT_ADDRESS, 2), "one byte beyond");
        assertFalse(lib.isBufferOutsideSmmValid(SimulatedPlatform.VIRTUAL_OFFSET + 0x7F00_0000L, 8), "a virtual address");
        assertFalse(lib.isBufferOutsideSmmValid(0x1000, -1L), "a length of 2^64 - 1");
    }

    @Test
    @DisplayName("After ReadyToLock a buffer must lie wholly inside one Reserved, RuntimeCode, RuntimeData or ACPINVS entry of the EndOfDxe map")
    void afterReadyToLockTheEndOfDxeMapDecides() {
        lib.endOfDxe(List.of(
                MemoryDescriptor.of(MemoryType.RUNTIME_SERVICES_DATA, 0x10_0000L, 0, 2, MemoryDescriptor.EFI_MEMORY_RUNTIME),
                MemoryDescriptor.of(MemoryType.BOOT_SERVICES_DATA, 0x20_0000L, 0, 2, 0),
                MemoryDescriptor.of(MemoryType.ACPI_MEMORY_NVS, 0x30_0000L, 0, 1, 0),
                MemoryDescriptor.of(MemoryType.ACPI_RECLAIM, 0x40_0000L, 0, 1, 0),
                MemoryDescriptor.of(MemoryType.RESERVED, 0x50_0000L, 0, 1, 0),
                MemoryDescriptor.of(MemoryType.RUNTIME_SERVICES_CODE, 0x60_0000L, 0, 1, MemoryDescriptor.EFI_MEMORY_RUNTIME)));
        assertTrue(lib.isBufferOutsideSmmValid(0x20_0000L, 16), "the map alone changes nothing before the lock");

        lib.readyToLock();

        assertTrue(lib.isBufferOutsideSmmValid(0x10_0000L, 2 * PAGE), "the whole runtime-data entry");
        assertFalse(lib.isBufferOutsideSmmValid(0x10_0000L, 2 * PAGE + 1), "one byte past it");
        assertFalse(lib.isBufferOutsideSmmValid(0x20_0000L, 16), "EfiBootServicesData");
        assertTrue(lib.isBufferOutsideSmmValid(0x30_0000L, 16), "EfiACPIMemoryNVS");
        assertFalse(lib.isBufferOutsideSmmValid(0x40_0000L, 16), "EfiACPIReclaimMemory is not kept");
        assertTrue(lib.isBufferOutsideSmmValid(0x50_0000L, 16), "EfiReservedMemoryType");
        assertTrue(lib.isBufferOutsideSmmValid(0x60_0000L, 16), "EfiRuntimeServicesCode");
        assertFalse(lib.isBufferOutsideSmmValid(0x70_0000L, 16), "in no entry");
    }

    @Test
    void aReadyToLockWithoutEndOfDxeAcceptsNoBufferAtAll() {
        lib.readyToLock();

        assertFalse(lib.isBufferOutsideSmmValid(0x7F00_0000L, 16));
    }

    /** A GET_PAYLOAD_SIZE message at {@code address}. */
    private static void payloadSizeMessage(SystemMemory memory, long address) {
        byte[] b = new byte[48];
        EfiGuid.SMM_VARIABLE_PROTOCOL.write(b, 0);
        Bytes.put64(b, 16, 24);
        Bytes.put64(b, 24, CommLayout.FN_GET_PAYLOAD_SIZE);
        Bytes.put64(b, 32, 0x5A5AL);
        memory.writePhysical(address, b, 0, b.length);
    }

    /** The last run of free runtime-data bin pages in the EndOfDxe map. */
    private static MemoryDescriptor lastFreeRuntimeData(SimulatedPlatform platform) {
        return platform.smm().memLib().communicationRegions().stream()
                .filter(d -> d.type() == MemoryType.RUNTIME_SERVICES_DATA.value()
                        && platform.firmware().memory().ownerAt(d.physicalStart()).isEmpty())
                .reduce((a, b) -> b).orElseThrow();
    }

    @Test
    @DisplayName("The SMM core checks CommSize - 24 bytes: running 24 bytes past the region passes, 25 is EFI_ACCESS_DENIED")
    void theCoreChecksCommSizeLessTheHeader() {
        SimulatedPlatform platform = new Machine().platform();
        platform.signalEndOfDxe();
        SystemMemory memory = platform.firmware().memory();
        MemoryDescriptor free = lastFreeRuntimeData(platform);
        long address = memory.allocatePages(MemoryType.RUNTIME_SERVICES_DATA, free.numberOfPages(), "bin's end");
        assertEquals(free.physicalStart(), address, "the allocation takes the bin's last free pages");
        long buffer = address + free.numberOfPages() * PAGE - 48;
        payloadSizeMessage(memory, buffer);

        SmmCommunication.Result refused = platform.smm().communicate(buffer, 48 + 25);
        SmmCommunication.Result passed = platform.smm().communicate(buffer, 48 + 24);

        assertEquals(new SmmCommunication.Result(EfiStatus.ACCESS_DENIED, 48 + 25), refused);
        assertNull(passed.status(), "SMM accepts it, but the 24 bytes past the bin are memory the model does not hold");
        assertTrue(passed.unmodelled().contains("not modelled"), passed.unmodelled());
        assertEquals(new SmmCommunication.Result(EfiStatus.SUCCESS, 48), platform.smm().communicate(buffer, 48));
        assertEquals(0, Bytes.u64(memory.readPhysical(buffer, 48), 32), "ReturnStatus written in place");
    }

    @Test
    void aNullBufferOrACommSizeBelowTheHeaderIsInvalidParameter() {
        SimulatedPlatform platform = new SimulatedPlatform(Profile.OVMF_4M.withBareStore());

        assertEquals(EfiStatus.INVALID_PARAMETER, platform.smm().communicate(0, 48).status());
        assertEquals(EfiStatus.INVALID_PARAMETER, platform.smm().communicate(0x7F00_0000L, 23).status());
    }
}
