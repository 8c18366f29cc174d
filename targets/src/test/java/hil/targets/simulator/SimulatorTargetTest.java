package hil.targets.simulator;

import hil.reports.model.Observation;
import hil.reports.model.Observation.Keys;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiGuid;
import hil.targets.Capability;
import hil.targets.Phase;
import hil.targets.Target;
import hil.targets.VariableServices;
import hil.targets.labconfig.TargetConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatorTargetTest {

    private static final EfiGuid VENDOR = EfiGuid.parse("12345678-1234-1234-1234-123456789abc");

    private Target target;

    @BeforeEach
    void start() {
        target = new SimulatorKind().create(new TargetConfig("sim", "simulator", "test",
                Map.of(SimulatorKind.PROFILE, "ovmf-4m"), Path.of("lab-config/sim.yaml")));
    }

    @AfterEach
    void stop() {
        target.close();
    }

    @Test
    void aSetThenGetIsObservedWithCanonicalInputsAndOutputs() {
        Observation set = target.variables().setVariable("Test", VENDOR, Attributes.NV_BS_RT,
                "abc".getBytes(StandardCharsets.UTF_8));
        assertEquals("EFI_SUCCESS", set.status());
        assertEquals("SetVariable", set.operation());
        assertEquals("NV|BS|RT", set.inputs().get(Keys.ATTRIBUTES));
        assertEquals("616263", set.inputs().get(Keys.DATA));
        assertEquals("12345678-1234-1234-1234-123456789ABC", set.inputs().get(Keys.VENDOR));
        assertEquals("sim", set.target());
        assertEquals("boot", set.phase());

        Observation get = target.variables().getVariable("Test", VENDOR, VariableServices.LARGE_BUFFER);
        assertEquals("EFI_SUCCESS", get.status());
        assertEquals("616263", get.outputs().get(Keys.DATA));
        assertEquals("3", get.outputs().get(Keys.DATA_SIZE));
        assertEquals("NV|BS|RT", get.outputs().get(Keys.ATTRIBUTES));
    }

    @Test
    void aGetWithAZeroBufferReportsTheRequiredSizeAndNoData() {
        target.variables().setVariable("Ten", VENDOR, Attributes.NV_BS, new byte[10]);
        Observation get = target.variables().getVariable("Ten", VENDOR, 0);
        assertEquals("EFI_BUFFER_TOO_SMALL", get.status());
        assertEquals("10", get.outputs().get(Keys.DATA_SIZE));
        assertEquals("NV|BS", get.outputs().get(Keys.ATTRIBUTES));
        assertFalse(get.outputs().containsKey(Keys.DATA));
    }

    @Test
    void theWalkReturnsNameAndVendorOfTheFirstVariable() {
        // The platform's own variables (AuthVariableLib's SetupMode first, in the volatile store) come before it, as
        // on OVMF: walk until the test's variable.
        target.variables().setVariable("First", VENDOR, Attributes.BS_RT, new byte[] {1});
        Observation next = target.variables().getNextVariableName("", EfiGuid.ZERO, VariableServices.LARGE_BUFFER);
        for (int i = 0; i < 200 && "EFI_SUCCESS".equals(next.status())
                && !"First".equals(next.outputs().get(Keys.NAME)); i++) {
            next = target.variables().getNextVariableName(next.outputs().get(Keys.NAME),
                    EfiGuid.parse(next.outputs().get(Keys.VENDOR)), VariableServices.LARGE_BUFFER);
        }
        assertEquals("EFI_SUCCESS", next.status());
        assertEquals("First", next.outputs().get(Keys.NAME));
        assertEquals(VENDOR.toString(), next.outputs().get(Keys.VENDOR));
        assertEquals("12", next.outputs().get(Keys.NAME_SIZE));
    }

    @Test
    void theReportedStorageOfAFreshOvmfStoreMatchesRealFirmware() {
        Observation q = target.variables().queryVariableInfo(Attributes.NV_BS_RT);
        assertEquals("EFI_SUCCESS", q.status());
        assertEquals("262044", q.outputs().get(Keys.MAX_STORAGE));
        assertEquals("33732", q.outputs().get(Keys.MAX_VARIABLE_SIZE));
    }

    @Test
    void aPowerCutDuringAWriteIsObservedAsNoStatusAndTheTargetRestarts() {
        target.variables().setVariable("Torn", VENDOR, Attributes.NV_BS_RT, new byte[] {1, 2});
        target.variables().setVariable("Gone", VENDOR, Attributes.BS_RT, new byte[] {9});
        target.platform().losePowerDuringNextWrite();
        Observation cut = target.variables().setVariable("Torn", VENDOR, Attributes.NV_BS_RT, new byte[] {3, 4, 5});
        assertNull(cut.status());
        assertEquals("true", cut.outputs().get("powerLost"));
        assertEquals("EFI_NOT_FOUND", target.variables().getVariable("Gone", VENDOR, VariableServices.LARGE_BUFFER).status());
        String data = target.variables().getVariable("Torn", VENDOR, VariableServices.LARGE_BUFFER).outputs().get(Keys.DATA);
        assertTrue(data.equals("0102") || data.equals("030405"), "old or new value, got " + data);
    }

    @Test
    void phasesAdvanceThroughExitBootServicesAndSetVirtualAddressMap() {
        assertEquals(Phase.BOOT, target.platform().phase());
        assertEquals("EFI_SUCCESS", target.platform().exitBootServices().status());
        assertEquals(Phase.RUNTIME, target.platform().phase());
        assertEquals("EFI_SUCCESS", target.platform().setVirtualAddressMap().status());
        assertEquals("EFI_UNSUPPORTED", target.platform().setVirtualAddressMap().status());
        assertEquals(Phase.VIRTUAL, target.platform().phase());
        assertEquals("virtual", target.variables().queryVariableInfo(Attributes.NV_BS_RT).phase());
    }

    @Test
    void aFreshBootForgetsEveryVariable() {
        target.variables().setVariable("Kept", VENDOR, Attributes.NV_BS_RT, new byte[] {1});
        target.platform().bootFresh();
        assertEquals("EFI_NOT_FOUND", target.variables().getVariable("Kept", VENDOR, VariableServices.LARGE_BUFFER).status());
    }

    @Test
    void theSimulatorOffersRawCallsResetFaultInjectionAndTheOsPhase() {
        assertTrue(target.capabilities().containsAll(java.util.Set.of(Capability.RAW_CALLS, Capability.RESET,
                Capability.FAULT_INJECTION, Capability.OS_PHASE)));
    }

    @Test
    void anUnknownProfileIsRefusedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SimulatorKind().create(
                new TargetConfig("x", "simulator", "", Map.of(SimulatorKind.PROFILE, "nosuch"), Path.of("x.yaml"))));
        assertTrue(e.getMessage().contains("ovmf-4m"), e.getMessage());
    }

    @Test
    void aFreshBootIsRecordedInTheBootPhaseItLeadsTo() {
        target.platform().exitBootServices();
        target.platform().setVirtualAddressMap();
        assertEquals("boot", target.platform().bootFresh().phase());
        target.platform().exitBootServices();
        assertEquals("boot", target.platform().reset().phase());
        assertEquals("boot", target.platform().exitBootServices().phase());
    }

    @Test
    void aStartingStoreIsTheFlashAtPowerOnAndTheNextFactoryStartForgetsIt(@org.junit.jupiter.api.io.TempDir Path dir)
            throws java.io.IOException {
        // A store made by a simulated machine of the same profile: one variable written, then the flash as a file.
        hil.simulator.platform.SimulatedPlatform maker = new hil.simulator.platform.SimulatedPlatform(
                hil.simulator.Profile.OVMF_4M);
        assertEquals(hil.simulator.uefi.EfiStatus.SUCCESS, maker.core().setVariable(
                hil.simulator.uefi.Ucs2.encode("HilStored"), VENDOR, Attributes.NV_BS_RT, new byte[] {7}, false));
        Path image = java.nio.file.Files.write(dir.resolve("made.fd"), maker.flash().snapshot());
        hil.targets.VariableStoreFile store = new hil.targets.VariableStoreFile("made", image, "", "stores.yaml:2");

        Observation boot = target.platform().bootFreshWithStore(store);
        assertTrue(boot.outputs().get("boot").contains("\"made\""), boot.outputs().toString());
        assertEquals("07", target.variables().getVariable("HilStored", VENDOR, VariableServices.LARGE_BUFFER)
                .outputs().get(Keys.DATA));

        target.platform().bootFresh();
        assertEquals("EFI_NOT_FOUND", target.variables().getVariable("HilStored", VENDOR,
                VariableServices.LARGE_BUFFER).status());
    }

    @Test
    void aStoreOfAnotherGeometryIsRefusedNamingTheStoreAndTheProfile(@org.junit.jupiter.api.io.TempDir Path dir)
            throws java.io.IOException {
        Path image = java.nio.file.Files.write(dir.resolve("small.fd"), new byte[131072]);
        hil.targets.VariableStoreFile store = new hil.targets.VariableStoreFile("small", image, "", "stores.yaml:7");
        String message = assertThrows(hil.targets.HilException.class,
                () -> target.platform().bootFreshWithStore(store)).getMessage();
        assertTrue(message.startsWith("variable store \"small\" (stores.yaml:7): "), message);
    }

    @Test
    void aMissingStoreFileIsAnErrorNamingTheEntry(@org.junit.jupiter.api.io.TempDir Path dir) {
        hil.targets.VariableStoreFile store = new hil.targets.VariableStoreFile("gone", dir.resolve("gone.fd"), "",
                "stores.yaml:9");
        assertEquals("variable store \"gone\" (stores.yaml:9): cannot read " + dir.resolve("gone.fd")
                + ": no such file", assertThrows(hil.targets.HilException.class,
                () -> target.platform().bootFreshWithStore(store)).getMessage());
    }
}
