package hil.reports;

import com.fasterxml.jackson.databind.JsonNode;
import hil.reports.compare.Divergence;
import hil.reports.model.Artifact;
import hil.reports.model.Observation;
import hil.reports.model.ScenarioResult;
import hil.reports.model.StepResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The comparison as the report files show it: comparison.json, summary.json, index.html and artifacts. */
class ComparisonReportTest {

    private static final String FEATURE = "file:///work/main/features/variables/get.feature";
    private static final Instant GENERATED = Instant.parse("2024-05-01T10:15:30Z");

    @TempDir
    Path dir;

    private static Observation get(String target, String status, String data) {
        return new Observation("GetVariable", Map.of("name", "A", "vendor", "12345678-1234-1234-1234-123456789ABC"),
                status, data == null ? Map.of() : Map.of("data", data), "boot", target, 1_000, null);
    }

    private static ScenarioResult scenario(String target, int line, String name, List<String> tags, String status,
                                           Observation call, List<Artifact> artifacts) {
        return new ScenarioResult(target, FEATURE, "Get", name, line, tags, status,
                "SKIPPED".equals(status) ? "not observable on target " + target + ": no agent" : null, 1_000_000,
                List.of(new StepResult("When ", "I get the variable \"A\" of vendor V", line + 1, status,
                        null, call == null ? List.of() : List.of(call))), artifacts);
    }

    /** Line 3 agrees, line 8 diverges in data on qemu-ovmf, line 13 declares its difference, line 18 is skipped. */
    private static List<ScenarioResult> results() {
        List<ScenarioResult> results = new ArrayList<>();
        for (String target : List.of("simulator", "qemu-ovmf", "board")) {
            boolean qemu = target.equals("qemu-ovmf");
            results.add(scenario(target, 3, "Agrees", List.of(), "PASSED", get(target, "EFI_SUCCESS", "01"),
                    List.of()));
            results.add(scenario(target, 8, "Diverges", List.of(), "PASSED",
                    get(target, "EFI_SUCCESS", qemu ? "02" : "01"), List.of()));
            results.add(scenario(target, 13, "Declared", List.of("@differs:qemu-ovmf:firmware-differs"), "PASSED",
                    get(target, qemu ? "EFI_NOT_FOUND" : "EFI_SUCCESS", null), List.of()));
            results.add(scenario(target, 18, "Board cannot", List.of(), target.equals("board") ? "SKIPPED" : "PASSED",
                    target.equals("board") ? null : get(target, "EFI_SUCCESS", "01"), List.of()));
        }
        return results;
    }

    @Test
    @DisplayName("comparison.json lists every divergence with each target's value, expected ones with their reason")
    void comparisonJson() throws Exception {
        ReportWriter.write(dir, results(), GENERATED, Path.of("/work/main"));

        JsonNode json = Json.MAPPER.readTree(dir.resolve("comparison.json").toFile());
        assertEquals("[\"simulator\",\"qemu-ovmf\",\"board\"]", json.get("targets").toString());
        assertEquals(1, json.get("counts").get("unexpected").asInt());
        assertEquals(1, json.get("counts").get("expected").asInt());
        JsonNode data = json.get("divergences").get(0);
        assertEquals(FEATURE + ":8", data.get("scenarioKey").asText());
        assertEquals("Diverges", data.get("scenario").asText());
        assertEquals(0, data.get("step").asInt());
        assertEquals("When I get the variable \"A\" of vendor V", data.get("stepText").asText());
        assertEquals("GetVariable", data.get("operation").asText());
        assertEquals("data", data.get("field").asText());
        assertEquals("{\"simulator\":\"01\",\"qemu-ovmf\":\"02\",\"board\":\"01\"}", data.get("values").toString());
        assertEquals("[\"qemu-ovmf\"]", data.get("differing").toString());
        assertFalse(data.get("expected").asBoolean());
        JsonNode declared = json.get("divergences").get(1);
        assertEquals("status", declared.get("field").asText());
        assertTrue(declared.get("expected").asBoolean());
        assertEquals("qemu-ovmf: firmware differs", declared.get("reason").asText());
        JsonNode skipped = json.get("scenarios").get(3).get("cells").get("board");
        assertEquals("skipped", skipped.get("cell").asText());
        assertEquals("not observable on target board: no agent", skipped.get("reason").asText());
        assertEquals("diverged", json.get("scenarios").get(1).get("cells").get("qemu-ovmf").get("cell").asText());
    }

    @Test
    @DisplayName("summary.json counts unexpected divergences, and expected ones apart")
    void summaryCountsDivergences() throws Exception {
        Summary summary = ReportWriter.write(dir, results(), GENERATED, Path.of("/work/main"));

        JsonNode json = Json.MAPPER.readTree(dir.resolve("summary.json").toFile());
        assertEquals(1, json.get("divergences").asInt());
        assertEquals(1, json.get("expectedDivergences").asInt());
        assertEquals(1, summary.divergences());
    }

