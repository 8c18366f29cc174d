package hil.cli;

import hil.targets.TargetKinds;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code hil run} end to end: the real step definitions on the built-in simulator. */
class RunOnSimulatorTest {

    private static final String BACKGROUND = """
            Feature: Smoke

              Background:
                Given vendor "TestVendor" is 12345678-1234-1234-1234-123456789abc
                And the firmware is in the boot phase
            """;

    private static final String PASSING = """

              Scenario: A variable reads back
                When I set the variable "HilSmoke" of vendor TestVendor with attributes NV|BS|RT to hex "01 02"
                Then the status is EFI_SUCCESS
                When I get the variable "HilSmoke" of vendor TestVendor
                Then the data is hex "01 02"
            """;

    @TempDir
    Path dir;

    private Path labConfig;
    private Path report;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void lab() throws IOException {
        labConfig = Files.createDirectories(dir.resolve("lab-config"));
        Files.writeString(labConfig.resolve("simulator.yaml"), "name: simulator\nkind: simulator\n");
        report = dir.resolve("report");
    }

    private int run(Path feature) {
        Environment env = new Environment(new PrintWriter(out, true), new PrintWriter(err, true), TargetKinds::all,
                Optional.empty());
        return Hil.execute(env, "run", "--lab-config", labConfig.toString(), "--report", report.toString(),
                feature.toString());
    }

    @Test
    void a_passing_feature_exits_0_and_leaves_a_summary() throws IOException {
        Path feature = Files.writeString(dir.resolve("smoke.feature"), BACKGROUND + PASSING);

        assertEquals(0, run(feature), err::toString);

        assertTrue(Files.isRegularFile(report.resolve("summary.json")));
        assertTrue(Files.isRegularFile(report.resolve("targets/simulator/results.json")));
        assertTrue(Files.isRegularFile(report.resolve("cucumber-simulator.html")));
        assertTrue(out.toString().startsWith("Target simulator (simulator, profile ovmf-4m): 1 scenario"),
                out::toString);
        assertTrue(out.toString().contains("  simulator  1 passed, 0 failed, 0 skipped, 0 undefined"),
                out::toString);
        assertEquals("", err.toString());
    }

    @Test
    void a_failing_scenario_exits_1() throws IOException {
        Path feature = Files.writeString(dir.resolve("smoke.feature"), BACKGROUND + PASSING + """

                  Scenario: A wrong expectation
                    When I get the variable "NeverSet" of vendor TestVendor
                    Then the status is EFI_SUCCESS
                """);

        assertEquals(1, run(feature));

        assertTrue(out.toString().contains("  simulator  1 passed, 1 failed, 0 skipped, 0 undefined"),
                out::toString);
    }

    @Test
    void an_undefined_step_exits_1() throws IOException {
        Path feature = Files.writeString(dir.resolve("smoke.feature"), BACKGROUND + """

                  Scenario: A phrase the feature language does not have
                    When the firmware sings
                """);

        assertEquals(1, run(feature));

        assertTrue(out.toString().contains("  simulator  0 passed, 0 failed, 0 skipped, 1 undefined"),
                out::toString);
    }
}
