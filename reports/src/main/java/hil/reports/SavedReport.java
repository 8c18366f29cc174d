package hil.reports;

import com.fasterxml.jackson.databind.JsonNode;
import hil.reports.compare.Comparison;
import hil.reports.compare.Divergence;
import hil.reports.model.ScenarioResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A report directory written by an earlier run, read back: every target's {@code targets/<name>/results.json}
 * and the divergences of its {@code comparison.json} (compared again from the results when the file is missing,
 * as in reports written before comparisons were, with the target order of {@code summary.json}).
 *
 * @param dir         the report directory
 * @param targets     the targets, in the order the report lists them
 * @param results     every scenario result of every target
 * @param divergences every divergence, expected ones included
 */
public record SavedReport(Path dir, List<String> targets, List<ScenarioResult> results,
                          List<Divergence> divergences) {

    public SavedReport {
        targets = List.copyOf(targets);
        results = List.copyOf(results);
        divergences = List.copyOf(divergences);
    }

    /**
     * Reads the report in {@code dir}.
     *
     * @throws ReportException if the directory is missing, is not a report, or a file in it does not parse; the
     *                         message names the path
     */
    public static SavedReport read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ReportException(dir + ": no such report directory");
        }
        Path targetsDir = dir.resolve("targets");
        List<Path> resultDirs = new ArrayList<>();
        if (Files.isDirectory(targetsDir)) {
            try (Stream<Path> list = Files.list(targetsDir)) {
                list.filter(p -> Files.isRegularFile(p.resolve(ResultsFile.NAME))).sorted().forEach(resultDirs::add);
            } catch (IOException e) {
                throw new ReportException("cannot list " + targetsDir + ": " + e, e);
            }
        }
        if (resultDirs.isEmpty()) {
            throw new ReportException(dir + " is not a report: it has no targets/*/" + ResultsFile.NAME
                    + " (give a directory written by 'hil run --report DIR')");
        }
        List<ScenarioResult> results = new ArrayList<>();
        for (Path resultDir : resultDirs) {
            results.addAll(ResultsFile.read(resultDir));
        }
        Path comparisonFile = dir.resolve(ComparisonJson.NAME);
        if (Files.isRegularFile(comparisonFile)) {
            ComparisonJson.Recorded recorded = ComparisonJson.read(comparisonFile);
            List<String> targets = new ArrayList<>(recorded.targets());
            results.stream().map(ScenarioResult::target).distinct().filter(t -> !targets.contains(t))
                    .forEach(targets::add);
            return new SavedReport(dir, targets, results, recorded.divergences());
        }
        Comparison recomputed = Comparison.of(results, summaryTargets(dir.resolve("summary.json")));
        return new SavedReport(dir, recomputed.targets(), results, recomputed.divergences());
    }

    /** The run order of the targets as summary.json lists them (the comparison's reference first), if it can. */
    private static List<String> summaryTargets(Path summary) {
        if (!Files.isRegularFile(summary)) {
            return List.of();
        }
        try {
            JsonNode targets = Json.MAPPER.readTree(summary.toFile()).path("targets");
            List<String> names = new ArrayList<>();
            targets.fieldNames().forEachRemaining(names::add);
            return names;
        } catch (IOException e) {
            throw new ReportException("cannot read the summary in " + summary.toAbsolutePath() + ": " + e, e);
        }
    }
}
