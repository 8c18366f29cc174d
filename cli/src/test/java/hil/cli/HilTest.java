package hil.cli;

import hil.targets.TargetKind;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HilTest {

    private static final String FEATURE = """
            Feature: Variables

              Scenario: Set a variable
                Given the firmware is in the boot phase
            """;

    @TempDir
    Path dir;

    private Path labConfig;
    private Path features;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private List<TargetKind> kinds = List.of(FakeKind.simulatorLike(),
            FakeKind.unavailable("qemu-ovmf", "qemu-system-x86_64 not found (apt-get install qemu-system-x86)"));

    @BeforeEach
    void lab() throws IOException {
        labConfig = Files.createDirectories(dir.resolve("lab-config"));
        Files.writeString(labConfig.resolve("simulator.yaml"), "name: simulator\nkind: simulator\n");
        features = Files.createDirectories(dir.resolve("features"));
        Files.writeString(features.resolve("variables.feature"), FEATURE);
    }

    private int hil(String... args) {
        Environment env = new Environment(new PrintWriter(out, true), new PrintWriter(err, true), () -> kinds,
                Optional.empty());
        return Hil.execute(env, args);
    }

    /** {@code hil run} with this test's lab-config and report directory, plus the given arguments. */
    private int run(String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "run";
        all[1] = "--lab-config";
        all[2] = labConfig.toString();
        all[3] = "--report";
        all[4] = dir.resolve("report").toString();
        System.arraycopy(args, 0, all, 5, args.length);
        return hil(all);
    }

    private String stderr() {
        return err.toString();
    }

    private void assertOneLineError(String expected) {
        assertEquals("hil: " + expected + System.lineSeparator(), stderr());
    }

    @Nested
    @DisplayName("command line parsing")
    class Parsing {

        private RunCommand parseRun(String... args) {
            Environment env = new Environment(new PrintWriter(out), new PrintWriter(err), () -> kinds,
                    Optional.empty());
            CommandLine.ParseResult parsed = Hil.commandLine(env).parseArgs(args);
            return (RunCommand) parsed.subcommand().commandSpec().userObject();
        }

        @Test
        void run_takes_repeated_targets_tags_report_lab_config_and_paths() {
            RunCommand run = parseRun("run", "--target", "simulator", "-t", "qemu", "--tags", "@smoke",
                    "--report", "out", "--lab-config", "lab", "a.feature:3", "features/smoke");

            assertEquals(List.of("simulator", "qemu"), run.targets);
            assertEquals("@smoke", run.tags);
            assertEquals(Path.of("out"), run.report);
            assertEquals(Path.of("lab"), run.labConfig);
            assertEquals(List.of("a.feature:3", "features/smoke"), run.paths);
        }

        @Test
        void run_without_options_uses_the_defaults() {
            RunCommand run = parseRun("run");

            assertEquals(List.of(), run.targets, "an empty list means the simulator");
            assertNull(run.tags);
            assertEquals(Path.of("hil-report"), run.report);
            assertNull(run.labConfig, "no option means lab-config/ here, else the installation's");
            assertEquals(List.of(), run.paths, "no paths means features/");
        }

        @Test
        void an_unknown_option_is_a_usage_error_with_a_hint() {
            assertEquals(2, hil("run", "--nope"));

            assertEquals("hil: Unknown option: '--nope'" + System.lineSeparator()
                    + "Try 'hil run --help' for more information." + System.lineSeparator(), stderr());
        }

        @Test
        void a_missing_option_value_is_a_usage_error() {
            assertEquals(2, hil("run", "--tags"));

            assertTrue(stderr().startsWith("hil: Missing required parameter for option '--tags'"), stderr());
        }

        @Test
        void no_command_is_a_usage_error() {
            assertEquals(2, hil());

            assertEquals("hil: missing a command: run, targets, compare or bench" + System.lineSeparator()
                    + "Try 'hil --help' for more information." + System.lineSeparator(), stderr());
        }

        @Test
        void version_prints_the_version_and_succeeds() {
            assertEquals(0, hil("--version"));

            assertTrue(out.toString().startsWith("hil "), out.toString());
        }

        @Test
        void help_of_run_lists_its_options_and_succeeds() {
            assertEquals(0, hil("run", "--help"));

            String help = out.toString();
            for (String option : List.of("--target", "--tags", "--report", "--lab-config", "PATH")) {
                assertTrue(help.contains(option), () -> option + " missing from: " + help);
            }
        }
    }

    @Nested
    @DisplayName("hil run stops with status 2 and one line on stderr")
    class BadInput {

        @Test
        void for_an_unknown_target() {
            assertEquals(2, run("--target", "nosuch", features.toString()));

            assertOneLineError("unknown target 'nosuch' (" + labConfig + " has: simulator)");
        }

        @Test
        void for_a_feature_with_a_syntax_error() throws IOException {
            Path broken = Files.writeString(features.resolve("broken.feature"), """
                    Feature: Broken

                      Scenario: One
                        Given the firmware is in the boot phase
                      This line is not Gherkin
                    """);

            assertEquals(2, run(features.toString()));

            String message = stderr();
            assertTrue(message.startsWith("hil: " + broken + ":5:3: expected: "), message);
            assertTrue(message.endsWith("got 'This line is not Gherkin'" + System.lineSeparator()), message);
            assertEquals(1, message.lines().count());
        }

        @Test
        void for_a_bad_lab_config_key() throws IOException {
            Files.writeString(labConfig.resolve("simulator.yaml"),
                    "name: simulator\nkind: simulator\nsettings:\n  profil: ovmf-4m\n");

            assertEquals(2, run(features.toString()));

            assertOneLineError(labConfig.resolve("simulator.yaml") + ":4: settings.profil: unknown key (accepted:"
                    + " profile)");
        }

        @Test
        void for_a_missing_lab_config_directory() {
            labConfig = dir.resolve("nowhere");

            assertEquals(2, run(features.toString()));

            assertTrue(stderr().startsWith("hil: lab-config directory " + labConfig + " not found"), stderr());
        }

        @Test
        void for_an_invalid_tag_expression() {
            assertEquals(2, run("--tags", "@smoke and", features.toString()));

            assertTrue(stderr().startsWith("hil: invalid --tags expression: "), stderr());
            assertEquals(1, stderr().lines().count());
        }

        // The tests run in the module directory, which has no features/ of its own.
        @Test
        void without_paths_outside_a_project_directory() {
            assertEquals(2, run());

            assertOneLineError("no features/ directory here (run hil in the project directory, or give feature"
                    + " files or directories)");
        }

        @Test
        void for_a_path_that_does_not_exist() {
            Path missing = dir.resolve("missing.feature");

            assertEquals(2, run(missing.toString()));

            assertOneLineError(missing + ": no such file or directory (give feature files or directories of them)");
        }

        @Test
        void for_a_line_where_no_scenario_starts() {
            Path feature = features.resolve("variables.feature");

            assertEquals(2, run(feature + ":2"));

            assertOneLineError(feature + ":2: no feature, rule, scenario, examples or example row starts on this"
                    + " line");
        }

        @Test
        void when_the_tags_leave_no_scenario() {
            assertEquals(2, run("--tags", "@nothing-has-this", features.toString()));

            assertOneLineError("no scenarios to run: " + features + " has none matching --tags '@nothing-has-this'");
        }

        @Test
        void for_a_target_that_cannot_run_here() throws IOException {
            Files.writeString(labConfig.resolve("qemu.yaml"), "name: qemu\nkind: qemu-ovmf\n");

            assertEquals(2, run("--target", "qemu", features.toString()));

            assertOneLineError("target 'qemu' cannot run here: qemu-system-x86_64 not found (apt-get install"
                    + " qemu-system-x86) (see 'hil targets')");
        }

        @Test
        void for_a_report_directory_holding_other_files() throws IOException {
            Path report = Files.createDirectories(dir.resolve("report"));
            Files.writeString(report.resolve("notes.txt"), "mine");

            assertEquals(2, run(features.toString()));

            assertOneLineError("report directory " + report + " already holds files that hil did not write"
                    + " (choose another --report DIR, or empty it)");
            assertTrue(Files.exists(report.resolve("notes.txt")));
        }

        @Test
        void without_writing_a_report() {
            run("--target", "nosuch", features.toString());

            assertFalse(Files.exists(dir.resolve("report")));
            assertEquals("", out.toString());
        }
    }

    @Nested
    @DisplayName("hil targets")
    class Targets {

        @Test
        void lists_each_target_with_kind_capabilities_and_availability() throws IOException {
            Files.writeString(labConfig.resolve("qemu.yaml"), "name: qemu\nkind: qemu-ovmf\n");

            assertEquals(0, hil("targets", "--lab-config", labConfig.toString()));

            assertEquals(List.of(
                    "NAME       KIND       CAPABILITIES     AVAILABILITY",
                    "qemu       qemu-ovmf  -                unavailable: qemu-system-x86_64 not found (apt-get install"
                            + " qemu-system-x86)",
                    "simulator  simulator  raw-calls,reset  available"), out.toString().lines().toList());
        }

        @Test
        void stops_with_status_2_on_a_bad_lab_config() throws IOException {
            Files.writeString(labConfig.resolve("simulator.yaml"), "name: simulator\nkind: nosuch\n");

            assertEquals(2, hil("targets", "--lab-config", labConfig.toString()));

            assertOneLineError(labConfig.resolve("simulator.yaml") + ":2: kind: unknown kind 'nosuch' (accepted:"
                    + " simulator, qemu-ovmf)");
        }
    }
}
