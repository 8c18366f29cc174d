package hil.steps;

import hil.targets.Capability;
import hil.targets.Target;
import io.cucumber.java.After;
import io.cucumber.java.AfterAll;
import io.cucumber.java.Before;
import io.cucumber.java.Scenario;
import org.opentest4j.TestAbortedException;

/** Per-scenario set-up: binds the scenario and applies {@code @requires:} and {@code @target:} tags up front. */
public final class Hooks {

    private final ScenarioState state;

    public Hooks(ScenarioState state) {
        this.state = state;
    }

    /**
     * Stops this run's target once its last scenario ran (a QEMU is shut down and reaped here, before the report is
     * written, rather than by the JVM's shutdown hook, which remains for Ctrl-C).
     */
    @AfterAll
    public static void closeTarget() {
        TargetSession.closeCurrent();
    }

    @Before(order = 0)
    public void bind(Scenario scenario) {
        state.begin(scenario);
        state.target().scenarioStarted(scenario.getName(), ScenarioSteps.of(scenario.getUri(), scenario.getLine()));
        for (String tag : scenario.getSourceTagNames()) {
            if (tag.startsWith("@requires:")) {
                String wanted = tag.substring("@requires:".length());
                Capability capability = Capability.fromTag(wanted).orElseThrow(() -> new IllegalArgumentException(
                        "unknown capability in tag " + tag + " (known: " + java.util.Arrays.stream(Capability.values()).map(Capability::tag).toList() + ")"));
                if (!state.target().capabilities().contains(capability)) {
                    throw new TestAbortedException("not observable on target " + state.targetName()
                            + ": the scenario requires " + wanted
                            + (capability.whyMissing().isEmpty() ? "" : " (" + capability.whyMissing() + ")"));
                }
            } else if (tag.startsWith("@target:")) {
                String wanted = tag.substring("@target:".length());
                if (!wanted.equals(state.targetName())) {
                    throw new TestAbortedException("not observable on target " + state.targetName()
                            + ": the scenario is for target " + wanted + " only");
                }
            }
        }
    }

    /** Attaches the target's evidence (console transcript, screenshot on failure) to the scenario. */
    @After
    public void collectEvidence(Scenario scenario) {
        if (!state.targetStarted()) {
            return;
        }
        for (Target.Artifact a : state.target().scenarioFinished(scenario.isFailed())) {
            scenario.attach(a.content(), a.mediaType(), a.name());
        }
    }
}
