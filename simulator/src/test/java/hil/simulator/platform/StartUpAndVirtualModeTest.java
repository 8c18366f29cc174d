package hil.simulator.platform;

import hil.simulator.Machine;
import hil.simulator.Profile;
import hil.simulator.runtime.RuntimeDriverDefinition;
import hil.simulator.runtime.VariableSmmRuntimeDxe;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import hil.simulator.uefi.Ucs2;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;

import static hil.simulator.Machine.VENDOR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole machine: the variable stack's start-up by protocol notification (reference 5.1, 5.2, 5.7), and the
 * variable services through gRT and the wrapper's pointers before and after SetVirtualAddressMap (6.4, 8.19).
 */
class StartUpAndVirtualModeTest {

    private final SimulatedPlatform platform = new SimulatedPlatform(Profile.OVMF_4M.withBareStore());
    private final Machine machine = new Machine(platform);

    private SimulatedPlatform.Outcome<EfiStatus> set(String name, int attributes) {
        byte[] data = {1};
        return platform.call("SetVariable", d -> d.setVariable(Ucs2.encode(name), VENDOR, attributes, 1, data));
    }

    private List<String> protocols() {
        return platform.firmware().protocols().installedInOrder().stream().map(ProtocolDatabase::name).toList();
    }

    @Nested
    @DisplayName("start-up")
    class StartUp {

        @Test
        void aNormalBootRunsTheWholeStartUpInOrder() {
            assertEquals(StartUpStage.WRITE_READY, platform.startUpStage());
            assertEquals(List.of("gEfiMmCommunication2ProtocolGuid", "gEfiSmmVariableProtocolGuid",
                    "gEfiVariableArchProtocolGuid", "gEdkiiVariableLockProtocolGuid", "gSmmVariableWriteGuid",
                    "gEfiVariableWriteArchProtocolGuid"), protocols());
        }

        @Test
        @DisplayName("Before the SMM variable driver is ready gRT holds the DXE core's placeholders: EFI_NOT_AVAILABLE_YET")
        void beforeSmmIsReadyTheServicesAreNotAvailableYet() {
            machine.set("Kept", Attributes.NV_BS_RT, (byte) 9);
            platform.restartUntil(StartUpStage.DXE_CORE);

            SimulatedPlatform.Outcome<EfiStatus> o = set("T", Attributes.BS_RT);

            assertTrue(o.notInstalled());
            assertEquals(EfiStatus.NOT_AVAILABLE_YET, o.placeholderStatus());
            assertNull(o.result());
            assertEquals(List.of("gEfiMmCommunication2ProtocolGuid"), protocols());
        }

        @Test
        @DisplayName("Once SMM is ready reads work and volatile writes too, but NV writes wait for the write service")
        void betweenReadyAndWriteReady() {
            machine.set("Kept", Attributes.NV_BS_RT, (byte) 9);
            platform.restartUntil(StartUpStage.DXE_CORE);

            platform.continueStartUp(StartUpStage.VARIABLE_READY);

            assertTrue(protocols().contains("gEfiVariableArchProtocolGuid"));
            assertTrue(!protocols().contains("gEfiVariableWriteArchProtocolGuid"));
            assertArrayEquals(new byte[] {9}, machine.value("Kept"));
            assertEquals(EfiStatus.NOT_AVAILABLE_YET, set("Nv", Attributes.NV_BS_RT).result());
            assertEquals(EfiStatus.SUCCESS, set("Volatile", Attributes.BS_RT).result());

            platform.continueStartUp(StartUpStage.WRITE_READY);

            assertTrue(protocols().contains("gEfiVariableWriteArchProtocolGuid"));
            assertEquals(EfiStatus.SUCCESS, set("Nv", Attributes.NV_BS_RT).result());
        }

        /**
         * Before the write service AuthSupport is FALSE, so AT is refused with the attribute checks; the attribute
         * checks of an existing variable come before UpdateVariable's EFI_NOT_AVAILABLE_YET (Variable.c 2022.11).
         */
        @Test
        void beforeTheWriteServiceCheckOrderFollowsEdk2() {
            machine.set("Kept", Attributes.NV_BS_RT, (byte) 9);
            platform.restartUntil(StartUpStage.VARIABLE_READY);

            assertEquals(EfiStatus.INVALID_PARAMETER, set("Kept", Attributes.NV | Attributes.BS).result());
            assertEquals(EfiStatus.NOT_AVAILABLE_YET, set("Kept", Attributes.NV_BS_RT).result());
            byte[] auth2 = new byte[48];
            auth2[16] = 24; // dwLength: a well-formed descriptor header
            assertEquals(EfiStatus.INVALID_PARAMETER, platform.call("SetVariable", d -> d.setVariable(
                    Ucs2.encode("A"), VENDOR, Attributes.NV_BS_RT | Attributes.AT, auth2.length, auth2)).result());
            assertEquals(EfiStatus.UNSUPPORTED, machine.query(Attributes.NV_BS_RT | Attributes.AT).status());
            assertEquals(EfiStatus.SUCCESS, machine.query(Attributes.NV_BS_RT).status());
        }

        @Test
        void theStartUpCannotGoBackwards() {
            assertThrows(IllegalStateException.class, () -> platform.continueStartUp(StartUpStage.DXE_CORE));
        }

        @Test
        void aResetAfterAStoppedStartUpBootsFully() {
            platform.restartUntil(StartUpStage.DXE_CORE);
            platform.reset();
            assertEquals(StartUpStage.WRITE_READY, platform.startUpStage());
        }

