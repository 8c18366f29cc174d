package hil.reports;

import hil.reports.model.Artifact;
import hil.reports.model.ScenarioResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts the evidence targets attached next to the report and names it by a link relative to the report directory.
 * Files already inside the report directory (where {@code hil run} has the recording plugin write them:
 * {@code targets/<target>/artifacts/}) stay where they are; files elsewhere are copied to
 * {@code artifacts/<target>/}, so the report directory is complete on its own.
 */
final class ArtifactFiles {

    private ArtifactFiles() {
    }

    /** The results with each artifact's file replaced by its link from {@code reportDir}. */
    static List<ScenarioResult> place(Path reportDir, List<ScenarioResult> results) {
        Path base = reportDir.toAbsolutePath().normalize();
        Map<String, Integer> copied = new HashMap<>();
        List<ScenarioResult> placed = new ArrayList<>(results.size());
        for (ScenarioResult result : results) {
            if (result.artifacts().isEmpty()) {
                placed.add(result);
                continue;
            }
            List<Artifact> linked = new ArrayList<>();
            for (Artifact artifact : result.artifacts()) {
                Path file = base.resolve(artifact.file()).normalize();
                if (!file.startsWith(base)) {
                    file = copy(file, base, result.target(), copied);
                }
                linked.add(artifact.withFile(href(base.relativize(file))));
            }
            placed.add(result.withArtifacts(linked));
        }
        return placed;
    }

    private static Path copy(Path source, Path base, String target, Map<String, Integer> copied) {
        String name = source.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String extension = dot < 0 ? "" : name.substring(dot);
        Path dir = base.resolve("artifacts").resolve(Text.fileName(target));
        Path destination = dir.resolve(copied.merge(target, 1, Integer::sum) + extension);
        try {
            Files.createDirectories(dir);
            Files.copy(source, destination, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ReportException("cannot copy the attachment " + source + " of target " + target + " to "
                    + destination + ": " + e, e);
        }
        return destination;
    }

    /** A relative path as a URL path: segments joined by '/', each percent-encoded where needed. */
    static String href(Path relative) {
        List<String> segments = new ArrayList<>();
        for (Path segment : relative) {
            StringBuilder encoded = new StringBuilder();
            for (byte b : segment.toString().getBytes(StandardCharsets.UTF_8)) {
                char c = (char) (b & 0xFF);
                if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.'
                        || c == '_' || c == '-') {
                    encoded.append(c);
                } else {
                    encoded.append('%').append(String.format("%02X", b & 0xFF));
                }
            }
            segments.add(encoded.toString());
        }
        return String.join("/", segments);
    }
}
