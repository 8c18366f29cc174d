package hil.targets.labconfig;

import hil.targets.TargetKinds;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The lab-config directory of the project, read with the kinds this build knows. */
class ShippedLabConfigTest {

    // Tests run in the module directory; lab-config/ is at the top of the project.
    private static final Path SHIPPED = Path.of("..", "lab-config");

    @Test
    void loads_and_defines_the_default_simulator_target() {
        LabConfig config = LabConfig.load(SHIPPED, TargetKinds.all());

        TargetConfig simulator = config.target("simulator").orElseThrow();
        assertEquals("simulator", simulator.kind());
        assertEquals(Map.of("profile", "ovmf-4m"), simulator.settings());
    }
}
