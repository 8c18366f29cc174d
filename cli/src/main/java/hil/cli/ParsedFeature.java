package hil.cli;

import io.cucumber.gherkin.GherkinParser;
import io.cucumber.messages.types.Envelope;
import io.cucumber.messages.types.Examples;
import io.cucumber.messages.types.Feature;
import io.cucumber.messages.types.FeatureChild;
import io.cucumber.messages.types.Location;
import io.cucumber.messages.types.ParseError;
import io.cucumber.messages.types.Pickle;
import io.cucumber.messages.types.PickleTag;
import io.cucumber.messages.types.Rule;
import io.cucumber.messages.types.RuleChild;
import io.cucumber.messages.types.Scenario;
import io.cucumber.messages.types.TableRow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One feature file parsed with the Gherkin parser Cucumber uses, reduced to what selection needs: its candidates
 * (one per scenario or example row, as Cucumber runs them) with their tags and the lines that select them.
 *
 * @param key         the file's normalised absolute path
 * @param featureLine the line of the {@code Feature:} keyword, 0 in a file without one
 * @param candidates  the scenarios in file order
 */
record ParsedFeature(String key, int featureLine, List<Candidate> candidates) {

    /**
     * One runnable scenario: a scenario, or one example row of an outline.
     *
     * @param id    unique within the file
     * @param tags  its tags with their {@code @}, inherited ones included
     * @param lines the lines whose selection includes it: feature, rule, scenario, examples block, row
     * @param line  its own line: the scenario's, or the example row's (the line reports name it by)
     */
    record Candidate(String id, List<String> tags, Set<Integer> lines, int line) {
    }

    ParsedFeature {
        candidates = List.copyOf(candidates);
    }

    /**
     * Parses a feature file.
     *
     * @throws BadInputException naming file, line and column of the first syntax error
     */
    static ParsedFeature parse(Path file) {
        List<Envelope> envelopes;
        try (Stream<Envelope> stream = GherkinParser.builder().includeSource(false).build().parse(file)) {
            envelopes = stream.toList();
        } catch (IOException | UncheckedIOException e) {
            throw new BadInputException(file + ": cannot read: " + e.getMessage());
        }
        envelopes.stream().flatMap(e -> e.getParseError().stream()).findFirst().ifPresent(error -> {
            throw new BadInputException(syntaxError(file, error));
        });
        Map<String, Set<Integer>> linesByNode = new HashMap<>();
        Map<String, Integer> ownLines = new HashMap<>();
        Optional<Feature> feature = envelopes.stream()
                .flatMap(e -> e.getGherkinDocument().stream())
                .flatMap(d -> d.getFeature().stream())
                .findFirst();
        feature.ifPresent(f -> indexFeature(f, linesByNode, ownLines));
        List<Candidate> candidates = envelopes.stream()
                .flatMap(e -> e.getPickle().stream())
                .map(pickle -> candidate(pickle, linesByNode, ownLines))
                .toList();
        return new ParsedFeature(file.toAbsolutePath().normalize().toString(),
                feature.map(f -> line(f.getLocation())).orElse(0), candidates);
    }

    private static Candidate candidate(Pickle pickle, Map<String, Set<Integer>> linesByNode,
                                       Map<String, Integer> ownLines) {
        Set<Integer> lines = new HashSet<>();
        pickle.getAstNodeIds().forEach(id -> lines.addAll(linesByNode.getOrDefault(id, Set.of())));
        // The last AST node is the most specific: the example row of an outline, else the scenario.
        List<String> ids = pickle.getAstNodeIds();
        int line = ids.isEmpty() ? 0 : ownLines.getOrDefault(ids.get(ids.size() - 1), 0);
        return new Candidate(pickle.getId(), pickle.getTags().stream().map(PickleTag::getName).toList(), lines, line);
    }

    private static String syntaxError(Path file, ParseError error) {
        String where = error.getSource().getLocation()
                .map(l -> ":" + l.getLine() + l.getColumn().map(c -> ":" + c).orElse(""))
                .orElse("");
        // The parser starts its message with "(line:column): "; the location is already in front.
        String message = error.getMessage().replaceFirst("^\\(\\d+:\\d+\\):\\s*", "");
        return file + where + ": " + message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** Records, for each scenario and example row, its own line and the lines of what contains it. */
    private static void indexFeature(Feature feature, Map<String, Set<Integer>> linesByNode,
                                     Map<String, Integer> ownLines) {
        Set<Integer> featureLines = Set.of(line(feature.getLocation()));
        for (FeatureChild child : feature.getChildren()) {
            child.getScenario().ifPresent(scenario -> indexScenario(scenario, featureLines, linesByNode, ownLines));
            child.getRule().ifPresent(rule -> indexRule(rule, featureLines, linesByNode, ownLines));
        }
    }

    private static void indexRule(Rule rule, Set<Integer> outer, Map<String, Set<Integer>> linesByNode,
                                  Map<String, Integer> ownLines) {
        Set<Integer> ruleLines = with(outer, line(rule.getLocation()));
        for (RuleChild child : rule.getChildren()) {
            child.getScenario().ifPresent(scenario -> indexScenario(scenario, ruleLines, linesByNode, ownLines));
        }
    }

    private static void indexScenario(Scenario scenario, Set<Integer> outer, Map<String, Set<Integer>> linesByNode,
                                      Map<String, Integer> ownLines) {
        Set<Integer> scenarioLines = with(outer, line(scenario.getLocation()));
        linesByNode.put(scenario.getId(), scenarioLines);
        ownLines.put(scenario.getId(), line(scenario.getLocation()));
        for (Examples examples : scenario.getExamples()) {
            Set<Integer> examplesLines = Set.of(line(examples.getLocation()));
            for (TableRow row : examples.getTableBody()) {
                linesByNode.put(row.getId(), with(examplesLines, line(row.getLocation())));
                ownLines.put(row.getId(), line(row.getLocation()));
            }
        }
    }

    private static Set<Integer> with(Set<Integer> lines, int line) {
        Set<Integer> union = new HashSet<>(lines);
        union.add(line);
        return Set.copyOf(union);
    }

    private static int line(Location location) {
        return location.getLine().intValue();
    }
}
