package hil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import hil.reports.RecordingPlugin;
import hil.reports.model.Observation;
import hil.reports.model.ScenarioResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code hil run} on two simulator targets at once: the reference profile and a deliberately wrong one. */
class TwoTargetsTest {

    private static final Pattern PROGRESS_LINE = Pattern.compile(
            "\\[(sim-4m|sim-2m)]  (PASSED|FAILED|SKIPPED|UNDEFINED) +\\d+\\.\\d{3}s  \\S+\\.feature:\\d+  .+");

    @TempDir
    Path dir;

    private TwoProfileRun run;

    @BeforeEach
    void lab() throws IOException {
        run = new TwoProfileRun(dir);
    }

    @Test
    @DisplayName("each target's results hold only that target's scenarios and calls, and progress lines say which target")
    void concurrentTargetsKeepTheirOwnResults() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int status;
        try {
            status = run.run();
        } finally {
            System.setOut(stdout);
        }

        assertEquals(0, status, run.err::toString);
        for (String target : List.of("sim-4m", "sim-2m")) {
            List<ScenarioResult> results = RecordingPlugin.readResults(run.report.resolve("targets").resolve(target));
            assertEquals(2, results.size());
            Set<String> recorded = results.stream().map(ScenarioResult::target).collect(Collectors.toSet());
            Set<String> called = results.stream().flatMap(r -> r.steps().stream())
                    .flatMap(s -> s.observations().stream()).map(Observation::target).collect(Collectors.toSet());
            assertEquals(Set.of(target), recorded, "the recording plugin's target");
            assertEquals(Set.of(target), called, "the target the steps drove");
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        List<String> scenarioLines = printed.lines().filter(l -> l.contains(".feature:")).toList();
        assertEquals(4, scenarioLines.size(), printed);
        scenarioLines.forEach(line -> assertTrue(PROGRESS_LINE.matcher(line).matches(), line));
        assertEquals(2, scenarioLines.stream().filter(l -> l.startsWith("[sim-2m]")).count(), printed);
        assertTrue(run.out.toString().contains("  sim-4m  2 passed, 0 failed, 0 skipped, 0 undefined"), run.out::toString);
        assertTrue(run.out.toString().contains("  sim-2m  2 passed, 0 failed, 0 skipped, 0 undefined"), run.out::toString);
    }

    @Test
    @DisplayName("a wrong simulator profile shows as a divergence in exactly the QueryVariableInfo step of its scenario")
    void wrongProfileDiverges() throws IOException {
        assertEquals(0, run.run(), "divergences alone do not fail a run: " + run.err);

        JsonNode comparison = new ObjectMapper().readTree(run.report.resolve("comparison.json").toFile());
        List<String> fields = new ArrayList<>();
        for (JsonNode d : comparison.get("divergences")) {
            assertEquals(run.queryScenarioKey(), d.get("scenarioKey").asText());
            assertEquals("Non-volatile storage is queried", d.get("scenario").asText());
            assertEquals(TwoProfileRun.QUERY_LINE, d.get("stepLine").asInt());
            assertEquals("When I query variable storage for attributes NV|BS|RT", d.get("stepText").asText());
            assertEquals("QueryVariableInfo", d.get("operation").asText());
            assertEquals("sim-4m", d.get("reference").asText());
            assertEquals("[\"sim-2m\"]", d.get("differing").toString());
            assertFalse(d.get("expected").asBoolean());
            assertTrue(!d.get("values").get("sim-4m").asText().equals(d.get("values").get("sim-2m").asText()));
            fields.add(d.get("field").asText());
        }
        // Both maxima depend on the flash size; what the firmware's own variables use (remaining) is not compared.
        assertEquals(List.of(Observation.Keys.MAX_STORAGE, Observation.Keys.MAX_VARIABLE_SIZE), fields);

        JsonNode summary = new ObjectMapper().readTree(run.report.resolve("summary.json").toFile());
        assertEquals(2, summary.get("divergences").asInt());
        assertEquals(0, summary.get("expectedDivergences").asInt());
        JsonNode cells = comparison.get("scenarios").get(1).get("cells");
        assertEquals("passed", cells.get("sim-4m").get("cell").asText());
        assertEquals("diverged", cells.get("sim-2m").get("cell").asText());
        assertEquals("passed", comparison.get("scenarios").get(0).get("cells").get("sim-2m").get("cell").asText());

        String html = Files.readString(run.report.resolve("index.html"));
        String row = html.substring(html.indexOf("<tr data-scenario=\"" + run.queryScenarioKey()));
        row = row.substring(0, row.indexOf("</tr>"));
        assertTrue(row.matches("(?s).*<td class=\"cell passed\">PASSED</td><td class=\"cell diverged\".*"), row);
        assertTrue(run.out.toString().contains("Divergences: 2"), run.out::toString);
    }

    @Test
    @DisplayName("--fail-on-divergence makes unexpected divergences exit 1")
    void failOnDivergence() {
        assertEquals(1, run.run("--fail-on-divergence"));
    }

    @Test
    @DisplayName("a difference the scenario declares with @differs is shown as expected and fails nothing")
    void declaredDifference() throws IOException {
        Files.writeString(run.feature, TwoProfileRun.FEATURE.replace("  Scenario: Non-volatile storage is queried",
                "  @differs:sim-2m:smaller-flash\n  Scenario: Non-volatile storage is queried"));

        assertEquals(0, run.run("--fail-on-divergence"), run.err::toString);

        JsonNode summary = new ObjectMapper().readTree(run.report.resolve("summary.json").toFile());
        assertEquals(0, summary.get("divergences").asInt());
        assertEquals(2, summary.get("expectedDivergences").asInt());
        JsonNode first = new ObjectMapper().readTree(run.report.resolve("comparison.json").toFile())
                .get("divergences").get(0);
        assertEquals("sim-2m: smaller flash", first.get("reason").asText());
    }
}
