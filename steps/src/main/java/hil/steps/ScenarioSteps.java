package hil.steps;

import io.cucumber.gherkin.GherkinParser;
import io.cucumber.messages.types.Envelope;
import io.cucumber.messages.types.Examples;
import io.cucumber.messages.types.FeatureChild;
import io.cucumber.messages.types.GherkinDocument;
import io.cucumber.messages.types.Pickle;
import io.cucumber.messages.types.PickleStep;
import io.cucumber.messages.types.RuleChild;
import io.cucumber.messages.types.Scenario;
import io.cucumber.messages.types.TableRow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The step texts of a scenario before it runs (Background steps included, an outline's example values filled in),
 * so a target can choose how to run it — e.g. whether its OS phase must be one a program drives call by call. Cucumber
 * hands a hook the scenario's file and line only; this reads the file with the same Gherkin parser and finds the
 * scenario (or the example row) at that line. Parsed files are kept for the run.
 */
final class ScenarioSteps {

    private static final Map<URI, Map<Long, List<String>>> FILES = new ConcurrentHashMap<>();

    private ScenarioSteps() {
    }

    /** The steps of the scenario at {@code line} of {@code uri}; empty when the file cannot be read as a feature. */
    static List<String> of(URI uri, int line) {
        if (!"file".equals(uri.getScheme())) {
            return List.of();
        }
        return FILES.computeIfAbsent(uri, ScenarioSteps::parse).getOrDefault((long) line, List.of());
    }

    private static Map<Long, List<String>> parse(URI uri) {
        byte[] source;
        try {
            source = Files.readAllBytes(Path.of(uri));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the feature " + uri, e);
        }
        List<Envelope> envelopes = GherkinParser.builder().includeSource(false).includeGherkinDocument(true)
                .includePickles(true).build().parse(uri.toString(), source).toList();
        Map<String, Long> lines = new HashMap<>();
        envelopes.stream().map(Envelope::getGherkinDocument).flatMap(Optional::stream)
                .map(GherkinDocument::getFeature).flatMap(Optional::stream)
                .forEach(f -> f.getChildren().forEach(c -> collect(c, lines)));
        Map<Long, List<String>> byLine = new HashMap<>();
        envelopes.stream().map(Envelope::getPickle).flatMap(Optional::stream).forEach(p -> {
            List<String> ids = p.getAstNodeIds();
            Long at = ids.isEmpty() ? null : lines.get(ids.get(ids.size() - 1));
            if (at != null) {
                byLine.put(at, texts(p));
            }
        });
        return byLine;
    }

    private static List<String> texts(Pickle p) {
        List<String> out = new ArrayList<>();
        for (PickleStep s : p.getSteps()) {
            out.add(s.getText());
        }
        return List.copyOf(out);
    }

    private static void collect(FeatureChild c, Map<String, Long> lines) {
        c.getScenario().ifPresent(s -> scenario(s, lines));
        c.getRule().ifPresent(r -> r.getChildren().stream().map(RuleChild::getScenario).flatMap(Optional::stream)
                .forEach(s -> scenario(s, lines)));
    }

    private static void scenario(Scenario s, Map<String, Long> lines) {
        lines.put(s.getId(), s.getLocation().getLine());
        for (Examples e : s.getExamples()) {
            for (TableRow row : e.getTableBody()) {
                lines.put(row.getId(), row.getLocation().getLine());
            }
        }
    }
}
