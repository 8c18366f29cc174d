package hil.targets.qemu;

import hil.simulator.uefi.EfiGuid;
import hil.targets.NotObservableException;
import hil.targets.RuntimeDrivers;
import hil.targets.VariableServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No boot for nothing: a scenario's fresh start on qemu-ovmf is made at its first call that needs the machine, so
 * steps that end as not observable before it (a start-up stage, an event OVMF signalled before the Shell) start no
 * QEMU at all.
 */
class QemuOvmfLazyBootTest {

    private static QemuOvmfTarget target;

    @BeforeAll
    static void create() {
        target = QemuTestTargets.create(QemuTestTargets.config("qemu-lazy", Map.of(QemuOvmfKind.CALLS, "agent")));
    }

    @AfterAll
    static void stop() {
        QemuTestTargets.stop(target);
    }

    @Test
    void aScenarioStartsAMachineOnlyAtItsFirstCall() {
        assertTrue(target.bootFreshWhenNeeded().outputs().get("boot").startsWith("fresh, started at the scenario's"));
        target.signalEndOfDxe();
        RuntimeDrivers drivers = target.extension(RuntimeDrivers.class).orElseThrow();
        assertThrows(NotObservableException.class, () -> drivers.restartUntil(RuntimeDrivers.StartUpStage.DXE_CORE));
        assertEquals(0, target.boots(), "nothing so far needed the machine");
        assertTrue(MachineRegistry.running(target.name()).isEmpty());

        assertEquals("EFI_NOT_FOUND", target.getVariable("HilLazy", EfiGuid.parse(
                "12345678-1234-1234-1234-123456789abc"), VariableServices.LARGE_BUFFER).status());
        assertEquals(1, target.boots(), "the first call started the machine");

        // A scenario that can reuse the running machine does so at once, as bootFresh does.
        assertTrue(target.bootFreshWhenNeeded().outputs().get("boot").startsWith("reused"));
        assertEquals(1, target.boots());
    }
}
