package hil.cli;

import hil.targets.TargetKinds;
import hil.targets.labconfig.LabConfig;
import hil.targets.labconfig.TargetConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every project feature on the simulator and on real QEMU + OVMF ({@code qemu-ovmf} of the project's lab-config),
 * run as a user runs them: {@code hil run} with its saved machine state and parallel machines, and
 * {@code --fail-on-divergence}, so a scenario that fails on either target or an unexplained difference between
 * them fails the build. The report is left in {@code cli/target/hil-report-qemu-ovmf/}. Without QEMU, OVMF or
 * gnu-efi the test is skipped, except under CI=true, where the run fails on the missing target.
 */
class WholeSuiteOnQemuOvmfFeaturesRunTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void everyFeaturePassesOnBothTargetsWithoutDivergences() {
        Path labConfig = ROOT.resolve("lab-config");
        LabConfig lab = LabConfig.load(labConfig, TargetKinds.all());
        TargetConfig qemu = lab.target("qemu-ovmf").orElseThrow();
        var availability = TargetKinds.byName(qemu.kind()).orElseThrow().availability(qemu);
        if (!"true".equals(System.getenv("CI"))) {
            Assumptions.assumeTrue(availability.available(), () -> "qemu-ovmf cannot run here: "
                    + availability.reason());
        }
        Environment env = new Environment(new PrintWriter(System.out, true), new PrintWriter(System.err, true),
                TargetKinds::all, Optional.of(ROOT));
        int status = Hil.execute(env, "run", "--lab-config", labConfig.toString(),
                "--report", Path.of("target", "hil-report-qemu-ovmf").toAbsolutePath().toString(),
                // Three machines, not the default four: the build runs the boards' run beside this one on two
                // cores, and each machine of a run boots cold and saves its state once before it restores.
                "--target", "simulator", "--target", "qemu-ovmf", "--fail-on-divergence", "--jobs", "3",
                ROOT.resolve("features").toString());
        assertEquals(Hil.OK, status, "hil run on simulator and qemu-ovmf (report: cli/target/hil-report-qemu-ovmf)");
    }
}
