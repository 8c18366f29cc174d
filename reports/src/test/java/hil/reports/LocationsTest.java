package hil.reports;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LocationsTest {

    private static final Path WORK = Path.of("/work/main").toAbsolutePath();

    @Test
    @DisplayName("a feature file under the working directory is shown by its relative path")
    void fileUnderWorkingDirectoryIsRelative() {
        assertEquals("features/variables/get.feature",
                Locations.display(WORK.resolve("features/variables/get.feature").toUri().toString(), WORK));
    }

    @Test
    @DisplayName("a feature file elsewhere is shown by its absolute path")
    void fileElsewhereIsAbsolute() {
        Path elsewhere = Path.of("/srv/suites/x.feature").toAbsolutePath();
        assertEquals(elsewhere.toString().replace('\\', '/'),
                Locations.display(elsewhere.toUri().toString(), WORK));
    }

    @Test
    @DisplayName("a classpath feature is shown by its path inside the classpath")
    void classpathFeature() {
        assertEquals("features/smm/buffer.feature", Locations.display("classpath:features/smm/buffer.feature", WORK));
    }

    @Test
    @DisplayName("a text that is not a URI is shown as it is")
    void notAUri() {
        assertEquals("not a uri: [x]", Locations.display("not a uri: [x]", WORK));
    }
}
