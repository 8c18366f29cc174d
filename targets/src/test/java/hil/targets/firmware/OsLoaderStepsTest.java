package hil.targets.firmware;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OsLoaderStepsTest {

    @Test
    void aScenarioThatReadsTheMapOrPassesItsOwnKeyNeedsTheAgent() {
        assertTrue(OsLoaderSteps.needed(List.of("the firmware is in the boot phase", "the OS reads the memory map",
                "the OS calls ExitBootServices with the map key it read")));
    }

    @Test
    void aScenarioThatTriesSetVirtualAddressMapItselfNeedsTheAgent() {
        assertTrue(OsLoaderSteps.needed(List.of("the OS calls ExitBootServices",
                "the OS tries to call SetVirtualAddressMap with descriptor size 32")));
        assertTrue(OsLoaderSteps.needed(List.of("the OS tries to call SetVirtualAddressMap")));
    }

    @Test
    void aConversionAfterExitBootServicesNeedsTheAgentButOneBeforeItDoesNot() {
        assertTrue(OsLoaderSteps.needed(List.of("the driver \"Early\" converts its pointer \"mBuffer\"",
                "the OS calls ExitBootServices", "the OS calls SetVirtualAddressMap",
                "the driver \"Early\" converts its pointer \"mBuffer\"")));
        assertFalse(OsLoaderSteps.needed(List.of("the driver \"Early\" converts its pointer \"mBuffer\"",
                "ConvertPointer returns EFI_NOT_FOUND")));
    }

    @Test
    void anOrdinaryOsPhaseStaysLinux() {
        assertFalse(OsLoaderSteps.needed(List.of("the firmware is in the boot phase", "the OS calls ExitBootServices",
                "the OS calls SetVirtualAddressMap", "I get the variable \"A\" of vendor \"x\"")));
        assertFalse(OsLoaderSteps.needed(List.of()));
    }
}
