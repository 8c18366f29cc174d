package hil.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CucumberRunTest {

    @TempDir
    Path dir;

    @Test
    void configures_glue_plugins_per_target_tags_and_quiet_output() {
        ReportDirectory report = ReportDirectory.check(dir);

        Map<String, String> parameters = CucumberRun.parameters("board-1", "@smoke", report);

        assertEquals(Map.of(
                "cucumber.glue", "hil.steps",
                "cucumber.plugin", "hil.reports.RecordingPlugin:" + dir.resolve("targets/board-1")
                        + ", hil.reports.ProgressPlugin"
                        + ", html:" + dir.resolve("cucumber-board-1.html")
                        + ", message:" + dir.resolve("cucumber-board-1.ndjson"),
                "cucumber.filter.tags", "@smoke",
                "cucumber.publish.quiet", "true",
                "cucumber.ansi-colors.disabled", "true"), parameters);
    }

    @Test
    void labels_progress_lines_with_the_target_when_several_targets_run() {
        String plugins = CucumberRun.parameters("qemu-ovmf", null, ReportDirectory.check(dir), true)
                .get("cucumber.plugin");

        assertTrue(plugins.contains(", hil.reports.ProgressPlugin:qemu-ovmf, "), plugins);
    }

    @Test
    void leaves_out_the_tag_filter_when_no_tags_are_given() {
        assertFalse(CucumberRun.parameters("simulator", null, ReportDirectory.check(dir))
                .containsKey("cucumber.filter.tags"));
    }
}
