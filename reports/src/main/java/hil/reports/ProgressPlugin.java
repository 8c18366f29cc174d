package hil.reports;

import io.cucumber.plugin.ConcurrentEventListener;
import io.cucumber.plugin.event.EventPublisher;
import io.cucumber.plugin.event.PickleStepTestStep;
import io.cucumber.plugin.event.Result;
import io.cucumber.plugin.event.Status;
import io.cucumber.plugin.event.TestCase;
import io.cucumber.plugin.event.TestCaseFinished;
import io.cucumber.plugin.event.TestStepFinished;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prints one line per finished scenario to standard output, for example
 * <pre>  PASSED     0.012s  features/variables/get.feature:12  Get an existing variable</pre>
 * and, for a scenario that did not pass, a second, indented line with the first line of the reason.
 *
 * <p>Use as {@code cucumber.plugin=hil.reports.ProgressPlugin}, or as {@code hil.reports.ProgressPlugin:<target>}
 * to start every line with {@code [<target>]} when several targets print at the same time. Each scenario's lines
 * are printed in one call, so lines of parallel scenarios and targets never interleave.
 */
public final class ProgressPlugin implements ConcurrentEventListener {

    private final PrintStream out;
    private final Path workingDir;
    private final String prefix;
    /** The first undefined step of each running test case, since the scenario's own result does not name it. */
    private final Map<UUID, String> undefinedSteps = new ConcurrentHashMap<>();

    public ProgressPlugin() {
        this(System.out, Locations.workingDirectory(), "");
    }

    /** @param target the target whose name starts each line */
    public ProgressPlugin(String target) {
        this(System.out, Locations.workingDirectory(), "[" + target + "]");
    }

    ProgressPlugin(PrintStream out, Path workingDir, String prefix) {
        this.out = out;
        this.workingDir = workingDir;
        this.prefix = prefix;
    }

    @Override
    public void setEventPublisher(EventPublisher publisher) {
        publisher.registerHandlerFor(TestStepFinished.class, this::stepFinished);
        publisher.registerHandlerFor(TestCaseFinished.class, this::finished);
    }

    private void stepFinished(TestStepFinished event) {
        if (event.getResult().getStatus() == Status.UNDEFINED && event.getTestStep() instanceof PickleStepTestStep s) {
            undefinedSteps.putIfAbsent(event.getTestCase().getId(),
                    "undefined step: " + s.getStep().getKeyword() + s.getStep().getText());
        }
    }

    private void finished(TestCaseFinished event) {
        TestCase testCase = event.getTestCase();
        Result result = event.getResult();
        String location = Locations.display(testCase.getUri().toString(), workingDir)
                + ":" + testCase.getLocation().getLine();
        String undefined = undefinedSteps.remove(testCase.getId());
        String reason = ScenarioRecorder.describe(result.getError(), result.getStatus());
        if (reason == null) {
            reason = undefined;
        }
        String text = lines(prefix, result.getStatus().name(), result.getDuration(), location, testCase.getName(),
                reason);
        // PrintStream.print is synchronized: one call per scenario keeps its lines together.
        out.print(text);
        out.flush();
    }

    /** The scenario's line, plus the reason's first line for anything but a pass; each line ends with a newline. */
    static String lines(String status, Duration duration, String location, String name, String reason) {
        return lines("", status, duration, location, name, reason);
    }

    /** As {@link #lines(String, Duration, String, String, String)}, each line starting with {@code prefix}. */
    static String lines(String prefix, String status, Duration duration, String location, String name,
                        String reason) {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%s  %-9s %7.3fs  %s  %s%n",
                prefix, status, duration.toNanos() / 1e9, location, name));
        if (!Status.PASSED.name().equals(status) && reason != null) {
            text.append(prefix).append("             ").append(Text.firstLine(reason))
                    .append(System.lineSeparator());
        }
        return text.toString();
    }
}
