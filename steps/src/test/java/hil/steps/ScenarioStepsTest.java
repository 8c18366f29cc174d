package hil.steps;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ScenarioStepsTest {

    @TempDir
    Path dir;

    private URI feature(String text) throws IOException {
        Path f = dir.resolve("x.feature");
        Files.writeString(f, text);
        return f.toUri();
    }

    @Test
    void findsAScenarioByItsLineWithTheBackgroundFirst() throws IOException {
        URI uri = feature("""
                Feature: f
                  Background:
                    Given the firmware is in the boot phase

                  Scenario: one
                    When the OS reads the memory map

                  Scenario: two
                    When the OS calls ExitBootServices
                """);
        assertEquals(List.of("the firmware is in the boot phase", "the OS reads the memory map"),
                ScenarioSteps.of(uri, 5));
        assertEquals(List.of("the firmware is in the boot phase", "the OS calls ExitBootServices"),
                ScenarioSteps.of(uri, 8));
    }

    @Test
    void findsAnOutlineRowByItsLineWithItsValuesFilledIn() throws IOException {
        URI uri = feature("""
                Feature: f
                  Scenario Outline: sizes
                    When the OS tries to call SetVirtualAddressMap with descriptor size <size>

                    Examples:
                      | size |
                      | 32   |
                      | 48   |
                """);
        assertEquals(List.of("the OS tries to call SetVirtualAddressMap with descriptor size 48"),
                ScenarioSteps.of(uri, 8));
    }

    @Test
    void knowsNothingOfALineWithoutAScenarioOrAFileItCannotRead() throws IOException {
        URI uri = feature("Feature: f\n  Scenario: s\n    Given x\n");
        assertEquals(List.of(), ScenarioSteps.of(uri, 1));
        assertEquals(List.of(), ScenarioSteps.of(URI.create("classpath:features/x.feature"), 2));
    }
}
