package hil.targets;

import hil.targets.board.BoardKind;
import hil.targets.qemu.QemuOvmfKind;
import hil.targets.simulator.SimulatorKind;

import java.util.List;
import java.util.Optional;

/** The target kinds this build knows, by their lab-config {@code kind:} name. */
public final class TargetKinds {

    private static final List<TargetKind> ALL = List.of(new SimulatorKind(), new QemuOvmfKind(), new BoardKind());

    private TargetKinds() {
    }

    public static List<TargetKind> all() {
        return ALL;
    }

    public static Optional<TargetKind> byName(String name) {
        return ALL.stream().filter(k -> k.name().equals(name)).findFirst();
    }
}
