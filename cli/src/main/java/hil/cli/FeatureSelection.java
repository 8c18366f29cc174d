package hil.cli;

import io.cucumber.tagexpressions.Expression;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.discovery.FilePosition;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The features a run selects. Every selected file is parsed up front, so a syntax error stops the run before any
 * target starts, and the scenarios that the paths, lines and tag expression select are counted.
 */
final class FeatureSelection {

    private final Set<String> scenarios;
    private final List<DiscoverySelector> selectors;

    private FeatureSelection(Set<String> scenarios, List<DiscoverySelector> selectors) {
        this.scenarios = Set.copyOf(scenarios);
        this.selectors = List.copyOf(selectors);
    }

    /**
     * Parses the features the arguments name and selects their scenarios.
     *
     * @param tags the tag expression scenarios must match
     * @throws BadInputException for a missing path, a syntax error or a line where nothing starts
     */
    static FeatureSelection of(List<String> paths, Expression tags) {
        List<FeatureArgument> arguments = paths.stream().map(FeatureArgument::parse).toList();
        Map<Path, ParsedFeature> parsed = new HashMap<>();
        Set<String> selected = new LinkedHashSet<>();
        List<DiscoverySelector> selectors = new ArrayList<>();
        for (FeatureArgument argument : arguments) {
            for (Path file : featureFiles(argument)) {
                ParsedFeature feature = parsed.computeIfAbsent(file.toAbsolutePath().normalize(),
                        key -> ParsedFeature.parse(file));
                List<ParsedFeature.Candidate> candidates = argument.lines().isEmpty()
                        ? feature.candidates()
                        : onLines(feature, argument);
                candidates.stream()
                        .filter(s -> tags.evaluate(s.tags()))
                        .forEach(s -> selected.add(feature.key() + ":" + s.id()));
            }
            selectors.addAll(selectors(argument, parsed));
        }
        return new FeatureSelection(selected, selectors);
    }

    /** The JUnit Platform selectors that make the Cucumber engine pick what one argument selects. */
    private static List<DiscoverySelector> selectors(FeatureArgument argument, Map<Path, ParsedFeature> parsed) {
        Path path = argument.path().toAbsolutePath().normalize();
        if (argument.isDirectory()) {
            return List.of(DiscoverySelectors.selectDirectory(path.toFile()));
        }
        // The engine selects nothing for the line of the Feature keyword; the whole file is what that line means.
        int featureLine = parsed.get(path).featureLine();
        if (argument.lines().isEmpty() || argument.lines().contains(featureLine)) {
            return List.of(DiscoverySelectors.selectFile(path.toFile()));
        }
        return argument.lines().stream()
                .map(line -> (DiscoverySelector) DiscoverySelectors.selectFile(path.toFile(), FilePosition.from(line)))
                .toList();
    }

    private static List<ParsedFeature.Candidate> onLines(ParsedFeature feature, FeatureArgument argument) {
        List<ParsedFeature.Candidate> found = new ArrayList<>();
        for (int line : argument.lines()) {
            List<ParsedFeature.Candidate> onLine = feature.candidates().stream()
                    .filter(s -> s.lines().contains(line))
                    .toList();
            if (onLine.isEmpty()) {
                throw new BadInputException(argument.path() + ":" + line + ": no feature, rule, scenario, examples"
                        + " or example row starts on this line");
            }
            found.addAll(onLine);
        }
        return found;
    }

    private static List<Path> featureFiles(FeatureArgument argument) {
        if (!argument.isDirectory()) {
            return List.of(argument.path());
        }
        try (Stream<Path> walk = Files.walk(argument.path())) {
            return walk.filter(p -> p.getFileName().toString().endsWith(FeatureArgument.SUFFIX))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            throw new BadInputException(argument.text() + ": cannot list the directory: " + e.getMessage());
        }
    }

    /** How many scenarios (pickles: one per scenario or example row) the run will execute on each target. */
    int scenarioCount() {
        return scenarios.size();
    }

    /** The JUnit Platform selectors that make the Cucumber engine pick the same features and lines. */
    List<DiscoverySelector> selectors() {
        return selectors;
    }
}
