package hil.simulator.store;

import hil.simulator.Profile;
import hil.simulator.flash.NorFlash;
import hil.simulator.flash.PowerCut;
import hil.simulator.flash.PowerLossException;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiStatus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static hil.simulator.store.FaultTolerantWrite.Recovery;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fault-tolerant write driver on OVMF's 4 MB VARS flash (reference 4.8, 4.9): the queue entry it writes, the
 * order of its flash operations, and what its start-up does after a power cut at each stage.
 */
class FaultTolerantWriteTest {

    private static final Profile PROFILE = Profile.OVMF_4M;
    private static final int STORE = 0x48;
    private static final int STORE_SIZE = 0x3FFB8;
    private static final int WORK = 0x41000;
    private static final int SPARE = 0x42000;
    private static final int SPARE_SIZE = 0x42000;
    /** The program operations of one store rewrite, in order (see {@link #aStoreRewriteIsTwoHundredProgramOperations}). */
    private static final int HEADER_WRITTEN = 1;
    private static final int WRITES_ALLOCATED = 2;
    private static final int RECORD_WRITTEN = 3;
    private static final int SPARE_WRITTEN = RECORD_WRITTEN + 64;
    private static final int SPARE_COMPLETE = SPARE_WRITTEN + 1;
    private static final int TARGET_WRITTEN = SPARE_COMPLETE + 64;
    private static final int DESTINATION_COMPLETE = TARGET_WRITTEN + 1;
    private static final int COMPLETE = DESTINATION_COMPLETE + 1;
    private static final int SPARE_RESTORED = COMPLETE + 66;

    private final NorFlash flash = NorFlash.of(VarsImage.fresh(PROFILE), PROFILE.blockSize());
    private final byte[] before = flash.snapshot();
    private final byte[] newStore = newStore();

    /** A store image unlike the erased one in every block: the header, then a counting pattern. */
    private static byte[] newStore() {
        byte[] s = new byte[STORE_SIZE];
        for (int i = 0; i < s.length; i++) {
            s[i] = (byte) (i * 7 + 1);
        }
        System.arraycopy(VariableStore.header(STORE_SIZE, true), 0, s, 0, VariableStore.STORE_HEADER_SIZE);
        return s;
    }

    private FaultTolerantWrite start() {
        return FaultTolerantWrite.start(flash, PROFILE);
    }

    private EfiStatus rewriteStore(FaultTolerantWrite ftw) {
        return ftw.write(0, STORE, newStore);
    }

    /** Rewrites the store with a cut armed; returns the restarted driver. */
    private FaultTolerantWrite cutAndRestart(PowerCut cut) {
        FaultTolerantWrite ftw = start();
        flash.arm(cut);
        assertThrows(PowerLossException.class, () -> rewriteStore(ftw));
        flash.powerOn();
        return start();
    }

    private byte[] store() {
        return flash.read(STORE, STORE_SIZE);
    }

    private byte[] oldStore() {
        return Arrays.copyOfRange(before, STORE, STORE + STORE_SIZE);
    }

    private int headerFlags() {
        return flash.readByte(WORK + 32) & 0xFF;
    }

    private int recordFlags() {
        return flash.readByte(WORK + 72) & 0xFF;
    }

