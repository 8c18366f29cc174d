package hil.steps;

import hil.targets.HilException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The store a scenario names is looked up in the run's lab-config; an unknown name lists the known ones. */
class TargetSessionStoresTest {

    @TempDir
    Path labConfig;

    @AfterEach
    void forget() {
        System.clearProperty(TargetSession.LAB_CONFIG_PROPERTY);
    }

    private void labConfig(String stores) throws IOException {
        Files.writeString(labConfig.resolve("simulator.yaml"), "name: simulator\nkind: simulator\n");
        if (stores != null) {
            Files.writeString(labConfig.resolve("stores.yaml"), stores);
        }
        System.setProperty(TargetSession.LAB_CONFIG_PROPERTY, labConfig.toString());
    }

    @Test
    void aStoreOfTheLabConfigIsFoundWithItsFileResolvedAgainstTheDirectory() throws IOException {
        labConfig("stores:\n  keyed:\n    file: images/keyed.fd\n");
        assertEquals(labConfig.resolve("images/keyed.fd"), TargetSession.store("keyed").file());
    }

    @Test
    void anUnknownStoreIsAnErrorListingTheKnownOnes() throws IOException {
        labConfig("stores:\n  a:\n    file: a.fd\n  b:\n    file: b.fd\n");
        assertEquals("unknown variable store \"c\" (" + labConfig.resolve("stores.yaml") + " has: a, b)",
                assertThrows(HilException.class, () -> TargetSession.store("c")).getMessage());
    }

    @Test
    void withoutStoresYamlTheErrorSaysSo() throws IOException {
        labConfig(null);
        assertEquals("unknown variable store \"c\" (lab-config " + labConfig + " has no stores.yaml)",
                assertThrows(HilException.class, () -> TargetSession.store("c")).getMessage());
    }
}
