package hil.reports;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressPluginTest {

    private static final String NL = System.lineSeparator();
    private static final Pattern SCENARIO_LINE =
            Pattern.compile("  (PASSED|FAILED|SKIPPED|UNDEFINED) +\\d+\\.\\d{3}s  \\S+\\.feature:\\d+  .+");

    @Test
    @DisplayName("a passed scenario is one line with status, duration, location and name")
    void passedScenarioLine() {
        String text = ProgressPlugin.lines("PASSED", Duration.ofMillis(12),
                "features/variables/get.feature:12", "Get an existing variable", null);
        assertEquals("  PASSED      0.012s  features/variables/get.feature:12  Get an existing variable" + NL, text);
    }

    @Test
    @DisplayName("a scenario that did not pass gets a second, indented line with the first line of its reason")
    void failedScenarioHasReasonLine() {
        String text = ProgressPlugin.lines("FAILED", Duration.ofMillis(1500), "a.feature:3", "Set twice",
                "expected EFI_SUCCESS\nbut was EFI_NOT_FOUND");
        List<String> lines = text.lines().toList();
        assertEquals(2, lines.size());
        assertEquals("  FAILED      1.500s  a.feature:3  Set twice", lines.get(0));
        assertEquals("             expected EFI_SUCCESS", lines.get(1));
    }

    @Test
    @DisplayName("with a target label, every line of a scenario starts with the target's name in brackets")
    void labelledLines() {
        String text = ProgressPlugin.lines("[qemu-ovmf]", "FAILED", Duration.ofMillis(1500), "a.feature:3",
                "Set twice", "expected EFI_SUCCESS\nbut was EFI_NOT_FOUND");
        assertEquals(List.of("[qemu-ovmf]  FAILED      1.500s  a.feature:3  Set twice",
                "[qemu-ovmf]             expected EFI_SUCCESS"), text.lines().toList());
    }

    @Test
    @DisplayName("during a parallel run each scenario prints whole lines, with reasons under those that did not pass")
    void realRunPrintsWholeLines() {
        String out = FixtureRun.outcome().stdout();
        List<String> scenarioLines = out.lines().filter(l -> SCENARIO_LINE.matcher(l).matches()).toList();
        assertEquals(12, scenarioLines.size(), out);
        String location = Locations.display(FixtureRun.feature().toUri().toString(), Path.of("").toAbsolutePath());
        assertTrue(out.contains(location + ":3  A call is observed" + NL), out);
        assertTrue(out.contains(location + ":7  A call the target cannot observe" + NL
                + "             not observable on target fixture: no console on this board" + NL), out);
        assertTrue(out.contains(location + ":17  A step nobody wrote" + NL
                + "             undefined step: When a step that has no definition runs" + NL), out);
        assertTrue(out.contains(location + ":12  A check fails" + NL
                + "             expected EFI_SUCCESS but was EFI_NOT_FOUND" + NL), out);
    }
}
