package hil.simulator.store;

import hil.simulator.Machine;
import hil.simulator.Profile;
import hil.simulator.flash.NorFlash;
import hil.simulator.flash.PowerCut;
import hil.simulator.flash.PowerLossException;
import hil.simulator.platform.SimulatedPlatform;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiStatus;
import hil.simulator.uefi.Ucs2;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;

import static hil.simulator.Machine.VENDOR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a new non-volatile record reaches flash (reference 4.3, 9): the four steps of Debian's OVMF 2022.11 (profile
 * ovmf-4m) and the two steps of edk2-stable202402 and later (profile ovmf-4m-2024), and what the walk makes of a
 * record each cut leaves behind.
 */
class RecordWriteTest {

    private static final int BASE = 0x48;
    private static final int FIRST = 28;
    private static final byte[] NAME = Ucs2.encode("Pending"); // 16 bytes
    private static final byte[] DATA = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    private static final int FOOTPRINT = 88; // 60 + 16 + 9 = 85 -> 88

    /** Appends the record on a fresh flash of {@code profile} with a cut after program operation {@code op}. */
    private static VariableStore cutAfter(Profile profile, long op) {
        NorFlash flash = NorFlash.of(VarsImage.fresh(profile), profile.blockSize());
        VariableStore store = VariableStore.onFlash(flash, profile);
        flash.arm(PowerCut.after(op));
        assertThrows(PowerLossException.class, () -> store.append(VENDOR, NAME, Attributes.NV_BS_RT, DATA));
        flash.powerOn();
        return VariableStore.onFlash(flash, profile);
    }

    private static boolean erased(VariableStore store, int from, int to) {
        for (int off = from; off < to; off++) {
            if (store.isValidHeader(off)) {
                return false;
            }
        }
        return true;
    }

    @Nested
    @DisplayName("ovmf-4m (2022.11): header, State 0x7F, name and data, State 0x3F")
    class FourStep {

        private static final Profile PROFILE = Profile.OVMF_4M;

        @Test
        @DisplayName("After the header alone (State 0xFF) the walk steps over a bare 60-byte header and nothing is torn")
        void afterTheHeader() {
            VariableStore store = cutAfter(PROFILE, 1);

            assertEquals(0xFF, store.state(FIRST));
            assertEquals(0, store.nameSize(FIRST), "sizes read as 0 while State is erased");
            assertEquals(List.of(FIRST), store.records());
            assertEquals(FIRST + 60, store.lastOffset());
            assertFalse(store.hasTornTail(), "name and data not written yet: no reclaim at start-up");
            assertTrue(erased(store, FIRST + 1, FIRST + FOOTPRINT));
        }

        @Test
        @DisplayName("After State 0x7F the record is invisible and the walk skips its whole footprint by its header sizes")
        void afterHeaderValidOnly() {
            for (long op : new long[] {2, 3}) {
                VariableStore store = cutAfter(PROFILE, op);

                assertEquals(VariableStore.VAR_HEADER_VALID_ONLY, store.state(FIRST), "after operation " + op);
                assertEquals(NAME.length, store.nameSize(FIRST));
                assertEquals(FIRST + FOOTPRINT, store.next(FIRST));
                assertEquals(FIRST + FOOTPRINT, store.lastOffset());
                assertFalse(store.hasTornTail());
                assertFalse(VariableStore.isVisibleState(store.state(FIRST)));
                assertFalse(store.find(NAME, VENDOR, a -> true).found());
            }
            assertArrayEquals(DATA, cutAfter(PROFILE, 3).data(FIRST), "step 3 wrote name and data");
        }

        @Test
        void afterState0x3FTheRecordIsLive() {
            VariableStore store = cutAfter(PROFILE, 4);

            assertEquals(VariableStore.VAR_ADDED, store.state(FIRST));
            assertEquals(FIRST, store.find(NAME, VENDOR, a -> true).offset());
        }

        @Test
        void aHeaderValidOnlyRecordIsDroppedByReclaim() {
            VariableStore store = cutAfter(PROFILE, 3);
            int live = store.append(VENDOR, Ucs2.encode("Live"), Attributes.NV_BS_RT, new byte[] {7});

            store.reclaim(-1, -1, null, (c, h) -> true);

            assertEquals(List.of(FIRST), store.records());
            assertArrayEquals(Ucs2.encode("Live"), store.nameBytes(FIRST));
            assertEquals(FIRST + FOOTPRINT, live);
        }

