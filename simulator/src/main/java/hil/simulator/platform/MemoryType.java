package hil.simulator.platform;

import java.util.Arrays;
import java.util.Optional;

/** EFI_MEMORY_TYPE (reference 6.3). */
public enum MemoryType {
    RESERVED(0, "EfiReservedMemoryType"),
    LOADER_CODE(1, "EfiLoaderCode"),
    LOADER_DATA(2, "EfiLoaderData"),
    BOOT_SERVICES_CODE(3, "EfiBootServicesCode"),
    BOOT_SERVICES_DATA(4, "EfiBootServicesData"),
    RUNTIME_SERVICES_CODE(5, "EfiRuntimeServicesCode"),
    RUNTIME_SERVICES_DATA(6, "EfiRuntimeServicesData"),
    CONVENTIONAL(7, "EfiConventionalMemory"),
    UNUSABLE(8, "EfiUnusableMemory"),
    ACPI_RECLAIM(9, "EfiACPIReclaimMemory"),
    ACPI_MEMORY_NVS(10, "EfiACPIMemoryNVS"),
    MEMORY_MAPPED_IO(11, "EfiMemoryMappedIO"),
    MEMORY_MAPPED_IO_PORT_SPACE(12, "EfiMemoryMappedIOPortSpace"),
    PAL_CODE(13, "EfiPalCode"),
    PERSISTENT(14, "EfiPersistentMemory"),
    UNACCEPTED(15, "EfiUnacceptedMemoryType");

    private final int value;
    private final String efiName;

    MemoryType(int value, String efiName) {
        this.value = value;
        this.efiName = efiName;
    }

    public int value() {
        return value;
    }

    public String efiName() {
        return efiName;
    }

    /** The types EDK II's memory map marks EFI_MEMORY_RUNTIME by itself; the OS must preserve and map them. */
    public boolean runtime() {
        return this == RUNTIME_SERVICES_CODE || this == RUNTIME_SERVICES_DATA || this == PAL_CODE;
    }

    /** The types that become the OS's free memory at ExitBootServices. */
    public boolean bootServices() {
        return this == BOOT_SERVICES_CODE || this == BOOT_SERVICES_DATA;
    }

    public static Optional<MemoryType> fromValue(long value) {
        return Arrays.stream(values()).filter(t -> t.value == value).findFirst();
    }
}
