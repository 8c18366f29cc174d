package hil.reports.compare;

import hil.reports.model.ScenarioResult;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One scenario across the targets of a run.
 *
 * @param key         the scenario's identity: feature URI and line
 * @param results     each target's result, in target order; targets that did not run it are absent
 * @param steps       the steps lined up across targets
 * @param reference   the target the others are measured against: the first target, in run order, that did not
 *                    skip the scenario; {@code null} if all skipped it
 * @param compared    the targets whose results were compared (those that did not skip the scenario)
 * @param expected    targets the scenario declares with {@code @differs:}, with the reason
 * @param divergences every difference found, expected ones included, in step order
 */
public record ScenarioComparison(
        String key,
        Map<String, ScenarioResult> results,
        List<AlignedStep> steps,
        String reference,
        List<String> compared,
        Map<String, String> expected,
        List<Divergence> divergences) {

    public ScenarioComparison {
        results = Collections.unmodifiableMap(new LinkedHashMap<>(results));
        steps = List.copyOf(steps);
        compared = List.copyOf(compared);
        expected = Collections.unmodifiableMap(new LinkedHashMap<>(expected));
        divergences = List.copyOf(divergences);
    }

    /** Any result, for the scenario's name, feature and tags (the same on every target). */
    public ScenarioResult first() {
        return results.values().iterator().next();
    }

    /** Unexpected divergences in which this target's value differs from the reference's. */
    public List<Divergence> divergencesOf(String target) {
        return divergences.stream().filter(d -> !d.expected() && d.differing().contains(target)).toList();
    }

    /** Expected divergences in which this target's value differs from the reference's. */
    public List<Divergence> expectedDivergencesOf(String target) {
        return divergences.stream().filter(d -> d.expected() && d.differing().contains(target)).toList();
    }

    /** True if this target's result differs from the reference's in a way the scenario does not expect. */
    public boolean diverged(String target) {
        return !divergencesOf(target).isEmpty();
    }
}
