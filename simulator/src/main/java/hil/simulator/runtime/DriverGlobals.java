package hil.simulator.runtime;

import hil.simulator.platform.DxeCore;
import hil.simulator.platform.LoadedImage;
import hil.simulator.platform.MemoryFault;
import hil.simulator.platform.RuntimeArch;
import hil.simulator.platform.RuntimeFault;
import hil.simulator.uefi.EfiStatus;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A driver's pointer-sized global variables, stored in its image: one 8-byte slot per name. The driver reads them
 * through its (relocated) image and follows them through the CPU, so both the image and each pointer must be
 * right for the current addressing mode.
 */
final class DriverGlobals {

    private final DxeCore dxe;
    private final LoadedImage image;
    private final Map<String, Integer> slots = new LinkedHashMap<>();

    DriverGlobals(DxeCore dxe, LoadedImage image, List<String> names) {
        this.dxe = dxe;
        this.image = image;
        for (String name : names) {
            if (slots.putIfAbsent(name, slots.size()) != null) {
                throw new IllegalArgumentException("driver " + image.name() + " declares pointer " + name + " twice");
            }
        }
    }

    List<String> names() {
        return List.copyOf(slots.keySet());
    }

    boolean has(String name) {
        return slots.containsKey(name);
    }

    /** Where the global lives (physical). */
    long address(String name) {
        Integer slot = slots.get(name);
        if (slot == null) {
            throw new IllegalArgumentException("driver " + image.name() + " keeps no pointer " + name
                    + " (it keeps: " + String.join(", ", slots.keySet()) + ")");
        }
        return image.global(slot);
    }

    /** Sets the global at boot time (physical addressing). */
    void set(String name, long value) {
        dxe.memory().writeU64Physical(address(name), value);
    }

    /** The global's value, read the way the driver's code reads it now. */
    long get(String name) {
        return dxe.memory().readU64(image.addressNow(address(name), dxe.memory().mode()));
    }

    /** The value as stored, for inspection. */
    long peek(String name) {
        return dxe.memory().readU64Physical(address(name));
    }

    /** Follows each of {@code names} ({@link #follow(String)}); the faults in that order. */
    java.util.List<RuntimeFault> followAll(java.util.Collection<String> names) {
        java.util.List<RuntimeFault> faults = new java.util.ArrayList<>();
        for (String p : names) {
            follow(p).ifPresent(faults::add);
        }
        return faults;
    }

    /**
     * Follows the pointer the way runtime code does: reads the global, then 8 bytes where it points. A NULL pointer
     * is not followed (drivers check optional pointers first).
     *
     * @return the fault, reported under the driver's name, if the access was not possible
     */
    Optional<RuntimeFault> follow(String name) {
        long value;
        try {
            value = get(name);
        } catch (MemoryFault f) {
            return Optional.of(report(f.describe("the image holding " + name)));
        }
        if (value == 0) {
            return Optional.empty();
        }
        try {
            dxe.memory().readU64(value);
            return Optional.empty();
        } catch (MemoryFault f) {
            return Optional.of(report(f.describe(name)));
        }
    }

    /**
     * A driver's SetVirtualAddressMap notification: ConvertPointer on each global it converts ({@code conversions}:
     * name → EFI_OPTIONAL_PTR), in order, leaving out the ones in {@code skipped}; what each call returned.
     */
    java.util.List<PointerConversion> convertAll(java.util.Map<String, Boolean> conversions,
                                                 java.util.Set<String> skipped) {
        java.util.List<PointerConversion> done = new java.util.ArrayList<>();
        for (java.util.Map.Entry<String, Boolean> c : conversions.entrySet()) {
            if (!skipped.contains(c.getKey())) {
                done.add(new PointerConversion(c.getKey(), c.getValue(), convert(c.getKey(), c.getValue())));
            }
        }
        return done;
    }

    /** ConvertPointer on the global, as {@code EfiConvertPointer (Disposition, (VOID **)&name)} does. */
    EfiStatus convert(String name, boolean optional) {
        return dxe.runtime().convertPointer(optional ? RuntimeArch.EFI_OPTIONAL_PTR : 0, address(name));
    }

    private RuntimeFault report(String message) {
        RuntimeFault fault = new RuntimeFault(image.name(), message);
        dxe.reportFault(fault);
        return fault;
    }
}
