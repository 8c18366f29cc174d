package hil.targets.qemu;

import hil.reports.model.Observation;
import hil.reports.model.Observation.Keys;
import hil.simulator.Profile;
import hil.simulator.platform.SimulatedPlatform;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import hil.simulator.uefi.Ucs2;
import hil.targets.VariableServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Power loss on real OVMF ({@code fault-injection} of qemu-ovmf): QEMU is killed during a SetVariable, its flash
 * file is left exactly as a cut after the aimed byte write leaves it, and OVMF boots on it. The sweep cuts one
 * update at every interesting byte write — each side of every step of OVMF's record write — and checks what the
 * simulator's sweep checks (old or new value, never a mix, nothing lost, nothing listed twice, the store takes the
 * next write), and that the simulator, cut after the same byte write, has the same outcome. Skipped without QEMU
 * or OVMF, except under CI=true.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QemuOvmfPowerLossTest {

    private static final EfiGuid VENDOR = EfiGuid.parse("12345678-1234-1234-1234-123456789abc");
    private static final String NAME = "HilSweep";
    private static final byte[] OLD = filled(24, 0x11);
    private static final byte[] NEW = filled(24, 0x22);
    private static final byte[] BYSTANDER = filled(5, 0x33);
    private static QemuOvmfTarget target;

    @BeforeAll
    static void boot() {
        target = QemuTestTargets.create(QemuTestTargets.config("qemu-power", Map.of(QemuOvmfKind.CALLS, "agent")));
    }

    @AfterAll
    static void stop() {
        QemuTestTargets.stop(target);
    }

    private static byte[] filled(int n, int b) {
        byte[] v = new byte[n];
        Arrays.fill(v, (byte) b);
        return v;
    }

    @Test
    @Order(1)
    @DisplayName("A cut armed for the next write hits the middle of an update; OVMF restarts on the cut flash with the old value")
    void theMiddleOfAnUpdateIsCutAndTheTargetRestarts() {
        target.bootFresh();
        assertEquals("EFI_SUCCESS", target.setVariable(NAME, VENDOR, Attributes.NV_BS_RT, OLD).status());
        assertEquals("EFI_SUCCESS", target.setVariable("HilVolatile", VENDOR, Attributes.BS_RT, BYSTANDER).status());
        long boots = target.boots();
        target.losePowerDuringNextWrite();
        // A volatile write reaches no flash: the cut waits for the next write that does.
        assertEquals("EFI_SUCCESS", target.setVariable("HilVolatile", VENDOR, Attributes.BS_RT, OLD).status());
        Observation cut = target.setVariable(NAME, VENDOR, Attributes.NV_BS_RT, NEW);
        System.out.println("middle cut: " + cut.transcript());
        assertNull(cut.status());
        assertEquals(Map.of("powerLost", "true"), cut.outputs());
        assertEquals(boots + 1, target.boots());
        QemuMachine.FlashCut<?> flashCut = target.lastCutForTest();
        int expected = OvmfWriteCount.expected(NAME, Attributes.NV_BS_RT, NEW.length, OLD.length);
        assertEquals(OvmfWriteCount.middle(expected), flashCut.kept());
        assertTrue(flashCut.reached() >= flashCut.kept());
        assertEquals(Bytes.hex(OLD), QemuTestTargets.read(target, NAME, VENDOR).outputs().get(Keys.DATA));
        assertEquals("EFI_NOT_FOUND", QemuTestTargets.read(target, "HilVolatile", VENDOR).status());
    }

    /** One cut point of the sweep and what it came to on each target. */
    private record Point(int write, String ovmf, String simulator, int overshoot) {
    }

    @Test
    @Order(2)
    @DisplayName("A power-loss sweep over the byte writes of an update on real OVMF: old or new, never a mix, as on the simulator")
    void everyCutPointOfAnUpdateRecoversAsOnTheSimulator() {
        long started = System.nanoTime();
        target.bootFresh();
        assertEquals("EFI_SUCCESS", target.setVariable("HilBystander", VENDOR, Attributes.NV_BS_RT, BYSTANDER).status());
        assertEquals("EFI_SUCCESS", target.setVariable(NAME, VENDOR, Attributes.NV_BS_RT, OLD).status());
        // How many byte writes the update makes: a cut aimed past the end lands right after the call.
        target.aimNextCutAt(1_000_000);
        target.losePowerDuringNextWrite();
        target.setVariable(NAME, VENDOR, Attributes.NV_BS_RT, NEW);
        int total = target.lastCutForTest().kept();
        Simulated sim = new Simulated();
        assertEquals(OvmfWriteCount.expected(NAME, Attributes.NV_BS_RT, NEW.length, OLD.length), total,
                "the byte writes of the update on OVMF");
        assertEquals(total, sim.writesOfUpdate(), "the byte writes of the same update on the simulator");

        // The cut points are dealt out to machines of their own that run side by side (each cut reboots OVMF on
        // the flash it left, and a QEMU under TCG waits on its console much of the time).
        List<Integer> all = cutPoints(total);
        List<Point> points = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int m = 0; m < SWEEP_MACHINES; m++) {
            List<Integer> mine = new ArrayList<>();
            for (int i = m; i < all.size(); i += SWEEP_MACHINES) {
                mine.add(all.get(i));
            }
            int machine = m;
            threads.add(new Thread(() -> {
                QemuOvmfTarget t = sweepMachine(machine);
                try {
                    t.bootFresh();
                    assertEquals("EFI_SUCCESS", t.setVariable("HilBystander", VENDOR, Attributes.NV_BS_RT, BYSTANDER)
                            .status());
                    for (int k : mine) {
                        ensureOld(t);
                        t.aimNextCutAt(k);
                        t.losePowerDuringNextWrite();
                        Observation o = t.setVariable(NAME, VENDOR, Attributes.NV_BS_RT, NEW);
                        assertEquals("true", o.outputs().get("powerLost"), "cut at write " + k + ": " + o);
                        String outcome = checkRecovered(t, k);
                        points.add(new Point(k, outcome, sim.outcomeOfCutAfter(k), t.lastCutForTest().overshoot()));
                    }
                } catch (Throwable e) {
                    failures.add(e);
                } finally {
                    t.close();
                }
            }, "sweep-" + m));
        }
        threads.forEach(Thread::start);
        for (Thread th : threads) {
            try {
                th.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
        for (int m = 0; m < SWEEP_MACHINES; m++) {
            QemuTestTargets.assertNoneRunning("qemu-sweep-" + m);
        }
        if (!failures.isEmpty()) {
            AssertionError e = new AssertionError("the sweep failed on " + failures.size() + " machine(s)",
                    failures.get(0));
            failures.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
        points.sort(java.util.Comparator.comparingInt(Point::write));
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, List<Integer>> classes = new LinkedHashMap<>();
        for (Point p : points) {
            classes.computeIfAbsent(p.ovmf(), c -> new ArrayList<>()).add(p.write());
        }
        System.out.printf("power-loss sweep on OVMF: %d cut points over the %d byte writes of an update on %d"
                        + " machines, %.0f s; outcomes by cut point: %s; overshoot of the kill (writes): %s%n",
                points.size(), total, SWEEP_MACHINES, seconds, classes, new TreeSet<>(points.stream().map(Point::overshoot).toList()));
        for (Point p : points) {
            assertEquals(p.simulator(), p.ovmf(), "the outcome of a cut after byte write " + p.write()
                    + " on OVMF and on the simulator");
        }
        assertTrue(points.size() >= 20, "at least 20 cut points");
        assertTrue(classes.containsKey("old") && classes.containsKey("new"), "both outcomes occur: " + classes);
    }

    /**
     * Both sides of every step of the update (old copy marked, header, State 0x7F, name and data, State 0x3F, old
     * copy deleted), and evenly spread points between, at least 20 in all.
     */
    private static List<Integer> cutPoints(int total) {
        int header = 1 + OvmfWriteCount.HEADER;
        // Where the outcome can change: the old variable's first state write, the header's edges and the state
        // writes that close the update. In between (header, name and data bytes) one point in every ten.
        TreeSet<Integer> k = new TreeSet<>(List.of(1, 2, 3, header - 1, header, header + 1, header + 2,
                total - 3, total - 2, total - 1, total));
        for (int i = 5; i < total - 3; i += 10) {
            k.add(i);
        }
        return List.copyOf(k);
    }

    /** Machines of the sweep besides the first test's. */
    private static final int SWEEP_MACHINES = 3;

    /** A machine of its own for part {@code m} of the sweep. */
    private static QemuOvmfTarget sweepMachine(int m) {
        return QemuTestTargets.create(QemuTestTargets.config("qemu-sweep-" + m, Map.of(QemuOvmfKind.CALLS, "agent")));
    }

    /** Puts the old value back (a plain write) when the last cut left the new one, or none is there yet. */
    private static void ensureOld(QemuOvmfTarget target) {
        if (!Bytes.hex(OLD).equals(QemuTestTargets.read(target, NAME, VENDOR).outputs().get(Keys.DATA))) {
            assertEquals("EFI_SUCCESS", target.setVariable(NAME, VENDOR, Attributes.NV_BS_RT, OLD).status());
        }
    }

    /** The invariant after a cut at write {@code k}; returns "old" or "new". */
    private static String checkRecovered(QemuOvmfTarget target, int k) {
        String where = "after a cut at byte write " + k;
        String value = QemuTestTargets.read(target, NAME, VENDOR).outputs().get(Keys.DATA);
        String outcome = Bytes.hex(OLD).equals(value) ? "old" : Bytes.hex(NEW).equals(value) ? "new" : null;
        if (outcome == null) {
            fail(where + ": " + NAME + " holds " + value + ", neither its old nor its new value");
        }
        assertEquals(Bytes.hex(BYSTANDER), QemuTestTargets.read(target, "HilBystander", VENDOR).outputs().get(Keys.DATA),
                where + ": the bystander");
        List<String> ours = new ArrayList<>();
        String name = "";
        EfiGuid vendor = VENDOR;
        for (int i = 0; i < 500; i++) {
            Observation o = target.getNextVariableName(name, vendor, VariableServices.LARGE_BUFFER);
            if (!"EFI_SUCCESS".equals(o.status())) {
                assertEquals("EFI_NOT_FOUND", o.status(), where + ": the walk's end");
                break;
            }
            name = o.outputs().get(Keys.NAME);
            vendor = EfiGuid.parse(o.outputs().get(Keys.VENDOR));
            if (vendor.equals(VENDOR)) {
                ours.add(name);
            }
        }
        assertEquals(ours.size(), new TreeSet<>(ours).size(), where + ": a name listed twice: " + ours);
        assertEquals(List.of("HilBystander", NAME), ours.stream().filter(n -> !n.equals("HilProbe")).sorted().toList(),
                where + ": the walk lists");
        assertEquals("EFI_SUCCESS", target.setVariable("HilProbe", VENDOR, Attributes.NV_BS_RT, new byte[] {(byte) k})
                .status(), where + ": the next write");
        return outcome;
    }

    /** The same update on the simulator (Debian's OVMF profile), cut after the same byte write. */
    private static final class Simulated {
        private final Profile profile = Profile.OVMF_4M;

        private SimulatedPlatform prepared() {
            SimulatedPlatform p = new SimulatedPlatform(profile);
            assertEquals(EfiStatus.SUCCESS, set(p, "HilBystander", BYSTANDER));
            assertEquals(EfiStatus.SUCCESS, set(p, NAME, OLD));
            return p;
        }

        private static EfiStatus set(SimulatedPlatform p, String name, byte[] data) {
            return p.call(d -> d.setVariable(Ucs2.encode(name), VENDOR, Attributes.NV_BS_RT, data.length, data)).result();
        }

        int writesOfUpdate() {
            SimulatedPlatform p = prepared();
            p.flash().startJournal();
            assertEquals(EfiStatus.SUCCESS, set(p, NAME, NEW));
            return p.flash().stopJournal().stream().mapToInt(hil.simulator.flash.FlashOperation::byteWrites).sum();
        }

        String outcomeOfCutAfter(int k) {
            SimulatedPlatform p = prepared();
            p.losePowerAfterFlashWrites(k);
            assertTrue(p.call(d -> d.setVariable(Ucs2.encode(NAME), VENDOR, Attributes.NV_BS_RT, NEW.length, NEW))
                    .powerLost());
            var r = p.call(d -> d.getVariable(Ucs2.encode(NAME), VENDOR, 0x40000L, 0, true)).result();
            byte[] value = r.status() == EfiStatus.SUCCESS ? r.data() : null;
            return Arrays.equals(value, OLD) ? "old" : Arrays.equals(value, NEW) ? "new" : "a mix";
        }
    }
}
