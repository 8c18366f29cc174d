package hil.reports;

import hil.reports.model.ScenarioResult;
import hil.reports.model.StepResult;

import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * {@code junit/<target>.xml}: one test suite per target, one test case per scenario, in the common JUnit XML
 * dialect CI servers read. FAILED, AMBIGUOUS and PENDING scenarios are failures, UNDEFINED ones errors.
 */
final class JunitXml {

    private final String target;
    private final List<ScenarioResult> results;
    private final Instant generated;
    private final Path workingDir;

    JunitXml(String target, List<ScenarioResult> results, Instant generated, Path workingDir) {
        this.target = target;
        this.results = results;
        this.generated = generated;
        this.workingDir = workingDir;
    }

    void write(Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
            try {
                write(xml);
            } finally {
                xml.close();
            }
        } catch (XMLStreamException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private void write(XMLStreamWriter xml) throws XMLStreamException {
        Summary.Counts counts = Summary.of(results, generated).targets().get(target);
        xml.writeStartDocument("UTF-8", "1.0");
        xml.writeCharacters("\n");
        xml.writeStartElement("testsuite");
        xml.writeAttribute("name", Text.xml(target));
        xml.writeAttribute("tests", Integer.toString(results.size()));
        xml.writeAttribute("failures", Integer.toString(counts == null ? 0 : counts.failed()));
        xml.writeAttribute("errors", Integer.toString(counts == null ? 0 : counts.undefined()));
        xml.writeAttribute("skipped", Integer.toString(counts == null ? 0 : counts.skipped()));
        xml.writeAttribute("time", seconds(results.stream().mapToLong(ScenarioResult::durationNanos).sum()));
        // JUnit's schema wants a local timestamp without zone; the report's instant is given in UTC.
        xml.writeAttribute("timestamp", DateTimeFormatter.ISO_LOCAL_DATE_TIME
                .format(generated.truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC)));
        for (ScenarioResult result : results) {
            xml.writeCharacters("\n  ");
            testCase(xml, result);
        }
        xml.writeCharacters("\n");
        xml.writeEndElement();
        xml.writeCharacters("\n");
        xml.writeEndDocument();
    }

    private void testCase(XMLStreamWriter xml, ScenarioResult result) throws XMLStreamException {
        xml.writeStartElement("testcase");
        xml.writeAttribute("classname", Text.xml(Locations.display(result.featureUri(), workingDir)));
        xml.writeAttribute("name", Text.xml(result.name() + " (line " + result.line() + ")"));
        xml.writeAttribute("time", seconds(result.durationNanos()));
        switch (Verdict.of(result.status())) {
            case PASSED -> {
            }
            case SKIPPED -> {
                xml.writeCharacters("\n    ");
                xml.writeEmptyElement("skipped");
                if (result.message() != null) {
                    xml.writeAttribute("message", Text.xml(result.message()));
                }
            }
            case UNDEFINED -> problem(xml, "error", result,
                    result.message() == null ? "undefined step" : result.message());
            case FAILED -> problem(xml, "failure", result,
                    result.message() == null ? result.status() : result.message());
        }
        xml.writeCharacters("\n    ");
        xml.writeStartElement("system-out");
        xml.writeCharacters(Text.xml(steps(result)));
        xml.writeEndElement();
        xml.writeCharacters("\n  ");
        xml.writeEndElement();
    }

    private static void problem(XMLStreamWriter xml, String element, ScenarioResult result, String message)
            throws XMLStreamException {
        xml.writeCharacters("\n    ");
        xml.writeStartElement(element);
        xml.writeAttribute("message", Text.xml(Text.firstLine(message)));
        xml.writeAttribute("type", Text.xml(result.status()));
        xml.writeCharacters(Text.xml(message));
        xml.writeEndElement();
    }

    /**
     * The steps as lines of status, keyword and text, with the reason under each step that did not pass; in
     * {@code system-out} so that CI shows where a scenario stopped.
     */
    private static String steps(ScenarioResult result) {
        StringBuilder out = new StringBuilder();
        for (StepResult step : result.steps()) {
            out.append(String.format(Locale.ROOT, "%-9s %s%s", step.status(), step.keyword(), step.text()));
            if (step.line() > 0) {
                out.append(" (line ").append(step.line()).append(')');
            }
            out.append('\n');
            if (step.message() != null && !"PASSED".equals(step.status())) {
                out.append("          ").append(step.message().strip().replace("\n", "\n          ")).append('\n');
            }
        }
        return out.toString();
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e9);
    }
}
