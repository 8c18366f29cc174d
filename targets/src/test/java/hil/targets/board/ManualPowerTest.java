package hil.targets.board;

import hil.targets.InfrastructureException;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PipedReader;
import java.io.PipedWriter;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ManualPowerTest {

    @Test
    void refusedAtOnceWhenNotInteractive() {
        StringWriter out = new StringWriter();
        ManualPower p = new ManualPower("virtual-board", Duration.ofSeconds(30), () -> false,
                new BufferedReader(new StringReader("\n")), new PrintWriter(out));
        InfrastructureException e = assertThrows(InfrastructureException.class, p::on);
        assertTrue(e.getMessage().startsWith(
                "power: manual needs an operator at a terminal; this run is not interactive"), e.getMessage());
        assertEquals("", out.toString(), "nothing is asked of an operator who is not there");
    }

    @Test
    void theSystemConsoleVersionIsRefusedInThisUnattendedTestRun() {
        assumeTrue(System.console() == null || "true".equalsIgnoreCase(System.getenv("CI")));
        InfrastructureException e = assertThrows(InfrastructureException.class,
                new ManualPower("virtual-board", Duration.ofSeconds(30))::cycle);
        assertTrue(e.getMessage().contains("this run is not interactive"), e.getMessage());
    }

    @Test
    void interactiveNeedsAConsoleAndNoCi() {
        assertFalse(ManualPower.isInteractive(false, Map.of()));
        assertFalse(ManualPower.isInteractive(true, Map.of("CI", "true")));
        assertFalse(ManualPower.isInteractive(true, Map.of("CI", "TRUE")));
        assertTrue(ManualPower.isInteractive(true, Map.of()));
        assertTrue(ManualPower.isInteractive(true, Map.of("CI", "false")));
    }

    @Test
    void anOperatorsEnterConfirms() throws IOException, InterruptedException, ExecutionException, TimeoutException {
        PipedWriter keyboard = new PipedWriter();
        BufferedReader in = new BufferedReader(new PipedReader(keyboard));
        StringWriter screen = new StringWriter();
        ManualPower p = new ManualPower("virtual-board", Duration.ofSeconds(20), () -> true, in,
                new PrintWriter(screen, true));
        CompletableFuture<Void> on = CompletableFuture.runAsync(p::on);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!screen.toString().contains("then press Enter") && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertTrue(screen.toString().contains("Power ON board virtual-board now, then press Enter"),
                screen.toString());
        assertFalse(on.isDone(), "returned before the operator pressed Enter");
        keyboard.write("\n");
        keyboard.flush();
        on.get(10, TimeUnit.SECONDS);
        keyboard.close();
    }

    @Test
    void noAnswerWithinTheTimeoutIsAnInfrastructureFailure() throws IOException {
        PipedWriter keyboard = new PipedWriter();
        ManualPower p = new ManualPower("virtual-board", Duration.ofMillis(200), () -> true,
                new BufferedReader(new PipedReader(keyboard)), new PrintWriter(new StringWriter()));
        InfrastructureException e = assertThrows(InfrastructureException.class, p::off);
        assertEquals("power-off (manual): no operator confirmation within 200 ms for board virtual-board",
                e.getMessage());
        keyboard.close();
    }
}
