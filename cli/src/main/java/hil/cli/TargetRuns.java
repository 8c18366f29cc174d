package hil.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs every target of a {@code hil run} at the same time, each on a thread of its own named
 * {@code hil-target-<name>}, and waits for all of them. A target whose run throws (even the engine itself) ends
 * with that error as its outcome; it never stops or disturbs the others.
 */
final class TargetRuns {

    private TargetRuns() {
    }

    /**
     * Runs {@code run} once per target, all at once.
     *
     * @return each target's outcome, in the order of {@code targets}
     */
    static Map<String, CucumberRun.Outcome> runAll(List<String> targets, Function<String, CucumberRun.Outcome> run) {
        Map<String, CucumberRun.Outcome> outcomes = new LinkedHashMap<>();
        targets.forEach(t -> outcomes.put(t, null));
        List<Thread> threads = new ArrayList<>();
        for (String target : targets) {
            Thread thread = new Thread(() -> {
                CucumberRun.Outcome outcome = runOne(target, run);
                synchronized (outcomes) {
                    outcomes.put(target, outcome);
                }
            }, "hil-target-" + target);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        boolean interrupted = false;
        for (Thread thread : threads) {
            // A target's run ends on its own (its steps have deadlines); an interrupt here must not abandon it
            // half-way and lose its results, so the wait goes on and the interrupt is passed on afterwards.
            while (true) {
                try {
                    thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        synchronized (outcomes) {
            return new LinkedHashMap<>(outcomes);
        }
    }

    private static CucumberRun.Outcome runOne(String target, Function<String, CucumberRun.Outcome> run) {
        long start = System.nanoTime();
        try {
            return run.apply(target);
        } catch (Throwable e) {
            // Errors too: an OutOfMemoryError or a broken class path in one target's run is that target's outcome.
            String message = e.getMessage() == null ? e.toString() : e.getClass().getSimpleName() + ": "
                    + e.getMessage();
            return new CucumberRun.Outcome(Duration.ofNanos(System.nanoTime() - start),
                    List.of("the run stopped with " + message));
        }
    }
}
