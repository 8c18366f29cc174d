package hil.simulator.platform;

import hil.simulator.Machine;
import hil.simulator.Profile;
import hil.simulator.flash.PowerCut;
import hil.simulator.store.VariableStore;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiStatus;
import hil.simulator.uefi.Ucs2;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static hil.simulator.Machine.VENDOR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whole-machine behaviour: resets, power loss and recovery, reclaim (reference 4.3, 4.4, 4.7, 5.3, 8.15, 8.18). */
class SimulatedPlatformTest {

    private static final int FOOTPRINT_8000 = 8068; // 60 + 8 ("F00" + NUL) + 8000

    private final SimulatedPlatform platform = new SimulatedPlatform(Profile.OVMF_4M.withBareStore());
    private final Machine machine = new Machine(platform);

    private VariableStore nv() {
        return platform.core().nvStore();
    }

    /** Runs SetVariable expecting the armed power cut to hit it. */
    private void setAndLosePower(String name, byte... data) {
        SimulatedPlatform.Outcome<EfiStatus> o = platform.call(
                d -> d.setVariable(Ucs2.encode(name), VENDOR, Attributes.NV_BS_RT, data.length, data));
        assertTrue(o.powerLost(), "the power cut hit the write");
        assertNull(o.result());
    }

    @Nested
    @DisplayName("reset and phases")
    class ResetAndPhases {

        @Test
        void aResetKeepsNonVolatileVariablesAndDropsVolatileOnes() {
            machine.set("Nv", Attributes.NV_BS_RT, (byte) 1);
            machine.set("Vol", Attributes.BS_RT, (byte) 2);

            platform.reset();

            assertArrayEquals(new byte[] {1}, machine.value("Nv"));
            assertEquals(EfiStatus.NOT_FOUND, machine.get("Vol").status());
            assertEquals(2, platform.boots());
        }

        @Test
        void aResetReturnsToBootTimeRules() {
            machine.exitBootServices();
            platform.reset();

            assertEquals(SimulatedPlatform.Phase.BOOT, platform.phase());
            assertEquals(EfiStatus.SUCCESS, machine.set("Vol", Attributes.BS_RT, (byte) 1));
        }

        @Test
        void aFactoryResetErasesEveryVariable() {
            machine.set("Nv", Attributes.NV_BS_RT, (byte) 1);

            platform.factoryReset();

            assertEquals(List.of(), machine.names());
        }

        @Test
        void exitBootServicesWorksOnceAndSetVirtualAddressMapOnlyOnceAfterIt() {
            assertEquals(EfiStatus.UNSUPPORTED, platform.setVirtualAddressMap());
            assertEquals(EfiStatus.SUCCESS, platform.exitBootServices());
            assertEquals(EfiStatus.INVALID_PARAMETER, platform.exitBootServices());
            assertEquals(EfiStatus.SUCCESS, platform.setVirtualAddressMap());
            assertEquals(EfiStatus.UNSUPPORTED, platform.setVirtualAddressMap());
            assertEquals(SimulatedPlatform.Phase.VIRTUAL, platform.phase());
        }
    }

    @Nested
    @DisplayName("power loss during a write")
    class PowerLoss {

        @Test
        @DisplayName("Cut halfway through the new copy of an update: the old value survives")
        void cutInTheNewRecordKeepsTheOldValue() {
            machine.set("T", Attributes.NV_BS_RT, (byte) 1);
            platform.losePowerDuringNextWrite();

            setAndLosePower("T", (byte) 2);

            assertEquals(2, platform.boots());
            assertArrayEquals(new byte[] {1}, machine.value("T"));
            assertEquals(List.of("T"), machine.names());
        }

        @Test
        @DisplayName("Cut right after the old copy went to IN_DELETED_TRANSITION: the old value is still visible")
        void cutAfterMarkingTheOldCopyKeepsTheOldValue() {
            machine.set("T", Attributes.NV_BS_RT, (byte) 1);
            platform.flash().arm(PowerCut.after(platform.flash().programOperations() + 1));

            setAndLosePower("T", (byte) 2);

            assertEquals(List.of(0x3E), nv().records().stream().map(nv()::state).toList());
            assertArrayEquals(new byte[] {1}, machine.value("T"));
            assertEquals(EfiStatus.SUCCESS, machine.set("T", Attributes.NV_BS_RT, (byte) 3), "the next update works");
            assertArrayEquals(new byte[] {3}, machine.value("T"));
            assertEquals(List.of("T"), machine.names());
        }

