package hil.reports;

import com.fasterxml.jackson.databind.node.ObjectNode;
import hil.reports.compare.Comparison;
import hil.reports.compare.ScenarioKeys;
import hil.reports.model.ScenarioResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Writes the report of a run over one or more targets into a directory:
 * <ul>
 *   <li>{@code summary.json}: counts per target, number of scenarios, divergences (unexpected and expected),
 *       generation time;</li>
 *   <li>{@code comparison.json}: the cross-target comparison, every divergence with each target's value;</li>
 *   <li>{@code junit/<target>.xml}: JUnit XML for CI;</li>
 *   <li>{@code observations.json}: every observation, by target, scenario and step;</li>
 *   <li>{@code index.html}: a self-contained page with totals, a scenario × target matrix (passed, failed,
 *       skipped with reason, diverged) and each scenario's steps side by side per target;</li>
 *   <li>{@code artifacts/<target>/}: copies of attached evidence that was not already in the directory.</li>
 * </ul>
 * The first target in the results is the reference of the comparison. Files already in the directory (Cucumber's
 * own {@code cucumber-<target>.html}, evidence the recording plugin wrote under {@code targets/}) are linked, not
 * touched.
 */
public final class ReportWriter {

    private ReportWriter() {
    }

    /**
     * Writes the report and returns its summary.
     *
     * @throws ReportException naming the file that could not be written
     */
    public static Summary write(Path reportDir, List<ScenarioResult> results) {
        return write(reportDir, results, Instant.now(), Locations.workingDirectory());
    }

    static Summary write(Path reportDir, List<ScenarioResult> results, Instant generated, Path workingDir) {
        Path junit = reportDir.resolve("junit");
        createDirectories(junit);
        List<ScenarioResult> sorted = new ArrayList<>(ArtifactFiles.place(reportDir, results));
        // Stable: within a feature and line, targets keep the order the caller gave them.
        sorted.sort(Comparator.comparing(ScenarioResult::featureUri).thenComparingInt(ScenarioResult::line));
        List<String> targets = List.copyOf(new LinkedHashSet<>(results.stream().map(ScenarioResult::target).toList()));
        Comparison comparison = Comparison.of(sorted, targets);
        Summary summary = Summary.of(results, comparison.unexpectedCount(), comparison.expectedCount(), generated);
        writeFile(reportDir.resolve("summary.json"), file -> Json.MAPPER.writeValue(file.toFile(), toJson(summary)));
        writeFile(reportDir.resolve(ComparisonJson.NAME), file -> ComparisonJson.write(file, comparison));
        for (String target : summary.targets().keySet()) {
            List<ScenarioResult> ofTarget = sorted.stream().filter(r -> r.target().equals(target)).toList();
            writeFile(junit.resolve(Text.fileName(target) + ".xml"),
                    new JunitXml(target, ofTarget, generated, workingDir)::write);
        }
        writeFile(reportDir.resolve("observations.json"), file -> ObservationsJson.write(file, sorted));
        writeFile(reportDir.resolve("index.html"), file -> Files.writeString(file,
                new HtmlReport(summary, comparison, workingDir, target -> cucumberReport(reportDir, target))
                        .render()));
        return summary;
    }

    /**
     * Merges the reports of the shards of one run ({@code hil run --shard I/N}) into {@code reportDir}: every target's
     * results of every shard, in the target order of the first shard, written as {@code targets/<name>/results.json}
     * (evidence copied in, so the merged report stands alone) and as the combined report, which is then the report
     * an unsharded run of the same scenarios would have written — apart from the links to Cucumber's own per-target
     * HTML, which each shard's directory keeps.
     *
     * @throws ReportException for a directory that is no report, or a scenario that two shards both ran
     */
    public static Summary merge(Path reportDir, List<Path> shards) {
        List<String> targets = new ArrayList<>();
        Map<String, Path> seen = new HashMap<>();
        List<ScenarioResult> all = new ArrayList<>();
        for (Path shard : shards) {
            SavedReport saved = SavedReport.read(shard);
            saved.targets().stream().filter(t -> !targets.contains(t)).forEach(targets::add);
            for (ScenarioResult r : saved.results()) {
                String key = r.target() + " " + ScenarioKeys.portable(r.featureUri(), r.line());
                Path before = seen.putIfAbsent(key, shard);
                if (before != null) {
                    throw new ReportException("scenario " + ScenarioKeys.portable(r.featureUri(),
                            r.line()) + " of target " + r.target() + " is in both " + before + " and " + shard
                            + " (give each shard's report once)");
                }
                all.add(r);
            }
        }
        List<ScenarioResult> ordered = new ArrayList<>();
        for (String target : targets) {
            all.stream().filter(r -> r.target().equals(target)).forEach(ordered::add);
        }
        createDirectories(reportDir);
        return write(reportDir, writeTargetResults(reportDir, targets, ordered));
    }

    /**
     * Writes {@code targets/<name>/results.json} for each of {@code targets} from results gathered elsewhere (shards,
     * or the jobs of one run), with their evidence copied into the report directory when it lies outside, so the
     * report reads back ({@link SavedReport}) as one a single run wrote. Returns the results with their evidence
     * placed.
     */
    public static List<ScenarioResult> writeTargetResults(Path reportDir, List<String> targets,
                                                          List<ScenarioResult> results) {
        List<ScenarioResult> placed = ArtifactFiles.place(reportDir, results);
        Path base = reportDir.toAbsolutePath().normalize();
        for (String target : targets) {
            Path dir = base.resolve("targets").resolve(target);
            List<ScenarioResult> ofTarget = placed.stream().filter(r -> r.target().equals(target))
                    .map(r -> r.artifacts().isEmpty() ? r : r.withArtifacts(r.artifacts().stream()
                            .map(a -> a.withFile(ArtifactFiles.href(dir.relativize(base.resolve(a.file())))))
                            .toList()))
                    .toList();
            ResultsFile.write(dir, ofTarget);
        }
        return placed;
    }

    /** The name of Cucumber's own HTML report for a target, if the run left one in the report directory. */
    static String cucumberReport(Path reportDir, String target) {
        String name = "cucumber-" + Text.fileName(target) + ".html";
        return Files.isRegularFile(reportDir.resolve(name)) ? name : null;
    }

    private static ObjectNode toJson(Summary summary) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ObjectNode targets = root.putObject("targets");
        for (Map.Entry<String, Summary.Counts> entry : summary.targets().entrySet()) {
            Summary.Counts counts = entry.getValue();
            ObjectNode target = targets.putObject(entry.getKey());
            target.put("passed", counts.passed());
            target.put("failed", counts.failed());
            target.put("skipped", counts.skipped());
            target.put("undefined", counts.undefined());
            target.put("pending", counts.pending());
            target.put("durationSeconds", counts.durationSeconds());
        }
        root.put("divergences", summary.divergences());
        root.put("expectedDivergences", summary.expectedDivergences());
        root.put("scenarios", summary.scenarios());
        root.put("generated", summary.generated().toString());
        return root;
    }

    private interface FileContent {
        void writeTo(Path file) throws IOException;
    }

    private static void writeFile(Path file, FileContent content) {
        try {
            content.writeTo(file);
        } catch (IOException | RuntimeException e) {
            throw new ReportException("cannot write the report file " + file.toAbsolutePath() + ": " + e, e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ReportException("cannot create the report directory " + dir.toAbsolutePath() + ": " + e, e);
        }
    }
}
