package hil.reports;

import hil.reports.model.ScenarioResult;

import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The totals of a report, as written to {@code summary.json}.
 *
 * @param targets     counts per target, in the order the targets first appear in the results
 * @param scenarios   distinct scenarios (feature file and line) over all targets
 * @param divergences fields that differ between targets in the same step and that no {@code @differs:} tag
 *                    declares (see {@link hil.reports.compare.Comparison})
 * @param expectedDivergences differences that scenarios declare with {@code @differs:}; shown, not counted above
 * @param generated   when the report was written
 */
public record Summary(Map<String, Counts> targets, int scenarios, int divergences, int expectedDivergences,
                      Instant generated) {

    public Summary {
        targets = Collections.unmodifiableMap(new LinkedHashMap<>(targets));
    }

    /** True when no target failed, left a step undefined or pending. Skipped scenarios are not failures. */
    public boolean allPassed() {
        return targets.values().stream().allMatch(c -> c.failed() == 0 && c.undefined() == 0 && c.pending() == 0);
    }

    /**
     * Scenario counts of one target.
     *
     * @param failed  FAILED, AMBIGUOUS and PENDING scenarios
     * @param pending PENDING scenarios alone (also counted in {@code failed})
     * @param durationSeconds the scenarios' summed wall time
     */
    public record Counts(int passed, int failed, int skipped, int undefined, int pending, double durationSeconds) {

        /** Every scenario the target ran. */
        public int total() {
            return passed + failed + skipped + undefined;
        }

        Counts plus(ScenarioResult result) {
            Verdict verdict = Verdict.of(result.status());
            return new Counts(
                    passed + (verdict == Verdict.PASSED ? 1 : 0),
                    failed + (verdict == Verdict.FAILED ? 1 : 0),
                    skipped + (verdict == Verdict.SKIPPED ? 1 : 0),
                    undefined + (verdict == Verdict.UNDEFINED ? 1 : 0),
                    pending + ("PENDING".equals(result.status()) ? 1 : 0),
                    durationSeconds + result.durationNanos() / 1e9);
        }
    }

    private static final Counts NONE = new Counts(0, 0, 0, 0, 0, 0);

    /** The totals, without a comparison. */
    static Summary of(List<ScenarioResult> results, Instant generated) {
        return of(results, 0, 0, generated);
    }

    static Summary of(List<ScenarioResult> results, int divergences, int expectedDivergences, Instant generated) {
        Map<String, Counts> targets = new LinkedHashMap<>();
        Set<String> scenarios = new HashSet<>();
        for (ScenarioResult result : results) {
            targets.put(result.target(), targets.getOrDefault(result.target(), NONE).plus(result));
            scenarios.add(result.key());
        }
        return new Summary(targets, scenarios.size(), divergences, expectedDivergences, generated);
    }
}
