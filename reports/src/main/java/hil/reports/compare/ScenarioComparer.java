package hil.reports.compare;

import hil.reports.model.Observation;
import hil.reports.model.ScenarioResult;
import hil.reports.model.StepResult;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Compares one scenario's runs on several targets: step by step (aligned as {@link AlignedStep} says), then
 * observation by observation within a step, field by field as {@link ComparisonRules} says.
 *
 * <p>Targets that skipped the scenario (they cannot observe it) are left out. Comparison stops after the first step
 * that did not pass on some target: later steps did not run there, and comparing them would only repeat the first
 * difference.
 */
final class ScenarioComparer {

    private final String key;
    private final Map<String, ScenarioResult> results;
    private final List<String> compared;
    private final ExpectedDifferences expected;
    private final List<Divergence> divergences = new ArrayList<>();
    private final ScenarioResult first;

    private ScenarioComparer(String key, Map<String, ScenarioResult> results) {
        this.key = key;
        this.results = results;
        this.first = results.values().iterator().next();
        this.compared = results.values().stream()
                .filter(r -> !"SKIPPED".equals(r.status()))
                .map(ScenarioResult::target)
                .toList();
        Set<String> tags = new LinkedHashSet<>();
        results.values().forEach(r -> tags.addAll(r.tags()));
        this.expected = ExpectedDifferences.from(tags);
    }

    /** @param results the scenario's result on each target that ran it, in target order */
    static ScenarioComparison compare(String key, Map<String, ScenarioResult> results) {
        return new ScenarioComparer(key, results).compare();
    }

    private ScenarioComparison compare() {
        Map<String, List<StepResult>> runs = new LinkedHashMap<>();
        results.forEach((target, result) -> runs.put(target, result.steps()));
        List<AlignedStep> steps = AlignedStep.align(runs);
        String reference = compared.isEmpty() ? null : compared.get(0);
        if (compared.size() >= 2) {
            Touched touched = Touched.by(compared.stream().map(results::get).toList());
            for (int i = 0; i < steps.size(); i++) {
                if (!compareStep(i, steps.get(i), reference, touched)) {
                    break;
                }
            }
        }
        Map<String, String> declared = new LinkedHashMap<>();
        for (String target : expected.targets()) {
            declared.put(target, expected.reason(target));
        }
        return new ScenarioComparison(key, results, steps, reference, compared, declared, divergences);
    }

    /** Compares one step; returns whether every compared target passed it (and comparison goes on). */
    private boolean compareStep(int index, AlignedStep step, String reference, Touched touched) {
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (String target : compared) {
            StepResult run = step.byTarget().get(target);
            // A hook is recorded only when it did something worth reporting: one that is missing passed quietly.
            outcomes.put(target, run == null ? (step.isHook() ? "passed" : null) : ComparisonRules.outcome(run.status()));
        }
        record(index, step, reference, -1, null, ComparisonRules.RESULT, outcomes);

        int calls = 0;
        for (String target : compared) {
            calls = Math.max(calls, observations(step, target).size());
        }
        for (int j = 0; j < calls; j++) {
            Map<String, Observation> call = new LinkedHashMap<>();
            for (String target : compared) {
                List<Observation> observed = observations(step, target);
                call.put(target, j < observed.size() ? observed.get(j) : null);
            }
            compareCall(index, step, reference, j, call, touched);
        }
        return outcomes.values().stream().allMatch("passed"::equals);
    }

    private void compareCall(int index, AlignedStep step, String reference, int j, Map<String, Observation> call,
                             Touched touched) {
        Map<String, String> operations = new LinkedHashMap<>();
        call.forEach((target, o) -> operations.put(target, o == null ? null : o.operation()));
        String operation = operations.get(reference) != null ? operations.get(reference)
                : operations.values().stream().filter(Objects::nonNull).findFirst().orElse(null);
        if (record(index, step, reference, j, operation, ComparisonRules.OPERATION, operations)) {
            // Different calls: their fields mean different things.
            return;
        }
        Map<String, Map<String, String>> fields = new LinkedHashMap<>();
        Set<String> names = new LinkedHashSet<>();
        call.forEach((target, o) -> {
            Map<String, String> f = o == null ? Map.of() : ComparisonRules.fields(o, touched);
            fields.put(target, f);
            names.addAll(f.keySet());
        });
        for (String name : names) {
            Map<String, String> values = new LinkedHashMap<>();
            fields.forEach((target, f) -> {
                // A status or status class a target's call does not give is not a difference: it observes the
                // call at the other level (ComparisonRules.fields). A missing call still is one.
                boolean otherLevel = (name.equals(ComparisonRules.STATUS) || name.equals(Observation.Keys.STATUS_CLASS))
                        && call.get(target) != null && !f.containsKey(name);
                if (!otherLevel) {
                    values.put(target, f.get(name));
                }
            });
            record(index, step, reference, j, operation, name, values);
        }
    }

    /** Adds a divergence if the targets' values are not all equal; returns whether it did. */
    private boolean record(int index, AlignedStep step, String reference, int observation, String operation,
                           String field, Map<String, String> values) {
        if (new HashSet<>(ComparisonRules.comparable(field, values).values()).size() <= 1) {
            return false;
        }
        String referenceValue = values.get(reference);
        List<String> differing = values.entrySet().stream()
                .filter(e -> !Objects.equals(e.getValue(), referenceValue))
                .map(Map.Entry::getKey)
                .toList();
        String reason = explained(values);
        StepResult shown = step.byTarget().getOrDefault(reference, step.byTarget().values().iterator().next());
        divergences.add(new Divergence(key, first.featureUri(), first.featureName(), first.name(), first.line(),
                index, shown.keyword() + shown.text(), step.line(), observation, operation, field, values, reference,
                differing, reason != null, reason));
        return true;
    }

    /**
     * The declared reason if the difference is explained by the targets the scenario marks with
     * {@code @differs:} (the other targets all agree), else {@code null}.
     */
    private String explained(Map<String, String> values) {
        Set<String> marked = new LinkedHashSet<>(values.keySet());
        marked.retainAll(expected.targets());
        if (marked.isEmpty()) {
            return null;
        }
        Collection<String> others = values.entrySet().stream()
                .filter(e -> !marked.contains(e.getKey()))
                .map(Map.Entry::getValue)
                .toList();
        if (new HashSet<>(others).size() > 1) {
            return null;
        }
        String agreed = others.isEmpty() ? null : others.iterator().next();
        StringJoiner reasons = new StringJoiner("; ");
        for (String target : marked) {
            if (others.isEmpty() || !Objects.equals(values.get(target), agreed)) {
                reasons.add(target + ": " + expected.reason(target));
            }
        }
        return reasons.toString();
    }

    private static List<Observation> observations(AlignedStep step, String target) {
        StepResult run = step.byTarget().get(target);
        return run == null ? List.of() : run.observations();
    }
}
