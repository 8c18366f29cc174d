package hil.simulator.runtime;

import hil.simulator.uefi.EfiStatus;

/**
 * One ConvertPointer call a driver made.
 *
 * @param pointer  the global variable holding the pointer
 * @param optional whether EFI_OPTIONAL_PTR was passed
 * @param status   what ConvertPointer returned
 */
public record PointerConversion(String pointer, boolean optional, EfiStatus status) {
}
