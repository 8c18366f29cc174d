package hil.simulator.store;

import hil.simulator.Machine;
import hil.simulator.Profile;
import hil.simulator.flash.PowerCut;
import hil.simulator.platform.SimulatedPlatform;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiStatus;
import hil.simulator.uefi.Ucs2;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The power-loss sweep: a seeded sequence of non-volatile creates, updates, appends, deletes and identical rewrites,
 * with the store filled until writes go through reclaim, is run once to count its flash operations; then for every
 * program operation, for a torn variant of every second one and for every block erase, a fresh machine runs
 * the sequence with the power cut there, restarts through its recovery path, and must show every variable with its
 * value from before or after the interrupted call: never a mix, never lost, never listed twice.
 *
 * <p>To keep the sweep to seconds, a cut run does not replay from the empty flash: the dry run keeps the flash image
 * every {@link #CHECKPOINT_EVERY} calls, and a cut run boots a fresh machine from the last image before its cut and
 * replays from there. The dry run checks that a machine booted from each image is in the state of the running one.
 */
class PowerLossSweepTest {

    private static final Profile PROFILE = Profile.OVMF_4M;
    private static final long SEED = 0x2211_5EEDL;
    private static final int NAMES = 24;
    private static final int MIXED_STEPS = 220;
    private static final int STEPS_AFTER_RECLAIM = 12;
    private static final int MAX_VALUE = 8000;
    private static final int CHECKPOINT_EVERY = 8;
    /** Torn cuts (inside a program operation, the torn byte half-programmed) on every second operation. */
    private static final int TORN_EVERY = 2;

    /** One SetVariable call of the sequence. */
    private record Step(int index, String name, int attributes, byte[] data, String kind) {

        SimulatedPlatform.Outcome<EfiStatus> run(SimulatedPlatform platform) {
            return platform.call(d -> d.setVariable(Ucs2.encode(name), Machine.VENDOR, attributes, data.length, data));
        }

        /** The UEFI meaning of the call, applied to a map of name to value. */
        Map<String, byte[]> apply(Map<String, byte[]> before) {
            Map<String, byte[]> after = new TreeMap<>(before);
            if ((attributes & Attributes.AP) != 0) {
                byte[] old = before.getOrDefault(name, new byte[0]);
                byte[] joined = Arrays.copyOf(old, old.length + data.length);
                System.arraycopy(data, 0, joined, old.length, data.length);
                after.put(name, joined);
            } else if (data.length == 0) {
                after.remove(name);
            } else {
                after.put(name, data);
            }
            return after;
        }

        @Override
        public String toString() {
            return "step " + index + " (" + kind + " " + name + ", " + data.length + " bytes)";
        }
    }

    /** The flash before step {@code step} of the dry run, and the operation counts up to there. */
    private record Checkpoint(int step, byte[] image, long programOperations, long eraseOperations) {
    }

    /** The sequence, the model's state before and after each step, and the dry run's flash operation counts. */
    private static final class Sequence {
        final List<Step> steps = new ArrayList<>();
        final List<Checkpoint> checkpoints = new ArrayList<>();
        final List<Map<String, byte[]>> states = new ArrayList<>(List.of(new TreeMap<>()));
        int reclaims;
        /** Program operations and block erases made by the calls that went through a reclaim. */
        long reclaimProgramOperations;
        long reclaimEraseOperations;
        long programOperations;
        long eraseOperations;

        Map<String, byte[]> before(int step) {
            return states.get(step);
        }

        Map<String, byte[]> after(int step) {
            return states.get(step + 1);
        }
    }

    private static String name(int i) {
        return String.format("Sweep%02d", i);
    }

    private static int attributesOf(int nameIndex) {
        return nameIndex % 3 == 2 ? Attributes.NV_BS : Attributes.NV_BS_RT;
    }

    private static byte[] value(int step, int length, int salt) {
        byte[] v = new byte[length];
        for (int i = 0; i < length; i++) {
            v[i] = (byte) (step * 131 + i * 7 + salt);
        }
        return v;
    }

    /**
     * Generates the sequence while running it once without a cut: {@link #MIXED_STEPS} mixed calls, then 8000-byte
     * updates until a write goes through a reclaim, then a few more mixed calls. Every call must succeed and leave
     * the machine in the model's state.
     */
    private static Sequence dryRun() {
        Random random = new Random(SEED);
        Sequence seq = new Sequence();
        SimulatedPlatform platform = new SimulatedPlatform(PROFILE.withBareStore());
        Machine machine = new Machine(platform);
        int mixedAfterReclaim = -1;
        for (int i = 0; mixedAfterReclaim < STEPS_AFTER_RECLAIM; i++) {
            Map<String, byte[]> state = seq.states.get(i);
            if (i % CHECKPOINT_EVERY == 0) {
                seq.checkpoints.add(checkpoint(i, platform));
            }
            boolean filling = i >= MIXED_STEPS && seq.reclaims == 0;
            Step step = filling ? fill(i, random, state) : mixed(i, random, state);
            long erasesBefore = platform.flash().eraseOperations();
            long programsBefore = platform.flash().programOperations();
            SimulatedPlatform.Outcome<EfiStatus> outcome = step.run(platform);
            assertFalse(outcome.powerLost(), step + " lost power without a cut");
            assertEquals(EfiStatus.SUCCESS, outcome.result(), step.toString());
            if (platform.flash().eraseOperations() > erasesBefore) {
                seq.reclaims++;
                seq.reclaimProgramOperations += platform.flash().programOperations() - programsBefore;
                seq.reclaimEraseOperations += platform.flash().eraseOperations() - erasesBefore;
            }
            seq.steps.add(step);
            seq.states.add(step.apply(state));
            if (seq.reclaims > 0 && i >= MIXED_STEPS) {
                mixedAfterReclaim++;
            }
            if (i % 20 == 0) {
                assertMatchesModel(machine, seq.after(i), step.toString());
            }
        }
        assertMatchesModel(machine, seq.states.get(seq.steps.size()), "the end of the dry run");
        seq.programOperations = platform.flash().programOperations();
        seq.eraseOperations = platform.flash().eraseOperations();
        return seq;
    }

    private static Checkpoint checkpoint(int step, SimulatedPlatform running) {
        byte[] image = running.flash().snapshot();
        SimulatedPlatform booted = new SimulatedPlatform(PROFILE.withBareStore(), image);
        VariableStore expected = running.core().nvStore();
        VariableStore actual = booted.core().nvStore();
        assertEquals(0, booted.flash().programOperations() + booted.flash().eraseOperations(), "a clean boot writes nothing");
        assertEquals(expected.lastOffset(), actual.lastOffset(), "used area after booting the image of step " + step);
        assertEquals(expected.commonTotal(), actual.commonTotal(), "totals after booting the image of step " + step);
        return new Checkpoint(step, image, running.flash().programOperations(), running.flash().eraseOperations());
    }

    private static Step mixed(int i, Random random, Map<String, byte[]> state) {
        int n = random.nextInt(NAMES);
        String name = name(n);
        int attributes = attributesOf(n);
        byte[] old = state.get(name);
        int roll = random.nextInt(100);
        if (old == null) {
            return roll < 80
                    ? new Step(i, name, attributes, value(i, 1 + random.nextInt(1500), n), "create")
                    : new Step(i, name, attributes | Attributes.AP, value(i, 1 + random.nextInt(300), n), "append-create");
        }
        if (roll < 40) {
            return new Step(i, name, attributes, value(i, 1 + random.nextInt(1500), n), "update");
        }
        if (roll < 65 && old.length + 400 <= MAX_VALUE) {
            return new Step(i, name, attributes | Attributes.AP, value(i, 1 + random.nextInt(400), n), "append");
        }
        if (roll < 75) {
            return new Step(i, name, attributes, new byte[0], "delete");
        }
        if (roll < 80) {
            return new Step(i, name, 0, new byte[0], "delete-attributes-0");
        }
        if (roll < 90) {
            return new Step(i, name, attributes, old, "identical rewrite");
        }
        return new Step(i, name, attributes, value(i, 1 + random.nextInt(60), n), "small update");
    }

    private static Step fill(int i, Random random, Map<String, byte[]> state) {
        int n = random.nextInt(NAMES);
        return new Step(i, name(n), attributesOf(n), value(i, MAX_VALUE - random.nextInt(100), n), "fill");
    }

    private static void assertMatchesModel(Machine machine, Map<String, byte[]> expected, String where) {
        for (int n = 0; n < NAMES; n++) {
            byte[] actual = machine.value(name(n));
            byte[] want = expected.get(name(n));
            assertTrue(Arrays.equals(want, actual), name(n) + " after " + where);
        }
        assertEquals(List.copyOf(expected.keySet()), machine.names().stream().sorted().toList(), "names after " + where);
    }

    @Test
    @DisplayName("A power cut at any flash operation of the sequence, reclaims included, leaves every variable old or new")
    void everyCutPointRecovers() {
        long started = System.nanoTime();
        Sequence seq = dryRun();
        assertTrue(seq.steps.size() >= 200, "at least 200 calls");
        assertTrue(seq.reclaims >= 1, "the sequence goes through at least one reclaim");

        int afterProgram = 0;
        int torn = 0;
        int midErase = 0;
        Random random = new Random(SEED ^ 0xC0FFEE);
        for (long k = 1; k <= seq.programOperations; k++) {
            runWithCut(seq, PowerCut.after(k));
            afterProgram++;
            if (k % TORN_EVERY == 0) {
                runWithCut(seq, PowerCut.during(k, random.nextInt(4) == 0 ? -1 : random.nextInt(48), random.nextInt(256)));
                torn++;
            }
        }
        for (long j = 1; j <= seq.eraseOperations; j++) {
            runWithCut(seq, PowerCut.duringErase(j));
            midErase++;
        }

        int cutPoints = afterProgram + torn + midErase;
        System.out.printf("power-loss sweep: %d calls (%d through a reclaim: %d program operations, %d block erases), "
                        + "%d program operations, %d block erases in all: %d cut points (%d after a program operation, "
                        + "%d torn inside one, %d inside a block erase), all recovered in %.1f s%n", seq.steps.size(),
                seq.reclaims, seq.reclaimProgramOperations, seq.reclaimEraseOperations, seq.programOperations,
                seq.eraseOperations, cutPoints, afterProgram, torn, midErase, (System.nanoTime() - started) / 1e9);
    }

    /**
     * Runs the sequence on a fresh machine with {@code cut} armed, from the last checkpoint before the cut, then
     * checks the machine that restarted.
     */
    private static void runWithCut(Sequence seq, PowerCut cut) {
        boolean erase = cut.target() == PowerCut.Target.ERASE;
        Checkpoint from = seq.checkpoints.get(0);
        for (Checkpoint c : seq.checkpoints) {
            if ((erase ? c.eraseOperations() : c.programOperations()) < cut.operation()) {
                from = c;
            }
        }
        SimulatedPlatform platform = new SimulatedPlatform(PROFILE.withBareStore(), from.image());
        long done = erase ? from.eraseOperations() : from.programOperations();
        platform.flash().arm(new PowerCut(cut.target(), cut.operation() - done, cut.minLength(), cut.bytesBeforeCut(),
                cut.tornByteMask()));
        for (Step step : seq.steps.subList(from.step(), seq.steps.size())) {
            SimulatedPlatform.Outcome<EfiStatus> outcome = step.run(platform);
            if (outcome.powerLost()) {
                checkRecovered(platform, seq, step.index(), cut);
                return;
            }
            assertEquals(EfiStatus.SUCCESS, outcome.result(), () -> step + " before " + cut);
        }
        fail(cut + " never fired in a run of " + seq.programOperations + " program operations");
    }

    private static void checkRecovered(SimulatedPlatform platform, Sequence seq, int step, PowerCut cut) {
        String where = cut + " in " + seq.steps.get(step);
        VarsFile file = VarsFile.parse(platform.flash().snapshot(), "flash after " + where);
        assertFalse(file.hasTornTail(), where + ": start-up left a torn tail");
        Machine machine = new Machine(platform);
        Map<String, byte[]> before = seq.before(step);
        Map<String, byte[]> after = seq.after(step);
        List<String> present = new ArrayList<>();
        for (int n = 0; n < NAMES; n++) {
            String name = name(n);
            byte[] actual = machine.value(name);
            if (!Arrays.equals(actual, before.get(name)) && !Arrays.equals(actual, after.get(name))) {
                fail(where + ": " + name + " holds " + describe(actual) + ", neither its value before ("
                        + describe(before.get(name)) + ") nor after (" + describe(after.get(name)) + ")");
            }
            if (actual != null) {
                present.add(name);
            }
        }
        List<String> listed = machine.names();
        assertEquals(listed.size(), new HashSet<>(listed).size(), where + ": GetNextVariableName lists a name twice: " + listed);
        // A walk from the empty name starts at the first 0x3F record (FindVariableEx), so a variable whose only
        // visible record is in deleted transition (0x3E) before it is readable but not listed.
        List<String> expected = new ArrayList<>(present);
        for (VarsFile.Variable v : file.records()) {
            if (v.state() == 0x3F) {
                break;
            }
            if (v.state() == 0x3E && file.records().stream().noneMatch(o -> o.state() == 0x3F && o.name().equals(v.name()))) {
                expected.remove(v.name());
            }
        }
        assertEquals(expected, listed.stream().sorted().toList(), where + ": listed names differ from readable ones");
        assertEquals(EfiStatus.SUCCESS, machine.set("Probe", Attributes.NV_BS_RT, (byte) 0x5A), where + ": the next write");
    }

    private static String describe(byte[] value) {
        return value == null ? "nothing" : value.length + " bytes starting " + (value.length == 0 ? "-" : String.format("0x%02X", value[0]));
    }
}
