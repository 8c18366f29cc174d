package hil.reports;

import com.fasterxml.jackson.core.type.TypeReference;
import hil.reports.model.ScenarioResult;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * {@code results.json}: the scenario results of one run on one target, as {@link RecordingPlugin} leaves them.
 * Artifact files are named relative to the directory in the file and absolute once read, so that the results can
 * be read from anywhere.
 */
final class ResultsFile {

    static final String NAME = "results.json";

    private ResultsFile() {
    }

    static void write(Path dir, List<ScenarioResult> results) {
        Path file = dir.resolve(NAME);
        Path partial = dir.resolve(NAME + ".partial");
        try {
            Files.createDirectories(dir);
            Json.MAPPER.writeValue(partial.toFile(), results);
            // A reader never sees a half-written file: the complete file replaces the old one in one step.
            try {
                Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new ReportException("cannot write the scenario results to " + file.toAbsolutePath() + ": " + e, e);
        }
    }

    static List<ScenarioResult> read(Path dir) {
        Path file = dir.resolve(NAME);
        try {
            List<ScenarioResult> results = Json.MAPPER.readValue(file.toFile(), new TypeReference<List<ScenarioResult>>() {
            });
            Path base = dir.toAbsolutePath().normalize();
            return results.stream()
                    .map(r -> r.artifacts().isEmpty() ? r : r.withArtifacts(r.artifacts().stream()
                            .map(a -> a.withFile(base.resolve(a.file()).normalize().toString()))
                            .toList()))
                    .toList();
        } catch (IOException e) {
            throw new ReportException("cannot read the scenario results in " + file.toAbsolutePath() + ": " + e, e);
        }
    }
}
