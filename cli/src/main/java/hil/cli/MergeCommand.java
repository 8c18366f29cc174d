package hil.cli;

import hil.reports.ReportException;
import hil.reports.ReportWriter;
import hil.reports.Summary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code hil merge}: one report from the reports of a sharded run ({@code hil run --shard I/N} on several machines
 * or CI jobs): the same index, summary, comparison, JUnit XML and observations as one unsharded run.
 */
@Command(name = "merge", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Merges the reports of the shards of a run (hil run --shard I/N) into one report.")
final class MergeCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", arity = "1..*", description = "The shards' report directories.")
    List<Path> shards = new ArrayList<>();

    @Option(names = "--report", paramLabel = "DIR",
            description = "Report directory of the merged report, emptied at start (default: "
                    + ReportDirectory.DEFAULT_DIR + ").")
    Path report = Path.of(ReportDirectory.DEFAULT_DIR);

    private final Environment env;

    MergeCommand(Environment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        Path out = report.toAbsolutePath().normalize();
        for (Path shard : shards) {
            if (!Files.isDirectory(shard)) {
                throw new BadInputException(shard + ": no such report directory");
            }
            if (shard.toAbsolutePath().normalize().equals(out)) {
                throw new BadInputException("--report " + report + " is one of the shards' reports; choose another");
            }
        }
        ReportDirectory reportDir = ReportDirectory.check(report);
        reportDir.prepare();
        Summary summary;
        try {
            summary = ReportWriter.merge(reportDir.dir(), shards);
        } catch (ReportException e) {
            throw new BadInputException(e.getMessage());
        }
        PrintWriter o = env.out();
        summary.targets().forEach((name, c) -> o.println("  " + name + ": " + c.passed() + " passed, " + c.failed()
                + " failed, " + c.skipped() + " skipped, " + c.undefined() + " undefined"));
        if (summary.targets().size() > 1) {
            o.println("Divergences: " + summary.divergences()
                    + (summary.expectedDivergences() > 0 ? " (and " + summary.expectedDivergences() + " expected)" : ""));
        }
        o.println("Report: " + reportDir.index() + " (merged from " + shards.size() + " shard reports)");
        o.flush();
        return summary.allPassed() ? Hil.OK : Hil.NOT_PASSED;
    }
}
