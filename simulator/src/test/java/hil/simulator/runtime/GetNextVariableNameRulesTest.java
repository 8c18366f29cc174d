package hil.simulator.runtime;

import hil.simulator.Machine;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import org.junit.jupiter.api.Test;

import java.util.List;

import static hil.simulator.Machine.OTHER_VENDOR;
import static hil.simulator.Machine.VENDOR;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** GetNextVariableName at boot time through gRT (reference 3.5, checklist 8.12). */
class GetNextVariableNameRulesTest {

    private final Machine machine = new Machine();

    @Test
    void anEmptyStoreEndsAtOnceWithNotFound() {
        assertEquals(EfiStatus.NOT_FOUND, machine.next("", EfiGuid.ZERO, 64).status());
    }

    @Test
    void volatileVariablesComeFirstThenNonVolatileOnesEachInWriteOrder() {
        machine.set("N1", Attributes.NV_BS_RT, (byte) 1);
        machine.set("V1", Attributes.BS_RT, (byte) 1);
        machine.set("N2", Attributes.NV_BS, (byte) 1);
        machine.set("V2", Attributes.BS, (byte) 1);

        assertEquals(List.of("V1", "V2", "N1", "N2"), machine.names());
    }

    @Test
    void anUpdatedVariableMovesToTheEndOfItsStore() {
        machine.set("N1", Attributes.NV_BS_RT, (byte) 1);
        machine.set("N2", Attributes.NV_BS_RT, (byte) 1);
        machine.set("N3", Attributes.NV_BS_RT, (byte) 1);

        machine.set("N1", Attributes.NV_BS_RT, (byte) 2);

        assertEquals(List.of("N2", "N3", "N1"), machine.names());
    }

    @Test
    void anIdenticalRewriteDoesNotMoveTheVariable() {
        machine.set("N1", Attributes.NV_BS_RT, (byte) 1);
        machine.set("N2", Attributes.NV_BS_RT, (byte) 1);

        machine.set("N1", Attributes.NV_BS_RT, (byte) 1);

        assertEquals(List.of("N1", "N2"), machine.names());
    }

    @Test
    void deletedVariablesAreSkipped() {
        machine.set("N1", Attributes.NV_BS_RT, (byte) 1);
        machine.set("N2", Attributes.NV_BS_RT, (byte) 1);
        machine.set("N1", Attributes.NV_BS_RT);

        assertEquals(List.of("N2"), machine.names());
    }

    @Test
    void theGuidIsIgnoredWhenStartingFromTheEmptyName() {
        machine.set("N1", Attributes.NV_BS_RT, (byte) 1);

        VariableRuntimeDxe.NextNameResult r = machine.next("", OTHER_VENDOR, 64);

        assertEquals(EfiStatus.SUCCESS, r.status());
        assertEquals(VENDOR, r.vendor());
    }

    @Test
    void afterTheLastVariableItIsNotFound() {
        machine.set("N1", Attributes.NV_BS_RT, (byte) 1);

        assertEquals(EfiStatus.NOT_FOUND, machine.next("N1", VENDOR, 64).status());
    }

    @Test
    void anUnknownPreviousNameIsInvalidParameter() {
        machine.set("N1", Attributes.NV_BS_RT, (byte) 1);

        assertEquals(EfiStatus.INVALID_PARAMETER, machine.next("Unknown", VENDOR, 64).status());
    }

    @Test
    void aKnownNameWithAnotherGuidIsInvalidParameter() {
        machine.set("N1", Attributes.NV_BS_RT, (byte) 1);

        assertEquals(EfiStatus.INVALID_PARAMETER, machine.next("N1", OTHER_VENDOR, 64).status());
    }

    @Test
    void bufferTooSmallGivesTheRequiredSizeIncludingTheNul() {
        machine.set("Name9Char", Attributes.NV_BS_RT, (byte) 1);

        VariableRuntimeDxe.NextNameResult r = machine.next("", EfiGuid.ZERO, 19);

        assertEquals(EfiStatus.BUFFER_TOO_SMALL, r.status());
        assertEquals(20L, r.nameSize());
        assertEquals(EfiStatus.SUCCESS, machine.next("", EfiGuid.ZERO, 20).status(), "exactly NameSize bytes suffice");
    }
}
