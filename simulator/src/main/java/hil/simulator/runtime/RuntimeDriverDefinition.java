package hil.simulator.runtime;

import hil.simulator.platform.EventGroups;
import hil.simulator.platform.Tpl;
import hil.simulator.uefi.EfiGuid;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What a {@link ConfigurableRuntimeDriver} is: its name, whether its image is runtime or boot-services code, the
 * pointers it keeps and where each points, which of them its VirtualAddressChange notify converts (and with which
 * disposition), the event groups it listens to, and whether its Unload closes its events.
 *
 * @param pointers           pointer name → where it points, in declaration order
 * @param conversions        pointer name → whether EFI_OPTIONAL_PTR is passed, in call order
 * @param notifies           the event groups it creates a notify event in, with their TPLs
 * @param unloadClosesEvents whether Unload closes every event the driver created (a correct driver does)
 */
public record RuntimeDriverDefinition(String name, boolean bootServicesImage, Map<String, Placement> pointers,
                                      Map<String, Boolean> conversions, List<GroupNotify> notifies,
                                      boolean unloadClosesEvents) {

    /** Where a pointer points. */
    public enum Placement {
        /** A runtime-pool allocation (EfiRuntimeServicesData). */
        RUNTIME,
        /** A boot-services-pool allocation (EfiBootServicesData), which the OS owns after ExitBootServices. */
        BOOT_SERVICES,
        /** NULL. */
        NULL
    }

    /** A notify event in an event group. */
    public record GroupNotify(EfiGuid group, long tpl) {
    }

    public RuntimeDriverDefinition {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a driver needs a name");
        }
        pointers = Collections.unmodifiableMap(new LinkedHashMap<>(pointers));
        conversions = Collections.unmodifiableMap(new LinkedHashMap<>(conversions));
        notifies = List.copyOf(notifies);
        for (String p : conversions.keySet()) {
            if (!pointers.containsKey(p)) {
                throw new IllegalArgumentException("driver " + name + " converts " + p + " but keeps no such pointer"
                        + " (it keeps: " + String.join(", ", pointers.keySet()) + ")");
            }
        }
    }

    /** A runtime driver that keeps no pointers yet. */
    public static RuntimeDriverDefinition runtimeDriver(String name) {
        return new RuntimeDriverDefinition(name, false, Map.of(), Map.of(), List.of(), true);
    }

    /** A boot-services driver (its image is EfiBootServicesCode). */
    public static RuntimeDriverDefinition bootServicesDriver(String name) {
        return new RuntimeDriverDefinition(name, true, Map.of(), Map.of(), List.of(), true);
    }

    public RuntimeDriverDefinition keeps(String pointer, Placement placement) {
        Map<String, Placement> p = new LinkedHashMap<>(pointers);
        if (p.put(pointer, placement) != null) {
            throw new IllegalArgumentException("driver " + name + " already keeps a pointer " + pointer);
        }
        return new RuntimeDriverDefinition(name, bootServicesImage, p, conversions, notifies, unloadClosesEvents);
    }

    public RuntimeDriverDefinition converts(String pointer, boolean optional) {
        Map<String, Boolean> c = new LinkedHashMap<>(conversions);
        c.put(pointer, optional);
        return new RuntimeDriverDefinition(name, bootServicesImage, pointers, c, notifies, unloadClosesEvents);
    }

    public RuntimeDriverDefinition notifiesOn(EfiGuid group, long tpl) {
        List<GroupNotify> n = new ArrayList<>(notifies);
        n.add(new GroupNotify(group, tpl));
        return new RuntimeDriverDefinition(name, bootServicesImage, pointers, conversions, n, unloadClosesEvents);
    }

    /** A driver whose Unload forgets to close its events. */
    public RuntimeDriverDefinition leavingEventsOpenOnUnload() {
        return new RuntimeDriverDefinition(name, bootServicesImage, pointers, conversions, notifies, false);
    }

    /**
     * The TPL of the VirtualAddressChange notify: the one asked for, else TPL_NOTIFY as the UEFI runtime library
     * uses; empty when the driver has no such notify (it converts nothing and did not ask for one).
     */
    OptionalLong virtualAddressChangeTpl() {
        for (GroupNotify n : notifies) {
            if (n.group().equals(EventGroups.VIRTUAL_ADDRESS_CHANGE)) {
                return OptionalLong.of(n.tpl());
            }
        }
        return conversions.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Tpl.NOTIFY);
    }
}
