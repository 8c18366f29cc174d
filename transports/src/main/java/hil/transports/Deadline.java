package hil.transports;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * A point in time by which an operation must be done, passed down instead of per-call timeouts so that nested
 * waits can never exceed the outer budget: a step gives its deadline to the shell, the shell derives a shorter one
 * for the prompt with {@link #sub(Duration)}, and nothing below can wait longer than the step allowed.
 *
 * <p>Based on {@link System#nanoTime()}, so it is immune to wall-clock changes. Immutable and thread-safe.
 */
public final class Deadline {

    /** Durations beyond this are clamped; about 146 years, far beyond any test and safe from nanoTime overflow. */
    private static final long MAX_NANOS = Long.MAX_VALUE / 2;

    private final long expiresAtNanos;
    private final Duration budget;

    private Deadline(long expiresAtNanos, Duration budget) {
        this.expiresAtNanos = expiresAtNanos;
        this.budget = budget;
    }

    /** A deadline {@code duration} from now; a negative duration gives an already expired deadline. */
    public static Deadline in(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        long nanos = clampedNanos(duration);
        return new Deadline(System.nanoTime() + nanos, duration);
    }

    /** Time left, never negative. */
    public Duration remaining() {
        return Duration.ofNanos(remainingNanos());
    }

    /** Time left in nanoseconds, never negative. */
    public long remainingNanos() {
        return Math.max(0L, expiresAtNanos - System.nanoTime());
    }

    /** Time left in whole milliseconds, rounded up so that a wait never returns just before the deadline. */
    public long remainingMillis() {
        return TimeUnit.NANOSECONDS.toMillis(remainingNanos() + 999_999L);
    }

    public boolean expired() {
        return expiresAtNanos - System.nanoTime() <= 0;
    }

    /** The earlier of the two deadlines. */
    public Deadline min(Deadline other) {
        Objects.requireNonNull(other, "other");
        return expiresAtNanos - other.expiresAtNanos <= 0 ? this : other;
    }

    /** A nested deadline {@code duration} from now, but never later than this one. */
    public Deadline sub(Duration duration) {
        return min(in(duration));
    }

    /** The duration this deadline was created with, for messages such as "timed out after 30 s". */
    public Duration budget() {
        return budget;
    }

    /**
     * Waits on {@code condition} (whose lock the caller holds) until signalled or this deadline passes.
     *
     * @return false if the deadline has passed
     */
    public boolean await(Condition condition) throws InterruptedException {
        long nanos = remainingNanos();
        if (nanos <= 0) {
            return false;
        }
        condition.awaitNanos(nanos);
        return !expired();
    }

    /** Human-readable budget, e.g. "30 s" or "250 ms". */
    public static String describe(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 1000 == 0) {
            return (millis / 1000) + " s";
        }
        if (millis < 10_000) {
            return millis + " ms";
        }
        return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    @Override
    public String toString() {
        return "Deadline[budget " + describe(budget) + ", remaining " + describe(remaining()) + "]";
    }

    private static long clampedNanos(Duration duration) {
        if (duration.isNegative()) {
            return 0;
        }
        if (duration.compareTo(Duration.ofNanos(MAX_NANOS)) > 0) {
            return MAX_NANOS;
        }
        return duration.toNanos();
    }
}
