package hil.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LabConfigLocationTest {

    @TempDir
    Path home;

    private Environment installedAt(Path home) {
        return new Environment(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), List::of,
                Optional.ofNullable(home));
    }

    @Test
    void the_option_wins() throws IOException {
        Files.createDirectories(home.resolve("lab-config"));

        assertEquals(Path.of("mine"), LabConfigLocation.resolve(Path.of("mine"), installedAt(home)));
    }

    // The tests run in the module directory, which has no lab-config/ of its own.
    @Test
    void without_a_local_lab_config_the_installations_is_used() throws IOException {
        Path installed = Files.createDirectories(home.resolve("lab-config"));

        assertEquals(installed, LabConfigLocation.resolve(null, installedAt(home)));
    }

    @Test
    void without_either_the_local_name_is_kept_for_the_error_message() {
        assertEquals(Path.of("lab-config"), LabConfigLocation.resolve(null, installedAt(null)));
        assertEquals(Path.of("lab-config"), LabConfigLocation.resolve(null, installedAt(home)));
    }
}
