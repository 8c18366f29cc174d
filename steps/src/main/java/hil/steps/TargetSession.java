package hil.steps;

import hil.targets.HilException;
import hil.targets.Target;
import hil.targets.TargetKind;
import hil.targets.TargetKinds;
import hil.targets.VariableStoreFile;
import hil.targets.labconfig.LabConfig;
import hil.targets.labconfig.TargetConfig;

import org.opentest4j.TestAbortedException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The targets of this run, one instance per target name, started on first use and closed when the JVM exits. The
 * target of the current thread comes from {@link hil.reports.RunContext} (the CLI runs each target on a thread of
 * its own; otherwise the system property {@code hil.target}, default {@code simulator}), its definition from the
 * lab-config directory in {@code hil.lab-config} (default: the nearest {@code lab-config/} at or above the working
 * directory).
 */
final class TargetSession {

    /** System property naming the lab-config directory. */
    static final String LAB_CONFIG_PROPERTY = "hil.lab-config";

    private static final ConcurrentHashMap<String, Target> TARGETS = new ConcurrentHashMap<>();
    /** Targets that could not be started: later scenarios re-report the first cause instead of retrying. */
    private static final ConcurrentHashMap<String, RuntimeException> BROKEN = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TargetSession::closeAll, "hil-target-shutdown"));
    }

    private TargetSession() {
    }

    static String targetName() {
        return hil.reports.RunContext.targetName();
    }

    /** The running instance of this run's target, started if needed. */
    static Target current() {
        String name = targetName();
        // One instance per job when the target runs as several jobs (hil run --jobs), each with its own machine.
        String key = hil.reports.RunContext.sessionKey();
        RuntimeException broken = BROKEN.get(key);
        if (broken != null) {
            throw broken;
        }
        try {
            return TARGETS.computeIfAbsent(key, k -> start(name));
        } catch (RuntimeException e) {
            BROKEN.putIfAbsent(key, e);
            throw e;
        }
    }

    private static Target start(String name) {
        LabConfig config = LabConfig.load(labConfigDir(), TargetKinds.all());
        TargetConfig target = config.target(name).orElseThrow(() -> new HilException(
                "unknown target '" + name + "' (lab-config " + config.dir() + " has: " + String.join(", ", config.names()) + ")"));
        TargetKind kind = TargetKinds.byName(target.kind()).orElseThrow(() -> new HilException(
                "target '" + name + "' has unknown kind '" + target.kind() + "'"));
        TargetKind.Availability availability = kind.availability(target);
        if (!availability.available()) {
            throw missingComponent(name, "target '" + name + "' is not available on this machine: "
                    + availability.reason());
        }
        return kind.create(target);
    }

    /**
     * What a scenario on {@code target} ends with when something it needs is not on this machine: a skip as not
     * observable, except under CI=true, where CI must run everything for real and a missing component fails.
     */
    static RuntimeException missingComponent(String target, String reason) {
        if ("true".equals(System.getenv("CI"))) {
            return new HilException(reason + " (CI=true: a missing component fails the run)");
        }
        return new TestAbortedException("not observable on target " + target + ": " + reason);
    }

    /**
     * The variable store called {@code name} in the lab-config's {@value LabConfig#STORES_FILE}; an unknown name is an
     * error listing the known ones.
     */
    static VariableStoreFile store(String name) {
        LabConfig config = LabConfig.load(labConfigDir(), TargetKinds.all());
        return config.store(name).orElseThrow(() -> new HilException("unknown variable store \"" + name + "\" ("
                + (config.stores().isEmpty() ? "lab-config " + config.dir() + " has no " + LabConfig.STORES_FILE
                : config.dir().resolve(LabConfig.STORES_FILE) + " has: " + String.join(", ",
                config.stores().stream().map(VariableStoreFile::name).toList())) + ")"));
    }

    static Path labConfigDir() {
        String configured = System.getProperty(LAB_CONFIG_PROPERTY);
        if (configured != null) {
            return Path.of(configured);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("lab-config");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new HilException("no lab-config directory found at or above " + Path.of("").toAbsolutePath()
                + "; set -D" + LAB_CONFIG_PROPERTY + "=DIR");
    }

    /** Closes the current thread's target, if it was started; a later scenario would start it again. */
    static void closeCurrent() {
        Target t = TARGETS.remove(hil.reports.RunContext.sessionKey());
        if (t != null) {
            close(t);
        }
    }

    private static void close(Target t) {
        try {
            t.close();
        } catch (RuntimeException e) {
            System.err.println("hil: closing target " + t.name() + " failed: " + e.getMessage());
        }
    }

    static void closeAll() {
        for (String name : java.util.List.copyOf(TARGETS.keySet())) {
            Target t = TARGETS.remove(name);
            if (t != null) {
                close(t);
            }
        }
    }
}
