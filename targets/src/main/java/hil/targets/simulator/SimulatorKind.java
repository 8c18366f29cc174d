package hil.targets.simulator;

import hil.simulator.Profile;
import hil.targets.Capability;
import hil.targets.Target;
import hil.targets.TargetKind;
import hil.targets.labconfig.SettingSpec;
import hil.targets.labconfig.TargetConfig;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The built-in simulator of the EDK II runtime/SMM variable path: needs nothing but this JVM. */
public final class SimulatorKind implements TargetKind {

    public static final String NAME = "simulator";
    public static final String PROFILE = "profile";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<SettingSpec> settings() {
        return List.of(SettingSpec.choice(PROFILE, Profile.OVMF_4M.name(), Profile.names(),
                "variable-store geometry and PCD limits"));
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.RAW_CALLS, Capability.OS_PHASE, Capability.FAULT_INJECTION, Capability.RESET,
                Capability.BEFORE_END_OF_DXE);
    }

    @Override
    public Availability availability(TargetConfig config) {
        return Availability.yes();
    }

    /** Instances are independent models, so a run can use several; one thread is fast enough by default. */
    @Override
    public boolean parallelMachines() {
        return true;
    }

    @Override
    public boolean jobsByDefault() {
        return false;
    }

    @Override
    public Target create(TargetConfig config) {
        String profileName = config.settings().getOrDefault(PROFILE, Profile.OVMF_4M.name()).toString();
        Profile profile = Profile.byName(profileName).orElseThrow(() -> new IllegalArgumentException(
                "unknown simulator profile '" + profileName + "' (known: " + Profile.names() + ")"));
        return new SimulatorTarget(config.name(), profile, capabilities());
    }
}
