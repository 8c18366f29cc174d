package hil.simulator.runtime;

import hil.simulator.Machine;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static hil.simulator.Machine.VENDOR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The rules after ExitBootServices (reference 3.3–3.6 at runtime, 5.3, checklist 8.5 and 8.9). */
class RuntimeRulesTest {

    private static final byte[] ONE = {1};
    private static final byte[] TWO = {2};

    private final Machine machine = new Machine();

    @Test
    void aVariableWithoutRuntimeAccessIsInvisibleToGetVariable() {
        machine.set("Nv", Attributes.NV_BS, ONE);
        machine.set("Vol", Attributes.BS, ONE);
        machine.exitBootServices();

        assertEquals(EfiStatus.NOT_FOUND, machine.get("Nv").status());
        assertEquals(EfiStatus.NOT_FOUND, machine.get("Vol").status());
    }

    @Test
    void getNextVariableNameSkipsVariablesWithoutRuntimeAccess() {
        machine.set("A", Attributes.NV_BS_RT, ONE);
        machine.set("Hidden", Attributes.NV_BS, ONE);
        machine.set("B", Attributes.NV_BS_RT, ONE);
        machine.set("HiddenVol", Attributes.BS, ONE);
        machine.set("Vol", Attributes.BS_RT, ONE);
        machine.exitBootServices();

        assertEquals(List.of("Vol", "A", "B"), machine.names());
    }

    @Test
    void getNextVariableNameGivenTheNameOfAHiddenVariableIsInvalidParameter() {
        machine.set("Hidden", Attributes.NV_BS, ONE);
        machine.set("B", Attributes.NV_BS_RT, ONE);
        machine.exitBootServices();

        assertEquals(EfiStatus.INVALID_PARAMETER, machine.next("Hidden", VENDOR, 64).status());
    }

    @Test
    void writingOrDeletingAnExistingVariableWithoutRuntimeAccessIsWriteProtected() {
        machine.set("Hidden", Attributes.NV_BS, ONE);
        machine.exitBootServices();

        assertEquals(EfiStatus.WRITE_PROTECTED, machine.set("Hidden", Attributes.NV_BS, TWO));
        assertEquals(EfiStatus.WRITE_PROTECTED, machine.set("Hidden", Attributes.NV_BS));
        assertEquals(EfiStatus.WRITE_PROTECTED, machine.set("Hidden", Attributes.NV_BS_RT, TWO),
                "the runtime check comes before the attribute comparison");
    }

    @Test
    void anExistingVolatileVariableIsReadOnlyButStillReadable() {
        machine.set("Vol", Attributes.BS_RT, ONE);
        machine.exitBootServices();

        assertEquals(EfiStatus.WRITE_PROTECTED, machine.set("Vol", Attributes.BS_RT, TWO));
        assertEquals(EfiStatus.WRITE_PROTECTED, machine.set("Vol", Attributes.BS_RT));
        assertEquals(EfiStatus.WRITE_PROTECTED, machine.set("Vol", Attributes.BS_RT | Attributes.AP, TWO));
        assertArrayEquals(ONE, machine.value("Vol"));
    }

    @Test
    void creatingAVariableWithoutBothNonVolatileAndRuntimeAccessIsInvalidParameter() {
        machine.exitBootServices();

        assertEquals(EfiStatus.INVALID_PARAMETER, machine.set("New1", Attributes.BS_RT, ONE));
        assertEquals(EfiStatus.INVALID_PARAMETER, machine.set("New2", Attributes.NV_BS, ONE));
        assertEquals(EfiStatus.INVALID_PARAMETER, machine.set("New3", Attributes.BS, ONE));
    }

    @Test
    void nonVolatileRuntimeVariablesCanBeCreatedUpdatedAppendedAndDeleted() {
        machine.exitBootServices();

        assertEquals(EfiStatus.SUCCESS, machine.set("Rt", Attributes.NV_BS_RT, ONE));
        assertEquals(EfiStatus.SUCCESS, machine.set("Rt", Attributes.NV_BS_RT, TWO));
        assertEquals(EfiStatus.SUCCESS, machine.set("Rt", Attributes.NV_BS_RT | Attributes.AP, ONE));
        assertArrayEquals(new byte[] {2, 1}, machine.value("Rt"));
        assertEquals(EfiStatus.SUCCESS, machine.set("Rt", Attributes.NV_BS_RT));
        assertEquals(EfiStatus.NOT_FOUND, machine.get("Rt").status());
    }

    @Test
    void writingTheLanguageCodeListsAtRuntimeIsWriteProtected() {
        machine.exitBootServices();

        assertEquals(EfiStatus.WRITE_PROTECTED,
                machine.set("PlatformLangCodes", EfiGuid.GLOBAL_VARIABLE, Attributes.NV_BS_RT, new byte[] {'e', 'n', 0}));
    }

    @Test
    @DisplayName("A write that exceeds the quota at runtime is OUT_OF_RESOURCES: dead records still count and there is no reclaim")
    void aFullStoreAtRuntimeIsOutOfResourcesWithoutReclaim() {
        int created = machine.fillNv(8000);
        assertEquals(EfiStatus.SUCCESS, machine.set("F00", Attributes.NV_BS_RT)); // dead until the next reclaim
        machine.exitBootServices();
        long erases = machine.eraseOperations();

        assertEquals(EfiStatus.OUT_OF_RESOURCES, machine.set("New", Attributes.NV_BS_RT, new byte[8000]));

        assertEquals(erases, machine.eraseOperations(), "no reclaim at runtime");
        assertEquals(created - 1, machine.names().size());
    }

    @Test
    void queryVariableInfoWithoutRuntimeAccessIsInvalidParameterAtRuntime() {
        machine.exitBootServices();

        assertEquals(EfiStatus.INVALID_PARAMETER, machine.query(Attributes.NV_BS).status());
        assertEquals(EfiStatus.INVALID_PARAMETER, machine.query(Attributes.BS).status());
        assertEquals(EfiStatus.SUCCESS, machine.query(Attributes.NV_BS_RT).status());
    }

    @Test
    void atRuntimeRemainingStorageAlsoCountsDeadRecords() {
        machine.set("A", Attributes.NV_BS_RT, new byte[100]); // 164-byte footprint
        machine.set("A", Attributes.NV_BS_RT, new byte[100 - 1]); // the first copy is dead now, the new one 164
        assertEquals(262044 - 164, machine.query(Attributes.NV_BS_RT).remainingVariableStorageSize());

        machine.exitBootServices();

        assertEquals(262044 - 2 * 164, machine.query(Attributes.NV_BS_RT).remainingVariableStorageSize());
    }

    @Test
    void readyToBootAfterExitBootServicesIsUnsupportedInSmm() {
        machine.exitBootServices();

        assertEquals(EfiStatus.UNSUPPORTED, machine.dxe(VariableRuntimeDxe::signalReadyToBoot));
    }

    @Test
    void exitBootServiceIsIrreversibleAndMayBeSentAgain() {
        machine.exitBootServices();

        assertEquals(EfiStatus.SUCCESS, machine.dxe(VariableRuntimeDxe::signalExitBootServices));
        assertEquals(EfiStatus.INVALID_PARAMETER, machine.set("New", Attributes.BS_RT, ONE), "still at runtime");
    }
}
