package hil.reports.compare;

import hil.reports.model.ScenarioResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportChangesTest {

    private static final String CI = "file:///home/ci/build/features/variables/get.feature";
    private static final String LOCAL = "file:///work/main/features/variables/get.feature";

    private static ScenarioResult result(String uri, String target, int line, String status) {
        return new ScenarioResult(target, uri, "Get", "Scenario " + line, line, List.of(), status,
                "PASSED".equals(status) ? null : "why", 1, List.of());
    }

    private static Divergence divergence(String uri, String field, boolean expected) {
        return new Divergence(uri + ":3", uri, "Get", "Scenario 3", 3, 1, "When I get", 4, 0, "GetVariable", field,
                Map.of("simulator", "01", "qemu-ovmf", "02"), "simulator", List.of("qemu-ovmf"), expected,
                expected ? "qemu-ovmf: known" : null);
    }

    @Test
    @DisplayName("scenarios match across checkouts by their path under features/")
    void matchesAcrossCheckouts() {
        ReportChanges changes = ReportChanges.between(List.of(result(CI, "simulator", 3, "PASSED")),
                List.of(divergence(CI, "data", false)),
                List.of(result(LOCAL, "simulator", 3, "PASSED")), List.of(divergence(LOCAL, "data", false)));

        assertEquals(Map.of("passed", 1), changes.unchanged());
        assertEquals(1, changes.unchangedDivergences());
        assertTrue(changes.added().isEmpty() && changes.removed().isEmpty());
        assertFalse(changes.hasRegressions());
    }

    @Test
    @DisplayName("passed to failed is a regression; passed to skipped is only another change")
    void regressionsAndOtherChanges() {
        ReportChanges changes = ReportChanges.between(
                List.of(result(LOCAL, "simulator", 3, "PASSED"), result(LOCAL, "qemu-ovmf", 3, "PASSED")), List.of(),
                List.of(result(LOCAL, "simulator", 3, "AMBIGUOUS"), result(LOCAL, "qemu-ovmf", 3, "SKIPPED")),
                List.of());

        assertEquals(1, changes.regressions().size());
        ReportChanges.Change regression = changes.regressions().get(0);
        assertEquals("simulator", regression.target());
        assertEquals("features/variables/get.feature:3", regression.scenarioKey());
        assertEquals("PASSED", regression.before());
        assertEquals("AMBIGUOUS", regression.after());
        assertEquals(1, changes.otherChanges().size());
        assertEquals("SKIPPED", changes.otherChanges().get(0).after());
        assertTrue(changes.hasRegressions());
    }

    @Test
    @DisplayName("a new unexpected divergence is a regression; expected ones never count")
    void divergences() {
        ReportChanges expectedOnly = ReportChanges.between(List.of(), List.of(), List.of(),
                List.of(divergence(LOCAL, "data", true)));
        assertFalse(expectedOnly.hasRegressions());
        assertEquals(List.of(), expectedOnly.newDivergences());

        ReportChanges appeared = ReportChanges.between(List.of(), List.of(divergence(LOCAL, "data", true)),
                List.of(), List.of(divergence(LOCAL, "data", false)));
        assertTrue(appeared.hasRegressions());
        assertEquals(List.of("data"), appeared.newDivergences().stream().map(Divergence::field).toList());

        ReportChanges resolved = ReportChanges.between(List.of(), List.of(divergence(LOCAL, "status", false)),
                List.of(), List.of());
        assertFalse(resolved.hasRegressions());
        assertEquals(1, resolved.resolvedDivergences().size());
    }
}
