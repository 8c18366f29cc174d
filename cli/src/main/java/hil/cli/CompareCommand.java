package hil.cli;

import hil.reports.ReportException;
import hil.reports.SavedReport;
import hil.reports.compare.Divergence;
import hil.reports.compare.ReportChanges;
import hil.reports.compare.ScenarioKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * {@code hil compare OLD NEW}: what changed between two reports, regressions first: scenarios that passed and now
 * fail (per target) and new divergences; then fixes, removed and added scenarios, other changes, and what stayed
 * the same.
 */
@Command(name = "compare", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Shows what changed between two report directories of 'hil run', regressions first.",
        footer = {"", "Exit status: 0 no regressions, 1 a scenario that passed now fails or targets diverge where"
                + " they did not, 2 bad usage or a directory that is not a report."})
final class CompareCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "OLD_REPORT", description = "The earlier report directory.")
    Path oldReport;

    @Parameters(index = "1", paramLabel = "NEW_REPORT", description = "The later report directory.")
    Path newReport;

    private final Environment env;

    CompareCommand(Environment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        SavedReport before = read(oldReport);
        SavedReport after = read(newReport);
        ReportChanges changes = ReportChanges.between(before.results(), before.divergences(), after.results(),
                after.divergences());
        PrintWriter out = env.out();
        out.println("Comparing " + oldReport + " (" + before.results().size() + " scenario results on "
                + String.join(", ", before.targets()) + ") with " + newReport + " (" + after.results().size()
                + " on " + String.join(", ", after.targets()) + ")");
        section(out, "Regressions", changes.regressions(), c -> change(out, c));
        section(out, "New divergences", changes.newDivergences(), d -> divergence(out, d));
        section(out, "Fixes", changes.fixes(), c -> change(out, c));
        section(out, "Resolved divergences", changes.resolvedDivergences(), d -> divergence(out, d));
        section(out, "Removed scenarios", changes.removed(), c -> change(out, c));
        section(out, "Added scenarios", changes.added(), c -> change(out, c));
        section(out, "Other changes", changes.otherChanges(), c -> change(out, c));
        int unchanged = changes.unchanged().values().stream().mapToInt(Integer::intValue).sum();
        out.println();
        out.println("Unchanged: " + unchanged + " scenario results" + (unchanged == 0 ? "" : " ("
                + changes.unchanged().entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", ")) + ")") + "; " + changes.unchangedDivergences()
                + (changes.unchangedDivergences() == 1 ? " divergence" : " divergences") + " as before");
        out.flush();
        return changes.hasRegressions() ? Hil.NOT_PASSED : Hil.OK;
    }

    private static SavedReport read(Path dir) {
        try {
            return SavedReport.read(dir);
        } catch (ReportException e) {
            // A path the user gave that is not a readable report is bad input, not a harness failure.
            throw new BadInputException(e.getMessage());
        }
    }

    private static <T> void section(PrintWriter out, String title, List<T> items, Consumer<T> print) {
        if (items.isEmpty() && !title.equals("Regressions") && !title.equals("New divergences")) {
            return;
        }
        out.println();
        out.println(title + ": " + (items.isEmpty() ? "none" : items.size()));
        items.forEach(print);
    }

    private static void change(PrintWriter out, ReportChanges.Change c) {
        out.println("  " + c.target() + "  " + c.scenarioKey() + "  " + c.scenario() + "  "
                + (c.before() == null ? "(new)" : c.before()) + " -> " + (c.after() == null ? "(gone)" : c.after()));
        if (c.message() != null && c.after() != null && !"PASSED".equals(c.after())) {
            out.println("      " + firstLine(c.message()));
        }
    }

    private static void divergence(PrintWriter out, Divergence d) {
        out.println("  " + ScenarioKeys.portable(d.featureUri(), d.line()) + "  " + d.scenario()
                + "  step " + (d.step() + 1) + " (" + d.stepText().strip() + ")");
        out.println("      " + d.describe());
    }

    private static String firstLine(String text) {
        String stripped = text.strip();
        int end = stripped.indexOf('\n');
        return end < 0 ? stripped : stripped.substring(0, end).strip();
    }
}
