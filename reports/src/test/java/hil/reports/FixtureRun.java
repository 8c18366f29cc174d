package hil.reports;

import hil.reports.fixture.RecordingFixtureSteps;
import io.cucumber.core.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Cucumber run of {@code recording.feature} with the fixture glue and both plugins, made once per test
 * JVM and shared by the tests that inspect it.
 */
final class FixtureRun {

    static final String TARGET = "fixture";

    /** What the run left: Cucumber's exit status, the recording directory, and everything printed. */
    record Outcome(byte exitStatus, Path dir, String stdout) {
    }

    private static Outcome outcome;

    private FixtureRun() {
    }

    static synchronized Outcome outcome() {
        if (outcome == null) {
            Path dir = newDirectory();
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            PrintStream stdout = System.out;
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            byte status;
            try {
                status = cucumber(dir, "--plugin", "hil.reports.ProgressPlugin",
                        "--threads", Integer.toString(RecordingFixtureSteps.PARALLEL_SCENARIOS),
                        feature().toString());
            } finally {
                System.setOut(stdout);
            }
            outcome = new Outcome(status, dir, captured.toString(StandardCharsets.UTF_8));
        }
        return outcome;
    }

    /** Runs Cucumber on the fixture glue with the recording plugin writing to {@code dir}, as target "fixture". */
    static byte cucumber(Path dir, String... arguments) {
        List<String> argv = new ArrayList<>(List.of(
                "--glue", "hil.reports.fixture",
                "--plugin", "hil.reports.RecordingPlugin:" + dir,
                "--monochrome"));
        argv.addAll(List.of(arguments));
        String previous = System.getProperty(RecordingPlugin.TARGET_PROPERTY);
        System.setProperty(RecordingPlugin.TARGET_PROPERTY, TARGET);
        try {
            return Main.run(argv.toArray(String[]::new), FixtureRun.class.getClassLoader());
        } finally {
            if (previous == null) {
                System.clearProperty(RecordingPlugin.TARGET_PROPERTY);
            } else {
                System.setProperty(RecordingPlugin.TARGET_PROPERTY, previous);
            }
        }
    }

    /** The fixture feature as a file, so that its URI is a {@code file:} URI as in real runs. */
    static Path feature() {
        try {
            return Path.of(FixtureRun.class.getResource("fixture/recording.feature").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path newDirectory() {
        try {
            Path target = Files.createDirectories(Path.of("target"));
            return Files.createTempDirectory(target, "fixture-run-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
