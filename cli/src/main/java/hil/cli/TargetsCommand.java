package hil.cli;

import hil.targets.Capability;
import hil.targets.TargetKind;
import hil.targets.labconfig.LabConfig;
import hil.targets.labconfig.TargetConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code hil targets}: the lab's targets, what each can do, and whether it can run on this machine. */
@Command(name = "targets", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Lists the targets of lab-config with their capabilities and availability.")
final class TargetsCommand implements Callable<Integer> {

    private static final List<String> HEADINGS = List.of("NAME", "KIND", "CAPABILITIES", "AVAILABILITY");

    @Option(names = "--lab-config", paramLabel = "DIR",
            description = "Directory of target definitions (default: lab-config/ here, else the installation's).")
    Path labConfig;

    private final Environment env;

    TargetsCommand(Environment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        LabConfig lab = LabConfigLocation.load(labConfig, env);
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADINGS);
        for (TargetConfig target : lab.targets()) {
            TargetKind kind = env.kind(target);
            TargetKind.Availability availability = kind.availability(target);
            rows.add(List.of(target.name(), target.kind(), capabilities(kind.capabilities(target)),
                    availability.available() ? availability.reason() : "unavailable: " + availability.reason()));
        }
        print(rows, env.out());
        return Hil.OK;
    }

    private static String capabilities(java.util.Set<Capability> capabilities) {
        String tags = capabilities.stream()
                .sorted()
                .map(Capability::tag)
                .collect(Collectors.joining(","));
        return tags.isEmpty() ? "-" : tags;
    }

    /** Prints rows as left-aligned columns; the last column is not padded. */
    private static void print(List<List<String>> rows, PrintWriter out) {
        int columns = HEADINGS.size();
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns - 1; i++) {
                line.append(String.format(Locale.ROOT, "%-" + widths[i] + "s  ", row.get(i)));
            }
            line.append(row.get(columns - 1));
            out.println(line);
        }
        out.flush();
    }
}
