package hil.targets.simulator;

import hil.simulator.platform.SimulatedPlatform;
import hil.targets.SmmMailbox;

import java.util.function.Supplier;

/** Raw communicate buffers to the simulator's SMM variable handler. */
final class SimulatorSmmMailbox implements SmmMailbox {

    private final Supplier<SimulatedPlatform> machine;

    SimulatorSmmMailbox(Supplier<SimulatedPlatform> machine) {
        this.machine = machine;
    }
}