        @Test
        @DisplayName("An update cut after the new copy's State 0x7F still shows the old value, and the next update works")
        void anUpdateCutAtHeaderValidOnlyShowsTheOldValue() {
            SimulatedPlatform platform = new SimulatedPlatform(PROFILE.withBareStore());
            Machine machine = new Machine(platform);
            machine.set("T", Attributes.NV_BS_RT, (byte) 1);
            platform.flash().arm(PowerCut.after(platform.flash().programOperations() + 3)); // 0x3E, header, 0x7F

            SimulatedPlatform.Outcome<EfiStatus> o = platform.call(
                    d -> d.setVariable(Ucs2.encode("T"), VENDOR, Attributes.NV_BS_RT, 1, new byte[] {2}));

            assertTrue(o.powerLost());
            VariableStore nv = platform.core().nvStore();
            assertEquals(List.of(0x3E, 0x7F), nv.records().stream().map(nv::state).toList());
            assertArrayEquals(new byte[] {1}, machine.value("T"));
            assertEquals(EfiStatus.SUCCESS, machine.set("T", Attributes.NV_BS_RT, (byte) 3));
            assertArrayEquals(new byte[] {3}, machine.value("T"));
            assertEquals(List.of("T"), machine.names());
        }
    }

    @Nested
    @DisplayName("ovmf-4m-2024 (edk2-stable202402+): the whole record with State 0xFF, then State 0x3F")
    class TwoStep {

        private static final Profile PROFILE = Profile.OVMF_4M_2024;

        @Test
        @DisplayName("After the record with State 0xFF the walk stops inside it and the tail is torn")
        void afterTheRecord() {
            VariableStore store = cutAfter(PROFILE, 1);

            assertEquals(0xFF, store.state(FIRST));
            assertEquals(0, store.nameSize(FIRST), "sizes read as 0 while State is erased");
            assertEquals(FIRST + 60, store.lastOffset(), "the bare header ends inside the name");
            assertTrue(store.hasTornTail(), "name and data lie after the used area: reclaimed at start-up");
        }

        @Test
        void afterState0x3FTheRecordIsLive() {
            VariableStore store = cutAfter(PROFILE, 2);

            assertEquals(VariableStore.VAR_ADDED, store.state(FIRST));
            assertArrayEquals(DATA, store.data(FIRST));
        }

        @Test
        void appendWithNoDataOnAnExistingVariableRewritesItInFourProgramOperations() {
            Machine machine = new Machine(new SimulatedPlatform(PROFILE.withBareStore()));
            machine.set("T", Attributes.NV_BS_RT, (byte) 1);
            long ops = machine.programOperations();

            assertEquals(EfiStatus.SUCCESS, machine.set("T", Attributes.NV_BS_RT | Attributes.AP));

            assertEquals(ops + 4, machine.programOperations(), "old to 0x3E, new record, its State, old to DELETED");
            assertArrayEquals(new byte[] {1}, machine.value("T"));
        }

        @Test
        @DisplayName("An update cut after the new copy's State became 0x3F, before the old copy died, shows the new value")
        void anUpdateCutAfterCommittingShowsTheNewValue() {
            SimulatedPlatform platform = new SimulatedPlatform(PROFILE.withBareStore());
            Machine machine = new Machine(platform);
            machine.set("T", Attributes.NV_BS_RT, (byte) 1);
            platform.flash().arm(PowerCut.after(platform.flash().programOperations() + 3));

            assertTrue(platform.call(d -> d.setVariable(Ucs2.encode("T"), VENDOR, Attributes.NV_BS_RT, 1,
                    new byte[] {2})).powerLost());

            VariableStore nv = platform.core().nvStore();
            assertEquals(List.of(0x3E, 0x3F), nv.records().stream().map(nv::state).toList());
            assertArrayEquals(new byte[] {2}, machine.value("T"));
            assertEquals(List.of("T"), machine.names());
        }
    }

    @Test
    @DisplayName("Both record writes leave the same bytes once complete")
    void bothWritesEndInTheSameBytes() {
        Machine old = new Machine(new SimulatedPlatform(Profile.OVMF_4M.withBareStore()));
        Machine current = new Machine(new SimulatedPlatform(Profile.OVMF_4M_2024.withBareStore()));
        for (Machine m : List.of(old, current)) {
            m.set("A", Attributes.NV_BS_RT, (byte) 1, (byte) 2);
            m.set("B", Attributes.NV_BS, new byte[300]);
            m.set("A", Attributes.NV_BS_RT, (byte) 3);
        }

        assertArrayEquals(old.platform().flash().snapshot(), current.platform().flash().snapshot());
        assertEquals(4 + 4 + 6, old.programOperations(), "create, create, update (0x3E, four steps, 0x3C)");
        assertEquals(2 + 2 + 4, current.programOperations(), "create, create, update (0x3E, two steps, 0x3C)");
    }
}
