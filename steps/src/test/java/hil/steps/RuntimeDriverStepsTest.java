package hil.steps;

import hil.reports.model.Observation;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runtime-driver steps' own parsing and per-scenario state. */
class RuntimeDriverStepsTest {

    private static Observation call(String operation, String status) {
        return new Observation(operation, Map.of(), status, Map.of(), "boot", "sim", 0, null);
    }

    @Test
    void pointerListsAreCommaSeparatedAndTheEmptyStringIsNone() {
        assertEquals(List.of("mVariableBuffer", "mSmmCommunication"),
                RuntimeDriverSteps.names("mVariableBuffer, mSmmCommunication"));
        assertEquals(List.of("a"), RuntimeDriverSteps.names(" a ,"));
        assertEquals(List.of(), RuntimeDriverSteps.names(""));
    }

    @Test
    void tplsAreNamedOrNumbers() {
        RuntimeDriverParameterTypes types = new RuntimeDriverParameterTypes();
        assertEquals(4L, types.tpl("TPL_APPLICATION"));
        assertEquals(8L, types.tpl("TPL_CALLBACK"));
        assertEquals(16L, types.tpl("TPL_NOTIFY"));
        assertEquals(31L, types.tpl("TPL_HIGH_LEVEL"));
        assertEquals(9L, types.tpl("9"));
        assertEquals(16L, types.tpl("0x10"));
    }

    @Test
    void theMostRecentOfSeveralOperationsIsTheOneAssertedOn() {
        RuntimeDriverState state = new RuntimeDriverState();
        Observation ex = call("CreateEventEx", "EFI_SUCCESS");
        Observation plain = call("CreateEvent", "EFI_INVALID_PARAMETER");
        state.remember(ex);
        state.remember(plain);
        assertSame(plain, state.last("CreateEvent", "CreateEventEx", "CreateEvent"));
        Observation later = call("CreateEventEx", "EFI_SUCCESS");
        state.remember(later);
        assertSame(later, state.last("CreateEvent", "CreateEvent", "CreateEventEx"));
    }

    @Test
    void assertingOnACallNeverMadeSaysSo() {
        RuntimeDriverState state = new RuntimeDriverState();
        AssertionError e = assertThrows(AssertionError.class, () -> state.last("SetVirtualAddressMap", "SetVirtualAddressMap"));
        assertEquals("no SetVirtualAddressMap call has been made in this scenario yet", e.getMessage());
        AssertionError key = assertThrows(AssertionError.class, state::mapKey);
        assertTrue(key.getMessage().contains("When the OS reads the memory map"));
    }

    @Test
    void onlyDriversTheScenarioLoadedCount() {
        RuntimeDriverState state = new RuntimeDriverState();
        state.loaded("Mine");
        assertTrue(state.isLoaded("Mine"));
        assertEquals(false, state.isLoaded("VariableSmmRuntimeDxe"));
    }
}
