package hil.targets.simulator;

import hil.reports.model.Observation;
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

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
    void aCommSizeFarBeyondTheBufferIsAccessDenied() {
        byte[] b = variableMessage(CommLayout.FN_GET_PAYLOAD_SIZE, 8);

        assertEquals("EFI_ACCESS_DENIED", mailbox.communicate(b, b.length + 100).status());
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