        @Test
        @DisplayName("Cut after the new copy's State became ADDED but before the old copy died: the new value wins")
        void cutAfterCommittingTheNewCopyShowsTheNewValue() {
            machine.set("T", Attributes.NV_BS_RT, (byte) 1);
            // old to 0x3E, header, 0x7F, name and data, 0x3F: the cut comes before the old copy is retired
            platform.flash().arm(PowerCut.after(platform.flash().programOperations() + 5));

            setAndLosePower("T", (byte) 2);

            assertEquals(List.of(0x3E, 0x3F), nv().records().stream().map(nv()::state).toList());
            assertArrayEquals(new byte[] {2}, machine.value("T"));
            assertEquals(List.of("T"), machine.names(), "the 0x3E twin is hidden");
            assertEquals(EfiStatus.SUCCESS, machine.set("T", Attributes.NV_BS_RT, (byte) 3));
            assertEquals(List.of(0x3C, 0x3C, 0x3F), nv().records().stream().map(nv()::state).toList(),
                    "the next update also retires the old twin");
        }

        @Test
        @DisplayName("The armed cut hits a delete too: the one State byte is torn, and the variable is gone or kept")
        void aCutDuringADeleteHitsItsStateByte() {
            machine.set("T", Attributes.NV_BS_RT, (byte) 1);
            long boots = platform.boots();
            platform.losePowerDuringNextWrite();

            SimulatedPlatform.Outcome<EfiStatus> o = platform.call(
                    d -> d.setVariable(Ucs2.encode("T"), VENDOR, 0, 0, new byte[0]));

            assertTrue(o.powerLost(), "the cut hit the delete");
            assertEquals(boots + 1, platform.boots(), "the machine restarted");
            EfiStatus after = machine.get("T").status();
            assertTrue(after == EfiStatus.SUCCESS || after == EfiStatus.NOT_FOUND, "kept or gone, not " + after);
        }

        @Test
        @DisplayName("Calls that write no flash (a volatile variable, a refused write) leave the cut armed for the next flash write")
        void theCutWaitsForAWriteThatReachesTheFlash() {
            platform.losePowerDuringNextWrite();

            assertEquals(EfiStatus.SUCCESS, machine.set("Vol", Attributes.BS_RT, (byte) 1));
            assertEquals(EfiStatus.INVALID_PARAMETER, machine.set("Bad", Attributes.RT, (byte) 1));
            assertTrue(platform.powerLossArmed());

            setAndLosePower("T", (byte) 2);
            assertFalse(platform.powerLossArmed());
            assertEquals(EfiStatus.NOT_FOUND, machine.get("Vol").status(), "volatile variables are lost with the power");
        }

        @Test
        @DisplayName("A cut in the middle of a write that reclaims interrupts the fault-tolerant write; the store recovers")
        void aCutDuringAReclaimRecoversEveryVariable() {
            int written = machine.fillNv(8000);
            assertEquals(EfiStatus.SUCCESS, machine.set("F00", Attributes.NV_BS_RT, new byte[0]), "free one");
            long erases = machine.eraseOperations();
            platform.losePowerDuringNextWrite();
            setAndLosePower("Big", new byte[8000]);
            assertTrue(machine.eraseOperations() > erases, "the interrupted write was a reclaim");
            List<String> names = machine.names();
            assertEquals(written - 1, names.stream().filter(n -> n.startsWith("F")).count(),
                    "every variable but the deleted one survives: " + names);
        }

        @Test
        void aCutWhileCreatingLeavesNoVariable() {
            platform.losePowerDuringNextWrite();

            setAndLosePower("T", new byte[16]);

            assertEquals(EfiStatus.NOT_FOUND, machine.get("T").status());
            assertEquals(EfiStatus.SUCCESS, machine.set("T", Attributes.NV_BS_RT, (byte) 5));
            assertArrayEquals(new byte[] {5}, machine.value("T"));
        }

        @Test
        @DisplayName("A cut that tears the StartId leaves a torn tail, which the write service reclaims at start-up")
        void aTornStartIdIsReclaimedAtStartUp() {
            machine.set("Keep", Attributes.NV_BS_RT, (byte) 1);
            int tail = nv().lastOffset();
            platform.flash().arm(PowerCut.during(platform.flash().programOperations() + 1, 1, 0x00));
            long erases = machine.eraseOperations();

            setAndLosePower("T", (byte) 2);

            assertTrue(machine.eraseOperations() > erases, "start-up reclaim rewrote the store");
            assertFalse(nv().hasTornTail());
            assertEquals(tail, nv().lastOffset());
            assertArrayEquals(new byte[] {1}, machine.value("Keep"));
            assertEquals(EfiStatus.NOT_FOUND, machine.get("T").status());
        }
    }

