package hil.reports.compare;

import hil.reports.model.ScenarioResult;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The cross-target comparison of a run: the same scenario (feature URI and line) lined up across targets, then
 * each step, then each observation within the step. A <em>divergence</em> is any difference between targets in the
 * same step: whether the step passed, the status (or status class) of a call, or an output that
 * {@link ComparisonRules} compares. The first target of the run is the reference the others are measured against.
 */
public final class Comparison {

    private final List<String> targets;
    private final List<ScenarioComparison> scenarios;

    private Comparison(List<String> targets, List<ScenarioComparison> scenarios) {
        this.targets = List.copyOf(targets);
        this.scenarios = List.copyOf(scenarios);
    }

    /**
     * Compares the results of a run.
     *
     * @param targets the targets in run order (the first is the reference); targets of results not listed are
     *                appended in the order they first appear
     */
    public static Comparison of(List<ScenarioResult> results, List<String> targets) {
        LinkedHashSet<String> order = new LinkedHashSet<>(targets);
        results.forEach(r -> order.add(r.target()));
        List<String> allTargets = List.copyOf(order);
        List<ScenarioResult> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.comparing(ScenarioResult::featureUri).thenComparingInt(ScenarioResult::line));
        Map<String, Map<String, ScenarioResult>> byKey = new LinkedHashMap<>();
        for (ScenarioResult result : sorted) {
            byKey.computeIfAbsent(result.key(), k -> new LinkedHashMap<>()).put(result.target(), result);
        }
        List<ScenarioComparison> scenarios = new ArrayList<>();
        byKey.forEach((key, row) -> {
            Map<String, ScenarioResult> inOrder = new LinkedHashMap<>();
            for (String target : allTargets) {
                if (row.containsKey(target)) {
                    inOrder.put(target, row.get(target));
                }
            }
            scenarios.add(ScenarioComparer.compare(key, inOrder));
        });
        return new Comparison(allTargets, scenarios);
    }

    /** The targets in run order; the first is the reference. */
    public List<String> targets() {
        return targets;
    }

    /** Every scenario, in feature and line order. */
    public List<ScenarioComparison> scenarios() {
        return scenarios;
    }

    /** Every divergence, expected ones included, in scenario and step order. */
    public List<Divergence> divergences() {
        return scenarios.stream().flatMap(s -> s.divergences().stream()).toList();
    }

    /** Divergences the scenarios do not declare: the ones that count. */
    public int unexpectedCount() {
        return (int) divergences().stream().filter(d -> !d.expected()).count();
    }

    /**
     * What is compared for each operation, in words: the operations with a rule of their own, then
     * {@code (any other)}.
     */
    public static Map<String, String> rules() {
        Map<String, String> rules = new LinkedHashMap<>();
        ComparisonRules.RULES.forEach(rule -> rules.put(rule.operation(), rule.compared()));
        rules.put("(any other)", ComparisonRules.DEFAULT_COMPARED);
        return rules;
    }

    /** Divergences declared with {@code @differs:}. */
    public int expectedCount() {
        return (int) divergences().stream().filter(Divergence::expected).count();
    }
}
