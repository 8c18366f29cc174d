package hil.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code hil compare OLD NEW} on reports that real {@code hil run}s wrote. */
class CompareCommandTest {

    private static final String HEAD = """
            Feature: Storage

              Background:
                Given vendor "TestVendor" is 12345678-1234-1234-1234-123456789abc
                And the firmware is in the boot phase

            """;

    private static final String READS_BACK = """
              Scenario: A variable reads back
                When I set the variable "HilCmp" of vendor TestVendor with attributes NV|BS|RT to hex "01 02"
                Then the status is EFI_SUCCESS
            """;

    private static final String READS_BACK_BROKEN = """
              Scenario: A variable reads back
                When I set the variable "HilCmp" of vendor TestVendor with attributes NV|BS|RT to hex "01 02"
                Then the status is EFI_NOT_FOUND
            """;

    /** Diverges between the two profiles: the maximum storage differs. */
    private static final String QUERY = """
              Scenario: Non-volatile storage is queried
                When I query variable storage for attributes NV|BS|RT
                Then the status is EFI_SUCCESS
            """;

    /** Agrees on both profiles. */
    private static final String MISSING = """
              Scenario: A missing variable is not found
                When I get the variable "NeverSet" of vendor TestVendor
                Then the status is EFI_NOT_FOUND
            """;

    @TempDir
    Path dir;

    private TwoProfileRun run;

    @BeforeEach
    void lab() throws IOException {
        run = new TwoProfileRun(dir);
    }

    /** Runs the two targets over a feature made of the given scenarios (each keeps its line) into {@code name}. */
    private Path report(String name, String... scenarios) throws IOException {
        Files.writeString(run.feature, HEAD + String.join("\n", scenarios));
        Path report = dir.resolve(name);
        run.hil("run", "--lab-config", run.labConfig.toString(), "--report", report.toString(), "--target", "sim-4m",
                "--target", "sim-2m", run.feature.toString());
        return report;
    }

    private int compare(Path before, Path after) {
        run.out.getBuffer().setLength(0);
        return run.hil("compare", before.toString(), after.toString());
    }

    @Test
    @DisplayName("lists regressions and new divergences first, then fixes, removed and added scenarios, and exits 1")
    void regressionsFirst() throws IOException {
        Path before = report("old", READS_BACK, MISSING, MISSING.replace("missing", "second missing"));
        // Scenarios are matched by line: line 7 now fails, line 11 now queries storage (and diverges between the
        // profiles, in both maxima), line 15 is gone.
        Path after = report("new", READS_BACK_BROKEN, QUERY);

        assertEquals(1, compare(before, after), run.err::toString);

        List<String> lines = run.out.toString().lines().toList();
        String text = String.join("\n", lines);
        int regressions = lines.indexOf("Regressions: 2");
        int divergences = lines.indexOf("New divergences: 2");
        int removed = lines.indexOf("Removed scenarios: 2");
        assertTrue(regressions > 0 && divergences > regressions && removed > divergences, text);
        assertTrue(!text.contains("Added scenarios"), text);
        assertTrue(text.contains("  sim-4m  " + run.feature.toUri() + ":7  A variable reads back  PASSED -> FAILED"),
                text);
        assertTrue(text.contains("  sim-2m  " + run.feature.toUri() + ":7  A variable reads back  PASSED -> FAILED"),
                text);
        assertTrue(text.contains("Non-volatile storage is queried  step 3 (When I query variable storage for"
                + " attributes NV|BS|RT)"), text);
        assertTrue(text.contains("      QueryVariableInfo maximumVariableStorageSize: sim-4m "), text);
        assertTrue(text.contains("A second missing variable is not found  PASSED -> (gone)"), text);
        assertEquals("Unchanged: 2 scenario results (2 passed); 0 divergences as before", lines.get(lines.size() - 1));
    }

    @Test
    @DisplayName("lists fixes and resolved divergences and exits 0 when nothing got worse")
    void fixesOnly() throws IOException {
        Path before = report("old", READS_BACK_BROKEN, QUERY);
        Path after = report("new", READS_BACK, MISSING, MISSING.replace("missing", "second missing"));

        assertEquals(0, compare(before, after), run.err::toString);

        String text = run.out.toString();
        assertTrue(text.contains("Regressions: none"), text);
        assertTrue(text.contains("New divergences: none"), text);
        assertTrue(text.contains("Fixes: 2"), text);
        assertTrue(text.contains("Resolved divergences: 2"), text);
        assertTrue(text.contains("A variable reads back  FAILED -> PASSED"), text);
        assertTrue(text.contains("Added scenarios: 2"), text);
        assertTrue(text.contains("A second missing variable is not found  (new) -> PASSED"), text);
    }

    @Test
    @DisplayName("two reports of the same run compare as unchanged, with their divergences as before")
    void unchanged() throws IOException {
        Path before = report("old", READS_BACK, QUERY);
        Path after = report("new", READS_BACK, QUERY);

        assertEquals(0, compare(before, after), run.err::toString);

        assertTrue(run.out.toString().contains("Unchanged: 4 scenario results (4 passed); 2 divergences as before"),
                run.out::toString);
    }

    @Test
    @DisplayName("a missing directory is bad input: exit 2 with one line naming it")
    void missingDirectory() throws IOException {
        Path before = report("old", READS_BACK);
        Path nowhere = dir.resolve("nowhere");

        assertEquals(2, compare(before, nowhere));

        assertEquals("hil: " + nowhere + ": no such report directory" + System.lineSeparator(), run.err.toString());
    }

    @Test
    @DisplayName("a directory that is not a report is bad input: exit 2 saying what a report has")
    void notAReport() throws IOException {
        Path before = report("old", READS_BACK);
        Path notes = Files.createDirectories(dir.resolve("notes"));

        assertEquals(2, compare(notes, before));

        assertEquals("hil: " + notes + " is not a report: it has no targets/*/results.json (give a directory"
                + " written by 'hil run --report DIR')" + System.lineSeparator(), run.err.toString());
    }

    @Test
    @DisplayName("a results file that does not parse is bad input naming the file")
    void brokenResults() throws IOException {
        Path before = report("old", READS_BACK);
        Path after = report("new", READS_BACK);
        Files.writeString(after.resolve("targets/sim-2m/results.json"), "[{\"target\":");

        assertEquals(2, compare(before, after));

        assertTrue(run.err.toString().startsWith("hil: cannot read the scenario results in "
                + after.resolve("targets/sim-2m/results.json").toAbsolutePath()), run.err::toString);
    }
}
