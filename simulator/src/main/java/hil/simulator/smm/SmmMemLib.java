package hil.simulator.smm;

import hil.simulator.platform.MemoryDescriptor;
import hil.simulator.platform.MemoryType;
import hil.simulator.platform.SystemMemory;

import java.util.List;
import java.util.Set;

/**
 * SMM's check of buffers outside SMRAM, as edk2-stable202211's MdePkg/Library/SmmMemLib (SmmIsBufferOutsideSmmValid)
 * makes it for the SMM core before it hands a communicate buffer to a handler:
 * <ol>
 *   <li>the buffer and its end must not exceed the largest physical address (2^36 − 1 on OVMF 2022.11 for a guest
 *       below 64 GiB: PlatformInitLib's PhysMemAddressWidth, at least 36, reported in the CPU HOB);</li>
 *   <li>it must not overlap SMRAM;</li>
 *   <li>after SMM ReadyToLock it must lie wholly inside one descriptor of the UEFI memory map taken at SMM EndOfDxe,
 *       keeping only EfiReservedMemoryType, EfiRuntimeServicesCode, EfiRuntimeServicesData and
 *       EfiACPIMemoryNVS entries; it must not overlap untested memory of the GCD map, nor a runtime range marked
 *       EFI_MEMORY_RO in the Memory Attributes Table.</li>
 * </ol>
 * Before ReadyToLock only the first two apply. The model has no untested memory, and SmmMemLib reads the Memory
 * Attributes Table at EndOfDxe while the DXE core installs it only at ReadyToBoot, so on OVMF's boot flow the table
 * is absent and those two checks never refuse a buffer.
 *
 * <p>On OVMF the boot manager signals EndOfDxe and installs the DXE SmmReadyToLock protocol right after it
 * (PlatformBootManagerBeforeConsole), so a Shell application always communicates under the region rule: measured on
 * Debian's OVMF 2022.11, a buffer in EfiRuntimeServicesData or EfiACPIMemoryNVS pool is handled and one in
 * EfiBootServicesData is refused with EFI_ACCESS_DENIED.
 */
public final class SmmMemLib {

    /** mSmmMemLibInternalMaximumSupportAddress on OVMF 2022.11 with less than 64 GiB of RAM. */
    public static final long MAXIMUM_SUPPORT_ADDRESS = (1L << 36) - 1;

    /** The memory-map types SmmLibInternalEndOfDxeNotify keeps. */
    public static final Set<MemoryType> ACCEPTED_TYPES = Set.of(MemoryType.RESERVED, MemoryType.RUNTIME_SERVICES_CODE,
            MemoryType.RUNTIME_SERVICES_DATA, MemoryType.ACPI_MEMORY_NVS);

    private List<MemoryDescriptor> communicationRegions = List.of();
    private boolean readyToLock;

    /** SmmLibInternalEndOfDxeNotify: keeps the accepted entries of the UEFI memory map of this moment. */
    public void endOfDxe(List<MemoryDescriptor> memoryMap) {
        communicationRegions = memoryMap.stream()
                .filter(d -> MemoryType.fromValue(d.type()).map(ACCEPTED_TYPES::contains).orElse(false))
                .toList();
    }

    /** SmmLibInternalReadyToLockNotify: from now on buffers must lie in the regions taken at EndOfDxe. */
    public void readyToLock() {
        readyToLock = true;
    }

    public boolean readyToLockSeen() {
        return readyToLock;
    }

    /** The memory-map entries kept at EndOfDxe (empty if EndOfDxe has not reached SMM). */
    public List<MemoryDescriptor> communicationRegions() {
        return communicationRegions;
    }

    /** SmmIsBufferOutsideSmmValid(Buffer, Length); both are unsigned. */
    public boolean isBufferOutsideSmmValid(long buffer, long length) {
        long max = MAXIMUM_SUPPORT_ADDRESS;
        if (Long.compareUnsigned(length, max) > 0 || Long.compareUnsigned(buffer, max) > 0
                || (length != 0 && Long.compareUnsigned(buffer, max - (length - 1)) > 0)) {
            return false;
        }
        long smram = SystemMemory.SMRAM_BASE;
        long smramEnd = smram + SystemMemory.SMRAM_SIZE;
        if ((Long.compareUnsigned(buffer, smram) >= 0 && Long.compareUnsigned(buffer, smramEnd) < 0)
                || (Long.compareUnsigned(smram, buffer) >= 0 && Long.compareUnsigned(smram, buffer + length) < 0)) {
            return false;
        }
        if (!readyToLock) {
            return true;
        }
        for (MemoryDescriptor d : communicationRegions) {
            long end = d.physicalStart() + d.numberOfPages() * SystemMemory.PAGE_SIZE;
            if (Long.compareUnsigned(buffer, d.physicalStart()) >= 0 && Long.compareUnsigned(buffer + length, end) <= 0) {
                return true;
            }
        }
        return false;
    }
}
