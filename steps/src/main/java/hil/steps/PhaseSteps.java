package hil.steps;

import hil.reports.model.Observation;
import hil.simulator.uefi.EfiGuid;
import hil.targets.Capability;
import hil.targets.Phase;
import hil.targets.Platform;
import hil.targets.VariableStoreFile;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.When;

import java.nio.file.Files;
import java.util.function.Function;

/** Phases and platform events. */
public final class PhaseSteps {

    private final ScenarioState state;

    public PhaseSteps(ScenarioState state) {
        this.state = state;
    }

    @Given("vendor {name} is {vendor}")
    public void vendorAlias(String alias, VendorRef guid) {
        if (!EfiGuid.isRegistryFormat(guid.token())) {
            throw new IllegalArgumentException("vendor alias \"" + alias + "\" must be a GUID in registry format, not '" + guid.token() + "'");
        }
        state.alias(alias, EfiGuid.parse(guid.token()));
    }

    @Given("the firmware is in the boot phase")
    public void bootPhase() {
        event(Platform::bootFreshWhenNeeded, "boot the target with its factory variable store");
    }

    @Given("the firmware is in the boot phase with the variable store {name}")
    public void bootPhaseWithStore(String name) {
        VariableStoreFile store = TargetSession.store(name);
        if (!Files.isRegularFile(store.file())) {
            throw TargetSession.missingComponent(state.targetName(), "the variable store \"" + name + "\" ("
                    + store.definedAt() + ") names " + store.file() + ", which is not on this machine");
        }
        event(p -> p.bootFreshWithStore(store), "boot the target with the variable store \"" + name + "\"");
    }

    @Given("the OS is running")
    public void osRunning() {
        state.requireCapability(Capability.OS_PHASE, "the OS phase");
        Phase phase = state.target().platform().phase();
        if (phase == Phase.BOOT) {
            event(Platform::exitBootServices, "ExitBootServices");
            phase = Phase.RUNTIME;
        }
        if (phase == Phase.RUNTIME) {
            event(Platform::setVirtualAddressMap, "SetVirtualAddressMap");
        }
    }

    @When("the firmware signals EndOfDxe")
    public void endOfDxe() {
        event(Platform::signalEndOfDxe, "signal EndOfDxe");
    }

    @When("the firmware signals ReadyToBoot")
    public void readyToBoot() {
        event(Platform::signalReadyToBoot, "signal ReadyToBoot");
    }

    @When("the OS calls ExitBootServices")
    public void exitBootServices() {
        state.requireCapability(Capability.OS_PHASE, "ExitBootServices");
        event(Platform::exitBootServices, "ExitBootServices");
    }

    @When("the OS calls SetVirtualAddressMap")
    public void setVirtualAddressMap() {
        state.requireCapability(Capability.OS_PHASE, "SetVirtualAddressMap");
        event(Platform::setVirtualAddressMap, "SetVirtualAddressMap");
    }

    @When("the target is reset")
    public void reset() {
        state.requireCapability(Capability.RESET, "a reset that keeps the variable store");
        event(Platform::reset, "reset");
    }

    @When("power is lost during the next variable write")
    public void powerLoss() {
        state.requireCapability(Capability.FAULT_INJECTION, "power loss during a write");
        event(Platform::losePowerDuringNextWrite, "arm the power cut");
    }

    /** Performs a platform event; an event that fails fails the step, naming the status. */
    private void event(Function<Platform, Observation> action, String what) {
        Observation o = state.record(() -> action.apply(state.target().platform()));
        if (o.status() != null && !o.status().equals("EFI_SUCCESS")) {
            throw new AssertionError(what + " failed on target " + state.targetName() + " with " + o.status());
        }
    }
}
