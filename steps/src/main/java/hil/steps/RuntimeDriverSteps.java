package hil.steps;

import hil.reports.model.Observation;
import hil.simulator.uefi.EfiStatus;
import hil.targets.Capability;
import hil.targets.Phase;
import hil.targets.RuntimeDrivers;
import hil.targets.RuntimeDrivers.Conversion;
import hil.targets.RuntimeDrivers.DriverSpec;
import hil.targets.RuntimeDrivers.Keys;
import hil.targets.RuntimeDrivers.Notify;
import hil.targets.RuntimeDrivers.Placement;
import hil.targets.RuntimeDrivers.Pointer;
import hil.targets.RuntimeDrivers.StartUpStage;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The runtime-driver model: test drivers with pointers that must be converted, events and their order,
 * ExitBootServices with a map key, SetVirtualAddressMap and ConvertPointer, detected faults, and the variable
 * stack's start-up. Targets without the {@link RuntimeDrivers} capability end these steps as not observable.
 */
public final class RuntimeDriverSteps {

    private final ScenarioState state;
    private final RuntimeDriverState drivers;

    public RuntimeDriverSteps(ScenarioState state, RuntimeDriverState drivers) {
        this.state = state;
        this.drivers = drivers;
    }

    private RuntimeDrivers model() {
        return state.target().extension(RuntimeDrivers.class).orElseThrow(() -> state.notObservable(
                "the runtime-driver model (test drivers, events, SetVirtualAddressMap, ConvertPointer) is not offered"));
    }

    /** Makes one runtime-driver call, records it, and remembers it for the "returns" assertions. */
    private Observation call(Function<RuntimeDrivers, Observation> action) {
        RuntimeDrivers model = model();
        Observation o = state.record(() -> action.apply(model));
        drivers.remember(o);
        return o;
    }

