package hil.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The report of a run with a known divergence, as a real browser renders it: headless Chromium (Debian package
 * {@code chromium}). Skipped where Chromium is not installed.
 */
class ReportInBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Pattern ROW = Pattern.compile("<tr\\b([^>]*)>(.*?)</tr>", Pattern.DOTALL);
    private static final Pattern CELL = Pattern.compile("<t([dh])\\b([^>]*)>(.*?)</t\\1>", Pattern.DOTALL);
    private static final Pattern TAG = Pattern.compile("<[^>]+>");

    @TempDir
    Path dir;

    private Path report;
    private String queryKey;

    /** A cell of the rendered matrix: its attributes and its text without markup. */
    private record Cell(String attributes, String text) {
    }

    @BeforeEach
    void runWithAWrongProfile() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM), "headless Chromium is not installed at " + CHROMIUM
                + " (Debian package: chromium)");
        TwoProfileRun run = new TwoProfileRun(dir);
        assertEquals(0, run.run(), run.err::toString);
        report = run.report;
        queryKey = run.queryScenarioKey();
    }

    @Test
    @DisplayName("Chromium shows the diverged cell in the row of the diverging scenario and the column of the wrong target")
    void divergedCellInItsRowAndColumn() throws Exception {
        String dom = dumpDom(report.resolve("index.html"));

        List<List<Cell>> matrix = matrix(dom);
        List<String> header = matrix.get(0).stream().map(Cell::text).toList();
        assertEquals(List.of("feature", "scenario", "sim-4m", "sim-2m"), header);
        int wrongTarget = header.indexOf("sim-2m");
        int reference = header.indexOf("sim-4m");

        List<String> rowAttributes = rowAttributes(dom);
        int queryRow = -1;
        for (int i = 0; i < rowAttributes.size(); i++) {
            if (rowAttributes.get(i).contains("data-scenario=\"" + queryKey + "\"")) {
                queryRow = i;
            }
        }
        assertTrue(queryRow > 0, "no matrix row for the query scenario in:\n" + dom);
        List<Cell> row = matrix.get(queryRow);
        assertTrue(row.get(1).text().contains("Non-volatile storage is queried"), row::toString);
        assertTrue(row.get(wrongTarget).attributes().contains("cell diverged"), row::toString);
        assertTrue(row.get(wrongTarget).text().startsWith("DIVERGED"), row::toString);
        assertTrue(row.get(reference).attributes().contains("cell passed"), row::toString);
        for (int i = 1; i < matrix.size(); i++) {
            if (i != queryRow) {
                int r = i;
                matrix.get(i).forEach(c -> assertTrue(!c.attributes().contains("diverged"),
                        () -> "row " + r + " must not diverge: " + matrix.get(r)));
            }
        }
    }

    @Test
    @DisplayName("Chromium paints the diverged cell in a colour of its own, unlike passed cells")
    void divergedCellHasItsOwnColour() throws Exception {
        // A copy of the page with a probe that records each matrix cell's computed background; the report itself
        // has no script.
        String html = Files.readString(report.resolve("index.html"));
        String probe = "<script>for (const td of document.querySelectorAll('table.matrix td.cell'))"
                + " td.setAttribute('data-bg', getComputedStyle(td).backgroundColor);</script>\n</body>";
        Path probed = Files.writeString(report.resolve("probe.html"), html.replace("</body>", probe));

        String dom = dumpDom(probed);

        Matcher diverged = Pattern.compile("class=\"cell diverged\"[^>]*data-bg=\"([^\"]+)\"").matcher(dom);
        Matcher passed = Pattern.compile("class=\"cell passed\"[^>]*data-bg=\"([^\"]+)\"").matcher(dom);
        assertTrue(diverged.find(), dom);
        assertTrue(passed.find(), dom);
        assertNotEquals(passed.group(1), diverged.group(1));
        assertNotEquals("rgba(0, 0, 0, 0)", diverged.group(1), "the diverged cell must have a background");
    }

    private String dumpDom(Path page) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(dir, "chromium-profile-");
        Path dom = dir.resolve("dom.html");
        Path log = dir.resolve("chromium.log");
        Process chromium = new ProcessBuilder(CHROMIUM.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--dump-dom", page.toUri().toString())
                .redirectOutput(dom.toFile())
                .redirectError(log.toFile())
                .start();
        if (!chromium.waitFor(120, TimeUnit.SECONDS)) {
            chromium.destroyForcibly();
            throw new AssertionError("Chromium did not finish within 120 s; its log:\n" + Files.readString(log));
        }
        String text = Files.readString(dom);
        assertTrue(text.contains("<table class=\"matrix\">"), () -> "no rendered matrix (exit " + chromium.exitValue()
                + "); Chromium's log:\n" + readQuietly(log));
        return text;
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** The matrix as rows of cells, header first. */
    private static List<List<Cell>> matrix(String dom) {
        List<List<Cell>> rows = new ArrayList<>();
        Matcher row = ROW.matcher(matrixTable(dom));
        while (row.find()) {
            List<Cell> cells = new ArrayList<>();
            Matcher cell = CELL.matcher(row.group(2));
            while (cell.find()) {
                cells.add(new Cell(cell.group(2), TAG.matcher(cell.group(3)).replaceAll("").strip()));
            }
            rows.add(cells);
        }
        return rows;
    }

    private static List<String> rowAttributes(String dom) {
        List<String> attributes = new ArrayList<>();
        Matcher row = ROW.matcher(matrixTable(dom));
        while (row.find()) {
            attributes.add(row.group(1));
        }
        return attributes;
    }

    private static String matrixTable(String dom) {
        int start = dom.indexOf("<table class=\"matrix\">");
        return dom.substring(start, dom.indexOf("</table>", start));
    }
}
