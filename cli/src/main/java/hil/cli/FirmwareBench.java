package hil.cli;

import hil.reports.model.Observation;
import hil.simulator.uefi.EfiGuid;
import hil.targets.Capability;
import hil.targets.NotObservableException;
import hil.targets.Target;
import hil.targets.TargetKind;
import hil.targets.labconfig.LabConfig;
import hil.targets.labconfig.TargetConfig;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@code hil bench --target NAME}: what a firmware target costs a scenario, measured on this machine in one run —
 * a cold start (a new machine to its agent or Shell prompt), the start of a scenario on a running machine (reuse:
 * the variables written since are put back), one GetVariable round trip, and the Linux guest's start in the same
 * boot — each min/median/max, printed next to each other.
 */
final class FirmwareBench {

    private static final EfiGuid VENDOR = EfiGuid.parse("5E1A0000-0000-4000-8000-00000000BE9C");
    private static final int ROUND_TRIPS = 20;

    private final Environment env;
    private final String name;
    private final Path labConfig;
    private final int runs;

    FirmwareBench(Environment env, String name, Path labConfig, int runs) {
        this.env = env;
        this.name = name;
        this.labConfig = labConfig;
        this.runs = runs;
    }

    int run() {
        if (runs < 1 || runs > 50) {
            throw new BadInputException("--runs must be between 1 and 50, not " + runs);
        }
        LabConfig lab = LabConfigLocation.load(labConfig, env);
        TargetConfig config = lab.target(name).orElseThrow(() -> new BadInputException("unknown target '" + name
                + "' (" + lab.dir() + " has: " + String.join(", ", lab.names()) + ")"));
        TargetKind kind = env.kind(config);
        TargetKind.Availability availability = kind.availability(config);
        if (!availability.available()) {
            throw new BadInputException("target '" + name + "' cannot run here: " + availability.reason());
        }
        PrintWriter out = env.out();
        out.printf(Locale.ROOT, "hil bench: target %s (%s), %d runs of each start-up, %d round trips%n", name,
                config.kind(), runs, ROUND_TRIPS);
        out.flush();
        List<double[]> rows = new ArrayList<>();
        List<String> labels = new ArrayList<>();

        double[] cold = new double[runs];
        for (int i = 0; i < runs; i++) {
            try (Target t = kind.create(config)) {
                cold[i] = seconds(() -> t.platform().bootFresh());
            }
            progress(out, "cold start", i, cold[i]);
        }
        add(labels, rows, "cold start (new machine to its agent or prompt)", cold);

        try (Target t = kind.create(config)) {
            t.platform().bootFresh();
            double[] reuse = new double[runs];
            for (int i = 0; i < runs; i++) {
                t.variables().setVariable("HilBench", VENDOR, 7, new byte[] {1, 2, 3});
                reuse[i] = seconds(() -> t.platform().bootFresh());
                progress(out, "fresh-store start on a running machine", i, reuse[i]);
            }
            add(labels, rows, "fresh-store start on a running machine", reuse);

            if (t.capabilities().contains(Capability.SNAPSHOT)) {
                double[] restore = new double[runs];
                for (int i = 0; i < runs; i++) {
                    // A write the firmware takes under the global GUID cannot be put back: the next start is a new
                    // machine, resumed from the state saved at the first start's ready line.
                    t.variables().setVariable("BootCurrent", EfiGuid.GLOBAL_VARIABLE, 6, new byte[] {0, 0});
                    restore[i] = seconds(() -> t.platform().bootFresh());
                    progress(out, "fresh-store start from the saved state", i, restore[i]);
                }
                add(labels, rows, "fresh-store start from the saved state (new QEMU)", restore);
            }

            double[] trips = new double[ROUND_TRIPS];
            for (int i = 0; i < ROUND_TRIPS; i++) {
                trips[i] = seconds(() -> t.variables().getVariable("HilBench", VENDOR, 64));
            }
            add(labels, rows, "GetVariable round trip", trips);

            if (t.capabilities().contains(Capability.OS_PHASE)) {
                double[] linux = new double[runs];
                for (int i = 0; i < runs; i++) {
                    t.platform().bootFresh();
                    try {
                        linux[i] = seconds(() -> t.platform().exitBootServices());
                    } catch (NotObservableException e) {
                        linux = null;
                        out.println("  Linux guest start: not observable: " + e.getMessage());
                        break;
                    }
                    progress(out, "Linux guest start", i, linux[i]);
                }
                if (linux != null) {
                    add(labels, rows, "Linux guest start (ExitBootServices to guest ready)", linux);
                }
            }
        }
        out.println();
        out.printf(Locale.ROOT, "%-52s %9s %9s %9s%n", "", "min", "median", "max");
        for (int i = 0; i < rows.size(); i++) {
            double[] v = rows.get(i);
            out.printf(Locale.ROOT, "%-52s %8.3fs %8.3fs %8.3fs%n", labels.get(i), v[0], v[1], v[2]);
        }
        out.flush();
        return Hil.OK;
    }

    private static void add(List<String> labels, List<double[]> rows, String label, double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        labels.add(label);
        rows.add(new double[] {sorted[0], sorted[sorted.length / 2], sorted[sorted.length - 1]});
    }

    private static void progress(PrintWriter out, String what, int i, double s) {
        out.printf(Locale.ROOT, "  %s %d: %.3f s%n", what, i + 1, s);
        out.flush();
    }

    /** The wall time of one call, which must end with an observation (a failure ends the benchmark). */
    private static double seconds(Supplier<Observation> call) {
        long start = System.nanoTime();
        call.get();
        return (System.nanoTime() - start) / 1e9;
    }
}
