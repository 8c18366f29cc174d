package hil.cli;

import hil.targets.TargetKinds;
import hil.targets.labconfig.LabConfig;
import hil.targets.labconfig.TargetConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A cross-section of the features on both virtual boards of the project's lab-config ({@code virtual-board-serial}:
 * a pty console; {@code virtual-board-telnet}: a telnet console server) — QEMU + OVMF powered by scripts and reached
 * only the ways a lab board is — through {@code hil run}, the two boards at once, with {@code --fail-on-divergence}.
 * The cross-section (raw calls with reuse, two power-cycle resets, the boot-phase events, one start of Linux over TFTP)
 * exercises every path the board adds to the machinery it shares with qemu-ovmf, which runs every feature
 * ({@link WholeSuiteOnQemuOvmfFeaturesRunTest}). Skipped without QEMU or OVMF, except under CI=true, where the run fails.
 */
class VirtualBoardFeaturesRunTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final List<String> BOARDS = List.of("virtual-board-serial", "virtual-board-telnet");
    private static final List<String> CROSS_SECTION = List.of("variables/set-and-get.feature",
            "variables/delete.feature",
            // Two of reset.feature's ten power cycles: a non-volatile variable kept, and the walk after a power
            // cycle (non-volatile only, once each). The other eight differ from these only in what the firmware
            // keeps, which qemu-ovmf checks on every run; a board adds the power cycle itself, which these cover.
            "lifecycle/reset.feature:22", "lifecycle/reset.feature:61",
            // Last, as its start of Linux leaves a board that only a power cycle makes usable again.
            "lifecycle/phase-events.feature");

    @Test
    void theCrossSectionPassesOnBothBoardsWithoutDivergences() {
        Path labConfig = ROOT.resolve("lab-config");
        LabConfig lab = LabConfig.load(labConfig, TargetKinds.all());
        if (!"true".equals(System.getenv("CI"))) {
            for (String board : BOARDS) {
                TargetConfig config = lab.target(board).orElseThrow();
                var availability = TargetKinds.byName(config.kind()).orElseThrow().availability(config);
                Assumptions.assumeTrue(availability.available(), () -> board + " cannot run here: "
                        + availability.reason());
            }
        }
        List<String> args = new ArrayList<>(List.of("run", "--lab-config", labConfig.toString(), "--report",
                Path.of("target", "hil-report-virtual-boards").toAbsolutePath().toString(), "--fail-on-divergence"));
        BOARDS.forEach(b -> args.addAll(List.of("--target", b)));
        CROSS_SECTION.forEach(f -> args.add(ROOT.resolve("features").resolve(f).toString()));
        Environment env = new Environment(new PrintWriter(System.out, true), new PrintWriter(System.err, true),
                TargetKinds::all, Optional.of(ROOT));
        assertEquals(Hil.OK, Hil.execute(env, args.toArray(String[]::new)),
                "hil run on both virtual boards (report: cli/target/hil-report-virtual-boards)");
    }
}
