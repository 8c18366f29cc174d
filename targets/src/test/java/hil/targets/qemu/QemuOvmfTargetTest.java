package hil.targets.qemu;

import hil.reports.model.Observation;
import hil.reports.model.Observation.Keys;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiGuid;
import hil.targets.HilException;
import hil.targets.VariableServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The qemu-ovmf target on real QEMU and OVMF: raw calls, machine reuse, reset, and the harness failures a lab sees
 * (QEMU killed, a hung firmware, a broken QMP link) — each a clear error, after which the next scenario boots again
 * and no QEMU process is left. Skipped when QEMU or OVMF is missing, except under CI=true, where that fails.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QemuOvmfTargetTest {

    private static final EfiGuid VENDOR = EfiGuid.parse("12345678-1234-1234-1234-123456789abc");
    private static QemuOvmfTarget target;

    @BeforeAll
    static void boot() {
        target = QemuTestTargets.create(QemuTestTargets.config("qemu-test", Map.of(QemuOvmfKind.CALLS, "agent")));
    }

    @AfterAll
    static void stop() {
        QemuTestTargets.stop(target);
    }

    @Test
    @Order(1)
    void rawCallsReturnWhatRealFirmwareReturns() {
        assertEquals("fresh (QEMU start 1)", target.bootFresh().outputs().get("boot"));
        assertEquals("EFI_SUCCESS", target.setVariable("HilTest", VENDOR, Attributes.NV_BS, new byte[10]).status());
        Observation probe = target.getVariable("HilTest", VENDOR, 0);
        assertEquals("EFI_BUFFER_TOO_SMALL", probe.status());
        assertEquals("10", probe.outputs().get(Keys.DATA_SIZE));
        assertEquals("NV|BS", probe.outputs().get(Keys.ATTRIBUTES));
        assertEquals("EFI_INVALID_PARAMETER", target.setVariable("HilTest", VENDOR, Attributes.RT, new byte[1]).status());
        Observation q = target.queryVariableInfo(Attributes.NV_BS_RT);
        assertEquals("262044", q.outputs().get(Keys.MAX_STORAGE));
        assertEquals("33732", q.outputs().get(Keys.MAX_VARIABLE_SIZE));
    }

    @Test
    @Order(2)
    void aLongReplyArrivesWhole() {
        byte[] big = new byte[33710];
        java.util.Arrays.fill(big, (byte) 0xC3);
        assertEquals("EFI_SUCCESS", target.setVariable("HilBig", VENDOR, Attributes.NV_BS_RT, big).status());
        Observation get = target.getVariable("HilBig", VENDOR, VariableServices.LARGE_BUFFER);
        assertEquals("c3".repeat(33710), get.outputs().get(Keys.DATA));
    }

    @Test
    @Order(2)
    void aLongRequestOfUnrepeatedBytesArrivesWhole() {
        // 20 KB of bytes no compact form covers: a 40 KB hex request, read off the serial port by the agent
        // (direct-serial) faster than the console's 20 ms poll could take it, in order and without a byte lost.
        byte[] data = new byte[20000];
        new java.util.Random(20261206L).nextBytes(data);
        assertEquals("EFI_SUCCESS", target.setVariable("HilRandom", VENDOR, Attributes.NV_BS_RT, data).status());
        Observation get = target.getVariable("HilRandom", VENDOR, VariableServices.LARGE_BUFFER);
        assertEquals(java.util.HexFormat.of().formatHex(data), get.outputs().get(Keys.DATA));
        assertEquals("EFI_SUCCESS", target.setVariable("HilRandom", VENDOR, Attributes.NV_BS_RT, new byte[0]).status());
    }

    @Test
    @Order(3)
    void theNextScenarioReusesTheMachineWithTheWrittenVariablesRestored() {
        long boots = target.boots();
        assertTrue(target.bootFresh().outputs().get("boot").startsWith("reused"));
        assertEquals(boots, target.boots());
        assertEquals("EFI_NOT_FOUND", target.getVariable("HilTest", VENDOR, VariableServices.LARGE_BUFFER).status());
        assertEquals("EFI_NOT_FOUND", target.getVariable("HilBig", VENDOR, VariableServices.LARGE_BUFFER).status());

        // A write the firmware refuses under a UEFI-owned GUID changes nothing: the machine stays reusable.
        assertEquals("EFI_INVALID_PARAMETER", target.setVariable("HilNotAGlobalName", EfiGuid.GLOBAL_VARIABLE,
                Attributes.NV_BS_RT, new byte[] {1}).status());
        assertTrue(target.bootFresh().outputs().get("boot").startsWith("reused"));
        assertEquals(boots, target.boots());
    }

    @Test
    @Order(4)
    void aResetKeepsNonVolatileAndDropsVolatileVariables() {
        target.setVariable("HilNv", VENDOR, Attributes.NV_BS_RT, new byte[] {1});
        target.setVariable("HilVol", VENDOR, Attributes.BS_RT, new byte[] {2});
        target.reset();
        assertEquals("01", target.getVariable("HilNv", VENDOR, VariableServices.LARGE_BUFFER).outputs().get(Keys.DATA));
        assertEquals("EFI_NOT_FOUND", target.getVariable("HilVol", VENDOR, VariableServices.LARGE_BUFFER).status());
        // One it takes may have side effects a restore cannot undo: the next scenario boots again (checked below).
        assertEquals("EFI_SUCCESS", target.setVariable("BootCurrent", EfiGuid.GLOBAL_VARIABLE, Attributes.BS_RT,
                new byte[] {0, 0}).status());
    }

    @Test
    @Order(5)
    void qemuKilledMidScenarioFailsTheCallWithADiagnosisAndTheNextScenarioBootsAgain() throws Exception {
        long before = target.boots();
        assertTrue(target.bootFresh().outputs().get("boot").startsWith("fresh"), "BootCurrent was written");
        assertEquals(before + 1, target.boots());
        QemuMachine m = target.machineForTest();
        ProcessHandle.of(m.pid()).orElseThrow().destroyForcibly();
        HilException e = assertThrows(HilException.class,
                () -> target.getVariable("HilTest", VENDOR, VariableServices.LARGE_BUFFER));
        assertTrue(e.getMessage().contains("GetVariable failed on target qemu-test"), e.getMessage());
        assertTrue(MachineRegistry.running(target.name()).isEmpty(), "the killed machine is reaped");
        long boots = target.boots();
        target.bootFresh();
        assertEquals(boots + 1, target.boots());
        assertEquals("EFI_NOT_FOUND", target.getVariable("HilTest", VENDOR, VariableServices.LARGE_BUFFER).status());
    }

    @Test
    @Order(6)
    void aHungFirmwareTimesOutWithTheTranscriptTail() {
        target.bootFresh();
        QemuMachine m = target.machineForTest();
        m.qmp().execute("stop", hil.transports.Deadline.in(Duration.ofSeconds(5)));
        HilException e = assertThrows(HilException.class,
                () -> target.getVariable("HilTest", VENDOR, VariableServices.LARGE_BUFFER));
        assertTrue(e.getMessage().contains("GetVariable failed on target qemu-test"), e.getMessage());
        assertTrue(e.getMessage().contains("@HIL"), "names what it waited for: " + e.getMessage());
        assertFalse(m.alive());
        assertTrue(MachineRegistry.running(target.name()).isEmpty());
    }

    @Test
    @Order(7)
    void aBrokenQmpLinkFailsTheResetAndTheMachineIsReplaced() throws Exception {
        target.bootFresh();
        QemuMachine m = target.machineForTest();
        m.qmp().close();
        HilException e = assertThrows(HilException.class, () -> target.reset());
        assertTrue(e.getMessage().contains("ResetSystem failed on target qemu-test"), e.getMessage());
        assertFalse(m.alive());
        assertTrue(MachineRegistry.running(target.name()).isEmpty());
        target.bootFresh();
        assertEquals("EFI_SUCCESS", target.queryVariableInfo(Attributes.NV_BS_RT).status());
    }
}
