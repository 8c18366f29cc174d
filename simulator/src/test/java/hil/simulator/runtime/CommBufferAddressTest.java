package hil.simulator.runtime;

import hil.simulator.Machine;
import hil.simulator.platform.DxeCore;
import hil.simulator.platform.MemoryType;
import hil.simulator.platform.RuntimeFault;
import hil.simulator.platform.SimulatedPlatform;
import hil.simulator.platform.SystemMemory;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiStatus;
import hil.simulator.uefi.Ucs2;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static hil.simulator.Machine.VENDOR;
import static hil.simulator.runtime.VariableSmmRuntimeDxe.VARIABLE_BUFFER;
import static hil.simulator.runtime.VariableSmmRuntimeDxe.VARIABLE_BUFFER_PHYSICAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The wrapper's communicate buffer by address (reference 1.9 step 3, 5.3 SetVirtualAddressMap row): SMM gets
 * mVariableBufferPhysical, the wrapper reads and writes through mVariableBuffer, and a pointer that names the wrong
 * memory is a fault naming it, not a silent success.
 */
class CommBufferAddressTest {

    private final SimulatedPlatform platform = new SimulatedPlatform(hil.simulator.Profile.OVMF_4M.withBareStore());
    private final Machine machine = new Machine(platform);
    private final DxeCore dxe = platform.firmware();
    private final VariableSmmRuntimeDxe driver = platform.variableDriver();

    private SimulatedPlatform.Outcome<EfiStatus> set(String name) {
        byte[] data = {1};
        return platform.call("SetVariable", d -> d.setVariable(Ucs2.encode(name), VENDOR, Attributes.NV_BS_RT, 1, data));
    }

    private void goVirtual() {
        machine.exitBootServices();
        assertEquals(EfiStatus.SUCCESS, platform.setVirtualAddressMap());
    }

    @Test
    @DisplayName("After SetVirtualAddressMap mVariableBuffer is virtual, mVariableBufferPhysical still physical, and calls work")
    void afterTheSwitchTheTwoPointersDifferAndCallsWork() {
        long physical = driver.pointerValue(VARIABLE_BUFFER);
        goVirtual();

        assertEquals(physical + SimulatedPlatform.VIRTUAL_OFFSET, driver.pointerValue(VARIABLE_BUFFER));
        assertEquals(physical, driver.pointerValue(VARIABLE_BUFFER_PHYSICAL));
        SimulatedPlatform.Outcome<EfiStatus> o = set("T");
        assertFalse(o.faulted(), () -> String.valueOf(o.fault()));
        assertEquals(EfiStatus.SUCCESS, o.result());
        assertEquals(1, machine.value("T")[0]);
    }

    @Test
    void theMessageSmmHandledIsInMemoryAtThePhysicalAddress() {
        goVirtual();
        set("T");

        long physical = driver.pointerValue(VARIABLE_BUFFER_PHYSICAL);
        byte[] inMemory = dxe.memory().readPhysical(physical, 48);
        byte[] view = java.util.Arrays.copyOf(driver.runtime().orElseThrow().commBuffer(), 48);
        assertEquals(hil.simulator.uefi.Bytes.hex(view), hil.simulator.uefi.Bytes.hex(inMemory));
        assertEquals(0, hil.simulator.uefi.Bytes.u64(inMemory, 32), "SMM wrote ReturnStatus EFI_SUCCESS there");
    }

    @Test
    @DisplayName("A build that also converts mVariableBufferPhysical hands SMM a virtual address: SMM refuses it, reported by name")
    void convertingThePhysicalPointerIsAFault() {
        driver.convertAlso(VARIABLE_BUFFER_PHYSICAL);
        goVirtual();

        SimulatedPlatform.Outcome<EfiStatus> o = set("T");

        assertTrue(o.faulted());
        assertEquals(VariableSmmRuntimeDxe.NAME, o.fault().driver());
        assertTrue(o.fault().message().startsWith("SMM refused the communicate buffer at mVariableBufferPhysical = 0xFFFF8"),
                o.fault().message());
        assertTrue(o.fault().message().contains("EFI_ACCESS_DENIED"), o.fault().message());
        assertTrue(dxe.faults().contains(o.fault()));
        assertEquals(EfiStatus.NOT_FOUND, platform.core().getVariable(Ucs2.encode("T"), VENDOR, 0, 8, true).status(),
                "nothing was stored");
    }

    @Test
    @DisplayName("An mVariableBuffer converted to other runtime memory would write where SMM does not look: a fault")
    void aVirtualPointerToOtherMemoryIsAFault() {
        long elsewhere = dxe.memory().allocatePool(MemoryType.RUNTIME_SERVICES_DATA, 0x50000, "elsewhere");
        goVirtual();
        driver.overwritePointer(VARIABLE_BUFFER, elsewhere + SimulatedPlatform.VIRTUAL_OFFSET);

        SimulatedPlatform.Outcome<EfiStatus> o = set("T");

        assertTrue(o.faulted());
        assertEquals(String.format("mVariableBuffer names physical 0x%X but mVariableBufferPhysical is 0x%X: the message"
                        + " is written where SMM does not look", elsewhere, driver.pointerValue(VARIABLE_BUFFER_PHYSICAL)),
                o.fault().message());
    }

    @Test
    void aPhysicalPointerIntoSmramIsRefusedEvenBeforeReadyToLock() {
        driver.overwritePointer(VARIABLE_BUFFER_PHYSICAL, SystemMemory.SMRAM_BASE);

        SimulatedPlatform.Outcome<EfiStatus> o = set("T");

        assertTrue(o.faulted());
        assertEquals(new RuntimeFault(VariableSmmRuntimeDxe.NAME, String.format("SMM refused the communicate buffer at"
                + " mVariableBufferPhysical = 0x%X: Communicate returned EFI_ACCESS_DENIED (the wrapper ignores that"
                + " status and would return the EFI_SUCCESS it zero-filled, with nothing done)", SystemMemory.SMRAM_BASE)),
                o.fault());
    }

    @Test
    void theWrappersBufferIsInTheMapSmmTookAtEndOfDxe() {
        platform.signalEndOfDxe();

        long physical = driver.pointerValue(VARIABLE_BUFFER_PHYSICAL);
        assertTrue(platform.smm().memLib().readyToLockSeen());
        assertTrue(platform.smm().memLib().communicationRegions().stream().anyMatch(d -> d.containsPhysical(physical)));
        assertEquals(EfiStatus.SUCCESS, set("T").result());
    }
}
