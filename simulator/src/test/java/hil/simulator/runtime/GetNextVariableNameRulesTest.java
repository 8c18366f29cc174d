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

    /** Leaves the first record of the NV store in deleted transition (0x3E) without a 0x3F twin, as a cut can. */
    private void firstNvRecordInDeletedTransition() {
        var nv = machine.platform().core().nvStore();
        nv.clearState(nv.firstOffset(), hil.simulator.store.VariableStore.VAR_IN_DELETED_TRANSITION);
    }

    /**
     * FindVariableEx with an empty name returns the first 0x3F record and only remembers 0x3E ones, so a walk starts
     * after a leading 0x3E record even though GetVariable still finds it (VariableParsing.c 2022.11).
     */
    @Test
    void aWalkSkipsALeadingRecordInDeletedTransition() {
        machine.set("N1", Attributes.NV_BS_RT, (byte) 1);
        machine.set("N2", Attributes.NV_BS_RT, (byte) 2);
        firstNvRecordInDeletedTransition();

        assertEquals(List.of("N2"), machine.names());
        assertEquals(EfiStatus.SUCCESS, machine.get("N1").status());
    }

    @Test
    void aRecordInDeletedTransitionAfterTheFirstLiveOneIsListed() {
        machine.set("N0", Attributes.NV_BS_RT, (byte) 0);
        machine.set("N1", Attributes.NV_BS_RT, (byte) 1);
        var nv = machine.platform().core().nvStore();
        nv.clearState(nv.next(nv.firstOffset()), hil.simulator.store.VariableStore.VAR_IN_DELETED_TRANSITION);

        assertEquals(List.of("N0", "N1"), machine.names());
    }

    @Test
    void aStoreWithOnlyRecordsInDeletedTransitionStartsAtTheLastOne() {
        machine.set("N1", Attributes.NV_BS_RT, (byte) 1);
        machine.set("N2", Attributes.NV_BS_RT, (byte) 2);
        var nv = machine.platform().core().nvStore();
        nv.clearState(nv.firstOffset(), hil.simulator.store.VariableStore.VAR_IN_DELETED_TRANSITION);
        nv.clearState(nv.next(nv.firstOffset()), hil.simulator.store.VariableStore.VAR_IN_DELETED_TRANSITION);

        assertEquals(List.of("N2"), machine.names());
    }

    @Test
    void aLeadingRecordInDeletedTransitionOfTheNvStoreIsSkippedAfterTheVolatileOnes() {
        machine.set("V1", Attributes.BS_RT, (byte) 1);
        machine.set("N1", Attributes.NV_BS_RT, (byte) 1);
        machine.set("N2", Attributes.NV_BS_RT, (byte) 2);
        firstNvRecordInDeletedTransition();

        // Only the walk's starting point skips 0x3E records: reached from V1, the NV store's first record is listed.
        assertEquals(List.of("V1", "N1", "N2"), machine.names());
    }

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
