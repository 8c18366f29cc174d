package hil.reports;

import java.util.function.Supplier;

/**
 * The target the current thread runs scenarios on.
 *
 * <p>{@code hil run} runs each target on a thread of its own, so a system property, which is one per JVM, cannot
 * name the target. The CLI's per-target thread sets the name here instead; threads it starts inherit it. Where no
 * thread set it (Cucumber run outside the CLI, e.g. from Maven), the order of precedence is: the value set with
 * {@link #callAs}, then the system property {@value #TARGET_PROPERTY}, then {@value #DEFAULT_TARGET}.
 */
public final class RunContext {

    /** System property naming the target when no thread set one. */
    public static final String TARGET_PROPERTY = "hil.target";
    /** Target name when neither the thread nor {@value #TARGET_PROPERTY} names one. */
    public static final String DEFAULT_TARGET = "simulator";

    private static final InheritableThreadLocal<String> TARGET = new InheritableThreadLocal<>();
    /** The job of the target this thread runs ({@code hil run --jobs}): 0 when the target runs as one job. */
    private static final InheritableThreadLocal<Integer> JOB = new InheritableThreadLocal<>();

    private RunContext() {
    }

    /** The target of the current thread. */
    public static String targetName() {
        String name = TARGET.get();
        return name != null ? name : System.getProperty(TARGET_PROPERTY, DEFAULT_TARGET);
    }

    /**
     * The key of this thread's target instance: the target's name, with {@code #<job>} when the target runs as
     * several jobs at once, each with a machine of its own.
     */
    public static String sessionKey() {
        Integer job = JOB.get();
        return job == null || job == 0 ? targetName() : targetName() + "#" + job;
    }

    /** Runs {@code work} as job {@code job} (from 1) of {@code target}: its own target instance, the same name. */
    public static <T> T callAs(String target, int job, Supplier<T> work) {
        Integer previous = JOB.get();
        JOB.set(job);
        try {
            return callAs(target, work);
        } finally {
            if (previous == null) {
                JOB.remove();
            } else {
                JOB.set(previous);
            }
        }
    }

    /** Runs {@code work} with {@code target} as this thread's target, then restores the previous one. */
    public static <T> T callAs(String target, Supplier<T> work) {
        String previous = TARGET.get();
        TARGET.set(target);
        try {
            return work.get();
        } finally {
            if (previous == null) {
                TARGET.remove();
            } else {
                TARGET.set(previous);
            }
        }
    }
}
