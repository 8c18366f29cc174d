package hil.reports.compare;

import hil.reports.model.Observation;
import hil.reports.model.ScenarioResult;
import hil.reports.model.StepResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small builders of scenario results for comparison tests. */
final class Runs {

    static final String FEATURE = "file:///work/main/features/variables/query.feature";
    static final String VENDOR = "12345678-1234-1234-1234-123456789ABC";
    static final String GLOBAL = "8BE4DF61-93CA-11D2-AA0D-00E098032B8C";

    private Runs() {
    }

    static Observation call(String operation, Map<String, String> inputs, String status, Map<String, String> outputs) {
        return new Observation(operation, inputs, status, outputs, "boot", "any", 1_000, null);
    }

    static Observation event(String operation, String status, Map<String, String> outputs) {
        return call(operation, Map.of(), status, outputs);
    }

    static Map<String, String> variable(String name) {
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put(Observation.Keys.NAME, name);
        inputs.put(Observation.Keys.VENDOR, VENDOR);
        return inputs;
    }

    static StepResult step(int line, String text, String status, Observation... observations) {
        return new StepResult("When ", text, line, status, "PASSED".equals(status) ? null : "reason " + status,
                List.of(observations));
    }

    static StepResult passed(int line, Observation... observations) {
        return step(line, "step on line " + line, "PASSED", observations);
    }

    static ScenarioResult scenario(String target, int line, String status, List<String> tags, StepResult... steps) {
        return new ScenarioResult(target, FEATURE, "Query", "Scenario on line " + line, line, tags, status,
                "PASSED".equals(status) ? null : "why " + status, 1_000_000, List.of(steps));
    }

    static ScenarioResult passing(String target, StepResult... steps) {
        return scenario(target, 3, "PASSED", List.of(), steps);
    }

    /** Compares the results with the targets in the order given (the first is the reference). */
    static ScenarioComparison compare(ScenarioResult... results) {
        List<String> targets = new ArrayList<>();
        for (ScenarioResult r : results) {
            targets.add(r.target());
        }
        Comparison comparison = Comparison.of(List.of(results), targets);
        return comparison.scenarios().get(0);
    }
}
