package hil.targets.simulator;

import hil.reports.model.Observation;
import hil.simulator.platform.MemoryType;
import hil.simulator.smm.CommLayout;
import hil.simulator.smm.VarCheckPolicyMmi;
import hil.simulator.smm.VariablePolicyEntry;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.targets.SmmMailbox;
import hil.targets.Target;
import hil.targets.labconfig.TargetConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatorSmmMailboxTest {

    private static final EfiGuid VENDOR = EfiGuid.parse("12345678-1234-1234-1234-123456789abc");

    private Target target;
    private SmmMailbox mailbox;

    @BeforeEach
    void start() {
        target = new SimulatorKind().create(new TargetConfig("sim", "simulator", "test",
                Map.of(SimulatorKind.PROFILE, "ovmf-4m"), Path.of("lab-config/sim.yaml")));
        mailbox = target.extension(SmmMailbox.class).orElseThrow();
    }

    @AfterEach
    void stop() {
        target.close();
    }

    /** A variable message: MM header, Function, ReturnStatus 0x5A…, then {@code payload} zero bytes. */
    private static byte[] variableMessage(int function, int payload) {
        byte[] b = new byte[24 + 16 + payload];
        EfiGuid.SMM_VARIABLE_PROTOCOL.write(b, 0);
        Bytes.put64(b, 16, 16 + payload);
        Bytes.put64(b, 24, function);
        Bytes.put64(b, 32, 0x5A5A5A5A5A5A5A5AL);
        return b;
    }

    @Test
    void aRawGetPayloadSizeIsAnsweredInTheReply() {
        byte[] b = variableMessage(CommLayout.FN_GET_PAYLOAD_SIZE, 8);

        Observation o = mailbox.communicate(b, b.length);

        assertEquals(SmmMailbox.Keys.COMMUNICATE, o.operation());
        assertEquals("EFI_SUCCESS", o.status());
        assertEquals("11", o.inputs().get(SmmMailbox.Keys.FUNCTION));
        assertEquals("48", o.inputs().get(SmmMailbox.Keys.COMM_SIZE));
        assertEquals("EFI_SUCCESS", o.outputs().get(SmmMailbox.Keys.RETURN_STATUS));
        // Debian's OVMF (TLS): 0x40000 + 48 - 60 = 0x3FFF4
        assertEquals("f4ff0300", o.outputs().get(SmmMailbox.Keys.REPLY).substring(80, 88), "262132 at payload offset 0");
        assertEquals("sim", o.target());
        assertEquals("boot", o.phase());
    }

    @Test
    void aDroppedMessageKeepsTheReturnStatusTheCallerWrote() {
        byte[] b = variableMessage(CommLayout.FN_GET_VARIABLE, 35);

        Observation o = mailbox.communicate(b, b.length);

        assertEquals("EFI_SUCCESS", o.status());
        assertEquals("0x5A5A5A5A5A5A5A5A", o.outputs().get(SmmMailbox.Keys.RETURN_STATUS));
    }

    @Test
    void aCommSizeBeyondTheAddressSpaceIsAccessDenied() {
        byte[] b = variableMessage(CommLayout.FN_GET_PAYLOAD_SIZE, 8);

        Observation o = mailbox.communicate(b, -1L);

        assertEquals("EFI_ACCESS_DENIED", o.status(), "SmmMemLib: the length exceeds the largest physical address");
        assertEquals("18446744073709551615", o.outputs().get(SmmMailbox.Keys.COMM_SIZE), "CommSize comes back as passed");
    }

    @Test
    void aCommSizeBeyondTheBufferButInsideItsRegionReachesTheHandler() {
        // A runtime-data pool lies in OVMF's runtime-data bin, one memory-map region with what follows it: SmmMemLib
        // checks regions, not allocations, so the 8-byte payload is read as 108 bytes and answered.
        byte[] b = variableMessage(CommLayout.FN_GET_PAYLOAD_SIZE, 8);
        target.platform().signalEndOfDxe();

        Observation o = mailbox.communicate(b, b.length + 100, MemoryType.RUNTIME_SERVICES_DATA);

        assertEquals("EFI_SUCCESS", o.status());
        assertEquals("EFI_SUCCESS", o.outputs().get(SmmMailbox.Keys.RETURN_STATUS));
    }

    @Test
    void beforeReadyToLockABootServicesBufferIsHandled() {
        byte[] b = variableMessage(CommLayout.FN_GET_PAYLOAD_SIZE, 8);

        Observation o = mailbox.communicate(b, b.length, MemoryType.BOOT_SERVICES_DATA);

        assertEquals("EFI_SUCCESS", o.status());
        assertEquals("EFI_SUCCESS", o.outputs().get(SmmMailbox.Keys.RETURN_STATUS));
        assertEquals("EfiBootServicesData", o.inputs().get(SmmMailbox.Keys.MEMORY_TYPE));
    }

    @Test
    void afterReadyToLockABootServicesBufferIsRefusedAndUntouched() {
        byte[] b = variableMessage(CommLayout.FN_GET_PAYLOAD_SIZE, 8);
        target.platform().signalEndOfDxe();

        Observation o = mailbox.communicate(b, b.length, MemoryType.BOOT_SERVICES_DATA);

        assertEquals("EFI_ACCESS_DENIED", o.status());
        assertEquals(Bytes.hex(b), o.outputs().get(SmmMailbox.Keys.REPLY));
        assertEquals("48", o.outputs().get(SmmMailbox.Keys.COMM_SIZE));
    }

    @ParameterizedTest
    @EnumSource(value = MemoryType.class, names = {"RESERVED", "RUNTIME_SERVICES_CODE", "RUNTIME_SERVICES_DATA",
            "ACPI_MEMORY_NVS"})
    void afterReadyToLockTheTypesSmmMemLibKeepsAreHandled(MemoryType type) {
        byte[] b = variableMessage(CommLayout.FN_GET_PAYLOAD_SIZE, 8);
        target.platform().signalEndOfDxe();

        Observation o = mailbox.communicate(b, b.length, type);

        assertEquals("EFI_SUCCESS", o.status());
        assertEquals("f4ff0300", o.outputs().get(SmmMailbox.Keys.REPLY).substring(80, 88), "262132 at payload offset 0");
    }

    @ParameterizedTest
    @EnumSource(value = MemoryType.class, names = {"LOADER_CODE", "LOADER_DATA", "BOOT_SERVICES_CODE",
            "BOOT_SERVICES_DATA", "ACPI_RECLAIM"})
    void afterReadyToLockOtherTypesAreAccessDenied(MemoryType type) {
        byte[] b = variableMessage(CommLayout.FN_GET_PAYLOAD_SIZE, 8);
        target.platform().signalEndOfDxe();

        assertEquals("EFI_ACCESS_DENIED", mailbox.communicate(b, b.length, type).status());
    }

    @Test
    void aTypeAllocatePoolRefusesIsAnError() {
        byte[] b = variableMessage(CommLayout.FN_GET_PAYLOAD_SIZE, 8);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> mailbox.communicate(b, b.length, MemoryType.CONVENTIONAL));
        assertTrue(e.getMessage().contains("EfiConventionalMemory"), e.getMessage());
    }

    @Test
    void theBufferIsFreedAfterTheCall() {
        byte[] b = variableMessage(CommLayout.FN_GET_PAYLOAD_SIZE, 8);
        for (int i = 0; i < 300; i++) {
            // 300 calls of a 1-page buffer would not fit the 256-page runtime-data bin if the pages were kept.
            assertEquals("EFI_SUCCESS", mailbox.communicate(b, b.length).status());
        }
        target.platform().signalEndOfDxe();
        assertEquals("EFI_SUCCESS", mailbox.communicate(b, b.length).status());
    }

    @Test
    void aPolicyMessageReportsItsResult() {
        byte[] b = new byte[24 + 20];
        VarCheckPolicyMmi.HANDLER_GUID.write(b, 0);
        Bytes.put32(b, 24, VarCheckPolicyMmi.SIGNATURE);
        Bytes.put32(b, 28, VarCheckPolicyMmi.REVISION);
        Bytes.put32(b, 32, VarCheckPolicyMmi.COMMAND_DISABLE);

        Observation o = mailbox.communicate(b, b.length);

        assertEquals("1", o.inputs().get(SmmMailbox.Keys.FUNCTION));
        assertEquals("EFI_WRITE_PROTECTED", o.outputs().get(SmmMailbox.Keys.POLICY_RESULT));
        assertNull(o.outputs().get(SmmMailbox.Keys.RETURN_STATUS));
    }

    @Test
    void aRequestToLockBindsUntrustedWritesAfterEndOfDxe() {
        assertEquals("EFI_SUCCESS", mailbox.requestToLock("Locked", VENDOR).status());
        target.platform().signalEndOfDxe();

        assertEquals("EFI_WRITE_PROTECTED",
                target.variables().setVariable("Locked", VENDOR, Attributes.NV_BS_RT, new byte[] {1}).status());
        assertEquals("EFI_ACCESS_DENIED", mailbox.requestToLock("Other", VENDOR).status());
    }

    @Test
    void policiesAreRegisteredAndTheInterfaceLocksOnce() {
        byte[] entry = VariablePolicyEntry.lockNow(VENDOR, "P").encode();

        assertEquals("EFI_SUCCESS", mailbox.registerVariablePolicy(entry).status());
        assertEquals("EFI_ALREADY_STARTED", mailbox.registerVariablePolicy(entry).status());
        assertEquals("EFI_WRITE_PROTECTED", mailbox.disableVariablePolicy().status());
        assertEquals("EFI_SUCCESS", mailbox.lockVariablePolicy().status());
        assertEquals("EFI_WRITE_PROTECTED", mailbox.lockVariablePolicy().status());
    }

    @Test
    void theStateSurvivesBetweenMailboxesOfTheSameTarget() {
        mailbox.requestToLock("Locked", VENDOR);

        SmmMailbox again = target.extension(SmmMailbox.class).orElseThrow();
        assertEquals("EFI_ALREADY_STARTED",
                again.registerVariablePolicy(VariablePolicyEntry.lockNow(VENDOR, "Locked").encode()).status());
    }
}
