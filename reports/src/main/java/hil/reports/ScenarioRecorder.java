package hil.reports;

import hil.reports.model.Artifact;
import hil.reports.model.Observation;
import hil.reports.model.ScenarioResult;
import hil.reports.model.StepResult;
import io.cucumber.plugin.event.HookTestStep;
import io.cucumber.plugin.event.PickleStepTestStep;
import io.cucumber.plugin.event.Result;
import io.cucumber.plugin.event.Status;
import io.cucumber.plugin.event.TestCase;
import io.cucumber.plugin.event.TestStep;

import java.util.ArrayList;
import java.util.List;

/**
 * The bookkeeping of one running test case: its steps, the observations each step attached, and the outcome.
 *
 * <p>Cucumber delivers the events of one test case in order on one thread, but the recorder may be read by the
 * thread that finishes the run, so its methods are synchronized.
 */
final class ScenarioRecorder {

    private final String target;
    private final TestCase testCase;
    private final List<StepRecord> records = new ArrayList<>();
    private final List<Artifact> artifacts = new ArrayList<>();
    private StepRecord current;

    ScenarioRecorder(String target, TestCase testCase) {
        this.target = target;
        this.testCase = testCase;
    }

    synchronized void stepStarted(TestStep step) {
        current = new StepRecord(step);
        records.add(current);
    }

    synchronized void stepFinished(TestStep step, Result result) {
        StepRecord record = current != null && current.step.getId().equals(step.getId()) ? current : find(step);
        record.finish(result);
        current = null;
    }

    /** Files the observation under the running step; a call made between steps goes with the step before it. */
    synchronized void observed(Observation observation) {
        StepRecord record = current;
        if (record == null) {
            if (records.isEmpty()) {
                // Attachments only happen inside steps or hooks; this keeps an observation even if that changes.
                record = new StepRecord(null);
                records.add(record);
            } else {
                record = records.get(records.size() - 1);
            }
        }
        record.observations.add(observation);
    }

    /** Evidence belongs to the scenario, whichever step or hook attached it. */
    synchronized void attached(Artifact artifact) {
        artifacts.add(artifact);
    }

    synchronized ScenarioResult finish(Result result, String featureName) {
        List<StepResult> steps = new ArrayList<>();
        for (StepRecord record : records) {
            if (record.reported()) {
                steps.add(record.toStepResult());
            }
        }
        String status = result.getStatus().name();
        return new ScenarioResult(target, testCase.getUri().toString(), featureName, testCase.getName(),
                testCase.getLocation().getLine(), testCase.getTags(), status, reason(status),
                result.getDuration().toNanos(), steps, artifacts);
    }

    /**
     * The message of the step that decided the outcome: the first one with the scenario's own status (so a
     * failing After hook explains a FAILED scenario even after a skipped step), else the first non-passed one.
     */
    private String reason(String status) {
        for (StepRecord record : records) {
            if (status.equals(record.status) && record.message != null) {
                return record.message;
            }
        }
        for (StepRecord record : records) {
            if (!Status.PASSED.name().equals(record.status) && record.message != null) {
                return record.message;
            }
        }
        return null;
    }

    private StepRecord find(TestStep step) {
        for (StepRecord record : records) {
            if (record.step != null && record.step.getId().equals(step.getId())) {
                return record;
            }
        }
        // A finish without a start: record it rather than lose the step.
        StepRecord record = new StepRecord(step);
        records.add(record);
        return record;
    }

    /** Describes a step's error the way a reader wants it: the bare message for assertions and skips. */
    static String describe(Throwable error, Status status) {
        if (error == null) {
            return null;
        }
        String message = error.getMessage();
        boolean bare = status == Status.SKIPPED || error instanceof AssertionError;
        if (message == null || message.isBlank()) {
            return error.getClass().getName();
        }
        return bare ? message : error.getClass().getSimpleName() + ": " + message;
    }

    private static final class StepRecord {
        final TestStep step;
        final List<Observation> observations = new ArrayList<>();
        String status = Status.UNUSED.name();
        String message;

        StepRecord(TestStep step) {
            this.step = step;
        }

        void finish(Result result) {
            status = result.getStatus().name();
            message = describe(result.getError(), result.getStatus());
            if (message == null && result.getStatus() == Status.UNDEFINED && step instanceof PickleStepTestStep p) {
                message = "undefined step: " + p.getStep().getKeyword() + p.getStep().getText();
            }
        }

        /** Gherkin steps always; hooks only when they failed, skipped with a reason, or observed something. */
        boolean reported() {
            return step instanceof PickleStepTestStep || message != null || !observations.isEmpty();
        }

        StepResult toStepResult() {
            if (step instanceof PickleStepTestStep p) {
                return new StepResult(p.getStep().getKeyword(), p.getStep().getText(), p.getStep().getLine(),
                        status, message, observations);
            }
            if (step instanceof HookTestStep h) {
                return new StepResult(hookKeyword(h), h.getCodeLocation(), 0, status, message, observations);
            }
            return new StepResult("", step == null ? "(outside any step)" : step.getCodeLocation(), 0, status,
                    message, observations);
        }

        private static String hookKeyword(HookTestStep hook) {
            return switch (hook.getHookType()) {
                case BEFORE -> "Before hook ";
                case AFTER -> "After hook ";
                case BEFORE_STEP -> "BeforeStep hook ";
                case AFTER_STEP -> "AfterStep hook ";
            };
        }
    }
}
