package hil.cli;

import hil.reports.ProgressPlugin;
import hil.reports.RecordingPlugin;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the selected features on one target: the Cucumber engine through the JUnit Platform Launcher, with the
 * step definitions of {@value #GLUE}, the recording and progress plugins, and Cucumber's HTML and message reports.
 *
 * <p>The steps learn their target from the system properties {@value #TARGET_PROPERTY} and
 * {@value #LAB_CONFIG_PROPERTY}, set for the duration of the run. Only the parameters given here configure
 * Cucumber: {@code junit-platform.properties} files and {@code -D} options are not read, so a run does not depend on
 * what else is on the class path.
 */
final class CucumberRun {

    static final String ENGINE = "cucumber";
    static final String GLUE = "hil.steps";
    /** System property: the name of the target the steps drive. */
    static final String TARGET_PROPERTY = RecordingPlugin.TARGET_PROPERTY;
    /** System property: the absolute lab-config directory the target is defined in. */
    static final String LAB_CONFIG_PROPERTY = "hil.lab-config";

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

    static Outcome run(String target, FeatureSelection features, String tags, ReportDirectory report,
                       Path labConfigDir) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(features.selectors())
                .filters(EngineFilter.includeEngines(ENGINE))
                .enableImplicitConfigurationParameters(false)
                .configurationParameters(parameters(target, tags, report))
                .build();
        EngineErrors errors = new EngineErrors();
        Map<String, String> properties = Map.of(
                TARGET_PROPERTY, target,
                LAB_CONFIG_PROPERTY, labConfigDir.toAbsolutePath().normalize().toString());
        Map<String, String> previous = set(properties);
        long start = System.nanoTime();
        try {
            LauncherFactory.create().execute(request, errors);
        } finally {
            set(previous);
        }
        return new Outcome(Duration.ofNanos(System.nanoTime() - start), errors.messages);
    }

    static Map<String, String> parameters(String target, String tags, ReportDirectory report) {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("cucumber.glue", GLUE);
        parameters.put("cucumber.plugin", String.join(", ",
                RecordingPlugin.class.getName() + ":" + absolute(report.results(target)),
                ProgressPlugin.class.getName(),
                "html:" + absolute(report.cucumberHtml(target)),
                "message:" + absolute(report.cucumberMessages(target))));
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

    /** Sets system properties (a null value clears one) and returns the values they had. */
    private static Map<String, String> set(Map<String, String> properties) {
        Map<String, String> previous = new LinkedHashMap<>();
        properties.forEach((key, value) -> {
            previous.put(key, System.getProperty(key));
            if (value == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, value);
            }
        });
        return previous;
    }

    /** Collects failures of containers (the engine, a feature): scenario results are recorded elsewhere. */
    private static final class EngineErrors implements TestExecutionListener {

        private final List<String> messages = new ArrayList<>();

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
