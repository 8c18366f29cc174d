package hil.reports.model;

import java.util.List;

/**
 * The outcome of one scenario on one target.
 *
 * @param target      target name
 * @param featureUri  the feature file, as Cucumber names it
 * @param featureName the feature's title
 * @param name        the scenario's name
 * @param line        the scenario's line in the feature file
 * @param tags        the scenario's tags, with their {@code @}
 * @param status      the worst step status: {@code PASSED}, {@code FAILED}, {@code SKIPPED}, {@code UNDEFINED},
 *                    {@code PENDING}, {@code AMBIGUOUS}
 * @param message     why it did not pass (a failure message or a skip reason), or {@code null}
 * @param durationNanos wall time of the scenario
 * @param steps       each step in order
 * @param artifacts   evidence the target attached (transcripts, screenshots), in attachment order
 */
public record ScenarioResult(
        String target,
        String featureUri,
        String featureName,
        String name,
        int line,
        List<String> tags,
        String status,
        String message,
        long durationNanos,
        List<StepResult> steps,
        List<Artifact> artifacts) {

    public ScenarioResult {
        tags = List.copyOf(tags);
        steps = List.copyOf(steps);
        // Results written before artifacts were recorded have none.
        artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
    }

    /** A result without artifacts. */
    public ScenarioResult(String target, String featureUri, String featureName, String name, int line,
                          List<String> tags, String status, String message, long durationNanos,
                          List<StepResult> steps) {
        this(target, featureUri, featureName, name, line, tags, status, message, durationNanos, steps, List.of());
    }

    /** The same result with other artifacts. */
    public ScenarioResult withArtifacts(List<Artifact> newArtifacts) {
        return new ScenarioResult(target, featureUri, featureName, name, line, tags, status, message,
                durationNanos, steps, newArtifacts);
    }

    /** A stable identity of the scenario across targets: feature file and line. */
    public String key() {
        return featureUri + ":" + line;
    }
}
