package hil.targets.simulator;

import hil.reports.model.Observation;
import hil.simulator.flash.PowerLossException;
import hil.simulator.platform.MemoryType;
import hil.simulator.platform.SimulatedPlatform;
import hil.simulator.platform.SystemMemory;
import hil.simulator.smm.SmmCommunication;
import hil.simulator.smm.SmmVariableHandler;
import hil.simulator.smm.VariablePolicyProxy;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import hil.simulator.uefi.Ucs2;
import hil.targets.NotObservableException;
import hil.targets.Phase;
import hil.targets.RuntimeDrivers;
import hil.targets.SmmMailbox;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Raw communicate buffers and the lock and policy protocols on the simulator. A raw buffer is allocated as pool of
 * the memory type the scenario chose, in the running machine's memory, and its physical address goes to SMM
 * through the machine's transport, as an MM Communicate call of a test application would; so SmmMemLib's checks
 * apply (after SmmReadyToLock, only EfiReservedMemoryType, EfiRuntimeServicesCode/Data and EfiACPIMemoryNVS regions
 * of the EndOfDxe memory map are accepted), and a CommSize beyond the buffer reaches what follows it in memory. The
 * pool is freed after the call. The policy calls go through the DXE VariablePolicy proxy; RequestToLock goes through
 * the DXE variable driver. A power cut during a call restarts the machine and is reported instead of a status.
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
        return direct(Keys.COMMUNICATE, SmmMailbox.inputs(buffer, commSize, type), () -> {
            poolable(type);
            SimulatedPlatform platform = machine.get();
            SystemMemory memory = platform.firmware().memory();
            long address = memory.allocatePool(type, buffer.length, "HIL communicate buffer");
            try {
                memory.writePhysical(address, buffer, 0, buffer.length);
                SmmCommunication.Result r = platform.smm().communicate(address, commSize);
                if (r.status() == null) {
                    throw new NotObservableException(target, r.unmodelled());
                }
                return new Outcome(r.status(), SmmMailbox.outputs(memory.readPhysical(address, buffer.length),
                        r.commSize()));
            } finally {
                memory.free(address);
            }
        });
    }

    /**
     * Checks that a test application could have its buffer as pool of {@code type}: EDK II's CoreInternalAllocatePool
     * refuses EfiConventionalMemory and EfiPersistentMemory with EFI_INVALID_PARAMETER; pool of the I/O, unusable,
     * PAL-code and unaccepted types is not something the model gives out.
     */
    private void poolable(MemoryType type) {
        switch (type) {
            case CONVENTIONAL, PERSISTENT -> throw new IllegalArgumentException("a communicate buffer cannot be in "
                    + type.efiName() + " memory: EDK II's AllocatePool refuses that type with EFI_INVALID_PARAMETER");
            case UNUSABLE, MEMORY_MAPPED_IO, MEMORY_MAPPED_IO_PORT_SPACE, PAL_CODE, UNACCEPTED ->
                    throw new NotObservableException(target, "the simulator does not give out pool of " + type.efiName()
                            + " for a communicate buffer");
            default -> {
            }
        }
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
