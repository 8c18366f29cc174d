package hil.cli;

import hil.reports.compare.ScenarioKeys;
import io.cucumber.tagexpressions.Expression;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.discovery.FilePosition;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
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

    /**
     * One selected scenario (or example row).
     *
     * @param file its feature file
     * @param line its own line, as reports name it
     * @param key  its identity across checkouts: {@code features/…/x.feature:LINE}
     */
    record Pick(Path file, int line, String key) {
    }

    private final Set<String> scenarios;
    private final List<DiscoverySelector> selectors;
    private final List<Pick> picks;

    private FeatureSelection(Set<String> scenarios, List<DiscoverySelector> selectors, List<Pick> picks) {
        this.scenarios = Set.copyOf(scenarios);
        this.selectors = List.copyOf(selectors);
        this.picks = List.copyOf(picks);
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
        Map<String, Pick> picks = new LinkedHashMap<>();
        List<DiscoverySelector> selectors = new ArrayList<>();
        for (FeatureArgument argument : arguments) {
            for (Path file : featureFiles(argument)) {
                ParsedFeature feature = parsed.computeIfAbsent(file.toAbsolutePath().normalize(),
                        key -> ParsedFeature.parse(file));
                List<ParsedFeature.Candidate> candidates = argument.lines().isEmpty()
                        ? feature.candidates()
                        : onLines(feature, argument);
                Path absolute = file.toAbsolutePath().normalize();
                candidates.stream()
                        .filter(s -> tags.evaluate(s.tags()))
                        .forEach(s -> {
                            selected.add(feature.key() + ":" + s.id());
                            String key = ScenarioKeys.portable(absolute.toUri().toString(), s.line());
                            picks.putIfAbsent(feature.key() + ":" + s.id(), new Pick(absolute, s.line(), key));
                        });
            }
            selectors.addAll(selectors(argument, parsed));
        }
        return new FeatureSelection(selected, selectors, new ArrayList<>(picks.values()));
    }

    /**
     * Shard {@code index} (from 1) of {@code count}: a deterministic part of the selected scenarios, the same on every
     * checkout of the same features. Without durations the scenarios, ordered by their portable key, are dealt out
     * in turn; with the durations of an earlier run (portable key → nanoseconds), the longest first, each to the
     * shard with the least time so far (a scenario without a recorded duration counts as the median one).
     */
    FeatureSelection shard(int index, int count, Map<String, Long> durations) {
        if (count < 1 || index < 1 || index > count) {
            throw new IllegalArgumentException("shard " + index + "/" + count);
        }
        List<Pick> ordered = new ArrayList<>(picks);
        ordered.sort(Comparator.comparing(Pick::key));
        List<Pick> mine = new ArrayList<>();
        if (durations.isEmpty()) {
            for (int i = 0; i < ordered.size(); i++) {
                if (i % count == index - 1) {
                    mine.add(ordered.get(i));
                }
            }
        } else {
            long[] known = ordered.stream().map(p -> durations.get(p.key())).filter(d -> d != null)
                    .mapToLong(Long::longValue).sorted().toArray();
            long median = known.length == 0 ? 1 : known[known.length / 2];
            List<Pick> longestFirst = new ArrayList<>(ordered);
            longestFirst.sort(Comparator.comparing((Pick p) -> -durations.getOrDefault(p.key(), median))
                    .thenComparing(Pick::key));
            long[] load = new long[count];
            for (Pick p : longestFirst) {
                int least = 0;
                for (int s = 1; s < count; s++) {
                    if (load[s] < load[least]) {
                        least = s;
                    }
                }
                load[least] += Math.max(1, durations.getOrDefault(p.key(), median));
                if (least == index - 1) {
                    mine.add(p);
                }
            }
            mine.sort(Comparator.comparing(Pick::key));
        }
        Set<String> keys = new LinkedHashSet<>();
        List<DiscoverySelector> lines = new ArrayList<>();
        for (Pick p : mine) {
            keys.add(p.key());
            lines.add(DiscoverySelectors.selectFile(p.file().toFile(), FilePosition.from(p.line())));
        }
        return new FeatureSelection(keys, lines, mine);
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
