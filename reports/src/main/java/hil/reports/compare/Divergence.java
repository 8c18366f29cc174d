package hil.reports.compare;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One field that differs between targets in the same step of the same scenario.
 *
 * @param scenarioKey the scenario's identity across targets: feature URI and line
 * @param featureUri  the feature file as Cucumber names it
 * @param feature     the feature's title
 * @param scenario    the scenario's name
 * @param line        the scenario's line
 * @param step        index of the step in the scenario's aligned steps (hooks included), from 0
 * @param stepText    the step's keyword and text, as the reference target ran it
 * @param stepLine    the step's line, 0 for a hook
 * @param observation index of the observation within the step, from 0; -1 when the step's outcome differs
 * @param operation   the observation's operation, or {@code null} for the step's outcome
 * @param field       what differs: {@code result} (the step's outcome), {@code operation}, {@code status},
 *                    {@code statusClass} or an output's name
 * @param values      each compared target's value, in target order; {@code null} where the target has none
 * @param reference   the target the others are measured against (the first compared target of the run)
 * @param differing   the targets whose value differs from the reference's
 * @param expected    whether the scenario declares this difference with {@code @differs:}
 * @param reason      the declared reason of an expected difference, else {@code null}
 */
public record Divergence(
        String scenarioKey,
        String featureUri,
        String feature,
        String scenario,
        int line,
        int step,
        String stepText,
        int stepLine,
        int observation,
        String operation,
        String field,
        Map<String, String> values,
        String reference,
        List<String> differing,
        boolean expected,
        String reason) {

    public Divergence {
        // LinkedHashMap keeps target order and, unlike Map.copyOf, a null for a target without a value.
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        differing = List.copyOf(differing);
    }

    /**
     * The divergence in one line, e.g. {@code QueryVariableInfo maximumVariableSize: simulator 33732,
     * qemu-ovmf 8164}; multi-line values are joined with {@code " | "}.
     */
    public String describe() {
        StringBuilder text = new StringBuilder();
        if (operation != null && observation >= 0) {
            text.append(operation).append(' ');
        }
        text.append(field).append(": ");
        String separator = "";
        for (Map.Entry<String, String> value : values.entrySet()) {
            text.append(separator).append(value.getKey()).append(' ').append(shown(value.getValue()));
            separator = ", ";
        }
        return text.toString();
    }

    private static String shown(String value) {
        if (value == null) {
            return "(none)";
        }
        String joined = value.strip().replace("\n", " | ");
        return joined.isEmpty() ? "(empty)" : joined;
    }

    /**
     * The identity of this divergence between two reports of the same features: scenario (by its portable
     * key), step, observation, field and the targets that differ. The values may change and it is still the same
     * divergence.
     */
    public String identity() {
        return ScenarioKeys.portable(featureUri, line) + " step " + step + " observation " + observation + " "
                + field + " " + differing.stream().sorted().toList();
    }
}
