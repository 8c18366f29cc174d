package hil.targets.simulator;

import hil.reports.model.Observation;
import hil.simulator.flash.PowerLossException;
import hil.simulator.platform.MemoryType;
import hil.simulator.platform.SimulatedPlatform;
import hil.simulator.smm.SmmCommunication;
import hil.simulator.smm.SmmVariableHandler;
import hil.simulator.smm.VariablePolicyProxy;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import hil.simulator.uefi.Ucs2;
import hil.targets.Phase;
import hil.targets.RuntimeDrivers;
import hil.targets.SmmMailbox;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Raw communicate buffers and the lock and policy protocols on the simulator. A raw buffer is its own memory region
 * and goes to the running firmware's SMM handlers through the SMM transport, as an MM Communicate call of a test
 * application would; the policy calls go through the DXE VariablePolicy proxy; RequestToLock goes through the DXE
 * variable driver. A power cut during a call restarts the machine and is reported instead of a status.
 */
final class SimulatorSmmMailbox implements SmmMailbox {

    private final String target;
    private final Supplier<SimulatedPlatform> machine;

    SimulatorSmmMailbox(String target, Supplier<SimulatedPlatform> machine) {
        this.target = target;
        this.machine = machine;
    }

    /** The SMM transport onto the running firmware's handlers (their state lives in the SMM variable driver). */
    private SmmCommunication smm() {
        return new SmmCommunication(new SmmVariableHandler(machine.get().core()));
    }

    private String phase() {
        return switch (machine.get().phase()) {
            case BOOT -> Phase.BOOT.label();
            case RUNTIME -> Phase.RUNTIME.label();
            case VIRTUAL -> Phase.VIRTUAL.label();
        };
    }

    private record Outcome(EfiStatus status, Map<String, String> outputs) {
    }

    private static Map<String, String> powerLost(PowerLossException e) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("powerLost", "true");
        out.put("detail", e.getMessage() + "; the target restarted");
        return out;
    }

    /** Runs a call that reaches SMM directly, not through gRT. */
    private Observation direct(String operation, Map<String, String> inputs, Supplier<Outcome> call) {
        String phase = phase();
        long start = System.nanoTime();
        try {
            Outcome r = call.get();
            return new Observation(operation, inputs, r.status.efiName(), r.outputs, phase, target,
                    System.nanoTime() - start, null);
        } catch (PowerLossException e) {
            machine.get().reset();
            return new Observation(operation, inputs, null, powerLost(e), phase, target, System.nanoTime() - start, null);
        }
    }

    @Override
    public Observation communicate(byte[] buffer, long commSize, MemoryType type) {
        byte[] memory = buffer.clone();
        return direct(Keys.COMMUNICATE, SmmMailbox.inputs(buffer, commSize, type), () -> {
            SmmCommunication.Result r = smm().communicate(memory, 0, commSize);
            return new Outcome(r.status(), SmmMailbox.outputs(memory, r.commSize()));
        });
    }

    @Override
    public Observation requestToLock(String name, EfiGuid vendor) {
        Map<String, String> in = new LinkedHashMap<>();
        in.put(Observation.Keys.NAME, name);
        in.put(Observation.Keys.VENDOR, vendor.toString());
        String phase = phase();
        long start = System.nanoTime();
        SimulatedPlatform.Outcome<EfiStatus> outcome = machine.get().call(Keys.REQUEST_TO_LOCK,
                dxe -> dxe.requestToLock(Ucs2.encode(name), vendor));
        long duration = System.nanoTime() - start;
        if (outcome.powerLost()) {
            return new Observation(Keys.REQUEST_TO_LOCK, in, null, powerLost(outcome.powerLoss()), phase, target,
                    duration, null);
        }
        if (outcome.faulted()) {
            Map<String, String> out = new LinkedHashMap<>();
            out.put(RuntimeDrivers.Keys.RUNTIME_FAULT, outcome.fault().message());
            out.put(RuntimeDrivers.Keys.DRIVER, outcome.fault().driver());
            return new Observation(Keys.REQUEST_TO_LOCK, in, null, out, phase, target, duration, null);
        }
        EfiStatus status = outcome.notInstalled() ? outcome.placeholderStatus() : outcome.result();
        return new Observation(Keys.REQUEST_TO_LOCK, in, status.efiName(), Map.of(), phase, target, duration, null);
    }

    private Observation policyCall(String operation, Map<String, String> inputs,
                                   Function<VariablePolicyProxy, EfiStatus> call) {
        return direct(operation, inputs, () -> new Outcome(call.apply(new VariablePolicyProxy(smm())), Map.of()));
    }

    @Override
    public Observation registerVariablePolicy(byte[] entry) {
        return policyCall(Keys.REGISTER_POLICY, Map.of(Keys.ENTRY, Bytes.hex(entry)), p -> p.register(entry));
    }

    @Override
    public Observation lockVariablePolicy() {
        return policyCall(Keys.LOCK_POLICY, Map.of(), VariablePolicyProxy::lock);
    }

    @Override
    public Observation disableVariablePolicy() {
        return policyCall(Keys.DISABLE_POLICY, Map.of(), VariablePolicyProxy::disable);
    }
}
