package hil.simulator.runtime;

import hil.simulator.platform.DxeCore;
import hil.simulator.platform.EventGroups;
import hil.simulator.platform.MemoryDescriptor;
import hil.simulator.platform.MemoryType;
import hil.simulator.platform.RuntimeFault;
import hil.simulator.platform.Tpl;
import hil.simulator.runtime.RuntimeDriverDefinition.Placement;
import hil.simulator.uefi.EfiStatus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A configurable runtime driver through ExitBootServices and SetVirtualAddressMap (reference 6.3–6.5). */
class ConfigurableRuntimeDriverTest {

    private static final long OFFSET = 0xFFFF800000000000L;

    private final DxeCore dxe = new DxeCore();

    private ConfigurableRuntimeDriver load(RuntimeDriverDefinition definition) {
        return ConfigurableRuntimeDriver.load(dxe, definition);
    }

    private void exitBootServices() {
        assertEquals(EfiStatus.SUCCESS, dxe.exitBootServices(dxe.memory().mapKey()));
    }

    private void setVirtualAddressMap() {
        byte[] map = MemoryDescriptor.encode(dxe.memory().virtualMap(OFFSET), 48);
        assertEquals(EfiStatus.SUCCESS, dxe.runtime().setVirtualAddressMap(map.length, 48, 1, map));
    }

    private void toVirtualMode() {
        exitBootServices();
        setVirtualAddressMap();
    }

    private static RuntimeDriverDefinition varDxe(String name) {
        return RuntimeDriverDefinition.runtimeDriver(name)
                .keeps("mVariableBuffer", Placement.RUNTIME)
                .keeps("mSmmCommunication", Placement.RUNTIME);
    }

    @Test
    void aDriverThatConvertsEveryPointerWorksInVirtualMode() {
        ConfigurableRuntimeDriver driver = load(varDxe("VarDxe").converts("mVariableBuffer", false)
                .converts("mSmmCommunication", false));
        long buffer = driver.pointerValue("mVariableBuffer");

        toVirtualMode();

        assertEquals(List.of(), driver.use());
        assertEquals(List.of(new PointerConversion("mVariableBuffer", false, EfiStatus.SUCCESS),
                new PointerConversion("mSmmCommunication", false, EfiStatus.SUCCESS)), driver.conversions());
        assertEquals(buffer + OFFSET, driver.pointerValue("mVariableBuffer"));
        assertEquals(List.of(), dxe.faults());
    }

    @Test
    @DisplayName("A driver that forgets a pointer is caught with the pointer's name")
    void aForgottenPointerIsReportedByName() {
        ConfigurableRuntimeDriver driver = load(varDxe("Forgetful").converts("mVariableBuffer", false));

        toVirtualMode();

        List<RuntimeFault> expected = List.of(new RuntimeFault("Forgetful", "mSmmCommunication was not converted"));
        assertEquals(expected, driver.use());
        assertEquals(expected, dxe.faults());
    }

    @Test
    void theSameDriverWorksInPhysicalModeAfterExitBootServices() {
        ConfigurableRuntimeDriver driver = load(varDxe("Forgetful").converts("mVariableBuffer", false));
        exitBootServices();
        assertEquals(List.of(), driver.use());
    }

    @Test
    @DisplayName("A pointer into boot-services memory is caught after ExitBootServices, converted or not")
    void aBootServicesPointerIsCaught() {
        ConfigurableRuntimeDriver driver = load(RuntimeDriverDefinition.runtimeDriver("Leaky")
                .keeps("gBootBuffer", Placement.BOOT_SERVICES).converts("gBootBuffer", false));
        assertEquals(List.of(), driver.use(), "fine while boot services run");
        exitBootServices();
        RuntimeFault fault = new RuntimeFault("Leaky", "gBootBuffer points into boot-services memory freed at ExitBootServices");
        assertEquals(List.of(fault), driver.use(), "already in physical mode");

        setVirtualAddressMap();

        assertEquals(List.of(new PointerConversion("gBootBuffer", false, EfiStatus.NOT_FOUND)), driver.conversions());
        assertEquals(List.of(fault), driver.use());
    }

