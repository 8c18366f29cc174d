package hil.targets.simulator;

import hil.reports.model.Observation;
import hil.reports.model.Observation.Keys;
import hil.simulator.Profile;
import hil.simulator.platform.SimulatedPlatform;
import hil.simulator.runtime.VariableRuntimeDxe;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import hil.simulator.uefi.Ucs2;
import hil.targets.Capability;
import hil.targets.HilException;
import hil.targets.Phase;
import hil.targets.VariableStoreFile;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The simulator as a target: every call goes through the full DXE → communicate buffer → SMM path. */
final class SimulatorTarget extends hil.targets.CallingTarget {

    private final Profile profile;
    private SimulatedPlatform machine;

    SimulatorTarget(String name, Profile profile, Set<Capability> capabilities) {
        super(name, capabilities);
        this.profile = profile;
        this.machine = new SimulatedPlatform(profile);
    }

    @Override
    public <T> java.util.Optional<T> extension(Class<T> type) {
        if (type == hil.targets.RuntimeDrivers.class) {
            return java.util.Optional.of(type.cast(new SimulatorRuntimeDrivers(name(), () -> machine)));
        }
        if (type == hil.targets.SmmMailbox.class) {
            return java.util.Optional.of(type.cast(new SimulatorSmmMailbox(name(), () -> machine)));
        }
        return java.util.Optional.empty();
    }

    @Override
    public void close() {
        machine = null;
    }

    @Override
    public Phase phase() {
        return switch (machine.phase()) {
            case BOOT -> Phase.BOOT;
            case RUNTIME -> Phase.RUNTIME;
            case VIRTUAL -> Phase.VIRTUAL;
        };
    }

    // ---- variable services ---------------------------------------------------------------------------------

    /** Runs one call on the machine and times it; a power cut during the call is recorded as such. */
    private <T> Observation observe(String operation, Map<String, String> inputs,
                                    Function<VariableRuntimeDxe, T> call, Function<T, Result> decode) {
        String phase = phase().label();
        long start = System.nanoTime();
        SimulatedPlatform.Outcome<T> outcome = machine.call(operation, call);
        long duration = System.nanoTime() - start;
        if (outcome.powerLost()) {
            // Where exactly the cut hit is narrative (the transcript), not an output compared between targets.
            return new Observation(operation, inputs, null, Map.of("powerLost", "true"), phase, name(), duration,
                    outcome.powerLoss().getMessage() + "; the target restarted");
        }
        if (outcome.faulted()) {
            // A fault the simulator detected (e.g. a pointer never converted): no EFI status, the finding instead.
            Map<String, String> out = new LinkedHashMap<>();
            out.put(hil.targets.RuntimeDrivers.Keys.RUNTIME_FAULT, outcome.fault().message());
            out.put(hil.targets.RuntimeDrivers.Keys.DRIVER, outcome.fault().driver());
            return new Observation(operation, inputs, null, out, phase, name(), duration, null);
        }
        if (outcome.notInstalled()) {
            return new Observation(operation, inputs, outcome.placeholderStatus().efiName(), Map.of(), phase, name(),
                    duration, null);
        }
        Result r = decode.apply(outcome.result());
        Map<String, String> outputs = r.outputs;
        if (!phase.equals(Phase.BOOT.label()) && OS_VISIBLE.contains(operation)) {
            // What an OS would see of this status (the errno name), so it lines up with targets whose OS phase
            // observes only that.
            outputs = new LinkedHashMap<>(r.outputs);
            outputs.put(hil.reports.model.Observation.Keys.STATUS_CLASS, hil.targets.firmware.LinuxErrno.statusClass(operation, r.status));
        }
        return new Observation(operation, inputs, r.status.efiName(), outputs, phase, name(), duration, null);
    }

    /** The calls an OS makes for a program after ExitBootServices (see {@link hil.targets.firmware.LinuxErrno}). */
    private static final java.util.Set<String> OS_VISIBLE = java.util.Set.of("GetVariable", "SetVariable",
            "QueryVariableInfo");

    private record Result(EfiStatus status, Map<String, String> outputs) {
    }