    /** {@code "a, b"} → [a, b]; {@code ""} → []. */
    static List<String> names(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private void load(DriverSpec spec) {
        call(m -> m.load(spec));
        drivers.loaded(spec.name());
    }

    private static DriverSpec driver(String name, List<Pointer> pointers, List<String> converted, boolean optional) {
        List<Conversion> conversions = converted.stream().map(p -> new Conversion(p, optional)).toList();
        return new DriverSpec(name, false, pointers, conversions, List.of(), true);
    }

    private static List<Pointer> pointers(String list, Placement placement) {
        return names(list).stream().map(p -> new Pointer(p, placement)).toList();
    }

    // ---- drivers -------------------------------------------------------------------------------------------

    @Given("a runtime driver {name} that keeps pointers {name} in runtime memory and converts {name}")
    public void runtimeDriver(String name, String pointers, String converts) {
        load(driver(name, pointers(pointers, Placement.RUNTIME), names(converts), false));
    }

    @Given("a runtime driver {name} that keeps pointers {name} in runtime memory and {name} in boot-services memory and converts {name}")
    public void runtimeDriverWithBootServicesPointers(String name, String runtime, String bootServices, String converts) {
        List<Pointer> all = new ArrayList<>(pointers(runtime, Placement.RUNTIME));
        all.addAll(pointers(bootServices, Placement.BOOT_SERVICES));
        load(driver(name, all, names(converts), false));
    }

    @Given("a runtime driver {name} that keeps the NULL pointer {name} and converts it with EFI_OPTIONAL_PTR")
    public void nullPointerWithOptional(String name, String pointer) {
        load(driver(name, List.of(new Pointer(pointer, Placement.NULL)), List.of(pointer), true));
    }

    @Given("a runtime driver {name} that keeps the NULL pointer {name} and converts it without EFI_OPTIONAL_PTR")
    public void nullPointerWithoutOptional(String name, String pointer) {
        load(driver(name, List.of(new Pointer(pointer, Placement.NULL)), List.of(pointer), false));
    }

    @Given("a runtime driver {name} that notifies on the event group {name} at {tpl}")
    public void runtimeNotifier(String name, String group, Long tpl) {
        load(new DriverSpec(name, false, List.of(), List.of(), List.of(new Notify(group, tpl)), true));
    }

    @Given("a boot-services driver {name} that notifies on the event group {name} at {tpl}")
    public void bootServicesNotifier(String name, String group, Long tpl) {
        load(new DriverSpec(name, true, List.of(), List.of(), List.of(new Notify(group, tpl)), true));
    }

    @Given("a runtime driver {name} whose Unload leaves its events open")
    public void sloppyUnload(String name) {
        load(new DriverSpec(name, false, List.of(), List.of(), List.of(new Notify("VirtualAddressChange", 16)), false));
    }

    @Given("the driver {name} forgets to convert {name}")
    public void forgets(String name, String pointer) {
        call(m -> m.forgetConversion(name, pointer));
    }

    @When("the driver {name} uses its pointers")
    public void uses(String name) {
        call(m -> m.use(name));
    }

    @When("the driver {name} is unloaded")
    public void unload(String name) {
        Observation o = call(m -> m.unload(name));
        if (!"EFI_SUCCESS".equals(o.status())) {
            throw new AssertionError("unloading driver \"" + name + "\" returned " + o.status() + " on target "
                    + state.targetName());
        }
    }

    @When("the driver {name} converts its pointer {name}")
    public void convertNow(String name, String pointer) {
        call(m -> m.convertPointer(name, pointer, false));
    }

    @When("the driver {name} creates an event of type {size} at {tpl}")
    public void createEvent(String name, Long type, Long tpl) {
        call(m -> m.createEvent(name, eventType(type), tpl, null));
    }

    @When("the driver {name} creates an event of type {size} at {tpl} in the event group {name}")
    public void createEventEx(String name, Long type, Long tpl, String group) {
        call(m -> m.createEvent(name, eventType(type), tpl, group));
    }

    private static int eventType(long type) {
        if (type < 0 || type > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("event type " + type + " does not fit in a UINT32");
        }
        return (int) type;
    }

    // ---- platform ------------------------------------------------------------------------------------------

    @When("the firmware signals the event group {name}")
    public void signal(String group) {
        call(m -> m.signal(group));
    }

    @When("the OS reads the memory map")
    public void readMemoryMap() {
        Observation o = call(RuntimeDrivers::memoryMap);
        if (!"EFI_SUCCESS".equals(o.status())) {
            throw new AssertionError("GetMemoryMap returned " + o.status() + " on target " + state.targetName());
        }
        drivers.mapKey(Long.parseLong(o.outputs().get(Keys.MAP_KEY)));
    }

    @When("the OS calls ExitBootServices with the map key it read")
    public void exitBootServicesWithKey() {
        state.requireCapability(Capability.OS_PHASE, "ExitBootServices");
        long key = drivers.mapKey();
        call(m -> m.exitBootServices(key));
    }

    @When("the OS tries to call SetVirtualAddressMap")
    public void trySetVirtualAddressMap() {
        state.requireCapability(Capability.OS_PHASE, "SetVirtualAddressMap");
        call(m -> m.setVirtualAddressMap(RuntimeDrivers.VirtualMap.standard()));
    }

    @When("the OS tries to call SetVirtualAddressMap with descriptor version {size}")
    public void trySetVirtualAddressMapWithVersion(Long version) {
        state.requireCapability(Capability.OS_PHASE, "SetVirtualAddressMap");
        RuntimeDrivers.VirtualMap standard = RuntimeDrivers.VirtualMap.standard();
        call(m -> m.setVirtualAddressMap(new RuntimeDrivers.VirtualMap(standard.descriptorSize(), version, standard.offset())));
    }

    @When("the OS tries to call SetVirtualAddressMap with descriptor size {size}")
    public void trySetVirtualAddressMapWithSize(Long size) {
        state.requireCapability(Capability.OS_PHASE, "SetVirtualAddressMap");
        RuntimeDrivers.VirtualMap standard = RuntimeDrivers.VirtualMap.standard();
        call(m -> m.setVirtualAddressMap(new RuntimeDrivers.VirtualMap(size, standard.descriptorVersion(), standard.offset())));
    }

    // ---- start-up ------------------------------------------------------------------------------------------

    @Given("the firmware start-up stops before the SMM variable driver is ready")
    public void stopBeforeVariableReady() {
        call(m -> m.restartUntil(StartUpStage.DXE_CORE));
    }

    @Given("the firmware start-up stops before the SMM variable write service is ready")
    public void stopBeforeWriteReady() {
        call(m -> m.restartUntil(StartUpStage.VARIABLE_READY));
    }

    @When("the SMM variable driver becomes ready")
    public void variableReady() {
        call(m -> m.continueStartUp(StartUpStage.VARIABLE_READY));
    }

    @When("the SMM variable write service becomes ready")
    public void writeReady() {
        call(m -> m.continueStartUp(StartUpStage.WRITE_READY));
    }

    // ---- assertions ----------------------------------------------------------------------------------------

    private List<String> faultsNow() {
        Observation o = call(RuntimeDrivers::faults);
        return lines(o.outputs().getOrDefault(Keys.FAULTS, ""));
    }

    private static List<String> lines(String text) {
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    @Then("the driver {name} works")
    public void works(String name) {
        Observation o = call(m -> m.use(name));
        if (!"0".equals(o.outputs().get(Keys.COUNT))) {
            throw new AssertionError("driver \"" + name + "\" does not work in the " + o.phase() + " phase: "
                    + o.outputs().get(Keys.FAULTS));
        }
    }

    @Then("the driver {name} works in virtual mode")
    public void worksInVirtualMode(String name) {
        Phase phase = state.target().platform().phase();
        if (phase != Phase.VIRTUAL) {
            throw new AssertionError("the target is in the " + phase.label() + " phase, not in virtual mode"
                    + " (use: When the OS calls SetVirtualAddressMap)");
        }
        works(name);
    }

    @Then("the fault {name} is reported for driver {name}")
    public void faultReported(String message, String driver) {
        List<String> faults = faultsNow();
        if (!faults.contains(driver + ": " + message)) {
            throw new AssertionError("no fault \"" + message + "\" for driver \"" + driver + "\"; detected: "
                    + (faults.isEmpty() ? "none" : String.join("; ", faults)));
        }
    }

    @Then("no runtime fault is reported")
    public void noFault() {
        List<String> faults = faultsNow();
        if (!faults.isEmpty()) {
            throw new AssertionError("runtime faults were detected: " + String.join("; ", faults));
        }
    }

    @Then("the last call ended with the runtime fault {name}")
    public void lastCallFaulted(String message) {
        Observation o = state.lastCall();
        String fault = o.outputs().get(Keys.RUNTIME_FAULT);
        if (fault == null) {
            throw new AssertionError(o.operation() + " ended with " + o.status() + ", not with a runtime fault");
        }
        if (!fault.equals(message)) {
            throw new AssertionError(o.operation() + " ended with the runtime fault \"" + fault + "\", expected \""
                    + message + "\"");
        }
    }

    @Then("the events of driver {name} are closed")
    public void eventsClosed(String name) {
        Observation o = call(m -> m.events(name));
        if (!"0".equals(o.outputs().get(Keys.OPEN_EVENTS))) {
            throw new AssertionError("driver \"" + name + "\" still has " + o.outputs().get(Keys.OPEN_EVENTS)
                    + " open events: " + o.outputs().get(Keys.EVENTS));
        }
    }

    @Then("the driver {name} got {status} converting {name}")
    public void conversionStatus(String name, EfiStatus expected, String pointer) {
        Observation o = call(m -> m.conversions(name));
        List<String> calls = lines(o.outputs().getOrDefault(Keys.CONVERSIONS, ""));
        String actual = calls.stream().filter(c -> c.equals(pointer + " -> " + expected.efiName())
                || c.equals(pointer + " EFI_OPTIONAL_PTR -> " + expected.efiName())).findFirst().orElse(null);
        if (actual == null) {
            throw new AssertionError("driver \"" + name + "\" did not get " + expected.efiName() + " converting "
                    + pointer + "; its ConvertPointer calls: " + (calls.isEmpty() ? "none" : String.join("; ", calls)));
        }
    }

    private void returns(String what, EfiStatus expected, String... operations) {
        Observation o = drivers.last(what, operations);
        if (!expected.efiName().equals(o.status())) {
            throw new AssertionError(o.operation() + " returned " + o.status() + ", expected " + expected.efiName()
                    + " (inputs " + o.inputs() + ")");
        }
    }

    @Then("SetVirtualAddressMap returns {status}")
    public void setVirtualAddressMapReturns(EfiStatus expected) {
        returns("SetVirtualAddressMap", expected, "SetVirtualAddressMap");
    }

    @Then("ExitBootServices returns {status}")
    public void exitBootServicesReturns(EfiStatus expected) {
        returns("ExitBootServices", expected, "ExitBootServices");
    }

    @Then("ConvertPointer returns {status}")
    public void convertPointerReturns(EfiStatus expected) {
        returns("ConvertPointer", expected, "ConvertPointer");
    }

    @Then("CreateEvent returns {status}")
    public void createEventReturns(EfiStatus expected) {
        returns("CreateEvent", expected, "CreateEvent", "CreateEventEx");
    }

    @Then("the created event has type {size}")
    public void createdEventType(Long type) {
        Observation o = drivers.last("CreateEvent", "CreateEvent", "CreateEventEx");
        String expected = String.format("0x%08X", type);
        if (!expected.equals(o.outputs().get(Keys.TYPE))) {
            throw new AssertionError("the created event has type " + o.outputs().get(Keys.TYPE) + ", expected " + expected);
        }
    }

    /**
     * Compares the notify functions of the scenario's own drivers for one group with the expected order; the
     * firmware's drivers (whatever a target has) are left out. {@code ""} expects that none of them ran.
     */
    @Then("the notify functions for {name} ran in the order {name}")
    public void notificationOrder(String group, String expectedOrder) {
        List<String> expected = names(expectedOrder);
        Observation o = call(RuntimeDrivers::notifications);
        List<String> actual = new ArrayList<>();
        for (String line : lines(o.outputs().getOrDefault(Keys.NOTIFICATIONS, ""))) {
            String[] parts = line.split(" ");
            if (parts.length >= 2 && parts[1].equals(group) && drivers.isLoaded(parts[0])) {
                actual.add(parts[0]);
            }
        }
        if (!actual.equals(expected)) {
            throw new AssertionError("the " + group + " notify functions of the scenario's drivers ran in the order "
                    + actual + ", expected " + expected);
        }
    }

    private List<String> protocols() {
        return lines(call(RuntimeDrivers::protocols).outputs().getOrDefault(Keys.PROTOCOLS, ""));
    }

    @Then("the protocol {name} is installed")
    public void installed(String protocol) {
        List<String> all = protocols();
        if (!all.contains(protocol)) {
            throw new AssertionError(protocol + " is not installed; installed: " + all);
        }
    }

    @Then("the protocol {name} is not installed")
    public void notInstalled(String protocol) {
        List<String> all = protocols();
        if (all.contains(protocol)) {
            throw new AssertionError(protocol + " is installed");
        }
    }

    @Then("the protocols {name} were installed in that order")
    public void installedInOrder(String list) {
        List<String> expected = names(list);
        List<String> actual = protocols().stream().filter(expected::contains).toList();
        if (!actual.equals(expected)) {
            throw new AssertionError("the protocols were installed in the order " + actual + ", expected " + expected);
        }
    }
}
