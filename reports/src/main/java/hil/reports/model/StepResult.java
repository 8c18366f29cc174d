package hil.reports.model;

import java.util.List;

/**
 * One step of a scenario on one target.
 *
 * @param keyword      the Gherkin keyword ({@code Given }, {@code When }, …)
 * @param text         the step text
 * @param line         line in the feature file
 * @param status       Cucumber status name
 * @param message      failure message or skip reason, or {@code null}
 * @param observations the calls the step made, in order
 */
public record StepResult(String keyword, String text, int line, String status, String message,
                         List<Observation> observations) {

    public StepResult {
        observations = List.copyOf(observations);
    }
}
