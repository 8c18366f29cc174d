package hil.reports;

import com.fasterxml.jackson.databind.JsonNode;
import hil.reports.model.Observation;
import hil.reports.model.ScenarioResult;
import hil.reports.model.StepResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportWriterTest {

    private static final String FEATURE = "file:///work/main/features/variables/get.feature";
    private static final String HOSTILE_NAME = "Get <script>alert(\"x\")</script> & 'more'";
    private static final String SKIP_REASON = "not observable on target qemu-ovmf: no <agent> & no \"shell\"";
    private static final Instant GENERATED = Instant.parse("2024-05-01T10:15:30Z");

    @TempDir
    Path dir;

    @Test
    @DisplayName("summary.json counts each target's scenarios, with ambiguous and pending ones among the failed")
    void summaryCounts() throws Exception {
        Summary summary = ReportWriter.write(dir, results(), GENERATED, Path.of("/work/main"));

        JsonNode json = Json.MAPPER.readTree(dir.resolve("summary.json").toFile());
        JsonNode simulator = json.get("targets").get("simulator");
        assertEquals(1, simulator.get("passed").asInt());
        assertEquals(4, simulator.get("failed").asInt());
        assertEquals(1, simulator.get("pending").asInt());
        assertEquals(0, simulator.get("skipped").asInt());
        assertEquals(1, simulator.get("undefined").asInt());
        assertEquals(0.021, simulator.get("durationSeconds").asDouble(), 1e-9);
        JsonNode qemu = json.get("targets").get("qemu-ovmf");
        assertEquals(List.of(1, 0, 2, 0, 0), List.of(qemu.get("passed").asInt(), qemu.get("failed").asInt(),
                qemu.get("skipped").asInt(), qemu.get("undefined").asInt(), qemu.get("pending").asInt()));
        assertEquals(0, json.get("divergences").asInt());
        assertEquals(6, json.get("scenarios").asInt());
        assertEquals(GENERATED, Instant.parse(json.get("generated").asText()));

        assertEquals(List.of("simulator", "qemu-ovmf"), List.copyOf(summary.targets().keySet()));
        assertEquals(6, summary.targets().get("simulator").total());
        assertFalse(summary.allPassed());
    }

    @Test
    @DisplayName("a run with only passed and skipped scenarios counts as all passed")
    void skippedIsNotAFailure() {
        List<ScenarioResult> results = results().stream().filter(r -> r.target().equals("qemu-ovmf")).toList();
        assertTrue(ReportWriter.write(dir, results, GENERATED, Path.of("/work/main")).allPassed());
    }

    @Test
    @DisplayName("the JUnit XML of a target parses and has one testcase per scenario with failures, errors and skips")
    void junitXml() throws Exception {
        ReportWriter.write(dir, results(), GENERATED, Path.of("/work/main"));

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(dir.resolve("junit/simulator.xml").toFile());
        Element suite = doc.getDocumentElement();
        assertEquals("testsuite", suite.getTagName());
        assertEquals("simulator", suite.getAttribute("name"));
        assertEquals("6", suite.getAttribute("tests"));
        assertEquals("4", suite.getAttribute("failures"));
        assertEquals("1", suite.getAttribute("errors"));
        assertEquals("0", suite.getAttribute("skipped"));
        assertEquals(6, doc.getElementsByTagName("testcase").getLength());
        assertEquals(4, doc.getElementsByTagName("failure").getLength());
        assertEquals(1, doc.getElementsByTagName("error").getLength());
        Element first = (Element) doc.getElementsByTagName("testcase").item(0);
        assertEquals("features/variables/get.feature", first.getAttribute("classname"));
        assertEquals(HOSTILE_NAME + " (line 3)", first.getAttribute("name"));
        assertEquals("0.001", first.getAttribute("time"));
        Element error = (Element) doc.getElementsByTagName("error").item(0);
        assertEquals("undefined step: When I frobnicate", error.getAttribute("message"));
        Element failure = (Element) doc.getElementsByTagName("failure").item(0);
        assertEquals("expected EFI_SUCCESS \uFFFD but was EFI_NOT_FOUND", failure.getAttribute("message"));

        Document qemu = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(dir.resolve("junit/qemu-ovmf.xml").toFile());
        NodeList skipped = qemu.getElementsByTagName("skipped");
        assertEquals(2, skipped.getLength());
        assertEquals("2", qemu.getDocumentElement().getAttribute("skipped"));
        assertEquals(SKIP_REASON, ((Element) skipped.item(0)).getAttribute("message"));
    }

    @Test
    @DisplayName("observations.json groups observations by target, scenario and step")
    void observationsJson() throws Exception {
        ReportWriter.write(dir, results(), GENERATED, Path.of("/work/main"));

        JsonNode json = Json.MAPPER.readTree(dir.resolve("observations.json").toFile());
        JsonNode scenario = json.get("simulator").get(FEATURE + ":3");
        assertEquals(HOSTILE_NAME, scenario.get("name").asText());
        JsonNode observation = scenario.get("steps").get(0).get("observations").get(0);
        assertEquals("GetVariable", observation.get("operation").asText());
        assertEquals("Boot0001", observation.get("inputs").get("name").asText());
        assertEquals("EFI_SUCCESS", observation.get("status").asText());
        assertEquals(0, scenario.get("steps").get(1).get("observations").size());
        assertEquals(3, json.get("qemu-ovmf").size());
    }

    @Test
    @DisplayName("index.html shows a cell per scenario and target, with escaped names and reasons")
    void htmlMatrix() throws Exception {
        ReportWriter.write(dir, results(), GENERATED, Path.of("/work/main"));

        String html = Files.readString(dir.resolve("index.html"));
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertFalse(html.contains("<script"), "unescaped scenario name");
        assertFalse(html.contains("http"), "the page must not load anything");
        assertTrue(html.contains("Get &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;more&#39;"));
        String escapedReason = "not observable on target qemu-ovmf: no &lt;agent&gt; &amp; no &quot;shell&quot;";
        assertTrue(html.contains("<td class=\"cell skipped\" title=\"" + escapedReason + "\">SKIPPED"
                + "<div class=\"reason\">" + escapedReason + "</div></td>"), html);
        assertTrue(html.contains("<td class=\"cell passed\">PASSED</td>"));
        assertTrue(html.contains("<td class=\"cell undefined\" title=\"undefined step: When I frobnicate\">UNDEFINED"));
        assertTrue(html.contains("<td class=\"cell missing\">not run</td>"), "scenario run on one target only");
        assertTrue(html.contains("features/variables/get.feature:3"));
        assertTrue(html.contains("<strong>GetVariable</strong> <span class=\"loc\">boot &middot; 0.002 ms</span></div>"
                + "<div><span class=\"k\">in</span> name = <code>Boot0001</code></div>"), html);
        assertFalse(html.contains("\u0001"));
    }

    @Test
    @DisplayName("index.html links Cucumber's report of a target only when that file exists")
    void htmlLinksExistingCucumberReports() throws Exception {
        Files.writeString(dir.resolve("cucumber-simulator.html"), "<html></html>");
        ReportWriter.write(dir, results(), GENERATED, Path.of("/work/main"));

        String html = Files.readString(dir.resolve("index.html"));
        assertTrue(html.contains("<a href=\"cucumber-simulator.html\">"));
        assertFalse(html.contains("cucumber-qemu-ovmf.html"));
    }

    @Test
    @DisplayName("a report that cannot be written fails with an error naming the file")
    void unwritableReport() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("report"), "");
        ReportException error = assertThrows(ReportException.class,
                () -> ReportWriter.write(notADirectory, results()));
        assertTrue(error.getMessage().contains(notADirectory.toAbsolutePath().toString()), error.getMessage());
    }

    private static List<ScenarioResult> results() {
        List<ScenarioResult> results = new ArrayList<>();
        Observation get = new Observation("GetVariable", Map.of("name", "Boot0001"), "EFI_SUCCESS",
                Map.of("data", "0100", "attributes", "7"), "boot", "simulator", 2_000, "Shell> dmpstore\u0001");
        List<StepResult> observedSteps = List.of(
                new StepResult("When ", "I get the variable \"Boot0001\"", 4, "PASSED", null, List.of(get)),
                new StepResult("Then ", "the status is EFI_SUCCESS", 5, "PASSED", null, List.of()));
        results.add(scenario("simulator", 3, HOSTILE_NAME, "PASSED", null, observedSteps));
        results.add(scenario("simulator", 8, "Fails", "FAILED",
                "expected EFI_SUCCESS \u0001 but was EFI_NOT_FOUND\nat step 2", List.of()));
        results.add(scenario("simulator", 13, "Undefined", "UNDEFINED", "undefined step: When I frobnicate",
                List.of()));
        results.add(scenario("simulator", 18, "Pending", "PENDING", "PendingException: TODO", List.of()));
        results.add(scenario("simulator", 23, "Ambiguous", "AMBIGUOUS", "two definitions match", List.of()));
        results.add(scenario("simulator", 28, "Only here", "FAILED", "simulator only", List.of()));
        results.add(scenario("qemu-ovmf", 3, HOSTILE_NAME, "PASSED", null, observedSteps));
        results.add(scenario("qemu-ovmf", 8, "Fails", "SKIPPED", SKIP_REASON, List.of()));
        results.add(scenario("qemu-ovmf", 13, "Undefined", "SKIPPED", SKIP_REASON, List.of()));
        return results;
    }

    private static ScenarioResult scenario(String target, int line, String name, String status, String message,
                                           List<StepResult> steps) {
        return new ScenarioResult(target, FEATURE, "Variable services", name, line, List.of("@variables"), status,
                message, 1_000_000L * (line / 5 + 1), steps);
    }
}
