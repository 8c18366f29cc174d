package hil.targets.simulator;

import hil.reports.model.Observation;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiGuid;
import hil.targets.RuntimeDrivers;
import hil.targets.RuntimeDrivers.Conversion;
import hil.targets.RuntimeDrivers.DriverSpec;
import hil.targets.RuntimeDrivers.Keys;
import hil.targets.RuntimeDrivers.Notify;
import hil.targets.RuntimeDrivers.Placement;
import hil.targets.RuntimeDrivers.Pointer;
import hil.targets.Target;
import hil.targets.VariableServices;
import hil.targets.labconfig.TargetConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runtime-driver capability of the simulator target: each call is one observation. */
class SimulatorRuntimeDriversTest {

    private static final EfiGuid VENDOR = EfiGuid.parse("12345678-1234-1234-1234-123456789abc");

    private Target target;
    private RuntimeDrivers drivers;

    @BeforeEach
    void start() {
        target = new SimulatorKind().create(new TargetConfig("sim", "simulator", "test",
                Map.of(SimulatorKind.PROFILE, "ovmf-4m"), Path.of("lab-config/sim.yaml")));
        drivers = target.extension(RuntimeDrivers.class).orElseThrow();
    }

    @AfterEach
    void stop() {
        target.close();
    }

    private static DriverSpec spec(String name, List<String> runtimePointers, List<String> converted) {
        return new DriverSpec(name, false, runtimePointers.stream().map(p -> new Pointer(p, Placement.RUNTIME)).toList(),
                converted.stream().map(p -> new Conversion(p, false)).toList(), List.of(), true);
    }

    private void toVirtualMode() {
        assertEquals("EFI_SUCCESS", target.platform().exitBootServices().status());
        assertEquals("EFI_SUCCESS", target.platform().setVirtualAddressMap().status());
    }

    @Test
    void aDriverThatConvertsEverythingUsesItsPointersWithoutFault() {
        drivers.load(spec("VarDxe", List.of("mVariableBuffer", "mSmmCommunication"),
                List.of("mVariableBuffer", "mSmmCommunication")));
        toVirtualMode();

        Observation use = drivers.use("VarDxe");

        assertEquals("UseDriver", use.operation());
        assertNull(use.status());
        assertEquals("0", use.outputs().get(Keys.COUNT));
        assertEquals("virtual", use.phase());
        assertEquals("sim", use.target());
        assertEquals("mVariableBuffer -> EFI_SUCCESS\nmSmmCommunication -> EFI_SUCCESS",
                drivers.conversions("VarDxe").outputs().get(Keys.CONVERSIONS));
    }

    @Test
    void aForgottenPointerIsReportedByNameInTheUseAndTheFaultList() {
        drivers.load(spec("Forgetful", List.of("mVariableBuffer", "mSmmCommunication"), List.of("mVariableBuffer")));
        toVirtualMode();

        assertEquals("Forgetful: mSmmCommunication was not converted", drivers.use("Forgetful").outputs().get(Keys.FAULTS));
        assertEquals("Forgetful: mSmmCommunication was not converted", drivers.faults().outputs().get(Keys.FAULTS));
    }

    @Test
    @DisplayName("A variable call through a wrapper that forgot a pointer has no status but the fault")
    void aVariableCallReportsTheFault() {
        drivers.forgetConversion("VariableSmmRuntimeDxe", "mMmCommunication2");
        toVirtualMode();

        Observation get = target.variables().getVariable("X", VENDOR, VariableServices.LARGE_BUFFER);

        assertNull(get.status());
        assertEquals("mMmCommunication2 was not converted", get.outputs().get(Keys.RUNTIME_FAULT));
        assertEquals("VariableSmmRuntimeDxe", get.outputs().get(Keys.DRIVER));
    }

    @Test
    void setVirtualAddressMapWithABadVersionIsInvalidAndTheStandardOneThenWorks() {
        target.platform().exitBootServices();

        Observation bad = drivers.setVirtualAddressMap(new RuntimeDrivers.VirtualMap(48, 2, 0xFFFF800000000000L));
        Observation small = drivers.setVirtualAddressMap(new RuntimeDrivers.VirtualMap(32, 1, 0xFFFF800000000000L));
        Observation good = drivers.setVirtualAddressMap(RuntimeDrivers.VirtualMap.standard());

        assertEquals("EFI_INVALID_PARAMETER", bad.status());
        assertEquals("2", bad.inputs().get(Keys.DESCRIPTOR_VERSION));
        assertEquals("EFI_INVALID_PARAMETER", small.status());
        assertEquals("EFI_SUCCESS", good.status());
        assertEquals("EFI_UNSUPPORTED", drivers.setVirtualAddressMap(RuntimeDrivers.VirtualMap.standard()).status());
    }

