package hil.targets.simulator;

import hil.reports.model.Observation;
import hil.simulator.platform.EfiEvent;
import hil.simulator.platform.EventGroups;
import hil.simulator.platform.EventServices;
import hil.simulator.platform.EventTypes;
import hil.simulator.platform.MemoryDescriptor;
import hil.simulator.platform.ProtocolDatabase;
import hil.simulator.platform.RuntimeFault;
import hil.simulator.platform.SimulatedPlatform;
import hil.simulator.platform.Tpl;
import hil.simulator.runtime.ConfigurableRuntimeDriver;
import hil.simulator.runtime.PointerConversion;
import hil.simulator.runtime.RuntimeDriver;
import hil.simulator.runtime.RuntimeDriverDefinition;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import hil.targets.RuntimeDrivers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** The simulator's runtime-driver model as a target capability. */
final class SimulatorRuntimeDrivers implements RuntimeDrivers {

    private final String target;
    private final Supplier<SimulatedPlatform> machine;

    SimulatorRuntimeDrivers(String target, Supplier<SimulatedPlatform> machine) {
        this.target = target;
        this.machine = machine;
    }

    private SimulatedPlatform machine() {
        return machine.get();
    }

    private String phase() {
        return switch (machine().phase()) {
            case BOOT -> "boot";
            case RUNTIME -> "runtime";
            case VIRTUAL -> "virtual";
        };
    }

    /** Runs one action on the machine and records it; {@code status} null for looks that are no EFI call. */
    private Observation observe(String operation, Map<String, String> inputs, Supplier<Result> action) {
        String phase = phase();
        long start = System.nanoTime();
        Result r = action.get();
        return new Observation(operation, inputs, r.status == null ? null : r.status.efiName(), r.outputs, phase,
                target, System.nanoTime() - start, null);
    }

    private record Result(EfiStatus status, Map<String, String> outputs) {
        static Result of(EfiStatus status) {
            return new Result(status, Map.of());
        }
    }