    @Test
    void aNullPointerConvertsOnlyWithOptionalPtr() {
        ConfigurableRuntimeDriver with = load(RuntimeDriverDefinition.runtimeDriver("With")
                .keeps("p", Placement.NULL).converts("p", true));
        ConfigurableRuntimeDriver without = load(RuntimeDriverDefinition.runtimeDriver("Without")
                .keeps("p", Placement.NULL).converts("p", false));

        toVirtualMode();

        assertEquals(List.of(new PointerConversion("p", true, EfiStatus.SUCCESS)), with.conversions());
        assertEquals(List.of(new PointerConversion("p", false, EfiStatus.INVALID_PARAMETER)), without.conversions());
        assertEquals(List.of(), without.use(), "a NULL pointer is never followed");
    }

    @Test
    void convertPointerOutsideSetVirtualAddressMapIsNotFound() {
        ConfigurableRuntimeDriver driver = load(varDxe("VarDxe").converts("mVariableBuffer", false));
        assertEquals(EfiStatus.NOT_FOUND, driver.convertPointer("mVariableBuffer", false));
        toVirtualMode();
        assertEquals(EfiStatus.NOT_FOUND, driver.convertPointer("mSmmCommunication", false));
    }

    @Test
    void forgettingAConversionAfterLoadIsHonoured() {
        ConfigurableRuntimeDriver driver = load(varDxe("VarDxe").converts("mVariableBuffer", false)
                .converts("mSmmCommunication", false));
        driver.forgetConversion("mSmmCommunication");

        toVirtualMode();

        assertEquals(List.of(new RuntimeFault("VarDxe", "mSmmCommunication was not converted")), driver.use());
        assertThrows(IllegalArgumentException.class, () -> driver.forgetConversion("mNothing"));
    }

    @Test
    @DisplayName("Unload closes the driver's events, so SetVirtualAddressMap no longer calls it")
    void unloadClosesEvents() {
        ConfigurableRuntimeDriver driver = load(varDxe("VarDxe").converts("mVariableBuffer", false)
                .notifiesOn(EventGroups.EXIT_BOOT_SERVICES, Tpl.CALLBACK));
        assertEquals(2, driver.image().openEvents().size());

        assertEquals(EfiStatus.SUCCESS, dxe.unloadImage(driver.image()));
        toVirtualMode();

        assertEquals(List.of(), driver.image().openEvents());
        assertEquals(List.of(), driver.conversions());
        assertEquals(List.of(), dxe.faults());
    }

    @Test
    @DisplayName("An Unload that leaves its events open is caught when SetVirtualAddressMap calls into the freed image")
    void unloadLeavingEventsOpenIsCaught() {
        ConfigurableRuntimeDriver driver = load(varDxe("Sloppy").converts("mVariableBuffer", false)
                .leavingEventsOpenOnUnload());
        dxe.unloadImage(driver.image());

        toVirtualMode();

        assertEquals(List.of(new RuntimeFault("Sloppy", "the VirtualAddressChange notify function points into freed memory")),
                dxe.faults());
    }

    @Test
    @DisplayName("A boot-services driver in the VirtualAddressChange group is caught: its notify function is gone")
    void aBootServicesDriverCannotListenForVirtualAddressChange() {
        ConfigurableRuntimeDriver driver = load(RuntimeDriverDefinition.bootServicesDriver("BsDriver")
                .notifiesOn(EventGroups.VIRTUAL_ADDRESS_CHANGE, Tpl.NOTIFY));
        assertEquals(MemoryType.BOOT_SERVICES_CODE, driver.image().type());

        toVirtualMode();

        assertEquals(List.of(new RuntimeFault("BsDriver",
                "the VirtualAddressChange notify function points into boot-services memory freed at ExitBootServices")),
                dxe.faults());
    }

    @Test
    void eventsCreatedAtLoadReportTheirStatus() {
        ConfigurableRuntimeDriver driver = load(RuntimeDriverDefinition.runtimeDriver("BadTpl")
                .notifiesOn(EventGroups.EXIT_BOOT_SERVICES, Tpl.HIGH_LEVEL));
        assertEquals(EfiStatus.INVALID_PARAMETER, driver.eventsCreatedAtLoad().get(0).status());
        assertEquals(List.of(), driver.image().openEvents());
    }

    @Test
    void aDefinitionCannotConvertAPointerItDoesNotKeep() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> varDxe("X").converts("mOther", false));
        assertTrue(e.getMessage().contains("converts mOther but keeps no such pointer"), e.getMessage());
    }

    @Test
    void loadingAfterExitBootServicesIsRefused() {
        exitBootServices();
        assertThrows(IllegalStateException.class, () -> load(varDxe("Late")));
    }
}
