package hil.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportDirectoryTest {

    @TempDir
    Path dir;

    private List<String> contents(Path report) throws IOException {
        try (Stream<Path> walk = Files.walk(report)) {
            return walk.filter(p -> !p.equals(report)).map(p -> report.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void creates_a_missing_directory_with_its_marker() throws IOException {
        Path report = dir.resolve("a/report");

        ReportDirectory.check(report).prepare();

        assertEquals(List.of(ReportDirectory.MARKER), contents(report));
    }

    @Test
    void empties_a_directory_of_an_earlier_run() throws IOException {
        Path report = dir.resolve("report");
        ReportDirectory.check(report).prepare();
        Files.createDirectories(report.resolve("targets/simulator"));
        Files.writeString(report.resolve("targets/simulator/results.json"), "[]");
        Files.writeString(report.resolve("index.html"), "<html>");

        ReportDirectory.check(report).prepare();

        assertEquals(List.of(ReportDirectory.MARKER), contents(report));
    }

    @Test
    void uses_an_existing_empty_directory() throws IOException {
        Path report = Files.createDirectories(dir.resolve("report"));

        ReportDirectory.check(report).prepare();

        assertEquals(List.of(ReportDirectory.MARKER), contents(report));
    }

    @Test
    void refuses_a_directory_with_files_it_did_not_write_and_leaves_them() throws IOException {
        Files.writeString(dir.resolve("thesis.tex"), "precious");

        BadInputException e = assertThrows(BadInputException.class, () -> ReportDirectory.check(dir));

        assertTrue(e.getMessage().contains("already holds files that hil did not write"), e.getMessage());
        assertEquals(List.of("thesis.tex"), contents(dir));
    }

    @Test
    void refuses_a_file() throws IOException {
        Path file = Files.writeString(dir.resolve("report"), "x");

        BadInputException e = assertThrows(BadInputException.class, () -> ReportDirectory.check(file));

        assertEquals("report directory " + file + " is a file (choose another --report DIR)", e.getMessage());
    }

    @Test
    void places_each_targets_files_by_name() {
        ReportDirectory report = ReportDirectory.check(dir.resolve("r"));

        assertEquals(dir.resolve("r/targets/board-1"), report.results("board-1"));
        assertEquals(dir.resolve("r/cucumber-board-1.html"), report.cucumberHtml("board-1"));
        assertEquals(dir.resolve("r/cucumber-board-1.ndjson"), report.cucumberMessages("board-1"));
        assertEquals(dir.resolve("r/index.html"), report.index());
    }
}