    @Test
    @DisplayName("index.html marks the diverging target's cell, links it to the detail, and highlights the field")
    void htmlShowsDivergence() throws Exception {
        ReportWriter.write(dir, results(), GENERATED, Path.of("/work/main"));

        String html = Files.readString(dir.resolve("index.html"));
        String row = row(html, FEATURE + ":8");
        assertTrue(row.contains("<td class=\"cell passed\">PASSED</td><td class=\"cell diverged\" title=\"1"
                + " difference from simulator\"><a href=\"#s2\">DIVERGED</a>"), row);
        assertTrue(row.endsWith("<td class=\"cell passed\">PASSED</td>"), "board agrees with the reference: " + row);
        String detail = html.substring(html.indexOf("<section class=\"scenario\" id=\"s2\">"));
        detail = detail.substring(0, detail.indexOf("</section>"));
        assertTrue(detail.contains("<th>simulator <span class=\"loc\">(reference)</span></th><th>qemu-ovmf</th>"
                + "<th>board</th>"), detail);
        assertTrue(detail.contains("<div class=\"div\"><span class=\"k\">out</span> data = <code>02</code></div>"),
                detail);
        assertTrue(detail.contains("<a href=\"#s2-1\">step 1</a>"), detail);
        String declared = row(html, FEATURE + ":13");
        assertTrue(declared.contains("<td class=\"cell passed\">PASSED<div class=\"reason\">expected difference:"
                + " qemu-ovmf: firmware differs</div></td>"), declared);
        String skipped = row(html, FEATURE + ":18");
        assertTrue(skipped.contains("<td class=\"cell skipped\" title=\"not observable on target board: no agent\">"
                + "SKIPPED<div class=\"reason\">not observable on target board: no agent</div></td>"), skipped);
        assertTrue(html.contains("divergences: 1 (and 1 expected)"), html);
        assertFalse(html.contains("<script"));
        assertFalse(html.contains("http"), "the page must not load anything");
    }

    @Test
    @DisplayName("attached evidence outside the report is copied under artifacts/<target>/, evidence inside is linked")
    void artifacts() throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        byte[] png = {(byte) 0x89, 'P', 'N', 'G'};
        Path screenshot = Files.write(elsewhere.resolve("7.png"), png);
        Path report = dir.resolve("report");
        Path console = Files.writeString(Files.createDirectories(report.resolve("targets/qemu-ovmf/artifacts"))
                .resolve("1.txt"), "Shell> ");
        List<ScenarioResult> results = List.of(
                scenario("simulator", 3, "Evidence", List.of(), "PASSED", get("simulator", "EFI_SUCCESS", "01"),
                        List.of()),
                scenario("qemu-ovmf", 3, "Evidence", List.of(), "PASSED", get("qemu-ovmf", "EFI_SUCCESS", "01"),
                        List.of(new Artifact("console", "text/plain", console.toString()),
                                new Artifact("screen", "image/png", screenshot.toString()))));

        ReportWriter.write(report, results, GENERATED, Path.of("/work/main"));

        assertArrayEquals(png, Files.readAllBytes(report.resolve("artifacts/qemu-ovmf/1.png")));
        String html = Files.readString(report.resolve("index.html"));
        assertTrue(html.contains("<a href=\"targets/qemu-ovmf/artifacts/1.txt\">console (text/plain)</a>"), html);
        assertTrue(html.contains("<a href=\"artifacts/qemu-ovmf/1.png\">screen (image/png)</a><img class=\"shot\""
                + " src=\"artifacts/qemu-ovmf/1.png\""), html);
    }

    @Test
    @DisplayName("a saved report reads back its results and divergences, and is compared again without comparison.json")
    void savedReport() throws Exception {
        ReportWriter.write(dir, results(), GENERATED, Path.of("/work/main"));
        for (String target : List.of("simulator", "qemu-ovmf", "board")) {
            ResultsFile.write(dir.resolve("targets").resolve(target),
                    results().stream().filter(r -> r.target().equals(target)).toList());
        }

        SavedReport saved = SavedReport.read(dir);
        assertEquals(List.of("simulator", "qemu-ovmf", "board"), saved.targets());
        assertEquals(12, saved.results().size());
        assertEquals(List.of("data", "status"), saved.divergences().stream().map(Divergence::field).toList());

        Files.delete(dir.resolve("comparison.json"));
        SavedReport recompared = SavedReport.read(dir);
        assertEquals(saved.divergences(), recompared.divergences());
    }

    @Test
    @DisplayName("a directory without results is not a report, and the error says what one has")
    void notAReport() {
        ReportException error = assertThrows(ReportException.class, () -> SavedReport.read(dir));
        assertEquals(dir + " is not a report: it has no targets/*/results.json (give a directory written by"
                + " 'hil run --report DIR')", error.getMessage());
    }

    private static String row(String html, String key) {
        String row = html.substring(html.indexOf("<tr data-scenario=\"" + key + "\">"));
        return row.substring(0, row.indexOf("</tr>"));
    }
}
