package hil.reports.compare;

import hil.reports.model.StepResult;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One step of a scenario as every target ran it. Gherkin steps line up by their line in the feature; hooks, which
 * are recorded only when they failed, skipped or observed something, line up by their code location. A hook
 * missing on a target passed there without observing anything.
 *
 * @param keyword  the Gherkin keyword or hook kind
 * @param text     the step text or the hook's code location
 * @param line     the step's line, 0 for a hook
 * @param byTarget each target's run of the step; a target that lacks it is absent
 */
public record AlignedStep(String keyword, String text, int line, Map<String, StepResult> byTarget) {

    public AlignedStep {
        byTarget = Collections.unmodifiableMap(new LinkedHashMap<>(byTarget));
    }

    /** A hook rather than a Gherkin step. */
    public boolean isHook() {
        return line <= 0;
    }

    /**
     * Lines up the steps of the given runs, keeping each run's order: a step one run lacks is placed after the
     * step it follows in the runs that have it.
     *
     * @param runs target → its steps, in target order
     */
    static List<AlignedStep> align(Map<String, List<StepResult>> runs) {
        List<String> order = new ArrayList<>();
        Map<String, Map<String, StepResult>> slots = new HashMap<>();
        Map<String, StepResult> first = new HashMap<>();
        for (Map.Entry<String, List<StepResult>> run : runs.entrySet()) {
            Map<String, Integer> seen = new HashMap<>();
            int insertAt = 0;
            for (StepResult step : run.getValue()) {
                String base = step.line() > 0 ? "line " + step.line() : "hook " + step.keyword() + step.text();
                String key = base + " #" + seen.merge(base, 1, Integer::sum);
                int at = order.indexOf(key);
                if (at < 0) {
                    order.add(insertAt, key);
                    at = insertAt;
                    first.put(key, step);
                }
                insertAt = at + 1;
                slots.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(run.getKey(), step);
            }
        }
        List<AlignedStep> aligned = new ArrayList<>();
        for (String key : order) {
            StepResult shown = first.get(key);
            aligned.add(new AlignedStep(shown.keyword(), shown.text(), shown.line(), slots.get(key)));
        }
        return aligned;
    }
}
