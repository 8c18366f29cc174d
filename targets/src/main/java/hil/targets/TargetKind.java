package hil.targets;

import hil.targets.labconfig.SettingSpec;
import hil.targets.labconfig.TargetConfig;

import java.util.List;
import java.util.Set;

/**
 * A kind of target ({@code simulator}, {@code qemu-ovmf}, {@code board}): which settings its lab-config entry
 * accepts, what it can do, whether it can run on this machine, and how to start one.
 */
public interface TargetKind {

    /** The value of {@code kind:} in lab-config. */
    String name();

    /** The kind-specific keys accepted under {@code settings:}, with their types and defaults. */
    List<SettingSpec> settings();

    /** The capabilities every target of this kind has. */
    Set<Capability> capabilities();

    /** The capabilities of the target {@code config} describes, on this machine; by default the kind's. */
    default Set<Capability> capabilities(TargetConfig config) {
        return capabilities();
    }

    /**
     * Checks the settings together once each has its type: values that depend on each other or have a syntax of
     * their own. The first problem is reported with the line of its key.
     */
    default java.util.List<hil.targets.labconfig.SettingProblem> check(java.util.Map<String, Object> settings) {
        return java.util.List.of();
    }

    /**
     * Whether several instances of one target of this kind can run at once, each on a machine of its own
     * ({@code hil run --jobs}): true for machines made on demand (QEMU) and in-process models, false for the one
     * physical board a target names.
     */
    default boolean parallelMachines() {
        return false;
    }

    /** Whether a run without {@code --jobs} spreads this kind's scenarios over several instances. */
    default boolean jobsByDefault() {
        return parallelMachines();
    }

    /** Whether a target of this kind can run here; {@link Availability#reason()} says why not. */
    Availability availability(TargetConfig config);

    /** Starts a target. */
    Target create(TargetConfig config);

    /** Result of an availability check. */
    record Availability(boolean available, String reason) {
        public static Availability yes() {
            return new Availability(true, "available");
        }

        /** Available, with what it lacks on this machine (e.g. a capability it runs without). */
        public static Availability yes(String note) {
            return new Availability(true, "available (" + note + ")");
        }

        public static Availability no(String reason) {
            return new Availability(false, reason);
        }
    }
}
