package hil.targets.qemu;

import hil.reports.model.Observation;
import hil.reports.model.Observation.Keys;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiGuid;
import hil.targets.Capability;
import hil.targets.NotObservableException;
import hil.targets.Phase;
import hil.targets.VariableServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The qemu-ovmf target without the agent (setting {@code calls: shell}) on real QEMU and OVMF: the firmware stays at
 * the Shell prompt and the boot-phase calls are Shell commands; machine reuse, reset and the OS phase work as with
 * the agent. Skipped when QEMU, OVMF or mtools is missing, except under CI=true, where that fails.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QemuOvmfShellTargetTest {

    private static final EfiGuid VENDOR = EfiGuid.parse("12345678-1234-1234-1234-123456789abc");
    private static final byte[] TEXT = "shell".getBytes(StandardCharsets.US_ASCII);
    private static QemuOvmfTarget target;

    @BeforeAll
    static void create() {
        target = QemuTestTargets.create(QemuTestTargets.config("qemu-shell", Map.of(QemuOvmfKind.CALLS, "shell")));
    }

    @AfterAll
    static void stop() {
        QemuTestTargets.stop(target);
    }

    private static Observation get(String name) {
        return QemuTestTargets.read(target, name, VENDOR);
    }

    @Test
    @Order(1)
    void bootPhaseCallsAreShellCommands() {
        assertTrue(target.capabilities().contains(Capability.SHELL_VARS));
        Observation boot = target.bootFresh();
        assertEquals("fresh (QEMU start 1)", boot.outputs().get("boot"));
        assertEquals("UEFI Shell commands", boot.outputs().get("calls"));

        Observation set = target.setVariable("HilShellNv", VENDOR, Attributes.NV_BS_RT, TEXT);
        assertEquals("EFI_SUCCESS", set.status());
        assertTrue(set.transcript().contains("setvar HilShellNv"), set.transcript());
        assertEquals("EFI_SUCCESS", target.setVariable("HilShellVol", VENDOR, Attributes.BS_RT, TEXT).status());
        Observation got = get("HilShellNv");
        assertEquals("EFI_SUCCESS", got.status());
        assertEquals("7368656c6c", got.outputs().get(Keys.DATA));
        assertEquals("NV|BS|RT", got.outputs().get(Keys.ATTRIBUTES));

        Observation list = target.listVariables().orElseThrow();
        assertEquals("EFI_NOT_FOUND", list.status());
        assertTrue(list.outputs().get(Keys.VARIABLES).contains(VENDOR + ":HilShellNv"), list.outputs().get(Keys.VARIABLES));

        assertThrows(NotObservableException.class, () -> target.getVariable("HilShellNv", VENDOR, 2));
        assertThrows(NotObservableException.class, () -> target.queryVariableInfo(Attributes.NV_BS_RT));
        assertThrows(NotObservableException.class, () -> target.setVariable("HilShellAp", VENDOR,
                Attributes.NV_BS_RT | Attributes.AP, TEXT));
    }

    @Test
    @Order(2)
    void aFailedCallHasTheShellsStatusNotAnEfiStatus() {
        Observation missing = get("HilShellMissing");
        assertNull(missing.status());
        assertEquals("shell-not-found", missing.outputs().get("statusClass"));
        Observation invalid = target.setVariable("HilShellNvOnly", VENDOR, Attributes.NV, TEXT);
        assertNull(invalid.status(), "NV alone is invalid; setvar reports only SHELL_ACCESS_DENIED");
        assertEquals("shell-access-denied", invalid.outputs().get("statusClass"));
    }

    @Test
    @Order(3)
    void theNextScenarioReusesTheMachineWithTheWrittenVariablesRemoved() {
        Observation boot = target.bootFresh();
        assertEquals("reused (the variables written since boot were restored)", boot.outputs().get("boot"));
        assertEquals(1, target.boots());
        assertEquals("shell-not-found", get("HilShellNv").outputs().get("statusClass"));
        assertEquals("shell-not-found", get("HilShellVol").outputs().get("statusClass"));
    }

    @Test
    @Order(4)
    void aResetKeepsNonVolatileVariablesAndTheShellAnswersAgain() {
        assertEquals("EFI_SUCCESS", target.setVariable("HilShellNv", VENDOR, Attributes.NV_BS_RT, TEXT).status());
        assertEquals("EFI_SUCCESS", target.setVariable("HilShellVol", VENDOR, Attributes.BS_RT, TEXT).status());
        target.reset();
        assertEquals(Phase.BOOT, target.phase());
        assertEquals("EFI_SUCCESS", get("HilShellNv").status());
        assertEquals("shell-not-found", get("HilShellVol").outputs().get("statusClass"));
        assertEquals(1, target.boots(), "a reset is not a new QEMU");
    }

    @Test
    @Order(5)
    void theOsPhaseStartsLinuxFromTheShell() {
        QemuTestTargets.require(QemuOvmfKind.osPhaseMissing(
                QemuTestTargets.config("qemu-shell", Map.of(QemuOvmfKind.CALLS, "shell"))), "the OS phase");
        target.exitBootServices();
        assertEquals(Phase.VIRTUAL, target.phase());
        Observation nv = get("HilShellNv");
        assertEquals("EFI_SUCCESS", nv.status(), "set before the reset, read by Linux through efivarfs");
        assertEquals("7368656c6c", nv.outputs().get(Keys.DATA));

        Observation boot = target.bootFresh();
        assertEquals("fresh (QEMU start 2)", boot.outputs().get("boot"), "a machine that ran Linux is not reused");
        assertEquals("shell-not-found", get("HilShellNv").outputs().get("statusClass"));
    }
}
