package hil.steps;

import hil.reports.model.Observation;
import hil.simulator.uefi.EfiStatus;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Status assertions on calls made through the UEFI Shell, which report the Shell's status instead of an EFI one. */
class ShellStatusStepsTest {

    private final ScenarioState state = new ScenarioState();
    private final AssertionSteps steps = new AssertionSteps(state);

    private void lastCall(String status, Map<String, String> outputs) {
        state.call(() -> new Observation("SetVariable", Map.of("name", "A"), status, outputs, "boot", "qemu", 0, null));
    }

    @Test
    void aFailedShellCommandFailsAStepThatExpectedSuccess() {
        lastCall(null, Map.of("statusClass", "shell-access-denied", "shellStatus", "0xF"));
        AssertionError e = assertThrows(AssertionError.class, () -> steps.statusIs(EfiStatus.SUCCESS));
        assertTrue(e.getMessage().startsWith("SetVariable failed through the UEFI Shell with SHELL_ACCESS_DENIED,"
                + " expected EFI_SUCCESS"), e.getMessage());
    }

    @Test
    void whichErrorItWasIsNotObservable() {
        lastCall(null, Map.of("statusClass", "shell-access-denied", "shellStatus", "0xF"));
        TestAbortedException e = assertThrows(TestAbortedException.class,
                () -> steps.statusIs(EfiStatus.INVALID_PARAMETER));
        assertTrue(e.getMessage().contains("the UEFI Shell reports SHELL_ACCESS_DENIED (shell-access-denied)"),
                e.getMessage());
        assertThrows(TestAbortedException.class, () -> steps.statusIsEither(EfiStatus.SUCCESS, EfiStatus.NOT_FOUND));
    }

    @Test
    void aSucceededShellCommandHasAnExactStatus() {
        lastCall("EFI_SUCCESS", Map.of());
        steps.statusIs(EfiStatus.SUCCESS);
        AssertionError e = assertThrows(AssertionError.class, () -> steps.statusIs(EfiStatus.NOT_FOUND));
        assertTrue(e.getMessage().startsWith("SetVariable returned EFI_SUCCESS, expected EFI_NOT_FOUND"), e.getMessage());
    }
}