    private static Map<String, String> map(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private RuntimeDriver driver(String name) {
        return machine().driver(name).orElseThrow(() -> new IllegalArgumentException("no driver named \"" + name
                + "\" in this boot (loaded: " + machine().drivers().stream().map(RuntimeDriver::name)
                .collect(Collectors.joining(", ")) + "); define it with a runtime-driver step first"));
    }

    private ConfigurableRuntimeDriver testDriver(String name) {
        if (driver(name) instanceof ConfigurableRuntimeDriver d) {
            return d;
        }
        throw new IllegalArgumentException("\"" + name + "\" is a firmware driver, not a test driver of the scenario");
    }

    private static EfiGuid group(String name) {
        return EventGroups.byName(name).orElseThrow(() -> new IllegalArgumentException("unknown event group \""
                + name + "\" (known: " + EventGroups.names() + ")"));
    }

    private static String lines(List<?> items) {
        return items.stream().map(String::valueOf).collect(Collectors.joining("\n"));
    }

    // ---- drivers -------------------------------------------------------------------------------------------

    @Override
    public Observation load(DriverSpec spec) {
        RuntimeDriverDefinition d = spec.bootServicesImage()
                ? RuntimeDriverDefinition.bootServicesDriver(spec.name())
                : RuntimeDriverDefinition.runtimeDriver(spec.name());
        for (Pointer p : spec.pointers()) {
            d = d.keeps(p.name(), RuntimeDriverDefinition.Placement.valueOf(p.placement().name()));
        }
        for (Conversion c : spec.conversions()) {
            d = d.converts(c.pointer(), c.optional());
        }
        for (Notify n : spec.notifies()) {
            d = d.notifiesOn(group(n.group()), n.tpl());
        }
        if (!spec.unloadClosesEvents()) {
            d = d.leavingEventsOpenOnUnload();
        }
        RuntimeDriverDefinition definition = d;
        Map<String, String> in = map(Keys.DRIVER, spec.name(),
                "image", spec.bootServicesImage() ? "EfiBootServicesCode" : "EfiRuntimeServicesCode",
                "pointers", lines(spec.pointers().stream().map(p -> p.name() + " " + p.placement()).toList()),
                Keys.CONVERSIONS, lines(spec.conversions().stream()
                        .map(c -> c.pointer() + (c.optional() ? " EFI_OPTIONAL_PTR" : "")).toList()),
                "notifies", lines(spec.notifies().stream().map(n -> n.group() + " at " + Tpl.describe(n.tpl())).toList()));
        return observe("LoadDriver", in, () -> {
            ConfigurableRuntimeDriver driver = machine().loadDriver(definition);
            return new Result(null, map(Keys.EVENTS, lines(driver.eventsCreatedAtLoad().stream()
                    .map(c -> c.status().efiName() + (c.event() != null ? " " + c.event().describe() : "")).toList())));
        });
    }

    @Override
    public Observation use(String name) {
        return observe("UseDriver", map(Keys.DRIVER, name), () -> {
            List<RuntimeFault> faults = driver(name).use();
            return new Result(null, map(Keys.COUNT, String.valueOf(faults.size()), Keys.FAULTS, lines(faults)));
        });
    }

    @Override
    public Observation unload(String name) {
        return observe("UnloadImage", map(Keys.DRIVER, name), () -> Result.of(machine().unloadDriver(name)));
    }

    @Override
    public Observation events(String name) {
        return observe("DriverEvents", map(Keys.DRIVER, name), () -> {
            List<EfiEvent> all = driver(name).image().events();
            long open = all.stream().filter(e -> !e.closed()).count();
            return new Result(null, map(Keys.OPEN_EVENTS, String.valueOf(open), Keys.EVENTS, lines(all.stream()
                    .map(e -> e.describe() + (e.closed() ? " (closed)" : " (open)")).toList())));
        });
    }

    @Override
    public Observation conversions(String name) {
        return observe("DriverConversions", map(Keys.DRIVER, name), () -> {
            List<PointerConversion> calls = driver(name).conversions();
            return new Result(null, map(Keys.COUNT, String.valueOf(calls.size()), Keys.CONVERSIONS, lines(calls.stream()
                    .map(c -> c.pointer() + (c.optional() ? " EFI_OPTIONAL_PTR" : "") + " -> " + c.status().efiName())
                    .toList())));
        });
    }

    @Override
    public Observation forgetConversion(String name, String pointer) {
        return observe("ForgetConversion", map(Keys.DRIVER, name, Keys.POINTER, pointer), () -> {
            driver(name).forgetConversion(pointer);
            return new Result(null, Map.of());
        });
    }

    @Override
    public Observation createEvent(String name, int type, long tpl, String groupName) {
        Map<String, String> in = map(Keys.DRIVER, name, Keys.TYPE, EventTypes.hex(type), Keys.TPL, Tpl.describe(tpl));
        if (groupName != null) {
            in.put(Keys.GROUP, groupName);
        }
        EfiGuid g = groupName == null ? null : group(groupName);
        return observe(groupName == null ? "CreateEvent" : "CreateEventEx", in, () -> {
            EventServices.Created c = testDriver(name).createEvent(type, tpl, g);
            if (c.event() == null) {
                return Result.of(c.status());
            }
            Map<String, String> out = map(Keys.TYPE, EventTypes.hex(c.event().type()));
            if (c.event().group() != null) {
                out.put(Keys.GROUP, EventGroups.name(c.event().group()));
            }
            return new Result(c.status(), out);
        });
    }

    // ---- platform ------------------------------------------------------------------------------------------

    @Override
    public Observation signal(String groupName) {
        EfiGuid g = group(groupName);
        if (g.equals(EventGroups.EXIT_BOOT_SERVICES) || g.equals(EventGroups.VIRTUAL_ADDRESS_CHANGE)) {
            throw new IllegalArgumentException("the " + groupName + " group is signalled by "
                    + (g.equals(EventGroups.EXIT_BOOT_SERVICES) ? "ExitBootServices" : "SetVirtualAddressMap")
                    + "; call that instead");
        }
        return observe("SignalEventGroup", map(Keys.GROUP, groupName), () -> {
            if (g.equals(EventGroups.READY_TO_BOOT)) {
                return Result.of(machine().signalReadyToBoot());
            }
            if (g.equals(EventGroups.END_OF_DXE)) {
                return Result.of(machine().signalEndOfDxe());
            }
            machine().firmware().events().signalGroup(g);
            return Result.of(EfiStatus.SUCCESS);
        });
    }

    @Override
    public Observation memoryMap() {
        return observe("GetMemoryMap", Map.of(), () -> {
            if (!machine().firmware().bootServicesAvailable()) {
                throw new IllegalStateException("GetMemoryMap is a boot service: there is none after ExitBootServices");
            }
            List<MemoryDescriptor> map = machine().firmware().memory().memoryMap();
            return new Result(EfiStatus.SUCCESS, map(Keys.MAP_KEY, String.valueOf(machine().firmware().memory().mapKey()),
                    Keys.DESCRIPTOR_SIZE, String.valueOf(MemoryDescriptor.EDK2_DESCRIPTOR_SIZE),
                    Keys.DESCRIPTOR_VERSION, String.valueOf(MemoryDescriptor.VERSION),
                    Keys.COUNT, String.valueOf(map.size()), Keys.DESCRIPTORS, lines(map)));
        });
    }

    @Override
    public Observation exitBootServices(long mapKey) {
        return observe("ExitBootServices", map(Keys.MAP_KEY, String.valueOf(mapKey)),
                () -> Result.of(machine().exitBootServices(mapKey)));
    }

    @Override
    public Observation setVirtualAddressMap(VirtualMap request) {
        Map<String, String> in = map(Keys.DESCRIPTOR_SIZE, String.valueOf(request.descriptorSize()),
                Keys.DESCRIPTOR_VERSION, String.valueOf(request.descriptorVersion()),
                Keys.VIRTUAL_OFFSET, String.format("0x%X", request.offset()));
        return observe("SetVirtualAddressMap", in, () -> {
            List<MemoryDescriptor> map = machine().firmware().memory().virtualMap(request.offset());
            // The entries are laid out with the stated stride; a stride too small for a descriptor still needs
            // bytes to point at, so those are laid out at 40 and the call is left to refuse the size.
            int stride = (int) Math.max(MemoryDescriptor.SIZE, Math.min(request.descriptorSize(), 4096));
            byte[] bytes = MemoryDescriptor.encode(map, stride);
            long mapSize = (long) map.size() * request.descriptorSize();
            return Result.of(machine().setVirtualAddressMap(mapSize, request.descriptorSize(),
                    request.descriptorVersion(), bytes));
        });
    }

    @Override
    public Observation convertPointer(String name, String pointer, boolean optional) {
        Map<String, String> in = map(Keys.DRIVER, name, Keys.POINTER, pointer, Keys.OPTIONAL, String.valueOf(optional));
        return observe("ConvertPointer", in, () -> Result.of(driver(name).convertPointer(pointer, optional)));
    }

    @Override
    public Observation faults() {
        return observe("RuntimeFaults", Map.of(), () -> {
            List<RuntimeFault> faults = machine().firmware().faults();
            return new Result(null, map(Keys.COUNT, String.valueOf(faults.size()), Keys.FAULTS, lines(faults)));
        });
    }

    @Override
    public Observation notifications() {
        return observe("Notifications", Map.of(), () -> {
            List<EventServices.Notification> all = machine().firmware().events().notifications();
            return new Result(null, map(Keys.COUNT, String.valueOf(all.size()), Keys.NOTIFICATIONS, lines(all)));
        });
    }

    // ---- start-up ------------------------------------------------------------------------------------------

    @Override
    public Observation restartUntil(StartUpStage stage) {
        return observe("RestartUntil", map(Keys.STAGE, stage.name()), () -> {
            machine().restartUntil(hil.simulator.platform.StartUpStage.valueOf(stage.name()));
            return new Result(null, Map.of());
        });
    }

    @Override
    public Observation continueStartUp(StartUpStage stage) {
        return observe("ContinueStartUp", map(Keys.STAGE, stage.name()), () -> {
            machine().continueStartUp(hil.simulator.platform.StartUpStage.valueOf(stage.name()));
            return new Result(null, Map.of());
        });
    }

    @Override
    public Observation protocols() {
        return observe("Protocols", Map.of(), () -> new Result(null, map(Keys.STAGE, machine().startUpStage().name(),
                Keys.PROTOCOLS, lines(machine().firmware().protocols().installedInOrder().stream()
                        .map(ProtocolDatabase::name).toList()))));
    }
}
