package hil.targets.qemu;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every QEMU process this JVM started and has not yet reaped. A shutdown hook (which also runs on Ctrl-C) stops
 * whatever is still running, so no QEMU outlives the run.
 */
final class MachineRegistry {

    private static final Set<QemuMachine> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(MachineRegistry::stopAll, "hil-qemu-reaper"));
    }

    private MachineRegistry() {
    }

    static void add(QemuMachine machine) {
        RUNNING.add(machine);
    }

    static void remove(QemuMachine machine) {
        RUNNING.remove(machine);
    }

    /** Processes started and not yet reaped (for tests that check nothing is left behind). */
    static Set<QemuMachine> running() {
        return Set.copyOf(RUNNING);
    }

    /** The processes of the machines called {@code name} (a target's) started and not yet reaped. */
    static Set<QemuMachine> running(String name) {
        return RUNNING.stream().filter(m -> m.name().equals(name)).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    static void stopAll() {
        for (QemuMachine m : Set.copyOf(RUNNING)) {
            m.kill();
        }
    }
}
