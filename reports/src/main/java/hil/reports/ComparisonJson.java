package hil.reports;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import hil.reports.compare.Comparison;
import hil.reports.compare.Divergence;
import hil.reports.compare.ScenarioComparison;
import hil.reports.model.ScenarioResult;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code comparison.json}: the targets in run order (the first is the reference), the counts of unexpected and
 * expected divergences, each scenario's cell per target ({@code passed}, {@code failed}, {@code skipped},
 * {@code undefined}, {@code diverged}) with skip reasons, and every divergence with each target's value.
 */
final class ComparisonJson {

    static final String NAME = "comparison.json";

    private ComparisonJson() {
    }

    static void write(Path file, Comparison comparison) throws IOException {
        ObjectNode root = Json.MAPPER.createObjectNode();
        ArrayNode targets = root.putArray("targets");
        comparison.targets().forEach(targets::add);
        ObjectNode counts = root.putObject("counts");
        counts.put("unexpected", comparison.unexpectedCount());
        counts.put("expected", comparison.expectedCount());
        ArrayNode scenarios = root.putArray("scenarios");
        for (ScenarioComparison scenario : comparison.scenarios()) {
            ScenarioResult first = scenario.first();
            ObjectNode node = scenarios.addObject();
            node.put("key", scenario.key());
            node.put("feature", first.featureName());
            node.put("name", first.name());
            node.put("reference", scenario.reference());
            ObjectNode cells = node.putObject("cells");
            for (ScenarioResult result : scenario.results().values()) {
                ObjectNode cell = cells.putObject(result.target());
                cell.put("cell", scenario.diverged(result.target()) ? "diverged" : Verdict.of(result.status()).name()
                        .toLowerCase(Locale.ROOT));
                cell.put("status", result.status());
                if ("SKIPPED".equals(result.status())) {
                    cell.put("reason", result.message());
                }
                cell.put("divergences", scenario.divergencesOf(result.target()).size());
                cell.put("expectedDivergences", scenario.expectedDivergencesOf(result.target()).size());
            }
            if (!scenario.expected().isEmpty()) {
                node.set("declaredDifferences", Json.MAPPER.valueToTree(scenario.expected()));
            }
        }
        root.set("divergences", Json.MAPPER.valueToTree(comparison.divergences()));
        Json.MAPPER.writeValue(file.toFile(), root);
    }

    /** What {@code hil compare} needs of a written comparison. */
    record Recorded(List<String> targets, List<Divergence> divergences) {
    }

    static Recorded read(Path file) {
        try {
            JsonNode root = Json.MAPPER.readTree(file.toFile());
            JsonNode divergences = root == null ? null : root.get("divergences");
            if (divergences == null || !divergences.isArray()) {
                throw new ReportException("not a comparison file (no \"divergences\" list): " + file.toAbsolutePath());
            }
            List<String> targets = root.has("targets")
                    ? Json.MAPPER.convertValue(root.get("targets"), new TypeReference<List<String>>() {
                    })
                    : List.of();
            return new Recorded(targets, Json.MAPPER.convertValue(divergences, new TypeReference<List<Divergence>>() {
            }));
        } catch (IOException | IllegalArgumentException e) {
            throw new ReportException("cannot read the comparison in " + file.toAbsolutePath() + ": " + e, e);
        }
    }
}
