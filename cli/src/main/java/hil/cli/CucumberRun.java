package hil.cli;

import hil.reports.ProgressPlugin;
import hil.reports.RecordingPlugin;
import hil.reports.RunContext;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.EngineFilter;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the selected features on one target: the Cucumber engine through the JUnit Platform Launcher, with the
 * step definitions of {@value #GLUE}, the recording and progress plugins, and Cucumber's HTML and message reports.
 *
 * <p>The steps and the recording plugin learn their target from {@link RunContext}, set on the calling thread for the
 * duration of the run: targets run at the same time on threads of their own ({@link TargetRuns}), so a system
 * property cannot name the target. This relies on Cucumber running scenarios on the launching thread, which it does
 * while parallel execution is off (its default, and nothing here turns it on). The lab-config directory, the same
 * for every target, is the system property {@value #LAB_CONFIG_PROPERTY}, set by the caller. Only the parameters
 * given here configure Cucumber: {@code junit-platform.properties} files and {@code -D} options are not read, so a
 * run does not depend on what else is on the class path.
 */
final class CucumberRun {

    static final String ENGINE = "cucumber";
    static final String GLUE = "hil.steps";
    /** System property: the absolute lab-config directory the targets are defined in. */
    static final String LAB_CONFIG_PROPERTY = "hil.lab-config";
    /** System property: the directory of the run's test-key store (read by the Secure Boot steps). */
    static final String TEST_KEYS_PROPERTY = "hil.test-keys";

    /**
     * What the engine reported beyond scenario results.
     *
     * @param wallTime     from engine start to end
     * @param engineErrors failures of the engine itself (glue or plugin problems), which mean the run is incomplete
     */
    record Outcome(Duration wallTime, List<String> engineErrors) {
        Outcome {
            engineErrors = List.copyOf(engineErrors);
        }
    }

    private CucumberRun() {
    }

    /**
     * Runs the features on one target, on this thread.
     *
     * @param labelled whether progress lines start with the target's name (when several targets print at once)
     */
    static Outcome run(String target, FeatureSelection features, String tags, ReportDirectory report,
                       boolean labelled) {
        return run(target, 0, features, tags, report, labelled);
    }

    /**
     * Runs the features as job {@code job} of the target (from 1; 0: the target's only job), on this thread: with a
     * target instance, results directory, progress label and Cucumber reports of its own ({@code hil run --jobs}).
     */
    static Outcome run(String target, int job, FeatureSelection features, String tags, ReportDirectory report,
                       boolean labelled) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(features.selectors())
                .filters(EngineFilter.includeEngines(ENGINE))
                .enableImplicitConfigurationParameters(false)
                .configurationParameters(parameters(target, job, tags, report, labelled))
                .build();
        EngineErrors errors = new EngineErrors();
        long start = System.nanoTime();
        RunContext.callAs(target, job, () -> {
            LauncherFactory.create().execute(request, errors);
            return null;
        });
        return new Outcome(Duration.ofNanos(System.nanoTime() - start), errors.messages);
    }

    static Map<String, String> parameters(String target, String tags, ReportDirectory report) {
        return parameters(target, tags, report, false);
    }

    static Map<String, String> parameters(String target, String tags, ReportDirectory report, boolean labelled) {
        return parameters(target, 0, tags, report, labelled);
    }

    static Map<String, String> parameters(String target, int job, String tags, ReportDirectory report,
                                          boolean labelled) {
        String lane = job == 0 ? target : target + "-" + job;
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("cucumber.glue", GLUE);
        parameters.put("cucumber.plugin", String.join(", ",
                RecordingPlugin.class.getName() + ":" + absolute(report.results(target, job)),
                ProgressPlugin.class.getName() + (labelled || job > 0 ? ":" + (job == 0 ? target : target + "#" + job) : ""),
                "html:" + absolute(report.cucumberHtml(lane)),
                "message:" + absolute(report.cucumberMessages(lane))));
        if (tags != null && !tags.isBlank()) {
            parameters.put("cucumber.filter.tags", tags);
        }
        parameters.put("cucumber.publish.quiet", "true");
        parameters.put("cucumber.ansi-colors.disabled", "true");
        return parameters;
    }

    private static String absolute(Path path) {
        return path.toAbsolutePath().normalize().toString();
    }

    /** Collects failures of containers (the engine, a feature): scenario results are recorded elsewhere. */
    private static final class EngineErrors implements TestExecutionListener {

        // The launcher reports on the thread that runs the engine, but keep the list safe to read from any thread.
        private final List<String> messages = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void executionFinished(TestIdentifier identifier, TestExecutionResult result) {
            if (identifier.isContainer() && result.getStatus() == TestExecutionResult.Status.FAILED) {
                messages.add(identifier.getDisplayName() + ": " + result.getThrowable()
                        .map(t -> t.getMessage() != null ? t.getMessage() : t.toString())
                        .orElse("failed"));
            }
        }
    }
}