    private static Map<String, String> inputs(Object... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], String.valueOf(kv[i + 1]));
        }
        return m;
    }

    @Override
    public Observation getVariable(String varName, EfiGuid vendor, long dataSize) {
        long size = dataSize == LARGE_BUFFER ? profile.maxOfAllVariableSizes() : dataSize;
        Map<String, String> in = inputs(Keys.NAME, varName, Keys.VENDOR, vendor, Keys.DATA_SIZE, size);
        return observe("GetVariable", in,
                dxe -> dxe.getVariable(Ucs2.encode(varName), vendor, size, 0, size != 0),
                r -> {
                    Map<String, String> out = new LinkedHashMap<>();
                    if (r.status() == EfiStatus.SUCCESS || r.status() == EfiStatus.BUFFER_TOO_SMALL) {
                        out.put(Keys.DATA_SIZE, String.valueOf(r.dataSize()));
                        out.put(Keys.ATTRIBUTES, Attributes.format(r.attributes()));
                    }
                    if (r.data() != null) {
                        out.put(Keys.DATA, Bytes.hex(r.data()));
                    }
                    return new Result(r.status(), out);
                });
    }

    @Override
    public Observation getNextVariableName(String varName, EfiGuid vendor, long nameSize) {
        byte[] current = Ucs2.encode(varName);
        long size = nameSize == LARGE_BUFFER ? 1024 : nameSize;
        byte[] buffer = new byte[(int) Math.max(size, current.length)];
        System.arraycopy(current, 0, buffer, 0, current.length);
        Map<String, String> in = inputs(Keys.NAME, varName, Keys.VENDOR, vendor, Keys.NAME_SIZE, size);
        return observe("GetNextVariableName", in,
                dxe -> dxe.getNextVariableName(size, buffer, vendor),
                r -> {
                    Map<String, String> out = new LinkedHashMap<>();
                    if (r.status() == EfiStatus.SUCCESS || r.status() == EfiStatus.BUFFER_TOO_SMALL) {
                        out.put(Keys.NAME_SIZE, String.valueOf(r.nameSize()));
                    }
                    if (r.status() == EfiStatus.SUCCESS) {
                        out.put(Keys.NAME, Ucs2.decode(r.name(), 0, r.name().length));
                        out.put(Keys.VENDOR, r.vendor().toString());
                    }
                    return new Result(r.status(), out);
                });
    }

    @Override
    public Observation setVariable(String varName, EfiGuid vendor, int attributes, byte[] data) {
        Map<String, String> in = inputs(Keys.NAME, varName, Keys.VENDOR, vendor,
                Keys.ATTRIBUTES, Attributes.format(attributes & 0xFFFFFFFFL), Keys.DATA_SIZE, data.length,
                Keys.DATA, Bytes.hex(data));
        return observe("SetVariable", in,
                dxe -> dxe.setVariable(Ucs2.encode(varName), vendor, attributes, data.length, data),
                status -> new Result(status, Map.of()));
    }

    @Override
    public Observation queryVariableInfo(int attributes) {
        Map<String, String> in = inputs(Keys.ATTRIBUTES, Attributes.format(attributes & 0xFFFFFFFFL));
        return observe("QueryVariableInfo", in,
                dxe -> dxe.queryVariableInfo(attributes, true),
                r -> {
                    Map<String, String> out = new LinkedHashMap<>();
                    if (r.status() == EfiStatus.SUCCESS) {
                        out.put(Keys.MAX_STORAGE, String.valueOf(r.maximumVariableStorageSize()));
                        out.put(Keys.REMAINING_STORAGE, String.valueOf(r.remainingVariableStorageSize()));
                        out.put(Keys.MAX_VARIABLE_SIZE, String.valueOf(r.maximumVariableSize()));
                    }
                    return new Result(r.status(), out);
                });
    }

    // ---- platform ------------------------------------------------------------------------------------------

    /**
     * Performs a platform event. Events that start the machine over (a fresh boot, a reset) are recorded in the phase
     * they lead to; the others in the phase they were made in.
     */
    private Observation event(String operation, java.util.function.Supplier<EfiStatus> action) {
        boolean restarts = operation.equals("BootFresh") || operation.equals("ResetSystem");
        String phaseBefore = phase().label();
        long start = System.nanoTime();
        EfiStatus status = action.get();
        String phase = restarts ? phase().label() : phaseBefore;
        return new Observation(operation, Map.of(), status == null ? null : status.efiName(), Map.of(), phase, name(),
                System.nanoTime() - start, null);
    }

    @Override
    public Observation bootFresh() {
        return event("BootFresh", () -> {
            machine.factoryReset();
            return null;
        });
    }

    /**
     * The simulated flash is replaced by the store's image (which must have the profile's geometry), then the machine
     * powers on: AuthVariableLib's start and the platform's drivers run on it as on the factory store.
     */
    @Override
    public Observation bootFreshWithStore(VariableStoreFile store) {
        hil.simulator.store.VarsFile image = store.parse();
        try {
            image.requireProfile(profile);
        } catch (hil.simulator.store.VarsFileException e) {
            throw new HilException("variable store " + store + " does not fit the simulator's profile "
                    + profile.name() + ": " + e.getMessage(), e);
        }
        long start = System.nanoTime();
        machine.startFrom(image.bytes());
        return new Observation("BootFresh", Map.of(), null,
                Map.of("boot", "fresh, on the variable store \"" + store.name() + "\" (" + store.file() + ")"),
                phase().label(), name(), System.nanoTime() - start, null);
    }

    @Override
    public Observation signalEndOfDxe() {
        return event("EndOfDxe", machine::signalEndOfDxe);
    }

    @Override
    public Observation signalReadyToBoot() {
        return event("ReadyToBoot", machine::signalReadyToBoot);
    }

    @Override
    public Observation exitBootServices() {
        return event("ExitBootServices", machine::exitBootServices);
    }

    @Override
    public Observation setVirtualAddressMap() {
        return event("SetVirtualAddressMap", machine::setVirtualAddressMap);
    }

    @Override
    public Observation reset() {
        return event("ResetSystem", () -> {
            machine.reset();
            return null;
        });
    }

    @Override
    public Observation losePowerDuringNextWrite() {
        return event("ArmPowerLoss", () -> {
            machine.losePowerDuringNextWrite();
            return null;
        });
    }
}
