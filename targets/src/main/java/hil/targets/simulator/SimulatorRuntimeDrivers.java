package hil.targets.simulator;

import hil.simulator.platform.SimulatedPlatform;
import hil.targets.RuntimeDrivers;

import java.util.function.Supplier;

/** The simulator's runtime-driver model as a target capability. */
final class SimulatorRuntimeDrivers implements RuntimeDrivers {

    private final Supplier<SimulatedPlatform> machine;

    SimulatorRuntimeDrivers(Supplier<SimulatedPlatform> machine) {
        this.machine = machine;
    }
}