    @Test
    @DisplayName("An image with bytes after the last valid header is reclaimed when the write service starts")
    void aHandCorruptedTailIsReclaimedAtStartUp() {
        machine.set("Keep", Attributes.NV_BS_RT, (byte) 1);
        byte[] image = platform.flash().snapshot();
        int tail = 0x48 + nv().lastOffset();
        image[tail] = (byte) 0xAA; // half a StartId
        image[tail + 100] = 0x00; // and stray garbage further on

        SimulatedPlatform restarted = new SimulatedPlatform(Profile.OVMF_4M.withBareStore(), image);

        assertTrue(restarted.flash().eraseOperations() > 0);
        byte[] after = restarted.flash().snapshot();
        for (int i = tail; i < 0x40000; i++) {
            assertEquals((byte) 0xFF, after[i], "byte 0x" + Integer.toHexString(i));
        }
        assertArrayEquals(new byte[] {1}, new Machine(restarted).value("Keep"));
    }

    @Test
    void aCleanImageIsNotRewrittenAtStartUp() {
        machine.set("Keep", Attributes.NV_BS_RT, (byte) 1);

        SimulatedPlatform restarted = new SimulatedPlatform(Profile.OVMF_4M.withBareStore(), platform.flash().snapshot());

        assertEquals(0, restarted.flash().eraseOperations());
    }

    @Nested
    @DisplayName("reclaim at boot time")
    class Reclaim {

        @Test
        @DisplayName("A full store refuses a write; after deletes the same write succeeds through reclaim and the totals drop")
        void aWriteOverTheQuotaReclaimsDeadRecords() {
            int created = machine.fillNv(8000);
            assertEquals(32, created, "262044 / 8068");
            assertEquals(EfiStatus.SUCCESS, machine.set("F00", Attributes.NV_BS_RT));
            assertEquals(EfiStatus.SUCCESS, machine.set("F01", Attributes.NV_BS_RT));
            assertEquals(32L * FOOTPRINT_8000, nv().commonTotal(), "deletes do not reduce the total");
            long erases = machine.eraseOperations();

            assertEquals(EfiStatus.SUCCESS, machine.set("New", Attributes.NV_BS_RT, new byte[8000]));

            assertTrue(machine.eraseOperations() > erases, "a reclaim rewrote the store");
            assertEquals(31L * FOOTPRINT_8000, nv().commonTotal());
            List<String> expected = new ArrayList<>();
            for (int i = 2; i < 32; i++) {
                expected.add(String.format("F%02d", i));
            }
            expected.add("New");
            assertEquals(expected, machine.names(), "survivors keep their order, the new variable comes last");
            assertEquals(8000L, machine.get("F31").dataSize());
        }

        @Test
        void aWriteThatStillDoesNotFitAfterReclaimIsOutOfResourcesAndChangesNothing() {
            machine.fillNv(8000);
            byte[] before = platform.flash().snapshot();

            assertEquals(EfiStatus.OUT_OF_RESOURCES, machine.set("New", Attributes.NV_BS_RT, new byte[8000]));

            assertArrayEquals(before, platform.flash().snapshot());
        }

        @Test
        void anUpdateOverTheQuotaReclaimsAndReplacesTheOldCopy() {
            machine.fillNv(8000);
            machine.set("F05", Attributes.NV_BS_RT);

            assertEquals(EfiStatus.SUCCESS, machine.set("F10", Attributes.NV_BS_RT, Machine.bytes(8000, 0x22)));

            assertArrayEquals(Machine.bytes(8000, 0x22), machine.value("F10"));
            assertEquals(31, machine.names().size());
            assertEquals(31L * FOOTPRINT_8000, nv().commonTotal());
        }

        /**
         * ReadyToBoot runs EndOfDxe's InitializeVarErrorFlag first when EndOfDxe was not signalled: VarErrorFlag
         * (NV|BS|RT, one byte 0xFF) is written before ReclaimForOS: authenticated header 60 + name 26 + data 1,
         * aligned to 4.
         */
        static final long VAR_ERROR_FLAG_FOOTPRINT = 88;

        @Test
        @DisplayName("ReadyToBoot reclaims when less than MaxVariableSize remains")
        void readyToBootReclaimsWhenSpaceIsLow() {
            machine.fillNv(8000);
            machine.set("F00", Attributes.NV_BS_RT);
            long erases = machine.eraseOperations();

            assertEquals(EfiStatus.SUCCESS, platform.signalReadyToBoot());

            assertTrue(machine.eraseOperations() > erases);
            assertEquals(31L * FOOTPRINT_8000 + VAR_ERROR_FLAG_FOOTPRINT, nv().commonTotal());
        }

        @Test
        void readyToBootDoesNotReclaimWhileEnoughSpaceRemains() {
            machine.set("A", Attributes.NV_BS_RT, new byte[100]);
            machine.set("A", Attributes.NV_BS_RT);
            long total = nv().commonTotal();

            assertEquals(EfiStatus.SUCCESS, platform.signalReadyToBoot());

            assertEquals(0, machine.eraseOperations());
            assertEquals(total + VAR_ERROR_FLAG_FOOTPRINT, nv().commonTotal());
        }
    }
}