        @Test
        @DisplayName("Placeholders still in gRT at runtime are boot-services code the OS owns: the call is a fault")
        void placeholdersAfterExitBootServicesFault() {
            platform.restartUntil(StartUpStage.DXE_CORE);
            assertEquals(EfiStatus.SUCCESS, platform.exitBootServices());

            SimulatedPlatform.Outcome<EfiStatus> o = set("T", Attributes.NV_BS_RT);

            assertEquals(new RuntimeFault(DxeCore.CORE_IMAGE,
                    "gRT->SetVariable points into boot-services memory freed at ExitBootServices"), o.fault());
        }
    }

    @Nested
    @DisplayName("variable services in virtual mode")
    class VirtualMode {

        @Test
        void theVariableServicesKeepWorkingAfterSetVirtualAddressMap() {
            machine.set("Boot", Attributes.NV_BS_RT, (byte) 1);
            machine.exitBootServices();

            assertEquals(EfiStatus.SUCCESS, platform.setVirtualAddressMap());

            assertEquals(SystemMemory.Mode.VIRTUAL, platform.firmware().memory().mode());
            assertArrayEquals(new byte[] {1}, machine.value("Boot"));
            assertEquals(EfiStatus.SUCCESS, machine.set("Boot", Attributes.NV_BS_RT, (byte) 2));
            assertArrayEquals(new byte[] {2}, machine.value("Boot"));
            assertEquals(List.of(), platform.firmware().faults());
        }

        @Test
        @DisplayName("A wrapper that forgot a pointer makes the call a fault naming the pointer, not an EFI status")
        void aForgottenPointerFaultsTheCall() {
            platform.variableDriver().forgetConversion(VariableSmmRuntimeDxe.MM_COMMUNICATION);
            machine.exitBootServices();
            platform.setVirtualAddressMap();

            SimulatedPlatform.Outcome<EfiStatus> o = set("T", Attributes.NV_BS_RT);

            assertTrue(o.faulted());
            assertNull(o.result());
            assertEquals(new RuntimeFault(VariableSmmRuntimeDxe.NAME, "mMmCommunication2 was not converted"), o.fault());
            assertEquals(List.of(o.fault()), platform.firmware().faults());
        }

        @Test
        void aForgottenPointerDoesNotMatterBeforeTheSwitch() {
            platform.variableDriver().forgetConversion(VariableSmmRuntimeDxe.VARIABLE_BUFFER);
            machine.exitBootServices();
            assertEquals(EfiStatus.SUCCESS, machine.set("T", Attributes.NV_BS_RT, (byte) 1));
        }

        @Test
        @DisplayName("A map that gives the wrapper's buffer no virtual address leaves mVariableBuffer unconverted")
        void aMapWithoutTheBufferLeavesItUnconverted() {
            machine.exitBootServices();
            long buffer = platform.variableDriver().pointerValue(VariableSmmRuntimeDxe.VARIABLE_BUFFER);
            List<MemoryDescriptor> map = platform.firmware().memory().virtualMap(SimulatedPlatform.VIRTUAL_OFFSET)
                    .stream().filter(d -> !d.containsPhysical(buffer)).toList();
            byte[] bytes = MemoryDescriptor.encode(map, 48);

            assertEquals(EfiStatus.SUCCESS, platform.setVirtualAddressMap(bytes.length, 48, 1, bytes));

            assertEquals(new RuntimeFault(VariableSmmRuntimeDxe.NAME, "mVariableBuffer was not converted"),
                    set("T", Attributes.NV_BS_RT).fault());
        }

        @Test
        void aTestDriverLoadsNextToTheWrapperAndIsFoundByName() {
            platform.loadDriver(RuntimeDriverDefinition.runtimeDriver("Extra")
                    .keeps("p", RuntimeDriverDefinition.Placement.RUNTIME).converts("p", false));

            assertEquals(List.of(VariableSmmRuntimeDxe.NAME, "Extra"),
                    platform.drivers().stream().map(d -> d.name()).toList());
            assertThrows(IllegalArgumentException.class, () -> platform.loadDriver(
                    RuntimeDriverDefinition.runtimeDriver("Extra")));
            machine.exitBootServices();
            platform.setVirtualAddressMap();
            assertEquals(List.of(), platform.driver("Extra").orElseThrow().use());
        }

        @Test
        void aResetStartsANewDxeEnvironment() {
            DxeCore before = platform.firmware();
            platform.loadDriver(RuntimeDriverDefinition.runtimeDriver("Extra"));
            machine.exitBootServices();
            platform.setVirtualAddressMap();

            platform.reset();

            assertTrue(before != platform.firmware());
            assertEquals(SystemMemory.Mode.PHYSICAL, platform.firmware().memory().mode());
            assertTrue(platform.driver("Extra").isEmpty());
            assertEquals(EfiStatus.SUCCESS, machine.set("T", Attributes.NV_BS_RT, (byte) 1));
        }
    }

    @Test
    @DisplayName("A call names its gRT entry; another name goes through all four variable entries")
    void aCallNamesItsEntry() {
        platform.restartUntil(StartUpStage.DXE_CORE);
        machine.exitBootServices();

        assertEquals("gRT->QueryVariableInfo points into boot-services memory freed at ExitBootServices",
                platform.call("QueryVariableInfo", d -> d.queryVariableInfo(7, true)).fault().message());
        assertEquals("gRT->GetVariable points into boot-services memory freed at ExitBootServices",
                platform.call("RequestToLock", d -> EfiStatus.SUCCESS).fault().message());
    }

    @Test
    void aCallByNameReturnsTheServiceResult() {
        assertEquals(EfiStatus.NOT_FOUND, platform.call("GetVariable",
                d -> d.getVariable(Ucs2.encode("Nope"), EfiGuid.ZERO, 16L, 0, true)).result().status());
    }
}
