package hil.simulator.store;

import hil.simulator.Profile;
import hil.simulator.flash.NorFlash;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.Ucs2;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The store format and its walking, visibility and reclaim rules (reference 4.1–4.5, 4.7). */
class VariableStoreTest {

    private static final Profile PROFILE = Profile.OVMF_4M;
    private static final int BASE = 0x48;
    private static final EfiGuid VENDOR = EfiGuid.parse("12345678-1234-5678-9ABC-DEF012345678");

    private final NorFlash flash = NorFlash.of(VarsImage.fresh(PROFILE), PROFILE.blockSize());
    private VariableStore store = open();

    private VariableStore open() {
        return VariableStore.onFlash(flash, PROFILE);
    }

    private int add(String name, int dataLength) {
        return store.append(VENDOR, Ucs2.encode(name), Attributes.NV_BS_RT, new byte[dataLength]);
    }

    private String nameAt(int offset) {
        byte[] n = store.nameBytes(offset);
        return Ucs2.decode(n, 0, n.length);
    }

    private List<String> liveNames() {
        return store.records().stream().filter(o -> VariableStore.isVisibleState(store.state(o)))
                .map(this::nameAt).toList();
    }

    @Test
    void theFreshOvmfStoreIsAuthenticatedWith0x3FFB8BytesAndTheFirstRecordAt28() {
        assertTrue(store.authenticated());
        assertEquals(60, store.headerSize());
        assertEquals(0x3FFB8, store.size());
        assertEquals(28, store.firstOffset());
        assertEquals(28, store.lastOffset());
        assertEquals(List.of(), store.records());
        assertFalse(store.hasTornTail());
    }

    @Test
    void recordsFollowEachOtherAtTheirFourByteAlignedFootprint() {
        int first = add("Boot0000", 100); // 60 + 18 + 100 = 178 -> 180 (reference 4.2 example)
        int second = add("B", 1);

        assertEquals(28, first);
        assertEquals(28 + 180, second);
        assertEquals(180, store.footprint(18, 100));
        assertEquals(28 + 180 + 68, store.lastOffset(), "60 + 4 + 1 = 65 -> 68");
        assertEquals(180 + 68, store.commonTotal());
    }

    @Test
    void theWalkStopsAtTheFirstHeaderWithoutStartId0x55AA() {
        add("A", 4);
        int b = add("B", 4);
        add("C", 4);
        flash.program(BASE + b, new byte[] {0x00, 0x00}); // StartId of B destroyed (bits cleared)

        store = open();

        assertEquals(List.of(28), store.records(), "C lies behind the broken header and is not reached");
        assertEquals(b, store.lastOffset());
        assertTrue(store.hasTornTail(), "bytes after the end of the used area are not 0xFF");
    }

    @Test
    void sizesReadAsZeroWhenStateIsStillErasedSoTheHalfWrittenHeaderIsSkippedAsABareHeader() {
        int a = add("A", 4);
        int pending = store.lastOffset();
        byte[] record = store.buildRecord(VENDOR, Ucs2.encode("Pending"), Attributes.NV_BS_RT, new byte[8], 0xFF);
        flash.program(BASE + pending, record); // record written, State still 0xFF (step 1 of 4.3)

        store = open();

        assertEquals(0, store.nameSize(pending));
        assertEquals(0, store.dataSize(pending));
        assertEquals(pending + 60, store.next(pending), "only the bare 60-byte header is stepped over");
        assertEquals(List.of(a, pending), store.records());
        assertFalse(VariableStore.isVisibleState(store.state(pending)));
    }

    @Test
    void sizesReadAsZeroWhenADataSizeFieldIsStillAllOnes() {
        int pending = store.lastOffset();
        byte[] record = store.buildRecord(VENDOR, Ucs2.encode("X"), Attributes.NV_BS_RT, new byte[8], 0x3F);
        Bytes.put32(record, 40, 0xFFFFFFFFL); // DataSize not yet programmed
        flash.program(BASE + pending, record);

        store = open();

        assertEquals(0, store.nameSize(pending));
        assertEquals(0, store.dataSize(pending));
    }

    @Test
    void anInDeletedTransitionCopyIsFoundWhileItHasNoAddedTwin() {
        byte[] name = Ucs2.encode("V");
        int old = add("V", 4);
        store.clearState(old, VariableStore.VAR_IN_DELETED_TRANSITION);

        assertEquals(0x3E, store.state(old));
        assertEquals(new VariableStore.Lookup(old, -1), store.find(name, VENDOR, a -> true));
        assertTrue(store.isEnumerable(old));
    }

    @Test
    void anInDeletedTransitionCopyIsHiddenByItsAddedTwinWhichReportsIt() {
        byte[] name = Ucs2.encode("V");
        int old = add("V", 4);
        store.clearState(old, VariableStore.VAR_IN_DELETED_TRANSITION);
        int fresh = add("V", 4);

        assertEquals(new VariableStore.Lookup(fresh, old), store.find(name, VENDOR, a -> true));
        assertFalse(store.isEnumerable(old));
        assertTrue(store.isEnumerable(fresh));
    }

