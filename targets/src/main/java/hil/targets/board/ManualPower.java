package hil.targets.board;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Power switched by an operator at hil's terminal (labgrid's {@code ManualPowerDriver}): hil prints
 * "Power ON board X now, then press Enter" and waits for Enter, up to a timeout.
 *
 * <p>An unattended run cannot do this, so it is refused at once, before anything is printed: when there is no
 * console ({@link System#console()} is null: output redirected, a service) or the environment says {@code CI=true}.
 *
 * <p>One daemon thread reads the operator's lines, started with the first prompt; lines typed before a prompt are
 * discarded, so an early Enter does not confirm a later step.
 */
public final class ManualPower implements Power {

    /** The refusal for an unattended run. */
    static final String NOT_INTERACTIVE =
            "power: manual needs an operator at a terminal; this run is not interactive";

    private static final String EOF = new String("<end of input>");

    private final String board;
    private final Duration timeout;
    private final BooleanSupplier interactive;
    private final BufferedReader in;
    private final PrintWriter out;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private Thread reader;

    /** Prompts on the system console; refused when there is none or {@code CI=true}. */
    public ManualPower(String board, Duration timeout) {
        this(board, timeout, () -> isInteractive(System.console() != null, System.getenv()),
                System.console() == null ? null : new BufferedReader(System.console().reader()),
                System.console() == null ? null : System.console().writer());
    }

    /**
     * @param interactive whether an operator can answer; checked before every prompt
     * @param in          where the operator's Enter comes from (may be null when not interactive)
     * @param out         where the prompt goes (may be null when not interactive)
     */
    public ManualPower(String board, Duration timeout, BooleanSupplier interactive, BufferedReader in,
                       PrintWriter out) {
        this.board = Objects.requireNonNull(board, "board");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.interactive = Objects.requireNonNull(interactive, "interactive");
        this.in = in;
        this.out = out;
    }

    /** The default check: a console is attached and the environment does not say {@code CI=true}. */
    static boolean isInteractive(boolean haveConsole, Map<String, String> env) {
        return haveConsole && !"true".equalsIgnoreCase(Optional.ofNullable(env.get("CI")).orElse("").strip());
    }

    @Override
    public void on() {
        ask("power-on", "Power ON board " + board + " now, then press Enter");
    }

    @Override
    public void off() {
        ask("power-off", "Power OFF board " + board + " now, then press Enter");
    }

    @Override
    public void cycle() {
        ask("power-cycle", "Power-cycle board " + board + " now (off, wait, on), then press Enter");
    }

    @Override
    public String describe() {
        return "manual (an operator switches board " + board + ")";
    }

    private void ask(String action, String prompt) {
        if (!interactive.getAsBoolean() || in == null || out == null) {
            throw new PowerException(NOT_INTERACTIVE + " (" + action + " of board " + board + ")");
        }
        startReader();
        // Drop lines typed before this prompt; an input that already ended stays ended.
        boolean closed = lines.removeIf(l -> l == EOF);
        lines.clear();
        if (closed) {
            lines.add(EOF);
            throw new PowerException(action + " (manual): the operator's input is closed");
        }
        out.println();
        out.println(">>> " + prompt);
        out.flush();
        String line;
        try {
            line = lines.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PowerException(action + " (manual) interrupted while waiting for the operator", e);
        }
        if (line == null) {
            throw new PowerException(action + " (manual): no operator confirmation within "
                    + CommandPower.format(timeout) + " for board " + board);
        }
        if (line == EOF) {
            lines.add(EOF);
            throw new PowerException(action + " (manual): the operator's input closed before Enter was pressed");
        }
    }

    private synchronized void startReader() {
        if (reader != null) {
            return;
        }
        reader = new Thread(() -> {
            try {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // treated as end of input
            }
            lines.add(EOF);
        }, "hil-manual-power-" + board);
        reader.setDaemon(true);
        reader.start();
    }
}