    private static void assertErased(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != (byte) 0xFF) {
                throw new AssertionError(String.format("byte 0x%X is 0x%02X, expected erased", i, b[i] & 0xFF));
            }
        }
    }

    @Test
    @DisplayName("A store rewrite leaves one completed queue entry: the SMM driver's CallerId, one write, the store's range")
    void theQueueEntryOfAStoreRewrite() {
        assertEquals(EfiStatus.SUCCESS, rewriteStore(start()));

        assertEquals(Bytes.hex(Bytes.fromHex("""
                F8                                                # HeaderAllocated, WritesAllocated, Complete all 0 (set)
                FF FF FF                                          # padding, never written
                48 B2 0C 47 AC E8 3C 47 BB 4F 81 06 9A 1F E6 FD   # CallerId 470CB248-E8AC-473C-BB4F-81069A1FE6FD
                FF FF FF FF                                       # padding to NumberOfWrites' 8-byte alignment
                01 00 00 00 00 00 00 00                           # NumberOfWrites 1
                00 00 00 00 00 00 00 00                           # PrivateDataSize 0
                F9                                                # SpareComplete, DestinationComplete 0; BootBlockUpdate 1
                FF FF FF FF FF FF FF                              # padding
                00 00 00 00 00 00 00 00                           # Lba 0
                48 00 00 00 00 00 00 00                           # Offset 0x48: the store header
                B8 FF 03 00 00 00 00 00                           # Length 0x3FFB8: the whole store
                00 E0 FB FF FF FF FF FF                           # RelativeOffset -0x42000: target minus spare
                """.replaceAll("#[^\n]*", ""))), Bytes.hex(flash.read(WORK + 32, 80)));
        assertArrayEquals(Arrays.copyOfRange(before, WORK, WORK + 32), flash.read(WORK, 32), "working block header unchanged");
        assertErased(flash.view(), WORK + 32 + 80, WORK + 0x1000);
    }

    @Test
    @DisplayName("A store rewrite is 200 program operations and 196 block erases, and changes only the store and the queue")
    void aStoreRewriteIsTwoHundredProgramOperations() {
        FaultTolerantWrite ftw = start();
        long[] wear = flash.wearByBlock();

        assertEquals(EfiStatus.SUCCESS, rewriteStore(ftw));

        // header, WritesAllocated, record, 64 spare blocks, SpareComplete, 64 target blocks, DestinationComplete,
        // Complete, 66 spare blocks restored
        assertEquals(SPARE_RESTORED, flash.programOperations());
        assertEquals(66 + 64 + 66, flash.eraseOperations());
        assertArrayEquals(newStore, store());
        assertArrayEquals(Arrays.copyOf(before, STORE), flash.read(0, STORE), "FV header kept from the target blocks");
        assertArrayEquals(Arrays.copyOfRange(before, 0x40000, WORK), flash.read(0x40000, 0x1000), "event log untouched");
        assertArrayEquals(Arrays.copyOfRange(before, SPARE, SPARE + SPARE_SIZE), flash.read(SPARE, SPARE_SIZE),
                "spare restored to what it held before");
        long[] erased = flash.wearByBlock();
        for (int block = 0; block < erased.length; block++) {
            long expected = block < 0x40 ? 1 : block >= 0x42 ? 2 : 0;
            assertEquals(expected, erased[block] - wear[block], "erases of block 0x" + Integer.toHexString(block)
                    + " (target blocks once, spare blocks twice, event log and working block never)");
        }
    }

    @Test
    @DisplayName("A target larger than the spare area is BAD_BUFFER_SIZE after the entry is allocated; the next write reuses the entry")
    void aTargetLargerThanTheSpareAreaIsBadBufferSize() {
        FaultTolerantWrite ftw = start();

        assertEquals(EfiStatus.BAD_BUFFER_SIZE, ftw.write(0, 0, new byte[SPARE_SIZE + 1]));

        assertEquals(WRITES_ALLOCATED, flash.programOperations(), "header and WritesAllocated only");
        assertArrayEquals(oldStore(), store());
        assertEquals(0xFC, headerFlags(), "allocated, not complete");
        assertEquals(EfiStatus.SUCCESS, rewriteStore(ftw));
        assertEquals(0xF8, headerFlags());
        assertErased(flash.view(), WORK + 32 + 80, WORK + 0x1000);
    }

    @Test
    @DisplayName("Fifty rewrites fill the 0xFE0-byte queue; the next one reclaims the working space through the spare first")
    void theWriteQueueIsReclaimedWhenFull() {
        FaultTolerantWrite ftw = start();
        for (int i = 0; i < 50; i++) {
            assertEquals(EfiStatus.SUCCESS, rewriteStore(ftw));
        }
        assertEquals(0xF8, flash.readByte(WORK + 32 + 49 * 80) & 0xFF, "the 50th entry is complete");
        long workErases = flash.wear(0x41);

        assertEquals(EfiStatus.SUCCESS, rewriteStore(ftw));

        assertEquals(workErases + 1, flash.wear(0x41), "the working block was erased once, by the reclaim");
        assertEquals(0xF8, headerFlags(), "the new entry starts the queue again");
        assertErased(flash.view(), WORK + 32 + 80, WORK + 0x1000);
        assertArrayEquals(Arrays.copyOfRange(before, WORK, WORK + 32), flash.read(WORK, 32), "a valid header again");
        assertEquals(List.of(), start().recovery());
    }

    @Nested
    @DisplayName("start-up after a power cut")
    class StartUp {

        @Test
        @DisplayName("A cut before SpareComplete aborts the write: the target keeps the old store, the entry is closed")
        void aCutBeforeSpareCompleteAborts() {
            for (long cut : new long[] {HEADER_WRITTEN, WRITES_ALLOCATED, RECORD_WRITTEN, RECORD_WRITTEN + 10, SPARE_WRITTEN}) {
                NorFlash fresh = NorFlash.of(before, PROFILE.blockSize());
                FaultTolerantWrite ftw = FaultTolerantWrite.start(fresh, PROFILE);
                fresh.arm(PowerCut.after(cut));
                assertThrows(PowerLossException.class, () -> ftw.write(0, STORE, newStore));
                fresh.powerOn();

                FaultTolerantWrite restarted = FaultTolerantWrite.start(fresh, PROFILE);

                assertEquals(List.of(Recovery.WRITE_ABORTED), restarted.recovery(), "cut after operation " + cut);
                assertArrayEquals(oldStore(), fresh.read(STORE, STORE_SIZE), "cut after operation " + cut);
                assertEquals(0, fresh.readByte(WORK + 32) & 0x04, "Complete set on the entry");
                assertEquals(EfiStatus.SUCCESS, restarted.write(0, STORE, newStore), "the queue accepts the next write");
                assertArrayEquals(newStore, fresh.read(STORE, STORE_SIZE));
            }
        }

        @Test
        @DisplayName("A cut while the target is erased or rewritten restarts the write from the spare copy")
        void aCutAfterSpareCompleteRestarts() {
            for (PowerCut cut : List.of(PowerCut.after(SPARE_COMPLETE), PowerCut.after(SPARE_COMPLETE + 30),
                    PowerCut.during(SPARE_COMPLETE + 31, 100, 0x0F), PowerCut.duringErase(66 + 10))) {
                NorFlash fresh = NorFlash.of(before, PROFILE.blockSize());
                FaultTolerantWrite ftw = FaultTolerantWrite.start(fresh, PROFILE);
                fresh.arm(cut);
                assertThrows(PowerLossException.class, () -> ftw.write(0, STORE, newStore));
                fresh.powerOn();

                FaultTolerantWrite restarted = FaultTolerantWrite.start(fresh, PROFILE);

                assertEquals(List.of(Recovery.WRITE_RESTARTED), restarted.recovery(), cut.toString());
                assertArrayEquals(newStore, fresh.read(STORE, STORE_SIZE), cut.toString());
                assertEquals(0xF8, fresh.readByte(WORK + 32) & 0xFF, "entry complete");
                assertErased(fresh.view(), SPARE, SPARE + SPARE_SIZE); // a restart erases the spare, it does not restore it
            }
        }

        @Test
        void aCutBetweenDestinationCompleteAndCompleteOnlySetsTheCompleteFlag() {
            FaultTolerantWrite restarted = cutAndRestart(PowerCut.after(DESTINATION_COMPLETE));

            assertEquals(List.of(Recovery.COMPLETE_FLAG_SET), restarted.recovery());
            assertArrayEquals(newStore, store());
            assertEquals(0xF8, headerFlags());
            assertEquals(0xF9, recordFlags());
        }

        @Test
        @DisplayName("A cut while the spare is restored needs nothing: Complete is set before the spare is restored")
        void aCutWhileRestoringTheSpareNeedsNoRecovery() {
            FaultTolerantWrite restarted = cutAndRestart(PowerCut.after(COMPLETE + 20));

            assertEquals(List.of(), restarted.recovery());
            assertArrayEquals(newStore, store());
        }

        @Test
        @DisplayName("An invalid working block is restored from a valid copy in the spare area")
        void anInvalidWorkingBlockIsRestoredFromTheSpare() {
            assertEquals(EfiStatus.SUCCESS, rewriteStore(start()));
            byte[] work = flash.read(WORK, 0x1000);
            flash.erase(SPARE, 0x1000);
            flash.program(SPARE, work);
            flash.program(WORK + 20, new byte[] {(byte) 0xFC}); // WorkingBlockInvalid set

            FaultTolerantWrite restarted = start();

            assertEquals(List.of(Recovery.WORKING_BLOCK_RESTORED_FROM_SPARE), restarted.recovery());
            assertArrayEquals(work, flash.read(WORK, 0x1000), "the spare copy, with a valid header");
        }

        @Test
        @DisplayName("A working block and spare both without a valid header are re-initialised to an empty queue")
        void bothInvalidReinitialises() {
            flash.program(WORK + 16, new byte[] {0x00}); // CRC damaged

            FaultTolerantWrite restarted = start();

            assertEquals(List.of(Recovery.WORKING_BLOCK_REINITIALISED), restarted.recovery());
            assertArrayEquals(Arrays.copyOfRange(before, WORK, SPARE + SPARE_SIZE), flash.read(WORK, 0x1000 + SPARE_SIZE),
                    "working block as in a fresh image, spare restored");
        }

        @Test
        void garbageAfterTheLastQueueEntryIsReclaimed() {
            assertEquals(EfiStatus.SUCCESS, rewriteStore(start()));
            flash.program(WORK + 0x800, new byte[] {0x12});

            FaultTolerantWrite restarted = start();

            assertEquals(List.of(Recovery.WORK_SPACE_RECLAIMED), restarted.recovery());
            assertErased(flash.view(), WORK + 32, WORK + 0x1000);
        }

        @Test
        @DisplayName("A second cut during the restart is recovered by the next start-up")
        void aCutDuringTheRestartIsRecoveredNextTime() {
            FaultTolerantWrite ftw = start();
            flash.arm(PowerCut.after(SPARE_COMPLETE + 5));
            assertThrows(PowerLossException.class, () -> rewriteStore(ftw));
            flash.powerOn();
            flash.arm(PowerCut.after(flash.programOperations() + 20)); // inside the restart's target rewrite
            assertThrows(PowerLossException.class, FaultTolerantWriteTest.this::start);
            flash.powerOn();

            FaultTolerantWrite restarted = start();

            assertEquals(List.of(Recovery.WRITE_RESTARTED), restarted.recovery());
            assertArrayEquals(newStore, store());
        }

        @Test
        @DisplayName("A cut at any program operation or block erase of a rewrite leaves the old or the new store")
        void everyCutLeavesTheOldOrTheNewStore() {
            Set<Recovery> seen = EnumSet.noneOf(Recovery.class);
            for (long op = 1; op <= SPARE_RESTORED; op++) {
                seen.addAll(checkCut(before, PowerCut.after(op)));
                seen.addAll(checkCut(before, PowerCut.during(op, (int) (op % 37), 0x5A)));
            }
            for (long erase = 1; erase <= 196; erase++) {
                seen.addAll(checkCut(before, PowerCut.duringErase(erase)));
            }
            assertEquals(EnumSet.of(Recovery.WRITE_ABORTED, Recovery.WRITE_RESTARTED, Recovery.COMPLETE_FLAG_SET), seen);
        }

        @Test
        @DisplayName("A cut anywhere in reclaiming a full queue, or in the rewrite after it, leaves the old or the new store and a valid queue")
        void everyCutInAWriteThatReclaimsTheQueueRecovers() {
            FaultTolerantWrite ftw = start();
            for (int i = 0; i < 50; i++) {
                assertEquals(EfiStatus.SUCCESS, ftw.write(0, STORE, oldStore()));
            }
            byte[] full = flash.snapshot();
            NorFlash probe = NorFlash.of(full, PROFILE.blockSize());
            assertEquals(EfiStatus.SUCCESS, FaultTolerantWrite.start(probe, PROFILE).write(0, STORE, newStore));
            assertEquals(1, probe.wear(0x41), "start-up reclaimed the full queue: less than a header and a record fit");

            Set<Recovery> seen = EnumSet.noneOf(Recovery.class);
            for (long op = 1; op <= probe.programOperations(); op++) {
                seen.addAll(checkCut(full, PowerCut.after(op)));
                seen.addAll(checkCut(full, PowerCut.during(op, (int) (op % 29), 0xA5)));
            }
            for (long erase = 1; erase <= probe.eraseOperations(); erase++) {
                seen.addAll(checkCut(full, PowerCut.duringErase(erase)));
            }
            assertTrue(seen.contains(Recovery.WORKING_BLOCK_RESTORED_FROM_SPARE), "the sweep reached the spare copy: " + seen);
        }

        @Test
        @DisplayName("A second cut anywhere in the start-up that restarts a write is recovered by the next start-up")
        void everySecondCutInARestartRecovers() {
            for (long first = SPARE_COMPLETE; first < DESTINATION_COMPLETE; first += 9) {
                NorFlash probe = NorFlash.of(before, PROFILE.blockSize());
                FaultTolerantWrite ftw = FaultTolerantWrite.start(probe, PROFILE);
                probe.arm(PowerCut.after(first));
                assertThrows(PowerLossException.class, () -> ftw.write(0, STORE, newStore));
                probe.powerOn();
                byte[] interrupted = probe.snapshot();
                NorFlash counter = NorFlash.of(interrupted, PROFILE.blockSize());
                assertEquals(List.of(Recovery.WRITE_RESTARTED), FaultTolerantWrite.start(counter, PROFILE).recovery());

                for (long second = 1; second <= counter.programOperations(); second++) {
                    checkSecondCut(interrupted, PowerCut.after(second));
                }
                for (long erase = 1; erase <= counter.eraseOperations(); erase++) {
                    checkSecondCut(interrupted, PowerCut.duringErase(erase));
                }
            }
        }

        private void checkSecondCut(byte[] interrupted, PowerCut cut) {
            NorFlash device = NorFlash.of(interrupted, PROFILE.blockSize());
            device.arm(cut);
            assertThrows(PowerLossException.class, () -> FaultTolerantWrite.start(device, PROFILE), cut.toString());
            device.powerOn();
            FaultTolerantWrite.start(device, PROFILE);
            assertArrayEquals(newStore, device.read(STORE, STORE_SIZE), cut + " during the restart");
        }

        /** Starts the driver on {@code image} and rewrites the store, with {@code cut} armed from power-on. */
        private List<Recovery> checkCut(byte[] image, PowerCut cut) {
            NorFlash device = NorFlash.of(image, PROFILE.blockSize());
            byte[] old = device.read(STORE, STORE_SIZE);
            device.arm(cut);
            assertThrows(PowerLossException.class, () -> FaultTolerantWrite.start(device, PROFILE).write(0, STORE, newStore),
                    cut.toString());
            device.powerOn();
            FaultTolerantWrite restarted = FaultTolerantWrite.start(device, PROFILE);
            byte[] after = device.read(STORE, STORE_SIZE);
            assertTrue(Arrays.equals(after, old) || Arrays.equals(after, newStore), cut + " left a mixed store");
            assertArrayEquals(Arrays.copyOfRange(before, WORK, WORK + 32), device.read(WORK, 32),
                    cut + " left the working block header invalid");
            assertEquals(EfiStatus.SUCCESS, restarted.write(0, STORE, newStore), cut + ": the next write");
            return restarted.recovery();
        }
    }
}
