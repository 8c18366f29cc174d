package hil.cli;

import hil.targets.Capability;
import hil.targets.Target;
import hil.targets.TargetKind;
import hil.targets.labconfig.SettingSpec;
import hil.targets.labconfig.TargetConfig;

import java.util.List;
import java.util.Set;

/** A target kind for CLI tests: settings, capabilities and availability, but no target behind it. */
record FakeKind(String name, List<SettingSpec> settings, Set<Capability> capabilities, Availability availability)
        implements TargetKind {

    static FakeKind simulatorLike() {
        return new FakeKind("simulator", List.of(SettingSpec.choice("profile", "ovmf-4m",
                List.of("ovmf-4m", "ovmf-2m", "edk2-defaults"), "variable-store geometry")),
                Set.of(Capability.RESET, Capability.RAW_CALLS), Availability.yes());
    }

    static FakeKind unavailable(String name, String reason) {
        return new FakeKind(name, List.of(), Set.of(), Availability.no(reason));
    }

    @Override
    public Availability availability(TargetConfig config) {
        return availability;
    }

    @Override
    public Target create(TargetConfig config) {
        throw new UnsupportedOperationException("CLI tests never start a target");
    }
}
