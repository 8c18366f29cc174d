package hil.simulator.runtime;

import hil.simulator.Machine;
import hil.simulator.platform.DxeCore;
import hil.simulator.platform.EfiEvent;
import hil.simulator.platform.EventGroups;
import hil.simulator.platform.EventTypes;
import hil.simulator.platform.MemoryFault;
import hil.simulator.platform.MemoryType;
import hil.simulator.platform.ProtocolDatabase;
import hil.simulator.platform.RuntimeFault;
import hil.simulator.platform.RuntimeServicesTable.Service;
import hil.simulator.platform.SimulatedPlatform;
import hil.simulator.platform.Tpl;
import hil.simulator.uefi.EfiStatus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The variable wrapper as a driver: its events, its pointers and their conversion (reference 5.2, 5.3). */
class VariableSmmRuntimeDxeTest {

    private final Machine machine = new Machine();
    private final SimulatedPlatform platform = machine.platform();
    private final DxeCore dxe = platform.firmware();
    private final VariableSmmRuntimeDxe driver = platform.variableDriver();

    @Test
    @DisplayName("The entry point creates its ReadyToBoot, ExitBootServices, LegacyBoot and VirtualAddressChange events at TPL_NOTIFY")
    void theEntryPointCreatesFourNotifyEvents() {
        List<EfiEvent> events = driver.image().openEvents();

        assertEquals(List.of(EventGroups.READY_TO_BOOT, EventGroups.EXIT_BOOT_SERVICES, EventGroups.LEGACY_BOOT,
                EventGroups.VIRTUAL_ADDRESS_CHANGE), events.stream().map(EfiEvent::group).toList());
        assertTrue(events.stream().allMatch(e -> e.notifyTpl() == Tpl.NOTIFY));
        assertEquals(EventTypes.EVT_SIGNAL_VIRTUAL_ADDRESS_CHANGE, events.get(3).type());
        assertEquals(MemoryType.RUNTIME_SERVICES_CODE, driver.image().type());
    }

    @Test
    void onceSmmIsReadyItKeepsItsBufferAndProtocolPointersAndLeavesTheCachePointersNull() {
        long buffer = driver.pointerValue(VariableSmmRuntimeDxe.VARIABLE_BUFFER);

        assertEquals(MemoryType.RUNTIME_SERVICES_DATA, dxe.memory().typeAt(buffer).orElseThrow());
        int length = driver.runtime().orElseThrow().commBuffer().length;
        assertEquals(8, dxe.memory().read(buffer + length - 8, 8).length, "the allocation is the communicate buffer");
        assertEquals(MemoryFault.Kind.OUT_OF_BOUNDS,
                assertThrows(MemoryFault.class, () -> dxe.memory().readU64(buffer + length)).kind());
        assertEquals(buffer, driver.pointerValue(VariableSmmRuntimeDxe.VARIABLE_BUFFER_PHYSICAL));
        assertEquals(dxe.protocols().locate(ProtocolDatabase.MM_COMMUNICATION2).orElseThrow(),
                driver.pointerValue(VariableSmmRuntimeDxe.MM_COMMUNICATION));
        assertEquals(0, driver.pointerValue(VariableSmmRuntimeDxe.HOB_CACHE));
        assertEquals(0, driver.pointerValue(VariableSmmRuntimeDxe.NV_CACHE));
        assertEquals(0, driver.pointerValue(VariableSmmRuntimeDxe.VOLATILE_CACHE));
    }

    @Test
    void theCommunicateBufferIsTheMemoryAtMVariableBuffer() {
        long buffer = driver.pointerValue(VariableSmmRuntimeDxe.VARIABLE_BUFFER);
        machine.set("T", 7, (byte) 1);

        byte[] comm = driver.runtime().orElseThrow().commBuffer();
        assertEquals(hil.simulator.uefi.Bytes.u64(comm, 0), dxe.memory().readU64(buffer));
    }

    @Test
    void theGrtVariableServicesPointIntoTheWrapperImage() {
        for (Service s : List.of(Service.GET_VARIABLE, Service.GET_NEXT_VARIABLE_NAME, Service.SET_VARIABLE,
                Service.QUERY_VARIABLE_INFO)) {
            assertFalse(dxe.runtimeServices().placeholder(s), s.efiName());
            assertEquals(VariableSmmRuntimeDxe.NAME, dxe.memory().ownerAt(dxe.runtimeServices().entry(s)).orElseThrow());
        }
    }

    @Test
    void theTemporaryPayloadSizeBufferWasFreedBeforeExitBootServices() {
        assertTrue(dxe.memory().memoryMap().stream().noneMatch(d -> d.type() == MemoryType.BOOT_SERVICES_DATA.value()
                && dxe.memory().ownerAt(d.physicalStart()).orElse("").contains("payload-size")));
    }

    @Test
    @DisplayName("Its VirtualAddressChange notify converts buffer and protocol, and the NULL cache pointers with EFI_OPTIONAL_PTR")
    void theConversionsOfEdk2202211() {
        machine.exitBootServices();
        platform.setVirtualAddressMap();

        assertEquals(List.of(
                new PointerConversion(VariableSmmRuntimeDxe.VARIABLE_BUFFER, false, EfiStatus.SUCCESS),
                new PointerConversion(VariableSmmRuntimeDxe.MM_COMMUNICATION, false, EfiStatus.SUCCESS),
                new PointerConversion(VariableSmmRuntimeDxe.HOB_CACHE, true, EfiStatus.SUCCESS),
                new PointerConversion(VariableSmmRuntimeDxe.NV_CACHE, true, EfiStatus.SUCCESS),
                new PointerConversion(VariableSmmRuntimeDxe.VOLATILE_CACHE, true, EfiStatus.SUCCESS)), driver.conversions());
        assertEquals(List.of(), driver.use());
        long buffer = driver.pointerValue(VariableSmmRuntimeDxe.VARIABLE_BUFFER);
        assertEquals(buffer, driver.pointerValue(VariableSmmRuntimeDxe.VARIABLE_BUFFER_PHYSICAL)
                + SimulatedPlatform.VIRTUAL_OFFSET, "the physical copy for SMM stays physical");
    }

    @Test
    void aForgottenConversionIsFoundOnTheNextUse() {
        driver.forgetConversion(VariableSmmRuntimeDxe.MM_COMMUNICATION);
        machine.exitBootServices();
        platform.setVirtualAddressMap();

        assertEquals(List.of(new RuntimeFault(VariableSmmRuntimeDxe.NAME, "mMmCommunication2 was not converted")),
                driver.enter());
    }

    @Test
    void onlyPointersItConvertsCanBeForgotten() {
        assertThrows(IllegalArgumentException.class,
                () -> driver.forgetConversion(VariableSmmRuntimeDxe.VARIABLE_BUFFER_PHYSICAL));
    }

    @Test
    void readyToBootReachesSmmOnceAndClosesTheWrapperEvent() {
        platform.signalReadyToBoot();
        platform.signalReadyToBoot();

        assertEquals(1, dxe.events().notifications().stream()
                .filter(n -> n.owner().equals(VariableSmmRuntimeDxe.NAME) && n.group().equals("ReadyToBoot")).count());
        assertTrue(driver.image().events().get(0).closed());
    }

    @Test
    void exitBootServicesReachesSmmThroughTheWrapperEvent() {
        assertFalse(platform.core().atRuntime());
        machine.exitBootServices();
        assertTrue(platform.core().atRuntime());
    }
}
