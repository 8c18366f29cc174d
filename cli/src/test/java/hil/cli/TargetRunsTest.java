package hil.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TargetRunsTest {

    @Test
    @DisplayName("targets run at the same time, each on a thread of its own, and outcomes come back in target order")
    void targetsRunConcurrently() {
        // Every run waits until all three are inside: run one after the other, the first would time out.
        CyclicBarrier allInside = new CyclicBarrier(3);
        Map<String, String> threads = new ConcurrentHashMap<>();

        Map<String, CucumberRun.Outcome> outcomes = TargetRuns.runAll(List.of("sim-a", "sim-b", "sim-c"), target -> {
            threads.put(target, Thread.currentThread().getName());
            try {
                allInside.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                return new CucumberRun.Outcome(Duration.ZERO, List.of("not concurrent: " + e));
            }
            return new CucumberRun.Outcome(Duration.ofMillis(1), List.of());
        });

        assertEquals(List.of("sim-a", "sim-b", "sim-c"), List.copyOf(outcomes.keySet()));
        outcomes.values().forEach(o -> assertEquals(List.of(), o.engineErrors()));
        assertEquals(Map.of("sim-a", "hil-target-sim-a", "sim-b", "hil-target-sim-b", "sim-c", "hil-target-sim-c"),
                threads);
    }

    @Test
    @DisplayName("a target whose run throws ends with that error as its outcome and the other targets complete")
    void oneFailureDoesNotStopTheOthers() {
        CyclicBarrier bothInside = new CyclicBarrier(2);

        Map<String, CucumberRun.Outcome> outcomes = TargetRuns.runAll(List.of("broken", "fine"), target -> {
            try {
                bothInside.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                return new CucumberRun.Outcome(Duration.ZERO, List.of("not concurrent: " + e));
            }
            if (target.equals("broken")) {
                throw new NoClassDefFoundError("io/cucumber/core/Engine");
            }
            return new CucumberRun.Outcome(Duration.ofMillis(1), List.of());
        });

        assertEquals(List.of(), outcomes.get("fine").engineErrors());
        List<String> errors = outcomes.get("broken").engineErrors();
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).contains("NoClassDefFoundError: io/cucumber/core/Engine"), errors::toString);
    }
}