    @Test
    void aStaleMapKeyIsRefusedAndTheCurrentOneAccepted() {
        long key = Long.parseLong(drivers.memoryMap().outputs().get(Keys.MAP_KEY));
        drivers.load(spec("Late", List.of("p"), List.of("p")));

        assertEquals("EFI_INVALID_PARAMETER", drivers.exitBootServices(key).status());
        long current = Long.parseLong(drivers.memoryMap().outputs().get(Keys.MAP_KEY));
        assertEquals("EFI_SUCCESS", drivers.exitBootServices(current).status());
        assertThrows(IllegalStateException.class, () -> drivers.memoryMap());
    }

    @Test
    void theMemoryMapUsesEdk2DescriptorSize() {
        Observation map = drivers.memoryMap();
        assertEquals("EFI_SUCCESS", map.status());
        assertEquals("48", map.outputs().get(Keys.DESCRIPTOR_SIZE));
        assertEquals("1", map.outputs().get(Keys.DESCRIPTOR_VERSION));
        assertTrue(map.outputs().get(Keys.DESCRIPTORS).contains("EfiRuntimeServicesData"));
    }

    @Test
    void unloadClosesTheDriversEvents() {
        drivers.load(new DriverSpec("Tidy", false, List.of(new Pointer("p", Placement.RUNTIME)),
                List.of(new Conversion("p", false)), List.of(new Notify("ExitBootServices", 8)), true));
        assertEquals("2", drivers.events("Tidy").outputs().get(Keys.OPEN_EVENTS));

        assertEquals("EFI_SUCCESS", drivers.unload("Tidy").status());

        assertEquals("0", drivers.events("Tidy").outputs().get(Keys.OPEN_EVENTS));
    }

    @Test
    void createEventExInTheExitBootServicesGroupReportsTheMappedType() {
        drivers.load(spec("Events", List.of(), List.of()));

        Observation ok = drivers.createEvent("Events", 0x200, 16, "ExitBootServices");
        Observation bad = drivers.createEvent("Events", 0x201, 16, "ExitBootServices");

        assertEquals("CreateEventEx", ok.operation());
        assertEquals("EFI_SUCCESS", ok.status());
        assertEquals("0x00000201", ok.outputs().get(Keys.TYPE));
        assertEquals("EFI_INVALID_PARAMETER", bad.status());
        assertEquals("CreateEvent", drivers.createEvent("Events", 0x200, 31, null).operation());
    }

    @Test
    void notificationsAreListedInTheOrderTheyRan() {
        drivers.load(new DriverSpec("Low", false, List.of(), List.of(), List.of(new Notify("ReadyToBoot", 8)), true));
        drivers.load(new DriverSpec("High", false, List.of(), List.of(), List.of(new Notify("ReadyToBoot", 16)), true));

        drivers.signal("ReadyToBoot");

        String order = drivers.notifications().outputs().get(Keys.NOTIFICATIONS);
        assertTrue(order.indexOf("High ReadyToBoot at TPL_NOTIFY") < order.indexOf("Low ReadyToBoot at TPL_CALLBACK"), order);
        assertThrows(IllegalArgumentException.class, () -> drivers.signal("ExitBootServices"));
    }

    @Test
    void convertPointerOutsideSetVirtualAddressMapIsNotFound() {
        drivers.load(spec("Early", List.of("p"), List.of("p")));
        assertEquals("EFI_NOT_FOUND", drivers.convertPointer("Early", "p", false).status());
    }

    @Test
    @DisplayName("Before the SMM variable driver is ready a variable call returns EFI_NOT_AVAILABLE_YET")
    void theStartUpCanBeStoppedAndContinued() {
        drivers.restartUntil(RuntimeDrivers.StartUpStage.DXE_CORE);

        assertEquals("EFI_NOT_AVAILABLE_YET", target.variables().setVariable("X", VENDOR, Attributes.BS_RT,
                new byte[] {1}).status());
        assertEquals("DXE_CORE", drivers.protocols().outputs().get(Keys.STAGE));

        drivers.continueStartUp(RuntimeDrivers.StartUpStage.WRITE_READY);

        assertTrue(drivers.protocols().outputs().get(Keys.PROTOCOLS).contains("gEfiVariableWriteArchProtocolGuid"));
        assertEquals("EFI_SUCCESS", target.variables().setVariable("X", VENDOR, Attributes.NV_BS_RT,
                new byte[] {1}).status());
    }

    @Test
    void anUnknownDriverIsAUserErrorNamingTheLoadedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> drivers.use("Nope"));
        assertTrue(e.getMessage().contains("loaded: VariableSmmRuntimeDxe"), e.getMessage());
    }
}
