package hil.targets.qemu;

import hil.reports.model.Observation;
import hil.reports.model.Observation.Keys;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiGuid;
import hil.targets.Capability;
import hil.targets.VariableServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Saved machine states on real QEMU and OVMF: the first cold start is saved at the agent's ready line, and a later
 * fresh start resumes it instead of booting. The restore must be exact: the resumed machine's flash file is byte for
 * byte the cold start's, and a walk of every variable (names, vendors, attributes, data) is the same.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QemuOvmfSavedStateTest {

    private static QemuOvmfTarget target;

    @BeforeAll
    static void create() {
        target = QemuTestTargets.create(QemuTestTargets.config("qemu-saved", Map.of(QemuOvmfKind.CALLS, "agent")));
    }

    @AfterAll
    static void stop() {
        QemuTestTargets.stop(target);
    }

    /** Every variable as GetNextVariableName walks them, each with its GetVariable outputs. */
    private static List<String> walk() {
        List<String> out = new ArrayList<>();
        String name = "";
        EfiGuid vendor = EfiGuid.ZERO;
        for (int i = 0; i < 1000; i++) {
            Observation next = target.getNextVariableName(name, vendor, VariableServices.LARGE_BUFFER);
            if ("EFI_NOT_FOUND".equals(next.status())) {
                return out;
            }
            assertEquals("EFI_SUCCESS", next.status(), next.toString());
            name = next.outputs().get(Keys.NAME);
            vendor = EfiGuid.parse(next.outputs().get(Keys.VENDOR));
            Observation get = target.getVariable(name, vendor, VariableServices.LARGE_BUFFER);
            out.add(name + " " + vendor + " " + get.status() + " " + get.outputs().get(Keys.ATTRIBUTES) + " "
                    + get.outputs().get(Keys.DATA));
        }
        throw new AssertionError("the walk did not end after 1000 names");
    }

    @Test
    @Order(1)
    void aFreshStartResumesTheColdStartsStateExactly() throws IOException {
        assertTrue(target.capabilities().contains(Capability.SNAPSHOT));
        long t0 = System.nanoTime();
        assertEquals("fresh (QEMU start 1)", target.bootFresh().outputs().get("boot"));
        long cold = System.nanoTime() - t0;
        QemuMachine.SavedState saved = target.savedStateForTest();
        assertNotNull(saved, "the first cold start is saved at the agent's ready line");
        byte[] coldFlash = Files.readAllBytes(target.machineForTest().varsFile());
        assertTrue(Arrays.equals(coldFlash, Files.readAllBytes(saved.flash())), "the saved flash is the machine's");
        List<String> coldWalk = walk();
        assertTrue(coldWalk.size() > 5, "OVMF creates its own variables: " + coldWalk);

        // A write under a UEFI-owned GUID the firmware takes cannot be put back: the next scenario starts afresh.
        assertEquals("EFI_SUCCESS", target.setVariable("BootCurrent", EfiGuid.GLOBAL_VARIABLE, Attributes.BS_RT,
                new byte[] {0, 0}).status());
        long t1 = System.nanoTime();
        String boot = target.bootFresh().outputs().get("boot");
        long resumed = System.nanoTime() - t1;
        assertTrue(boot.startsWith("fresh (QEMU start 2, resumed"), boot);
        assertEquals(2, target.boots());

        assertTrue(Arrays.equals(coldFlash, Files.readAllBytes(target.machineForTest().varsFile())),
                "the resumed machine's flash is the cold start's");
        assertEquals(coldWalk, walk());
        System.out.printf("cold start to the agent %.2f s, resumed from the saved state %.2f s%n",
                cold / 1e9, resumed / 1e9);

        // The resumed machine is a whole machine: a write, a platform reset that boots OVMF again, a read.
        VariableServices v = target;
        EfiGuid vendor = EfiGuid.parse("12345678-1234-1234-1234-123456789abc");
        assertEquals("EFI_SUCCESS", v.setVariable("HilSaved", vendor, Attributes.NV_BS_RT, new byte[] {7}).status());
        target.reset();
        assertEquals("07", v.getVariable("HilSaved", vendor, VariableServices.LARGE_BUFFER).outputs().get(Keys.DATA));
    }
    @Test
    @Order(2)
    void theOsPhaseOfAnUnchangedFactoryMachineResumesLinuxsSavedState() {
        // A new machine (a write under the global GUID cannot be put back): as it started, with nothing changed.
        target.setVariable("BootCurrent", EfiGuid.GLOBAL_VARIABLE, Attributes.BS_RT, new byte[] {0, 0});
        assertTrue(target.bootFresh().outputs().get("boot").startsWith("fresh"));
        long t0 = System.nanoTime();
        Observation first = target.exitBootServices();
        long cold = System.nanoTime() - t0;
        assertTrue(!first.outputs().containsKey("resumed"), "the first OS phase boots Linux: " + first.outputs());
        List<String> firstWalk = walk();

        target.bootFresh();
        long t1 = System.nanoTime();
        Observation second = target.exitBootServices();
        long resumed = System.nanoTime() - t1;
        assertTrue(second.outputs().containsKey("resumed"), "the second resumes Linux's saved state: "
                + second.outputs());
        assertEquals(first.outputs().get("observed"), second.outputs().get("observed"));
        assertEquals(firstWalk, walk(), "the OS phase sees the same variables");
        System.out.printf("Linux started %.2f s, resumed %.2f s%n", cold / 1e9, resumed / 1e9);

        // A machine with a change since its start runs Linux for real.
        target.bootFresh();
        EfiGuid vendor = EfiGuid.parse("12345678-1234-1234-1234-123456789abc");
        assertEquals("EFI_SUCCESS", target.setVariable("HilBeforeOs", vendor, Attributes.BS_RT, new byte[] {1})
                .status());
        Observation third = target.exitBootServices();
        assertTrue(!third.outputs().containsKey("resumed"), third.outputs().toString());
        assertEquals("01", target.getVariable("HilBeforeOs", vendor, VariableServices.LARGE_BUFFER).outputs()
                .get(Keys.DATA), "what the boot phase set is there in the OS phase");
    }
}
