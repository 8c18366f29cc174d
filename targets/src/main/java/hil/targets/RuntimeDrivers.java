package hil.targets;

/**
 * The runtime-driver model: events signalled at ExitBootServices and SetVirtualAddressMap, the memory map,
 * ConvertPointer, and drivers whose pointers must be converted. Offered by targets that can observe it.
 */
public interface RuntimeDrivers {
}