    @Test
    void deletedAndHeaderOnlyStatesAreInvisible() {
        for (int state : new int[] {0xFF, 0x7F, 0x3D, 0x3C}) {
            assertFalse(VariableStore.isVisibleState(state), Integer.toHexString(state));
        }
        assertTrue(VariableStore.isVisibleState(0x3F));
        assertTrue(VariableStore.isVisibleState(0x3E));
    }

    @Test
    void deletedRecordsStillCountInTheTotalsUntilReclaim() {
        int a = add("A", 100);
        long before = store.commonTotal();

        store.clearState(a, VariableStore.VAR_DELETED);

        assertEquals(0x3D, store.state(a));
        assertEquals(before, store.commonTotal());
        assertEquals(before, open().commonTotal(), "recounted at open: all states count");
    }

    @Test
    @DisplayName("Reclaim keeps ADDED records in physical order, then promotes IN_DELETED_TRANSITION records without a twin, and drops the rest")
    void reclaimKeepsOrderAndPromotesInDeletedTransition() {
        add("A", 4);
        int b = add("B", 4);
        add("C", 4);
        int d = add("D", 4);
        int e = add("E", 4);
        store.clearState(b, VariableStore.VAR_IN_DELETED_TRANSITION); // B: old copy, no twin -> promoted
        store.clearState(d, VariableStore.VAR_DELETED); // D: dead -> dropped
        store.clearState(e, VariableStore.VAR_IN_DELETED_TRANSITION);
        add("E", 4); // E: 0x3E with a 0x3F twin -> the 0x3E copy is dropped
        long erasesBefore = flash.eraseOperations();

        int placed = store.reclaim(-1, -1, null, (c, h) -> true);

        assertEquals(-1, placed);
        assertEquals(List.of("A", "C", "E", "B"), liveNames());
        for (int off : store.records()) {
            assertEquals(0x3F, store.state(off), nameAt(off) + " is ADDED after reclaim");
        }
        assertEquals(4 * store.footprint(4, 4), store.commonTotal());
        assertEquals(28 + 4 * store.footprint(4, 4), store.lastOffset());
        assertFalse(store.hasTornTail());
        assertTrue(flash.eraseOperations() > erasesBefore, "the store region was rewritten");
        assertEquals(List.of("A", "C", "E", "B"), open().records().stream().map(this::nameAt).toList(),
                "the result is on flash");
    }

    @Test
    @DisplayName("A reclaim erases each store block once and each spare block twice, and no other block")
    void reclaimWear() {
        int a = add("A", 4);
        store.clearState(a, VariableStore.VAR_DELETED);
        long[] before = flash.wearByBlock();

        store.reclaim(-1, -1, null, (c, h) -> true);

        long[] after = flash.wearByBlock();
        for (int block = 0; block < after.length; block++) {
            // 0x00-0x3F: the variable FV (target); 0x40 event log; 0x41 FTW working block; 0x42-0x83 spare
            long expected = block <= 0x3F ? 1 : block >= 0x42 ? 2 : 0;
            assertEquals(expected, after[block] - before[block], "block 0x" + Integer.toHexString(block));
        }
    }

    @Test
    void reclaimLeavesOutTheRecordBeingUpdatedAndAppendsTheNewOneAsAdded() {
        int a = add("A", 4);
        add("B", 4);
        store.clearState(a, VariableStore.VAR_IN_DELETED_TRANSITION);
        byte[] replacement = store.buildRecord(VENDOR, Ucs2.encode("A"), Attributes.NV_BS_RT, new byte[] {9}, 0xFF);

        int placed = store.reclaim(a, -1, replacement, (c, h) -> true);

        assertEquals(List.of("B", "A"), liveNames());
        assertEquals(28 + store.footprint(4, 4), placed);
        assertEquals(0x3F, store.state(placed));
        assertArrayEquals(new byte[] {9}, store.data(placed));
    }

    @Test
    void aReclaimWhoseNewRecordDoesNotPassTheQuotaLeavesTheStoreUnchanged() {
        int a = add("A", 4);
        store.clearState(a, VariableStore.VAR_DELETED);
        byte[] before = flash.snapshot();
        byte[] record = store.buildRecord(VENDOR, Ucs2.encode("N"), Attributes.NV_BS_RT, new byte[4], 0xFF);

        assertEquals(-2, store.reclaim(-1, -1, record, (c, h) -> false));

        assertArrayEquals(before, flash.snapshot());
    }

    @Test
    void theVolatileStoreInRamWritesRecordsAlreadyAdded() {
        VariableStore ram = VariableStore.inRam(0x1000, true);
        int off = ram.append(VENDOR, Ucs2.encode("V"), Attributes.BS_RT, new byte[] {1});

        assertEquals(28, off);
        assertEquals(0x3F, ram.state(off));
        assertEquals(0x1000, ram.size());
    }

    @Test
    void aStoreThatIsNotFormattedAndHealthyIsRefused() {
        flash.program(BASE + 21, new byte[] {(byte) 0xFC}); // State no longer VARIABLE_STORE_HEALTHY

        assertThrows(StoreFormatException.class, this::open);
    }
}
