package hil.reports.compare;

import hil.reports.model.ScenarioResult;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What changed between two reports of the same features: per target and scenario, results that got worse
 * (regressions) or better (fixes), unexpected divergences that appeared or went away, scenarios that appeared or
 * went away, and how much stayed the same. Scenarios are matched by {@link ScenarioKeys#portable}, so reports
 * from different checkouts compare.
 */
public final class ReportChanges {

    /**
     * A scenario whose result on a target changed.
     *
     * @param before  the old result's status, {@code null} if the scenario was not there
     * @param after   the new result's status, {@code null} if the scenario is gone
     * @param message why the new result did not pass (or, for a removed scenario, the old one's), or {@code null}
     */
    public record Change(String target, String scenarioKey, String scenario, String before, String after,
                         String message) {
    }

    private final List<Change> regressions = new ArrayList<>();
    private final List<Change> fixes = new ArrayList<>();
    private final List<Change> otherChanges = new ArrayList<>();
    private final List<Change> added = new ArrayList<>();
    private final List<Change> removed = new ArrayList<>();
    private final List<Divergence> newDivergences = new ArrayList<>();
    private final List<Divergence> resolvedDivergences = new ArrayList<>();
    private final Map<String, Integer> unchanged = new TreeMap<>();
    private int unchangedDivergences;

    private ReportChanges() {
    }

    /**
     * Compares an old report with a new one.
     *
     * @param oldDivergences every divergence of the old report (expected ones are ignored)
     * @param newDivergences every divergence of the new report (expected ones are ignored)
     */
    public static ReportChanges between(List<ScenarioResult> oldResults, List<Divergence> oldDivergences,
                                        List<ScenarioResult> newResults, List<Divergence> newDivergences) {
        ReportChanges changes = new ReportChanges();
        changes.results(byTargetAndKey(oldResults), byTargetAndKey(newResults));
        changes.divergences(oldDivergences, newDivergences);
        return changes;
    }

    private void results(Map<String, ScenarioResult> before, Map<String, ScenarioResult> after) {
        Set<String> keys = new LinkedHashSet<>(before.keySet());
        keys.addAll(after.keySet());
        for (String key : keys) {
            ScenarioResult old = before.get(key);
            ScenarioResult now = after.get(key);
            ScenarioResult shown = now != null ? now : old;
            Change change = new Change(shown.target(), ScenarioKeys.portable(shown.featureUri(), shown.line()),
                    shown.name(), old == null ? null : old.status(), now == null ? null : now.status(),
                    shown.message());
            if (old == null) {
                added.add(change);
            } else if (now == null) {
                removed.add(change);
            } else {
                String was = outcome(old.status());
                String is = outcome(now.status());
                if (was.equals(is)) {
                    unchanged.merge(is, 1, Integer::sum);
                } else if (was.equals("passed") && (is.equals("failed") || is.equals("undefined"))) {
                    regressions.add(change);
                } else if (is.equals("passed") && (was.equals("failed") || was.equals("undefined"))) {
                    fixes.add(change);
                } else {
                    otherChanges.add(change);
                }
            }
        }
    }

    private void divergences(List<Divergence> before, List<Divergence> after) {
        Map<String, Divergence> old = unexpected(before);
        Map<String, Divergence> now = unexpected(after);
        for (Map.Entry<String, Divergence> entry : now.entrySet()) {
            if (old.containsKey(entry.getKey())) {
                unchangedDivergences++;
            } else {
                newDivergences.add(entry.getValue());
            }
        }
        old.forEach((identity, divergence) -> {
            if (!now.containsKey(identity)) {
                resolvedDivergences.add(divergence);
            }
        });
    }

    private static Map<String, Divergence> unexpected(List<Divergence> divergences) {
        Map<String, Divergence> byIdentity = new LinkedHashMap<>();
        divergences.stream().filter(d -> !d.expected()).forEach(d -> byIdentity.putIfAbsent(d.identity(), d));
        return byIdentity;
    }

    /** Target and portable scenario key → result, in feature and line order, targets in the order given. */
    private static Map<String, ScenarioResult> byTargetAndKey(List<ScenarioResult> results) {
        List<ScenarioResult> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.comparing((ScenarioResult r) -> ScenarioKeys.portable(r.featureUri(), 0))
                .thenComparingInt(ScenarioResult::line));
        Map<String, ScenarioResult> byKey = new LinkedHashMap<>();
        for (ScenarioResult r : sorted) {
            byKey.put(r.target() + "\u0000" + ScenarioKeys.portable(r.featureUri(), r.line()), r);
        }
        return byKey;
    }

    private static String outcome(String status) {
        return ComparisonRules.outcome(status);
    }

    /** True if a scenario that passed now fails, or targets diverge where they did not. */
    public boolean hasRegressions() {
        return !regressions.isEmpty() || !newDivergences.isEmpty();
    }

    /** Scenarios that passed on a target and now fail or are undefined there. */
    public List<Change> regressions() {
        return Collections.unmodifiableList(regressions);
    }

    /** Unexpected divergences the old report did not have. */
    public List<Divergence> newDivergences() {
        return Collections.unmodifiableList(newDivergences);
    }

    /** Scenarios that failed or were undefined on a target and now pass there. */
    public List<Change> fixes() {
        return Collections.unmodifiableList(fixes);
    }

    /** Unexpected divergences of the old report that the new one no longer has. */
    public List<Divergence> resolvedDivergences() {
        return Collections.unmodifiableList(resolvedDivergences);
    }

    /** Any other change of outcome, e.g. passed → skipped. */
    public List<Change> otherChanges() {
        return Collections.unmodifiableList(otherChanges);
    }

    /** Scenarios (per target) only the new report has. */
    public List<Change> added() {
        return Collections.unmodifiableList(added);
    }

    /** Scenarios (per target) only the old report has. */
    public List<Change> removed() {
        return Collections.unmodifiableList(removed);
    }

    /** Scenario results with the same outcome in both, by outcome (passed, failed, skipped, undefined). */
    public Map<String, Integer> unchanged() {
        return Collections.unmodifiableMap(unchanged);
    }

    /** Unexpected divergences both reports have. */
    public int unchangedDivergences() {
        return unchangedDivergences;
    }
}
