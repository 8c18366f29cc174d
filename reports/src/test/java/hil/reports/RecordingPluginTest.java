package hil.reports;

import hil.reports.fixture.RecordingFixtureSteps;
import hil.reports.model.Artifact;
import hil.reports.model.Observation;
import hil.reports.model.ScenarioResult;
import hil.reports.model.StepResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordingPluginTest {

    private static List<ScenarioResult> results;
    private static Map<String, ScenarioResult> byName;

    @BeforeAll
    static void runFixture() {
        FixtureRun.Outcome outcome = FixtureRun.outcome();
        results = RecordingPlugin.readResults(outcome.dir());
        byName = results.stream().collect(Collectors.toMap(ScenarioResult::name, Function.identity()));
    }

    @Test
    @DisplayName("every scenario of the run is recorded once, in feature and line order, with its target and feature")
    void recordsEveryScenario() {
        assertEquals(12, results.size());
        assertEquals(results.stream().map(ScenarioResult::line).sorted().toList(),
                results.stream().map(ScenarioResult::line).toList());
        for (ScenarioResult result : results) {
            assertEquals(FixtureRun.TARGET, result.target());
            assertEquals("Recording fixture", result.featureName());
            assertEquals(FixtureRun.feature().toUri().toString(), result.featureUri());
        }
        assertEquals(3, byName.get("A call is observed").line());
    }

    @Test
    @DisplayName("a passing scenario has its observation under the step that made the call")
    void passingScenarioKeepsObservationOnItsStep() {
        ScenarioResult result = byName.get("A call is observed");
        assertEquals("PASSED", result.status());
        assertNull(result.message());
        assertEquals(2, result.steps().size());
        StepResult given = result.steps().get(0);
        assertEquals("Given ", given.keyword());
        assertEquals("the target reads the variable \"Boot0001\"", given.text());
        assertEquals(4, given.line());
        assertEquals("PASSED", given.status());
        assertEquals(1, given.observations().size());
        Observation observation = given.observations().get(0);
        assertEquals("GetVariable", observation.operation());
        assertEquals("Boot0001", observation.inputs().get(Observation.Keys.NAME));
        assertEquals("EFI_SUCCESS", observation.status());
        assertEquals("0100", observation.outputs().get(Observation.Keys.DATA));
        assertTrue(result.steps().get(1).observations().isEmpty());
    }

    @Test
    @DisplayName("a step the target cannot observe makes the scenario SKIPPED with the reason")
    void notObservableIsSkippedWithReason() {
        ScenarioResult result = byName.get("A call the target cannot observe");
        String reason = "not observable on target fixture: no console on this board";
        assertAll(
                () -> assertEquals("SKIPPED", result.status()),
                () -> assertEquals(reason, result.message()),
                () -> assertEquals(List.of("PASSED", "SKIPPED", "SKIPPED"), statuses(result)),
                () -> assertEquals(reason, result.steps().get(1).message()),
                () -> assertNull(result.steps().get(2).message()));
    }

    @Test
    @DisplayName("a failing check makes the scenario FAILED with the assertion's message")
    void failingCheck() {
        ScenarioResult result = byName.get("A check fails");
        assertEquals("FAILED", result.status());
        assertEquals("expected EFI_SUCCESS but was EFI_NOT_FOUND", result.message());
        assertEquals(List.of("PASSED", "FAILED", "SKIPPED"), statuses(result));
    }

    @Test
    @DisplayName("a step without definition makes the scenario UNDEFINED and names the step")
    void undefinedStep() {
        ScenarioResult result = byName.get("A step nobody wrote");
        assertEquals("UNDEFINED", result.status());
        assertEquals("undefined step: When a step that has no definition runs", result.message());
        assertEquals(List.of("PASSED", "UNDEFINED"), statuses(result));
    }

    @Test
    @DisplayName("a Before hook that skips is reported as a step and gives the scenario its reason")
    void skippingBeforeHook() {
        ScenarioResult result = byName.get("A Before hook skips the scenario");
        assertEquals("SKIPPED", result.status());
        assertEquals("requires capability fault-injection, which target fixture does not have", result.message());
        assertEquals(List.of("@needs-missing-capability"), result.tags());
        StepResult hook = result.steps().get(0);
        assertEquals("Before hook ", hook.keyword());
        assertTrue(hook.text().contains("requireMissingCapability"), hook.text());
        assertEquals(List.of("SKIPPED", "SKIPPED"), statuses(result));
    }

    @Test
    @DisplayName("a failing After hook fails a scenario whose steps passed, with the hook's error")
    void failingAfterHook() {
        ScenarioResult result = byName.get("An After hook fails");
        assertEquals("FAILED", result.status());
        assertEquals("IllegalStateException: power controller unreachable", result.message());
        assertEquals(List.of("PASSED", "FAILED"), statuses(result));
        assertEquals("After hook ", result.steps().get(1).keyword());
        assertEquals(1, result.steps().get(0).observations().size());
    }

    @Test
    @DisplayName("an attachment of the observation type that does not decode fails the step that attached it")
    void malformedObservationFailsStep() {
        ScenarioResult result = byName.get("A malformed observation fails its step");
        assertEquals("FAILED", result.status());
        assertTrue(result.message().contains("not an observation"), result.message());
        assertTrue(result.steps().get(0).observations().isEmpty());
    }

    @Test
    @DisplayName("scenarios running at the same time each keep their own observations on their own steps")
    void parallelScenariosKeepTheirObservations() {
        for (int i = 1; i <= 4; i++) {
            String name = "Par" + i;
            ScenarioResult result = byName.get("Parallel scenario " + name + " keeps its own observations");
            assertEquals("PASSED", result.status(), () -> name + ": " + result.message());
            assertEquals(List.of(1, 0, 1), result.steps().stream().map(s -> s.observations().size()).toList());
            assertEquals(name, result.steps().get(0).observations().get(0).inputs().get(Observation.Keys.NAME));
            assertEquals(name, result.steps().get(2).observations().get(0).inputs().get(Observation.Keys.NAME));
        }
    }

    @Test
    @DisplayName("text and images a scenario attaches are written next to the results and listed with the scenario")
    void attachmentsBecomeArtifacts() throws Exception {
        ScenarioResult result = byName.get("The target attaches its console and a screenshot");
        assertEquals("PASSED", result.status(), result::message);
        assertEquals(List.of("console", "screen"), result.artifacts().stream().map(Artifact::name).toList());
        assertEquals(List.of("text/plain", "image/png"),
                result.artifacts().stream().map(Artifact::mediaType).toList());
        Path console = Path.of(result.artifacts().get(0).file());
        Path screen = Path.of(result.artifacts().get(1).file());
        assertTrue(console.isAbsolute(), "read back as an absolute path");
        assertEquals(FixtureRun.outcome().dir().resolve("artifacts").toAbsolutePath().normalize(), console.getParent());
        assertTrue(console.getFileName().toString().endsWith(".txt"), console::toString);
        assertTrue(screen.getFileName().toString().endsWith(".png"), screen::toString);
        assertEquals("Shell> setvar\nDone\n", Files.readString(console));
        assertArrayEquals(RecordingFixtureSteps.SCREENSHOT, Files.readAllBytes(screen));
        assertTrue(byName.get("A call is observed").artifacts().isEmpty());
    }

    @Test
    @DisplayName("the target is the one the launching thread's run context names, before the system property")
    void targetComesFromTheRunContext() {
        Path dir = FixtureRun.newDirectory();
        byte status = RunContext.callAs("from-context", () -> FixtureRun.cucumber(dir, FixtureRun.feature() + ":3"));

        assertEquals(0, status);
        List<ScenarioResult> ran = RecordingPlugin.readResults(dir);
        assertEquals(1, ran.size());
        assertEquals("from-context", ran.get(0).target());
        assertEquals(RunContext.DEFAULT_TARGET, RunContext.targetName(), "restored after the call");
    }

    @Test
    @DisplayName("results that cannot be written end the run with an error naming the file")
    void unwritableResultsAreNotLostSilently() throws Exception {
        Path blocker = Files.createFile(FixtureRun.newDirectory().resolve("not-a-directory"));
        RuntimeException error = assertThrows(RuntimeException.class,
                () -> FixtureRun.cucumber(blocker, FixtureRun.feature() + ":3"));
        assertTrue(messages(error).contains(blocker.resolve("results.json").toAbsolutePath().toString()),
                messages(error));
    }

    @Test
    @DisplayName("reading results from a directory without results.json fails naming the file")
    void readingMissingResultsNamesTheFile() {
        Path dir = FixtureRun.newDirectory();
        ReportException error = assertThrows(ReportException.class, () -> RecordingPlugin.readResults(dir));
        assertTrue(error.getMessage().contains(dir.resolve("results.json").toAbsolutePath().toString()));
    }

    private static List<String> statuses(ScenarioResult result) {
        return result.steps().stream().map(StepResult::status).toList();
    }

    private static String messages(Throwable error) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause()) {
            all.append(t).append('\n');
            for (Throwable s : t.getSuppressed()) {
                all.append(s).append('\n');
            }
        }
        return all.toString();
    }
}
