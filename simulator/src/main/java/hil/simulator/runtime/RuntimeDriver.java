package hil.simulator.runtime;

import hil.simulator.platform.LoadedImage;
import hil.simulator.platform.RuntimeFault;
import hil.simulator.uefi.EfiStatus;

import java.util.List;

/**
 * A simulated driver that keeps pointers in its global variables, in simulated memory, and must convert them in
 * its VirtualAddressChange notify function. After the switch to virtual mode its runtime code follows them; a
 * pointer that was never converted, or one into memory that is gone, is detected and reported by name.
 */
public interface RuntimeDriver {

    /** The driver's name, also its image's name. */
    String name();

    LoadedImage image();

    /** The pointers the driver keeps, by global-variable name, in declaration order. */
    List<String> pointers();

    /**
     * Runs the driver's runtime code: it follows every non-NULL pointer it keeps. Each fault is reported to the DXE
     * core's fault log and returned; an empty list means the driver works in the current addressing mode.
     */
    List<RuntimeFault> use();

    /** Fault injection: from now on the driver's VirtualAddressChange notify skips this pointer. */
    void forgetConversion(String pointer);

    /** The ConvertPointer calls its VirtualAddressChange notify made, in order (empty before SetVirtualAddressMap). */
    List<PointerConversion> conversions();

    /** A ConvertPointer call for one of its pointers, made now (outside SetVirtualAddressMap it finds no map). */
    EfiStatus convertPointer(String pointer, boolean optional);
}
