package hil.reports;

import hil.reports.model.Artifact;
import hil.reports.model.ObservationCodec;
import hil.reports.model.ScenarioResult;
import io.cucumber.plugin.ConcurrentEventListener;
import io.cucumber.plugin.event.EmbedEvent;
import io.cucumber.plugin.event.EventPublisher;
import io.cucumber.plugin.event.Node;
import io.cucumber.plugin.event.TestCase;
import io.cucumber.plugin.event.TestCaseFinished;
import io.cucumber.plugin.event.TestCaseStarted;
import io.cucumber.plugin.event.TestRunFinished;
import io.cucumber.plugin.event.TestSourceParsed;
import io.cucumber.plugin.event.TestStepFinished;
import io.cucumber.plugin.event.TestStepStarted;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records every scenario of a Cucumber run on one target, with the observations its steps attached, and writes
 * them to {@code <dir>/results.json} when the run finishes.
 *
 * <p>Use as {@code cucumber.plugin=hil.reports.RecordingPlugin:<dir>}. The target's name is
 * {@link RunContext#targetName()} on the thread that creates the plugin (the thread that launches the run). Step
 * definitions attach each observation with {@link ObservationCodec#MEDIA_TYPE}; an attachment of that type that
 * does not decode fails the step that attached it. Any other attachment (a console transcript, a screenshot) is
 * evidence: its bytes go to {@code <dir>/artifacts/<n>.<ext>} at once and the scenario lists it. Safe for parallel
 * runs: state is kept per test case.
 */
public final class RecordingPlugin implements ConcurrentEventListener {

    /** System property naming the target the run is on, when the launching thread has none in {@link RunContext}. */
    public static final String TARGET_PROPERTY = RunContext.TARGET_PROPERTY;
    /** Target name used when neither {@link RunContext} nor {@value #TARGET_PROPERTY} names one. */
    public static final String DEFAULT_TARGET = RunContext.DEFAULT_TARGET;
    /** Folder of the results directory that receives attached evidence. */
    static final String ARTIFACTS = "artifacts";

    private final Path dir;
    private final String target;
    private final Map<UUID, ScenarioRecorder> running = new ConcurrentHashMap<>();
    private final Map<URI, String> featureNames = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<ScenarioResult> finished = new ConcurrentLinkedQueue<>();
    private final AtomicInteger artifactCount = new AtomicInteger();

    /** @param dir the directory that receives {@code results.json}; created if missing */
    public RecordingPlugin(String dir) {
        this.dir = Path.of(dir);
        this.target = RunContext.targetName();
    }

    /** Reads the results a run left in {@code dir}; fails with a {@link ReportException} naming the file. */
    public static List<ScenarioResult> readResults(Path dir) {
        return ResultsFile.read(dir);
    }

    @Override
    public void setEventPublisher(EventPublisher publisher) {
        publisher.registerHandlerFor(TestSourceParsed.class, this::sourceParsed);
        publisher.registerHandlerFor(TestCaseStarted.class,
                e -> running.put(e.getTestCase().getId(), new ScenarioRecorder(target, e.getTestCase())));
        publisher.registerHandlerFor(TestStepStarted.class,
                e -> recorder(e.getTestCase()).stepStarted(e.getTestStep()));
        publisher.registerHandlerFor(TestStepFinished.class,
                e -> recorder(e.getTestCase()).stepFinished(e.getTestStep(), e.getResult()));
        publisher.registerHandlerFor(EmbedEvent.class, this::embedded);
        publisher.registerHandlerFor(TestCaseFinished.class, this::caseFinished);
        publisher.registerHandlerFor(TestRunFinished.class, e -> ResultsFile.write(dir, results()));
    }

    private void sourceParsed(TestSourceParsed event) {
        for (Node node : event.getNodes()) {
            if (node instanceof Node.Feature) {
                node.getName().filter(n -> !n.isBlank()).ifPresent(n -> featureNames.put(event.getUri(), n));
            }
        }
    }

    private void embedded(EmbedEvent event) {
        if (ObservationCodec.MEDIA_TYPE.equals(event.getMediaType())) {
            // Decoding here (not at the end) makes a malformed attachment fail the step that made it.
            recorder(event.getTestCase()).observed(ObservationCodec.decode(event.getData()));
        } else {
            recorder(event.getTestCase()).attached(saveArtifact(event));
        }
    }

    /** Writes the attachment's bytes now, so that screenshots are not held in memory until the run ends. */
    private Artifact saveArtifact(EmbedEvent event) {
        String file = ARTIFACTS + "/" + artifactCount.incrementAndGet() + "." + extension(event.getMediaType());
        Path path = dir.resolve(file);
        try {
            Files.createDirectories(path.getParent());
            Files.write(path, event.getData());
        } catch (IOException e) {
            throw new ReportException("cannot write the attachment '" + event.getName() + "' of target " + target
                    + " to " + path.toAbsolutePath() + ": " + e, e);
        }
        return new Artifact(event.getName(), event.getMediaType(), file);
    }

    static String extension(String mediaType) {
        String type = mediaType.toLowerCase(Locale.ROOT);
        int parameters = type.indexOf(';');
        return switch ((parameters < 0 ? type : type.substring(0, parameters)).strip()) {
            case "text/plain" -> "txt";
            case "image/png" -> "png";
            case "image/jpeg" -> "jpg";
            case "text/html" -> "html";
            case "application/json" -> "json";
            default -> "bin";
        };
    }

    private void caseFinished(TestCaseFinished event) {
        TestCase testCase = event.getTestCase();
        ScenarioRecorder recorder = running.remove(testCase.getId());
        if (recorder == null) {
            recorder = new ScenarioRecorder(target, testCase);
        }
        finished.add(recorder.finish(event.getResult(), featureName(testCase.getUri())));
    }

    private ScenarioRecorder recorder(TestCase testCase) {
        // Created on demand so that no event is dropped even if the start of its test case was missed.
        return running.computeIfAbsent(testCase.getId(), id -> new ScenarioRecorder(target, testCase));
    }

    private String featureName(URI uri) {
        String name = featureNames.get(uri);
        if (name != null) {
            return name;
        }
        String path = uri.getSchemeSpecificPart();
        String file = path.substring(path.lastIndexOf('/') + 1);
        return file.endsWith(".feature") ? file.substring(0, file.length() - ".feature".length()) : file;
    }

    /** The results in a stable order (feature, then line), whatever order parallel threads finished in. */
    private List<ScenarioResult> results() {
        List<ScenarioResult> results = new ArrayList<>(finished);
        results.sort(Comparator.comparing(ScenarioResult::featureUri).thenComparingInt(ScenarioResult::line));
        return results;
    }
}
