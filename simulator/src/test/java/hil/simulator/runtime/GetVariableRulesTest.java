package hil.simulator.runtime;

import hil.simulator.Machine;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiStatus;
import hil.simulator.uefi.Ucs2;
import org.junit.jupiter.api.Test;

import static hil.simulator.Machine.OTHER_VENDOR;
import static hil.simulator.Machine.VENDOR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** GetVariable at boot time through gRT (reference 3.3, checklist 8.6). */
class GetVariableRulesTest {

    private final Machine machine = new Machine();

    private VariableRuntimeDxe.GetVariableResult get(String name, long dataSize) {
        return machine.dxe(d -> d.getVariable(Ucs2.encode(name), VENDOR, dataSize, 0, true));
    }

    @Test
    void anEmptyNameIsNotFound() {
        assertEquals(EfiStatus.NOT_FOUND, machine.get("").status());
    }

    @Test
    void aMissingVariableIsNotFound() {
        assertEquals(EfiStatus.NOT_FOUND, machine.get("Missing").status());
    }

    @Test
    void theNameMustMatchExactlyIncludingItsEnd() {
        machine.set("Test", Attributes.NV_BS_RT, (byte) 1);

        assertEquals(EfiStatus.NOT_FOUND, machine.get("Tes").status());
        assertEquals(EfiStatus.NOT_FOUND, machine.get("Tests").status());
        assertEquals(EfiStatus.SUCCESS, machine.get("Test").status());
    }

    @Test
    void theVendorGuidMustMatch() {
        machine.set("Test", Attributes.NV_BS_RT, (byte) 1);

        assertEquals(EfiStatus.NOT_FOUND, machine.get("Test", OTHER_VENDOR).status());
    }

    @Test
    void aBufferOfExactlyTheDataSizeSucceeds() {
        machine.set("T", Attributes.NV_BS_RT, (byte) 1, (byte) 2, (byte) 3);

        VariableRuntimeDxe.GetVariableResult r = get("T", 3);

        assertEquals(EfiStatus.SUCCESS, r.status());
        assertEquals(3L, r.dataSize());
        assertEquals(Attributes.NV_BS_RT, r.attributes());
        assertArrayEquals(new byte[] {1, 2, 3}, r.data());
    }

    @Test
    void aSmallerBufferIsBufferTooSmallWithTheRequiredSizeAndTheAttributes() {
        machine.set("T", Attributes.BS_RT, (byte) 1, (byte) 2, (byte) 3);

        VariableRuntimeDxe.GetVariableResult r = get("T", 2);

        assertEquals(new VariableRuntimeDxe.GetVariableResult(EfiStatus.BUFFER_TOO_SMALL, 3L, Attributes.BS_RT, null), r);
    }

    @Test
    void volatileAndNonVolatileVariablesAreBothFound() {
        machine.set("V", Attributes.BS_RT, (byte) 1);
        machine.set("N", Attributes.NV_BS, (byte) 2);

        assertArrayEquals(new byte[] {1}, machine.value("V"));
        assertArrayEquals(new byte[] {2}, machine.value("N"));
    }

    @Test
    void aDeletedVariableIsNotFound() {
        machine.set("T", Attributes.NV_BS_RT, (byte) 1);
        machine.set("T", Attributes.NV_BS_RT);

        assertEquals(EfiStatus.NOT_FOUND, machine.get("T").status());
    }
}
