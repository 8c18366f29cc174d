package hil.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The directory a run writes its report into:
 * <pre>
 * DIR/.hil-report               marks the directory as written by hil
 * DIR/targets/NAME/results.json each target's scenario results
 * DIR/cucumber-NAME.html        Cucumber's own report of each target
 * DIR/cucumber-NAME.ndjson      Cucumber messages of each target
 * DIR/index.html, summary.json, junit/, ...   the combined report
 * </pre>
 * A run starts from an empty directory. It only empties a directory it created before (one with the marker file),
 * so a mistyped {@code --report} can never wipe unrelated files.
 */
final class ReportDirectory {

    static final String DEFAULT_DIR = "hil-report";
    static final String MARKER = ".hil-report";

    private final Path dir;

    private ReportDirectory(Path dir) {
        this.dir = dir;
    }

    /**
     * Checks, without changing anything, that a run may write into {@code dir}.
     *
     * @throws BadInputException if it is a file, or a non-empty directory hil did not create
     */
    static ReportDirectory check(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new BadInputException("report directory " + dir + " is a file (choose another --report DIR)");
        }
        if (Files.isDirectory(dir) && !Files.exists(dir.resolve(MARKER)) && !isEmpty(dir)) {
            throw new BadInputException("report directory " + dir + " already holds files that hil did not write"
                    + " (choose another --report DIR, or empty it)");
        }
        return new ReportDirectory(dir);
    }

    /** Removes the previous run's report and leaves an empty, marked directory. */
    void prepare() {
        try {
            if (Files.isDirectory(dir)) {
                List<Path> previous;
                try (Stream<Path> walk = Files.walk(dir)) {
                    previous = walk.filter(p -> !p.equals(dir)).sorted(Comparator.reverseOrder()).toList();
                }
                for (Path path : previous) {
                    Files.delete(path);
                }
            }
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(MARKER), "This directory is written by 'hil run'; each run replaces its"
                    + " contents.\n");
        } catch (IOException | UncheckedIOException e) {
            throw new BadInputException("cannot prepare report directory " + dir + ": " + e.getMessage());
        }
    }

    Path dir() {
        return dir;
    }

    /** Where the recording plugin leaves a target's {@code results.json}. */
    Path results(String target) {
        return dir.resolve("targets").resolve(target);
    }

    /** Where job {@code job} of a target run as several jobs leaves its results (0: the target's only job). */
    Path results(String target, int job) {
        return job == 0 ? results(target) : results(target).resolve("job-" + job);
    }

    Path cucumberHtml(String target) {
        return dir.resolve("cucumber-" + target + ".html");
    }

    Path cucumberMessages(String target) {
        return dir.resolve("cucumber-" + target + ".ndjson");
    }

    Path index() {
        return dir.resolve("index.html");
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new BadInputException("cannot read report directory " + dir + ": " + e.getMessage());
        }
    }
}
