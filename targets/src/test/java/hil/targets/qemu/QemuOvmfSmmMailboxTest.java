package hil.targets.qemu;

import hil.reports.model.Observation;
import hil.simulator.platform.MemoryType;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.targets.NotObservableException;
import hil.targets.SmmMailbox;
import hil.targets.SmmMailbox.Keys;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SMM mailbox of the qemu-ovmf target on real QEMU and Debian's OVMF, through the UEFI agent: raw communicate
 * buffers from pools of different memory types, a raw SetVariable put back for the next scenario, protocol calls
 * after EndOfDxe, and the ExitBootServices SMI, after which the machine is started again. Two boots. Skipped when QEMU
 * or OVMF is missing, except under CI=true, where that fails.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QemuOvmfSmmMailboxTest {

    private static final EfiGuid VENDOR = EfiGuid.parse("12345678-1234-1234-1234-123456789abc");
    private static final long SENTINEL = 0x5A5A_5A5A_5A5A_5A5AL;
    private static QemuOvmfTarget target;
    private static SmmMailbox smm;

    @BeforeAll
    static void boot() {
        target = QemuTestTargets.create(QemuTestTargets.config("qemu-smm-test", Map.of(QemuOvmfKind.CALLS, "agent")));
        smm = target.extension(SmmMailbox.class).orElseThrow();
    }

    @AfterAll
    static void stop() {
        QemuTestTargets.stop(target);
    }

    /** A variable message: the MM header, Function, ReturnStatus = the sentinel, {@code payload} zero bytes. */
    private static byte[] message(long function, int payload) {
        byte[] b = new byte[40 + payload];
        EfiGuid.SMM_VARIABLE_PROTOCOL.write(b, 0);
        Bytes.put64(b, 16, 16 + payload);
        Bytes.put64(b, 24, function);
        Bytes.put64(b, 32, SENTINEL);
        return b;
    }

    /** A SET_VARIABLE message for {@code name} of VENDOR with NV|BS|RT and {@code data}. */
    private static byte[] setVariable(String name, byte[] data) {
        byte[] n = (name + "\0").getBytes(StandardCharsets.UTF_16LE);
        byte[] b = message(3, 36 + n.length + data.length);
        VENDOR.write(b, 40);
        Bytes.put64(b, 56, data.length);
        Bytes.put64(b, 64, n.length);
        Bytes.put32(b, 72, Attributes.NV_BS_RT);
        System.arraycopy(n, 0, b, 76, n.length);
        System.arraycopy(data, 0, b, 76 + n.length, data.length);
        return b;
    }

    @Test
    @Order(1)
    void aBufferIsHandledFromRuntimeAndAcpiNvsPoolsAndRefusedFromBootServicesPool() {
        target.bootFresh();
        for (MemoryType type : new MemoryType[] {MemoryType.RUNTIME_SERVICES_DATA, MemoryType.ACPI_MEMORY_NVS}) {
            Observation o = smm.communicate(message(11, 8), 48, type);
            assertEquals("EFI_SUCCESS", o.status(), type.efiName());
            assertEquals(type.efiName(), o.inputs().get(Keys.MEMORY_TYPE));
            assertEquals("EFI_SUCCESS", o.outputs().get(Keys.RETURN_STATUS));
            byte[] reply = Bytes.fromHex(o.outputs().get(Keys.REPLY));
            assertEquals(48, reply.length);
            // Debian's 4 MB OVMF: PcdMaxVolatileVariableSize 0x40000 + 48 - 60
            assertEquals(262132, Bytes.u64(reply, 40));
        }
        Observation denied = smm.communicate(message(11, 8), 48, MemoryType.BOOT_SERVICES_DATA);
        assertEquals("EFI_ACCESS_DENIED", denied.status());
        assertEquals("48", denied.outputs().get(Keys.COMM_SIZE));
        assertEquals(Bytes.hex(message(11, 8)), denied.outputs().get(Keys.REPLY), "the buffer is left as sent");
    }

    @Test
    @Order(2)
    void whatTheAgentCannotSendHonestlyIsNotObservable() {
        var beyond = assertThrows(NotObservableException.class, () -> smm.communicate(message(11, 8), 49,
                MemoryType.RUNTIME_SERVICES_DATA));
        assertTrue(beyond.getMessage().contains("reaches beyond the 48-byte buffer"), beyond.getMessage());
        var conventional = assertThrows(NotObservableException.class, () -> smm.communicate(message(11, 8), 48,
                MemoryType.CONVENTIONAL));
        assertTrue(conventional.getMessage().contains("AllocatePool refused"), conventional.getMessage());
        // The agent is still there.
        assertEquals("EFI_SUCCESS", smm.communicate(message(11, 8), 48, MemoryType.RUNTIME_SERVICES_DATA).status());
    }

    @Test
    @Order(3)
    void aCommSizeNoMemoryCanHoldIsRefusedByTheFirmwareRangeCheck() {
        Observation o = smm.communicate(message(11, 8), -1L, MemoryType.RUNTIME_SERVICES_DATA);
        assertEquals("EFI_ACCESS_DENIED", o.status());
        assertEquals("18446744073709551615", o.outputs().get(Keys.COMM_SIZE));
        assertEquals(Bytes.hex(message(11, 8)), o.outputs().get(Keys.REPLY));
    }

    @Test
    @Order(4)
    void aRawSetVariableIsPutBackForTheNextScenario() {
        Observation set = smm.communicate(setVariable("HilRawSmm", "raw".getBytes(StandardCharsets.US_ASCII)),
                setVariable("HilRawSmm", new byte[3]).length, MemoryType.RUNTIME_SERVICES_DATA);
        assertEquals("EFI_SUCCESS", set.outputs().get(Keys.RETURN_STATUS));
        assertEquals("726177",
                target.getVariable("HilRawSmm", VENDOR, VariableServices.LARGE_BUFFER).outputs().get(
                        Observation.Keys.DATA));

        long boots = target.boots();
        assertTrue(target.bootFresh().outputs().get("boot").startsWith("reused"));
        assertEquals(boots, target.boots());
        assertEquals("EFI_NOT_FOUND", target.getVariable("HilRawSmm", VENDOR, VariableServices.LARGE_BUFFER).status());
    }

    @Test
    @Order(5)
    void protocolCallsTheFirmwareRefusesAfterEndOfDxeKeepTheMachineReusable() {
        assertEquals("EFI_ACCESS_DENIED", smm.requestToLock("HilLate", VENDOR).status());
        assertEquals("EFI_WRITE_PROTECTED", smm.disableVariablePolicy().status());
        assertEquals("EFI_WRITE_PROTECTED", smm.lockVariablePolicy().status());
        long boots = target.boots();
        assertTrue(target.bootFresh().outputs().get("boot").startsWith("reused"));
        assertEquals(boots, target.boots());
    }

    @Test
    @Order(6)
    void theExitBootServicesSmiCannotBeUndoneSoTheNextScenarioStartsAgain() {
        assertEquals("EFI_SUCCESS", smm.communicate(message(6, 0), 40, MemoryType.RUNTIME_SERVICES_DATA)
                .outputs().get(Keys.RETURN_STATUS));
        assertEquals("EFI_UNSUPPORTED", smm.communicate(message(5, 0), 40, MemoryType.RUNTIME_SERVICES_DATA)
                .outputs().get(Keys.RETURN_STATUS));
        long boots = target.boots();
        assertTrue(target.bootFresh().outputs().get("boot").startsWith("fresh"));
        assertEquals(boots + 1, target.boots());
        // The fresh machine's SMM variable driver is out of its runtime rules: ReadyToBoot is taken again.
        assertEquals("EFI_SUCCESS", smm.communicate(message(5, 0), 40, MemoryType.RUNTIME_SERVICES_DATA)
                .outputs().get(Keys.RETURN_STATUS));
    }
}
