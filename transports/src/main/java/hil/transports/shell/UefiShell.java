package hil.transports.shell;

import hil.transports.Deadline;
import hil.transports.console.Console;
import hil.transports.console.Match;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives the EDK II UEFI Shell over a {@link Console}.
 *
 * <p>How a command runs (checked on OVMF 2022.11, Shell 2.2): the Shell has no command chaining ({@code ;} and
 * {@code &} are passed to the command as text) and {@code #} starts a comment, so each command is framed by
 * separate {@code echo} lines whose markers are split with the Shell's {@code ^} escape: the typed line
 * {@code echo @@H^B1f2e-3@@} is echoed as typed but prints {@code @@HB1f2e-3@@}, so the echo of the typing can
 * never match the marker.
 * <ol>
 *   <li>type the begin marker and wait for its output and the prompt after it: the Shell is idle and
 *       everything older is behind the read mark;</li>
 *   <li>type the command and wait for the end of its echoed line;</li>
 *   <li>wait for the next prompt, answering the pager ({@code Press ENTER to continue or 'Q' break:}) with
 *       ENTER;</li>
 *   <li>type {@code echo @@H^E1f2e-3@@ %lasterror%} and wait for {@code @@HE1f2e-3@@ 0x...}: the Shell's
 *       status of the command. The output is what lies between the command's echo and the prompt before the
 *       typed end marker.</li>
 * </ol>
 * Typing waits for the prompt instead of typing ahead because commands that page read keys from the same
 * input and would swallow a typed-ahead line. One command at a time: not for concurrent use.
 */
public final class UefiShell {

    /**
     * EDK II's prompt: {@code Shell> } before any file system is selected, else the current directory such as
     * {@code FS0:\\> } or {@code fs1:\\efi\\> }. A regular expression for one line's start, without anchors.
     */
    public static final String DEFAULT_PROMPT = "(?:Shell|[A-Za-z][A-Za-z0-9]*:\\\\[^\\n>]*)> ";
    /** EDK II's prompt at the start of a line. */
    public static final Pattern PROMPT = Pattern.compile("(?m)^" + DEFAULT_PROMPT);
    /** The first line the Shell prints when it starts: a boot reached the Shell. */
    public static final Pattern BANNER = Pattern.compile("UEFI Interactive Shell v[0-9.]+");
    /** Printed once a second while the Shell waits before running startup.nsh. */
    public static final Pattern STARTUP_COUNTDOWN = Pattern.compile(
            "Press ESC in \\d+ seconds? to skip startup\\.nsh or any other key to continue\\.");
    /** The pager of commands run with {@code -b}. */
    public static final Pattern PAGER = Pattern.compile("Press ENTER to continue or 'Q' break:");
    /**
     * The pager prompt as it remains in the transcript: it can interrupt a line (the page fills before the
     * line end is printed), and answering it adds one line end of its own.
     */
    private static final Pattern PAGER_PROMPT = Pattern.compile("Press ENTER to continue or 'Q' break:\\n?");
    private static final Pattern LINE_END = Pattern.compile("\n");

    /**
     * Default pacing: 16 bytes, then 20 ms. On QEMU 7.2 (TCG) with OVMF 2022.11, 300 and 1000 characters sent
     * at full speed arrived intact, because QEMU's UART only takes bytes while its FIFO has room and the link
     * holds the rest; the Shell echoes about one character per 12 ms, so this pacing costs nothing measurable
     * there. It protects real 16550 UARTs without flow control, whose 16-byte FIFO overruns between
     * TerminalDxe's 20 ms polls of the serial port.
     */
    public static final int DEFAULT_PACING_CHUNK = 16;
    public static final Duration DEFAULT_PACING_PAUSE = Duration.ofMillis(20);

    private static final String ESC = "\u001b";
    /**
     * What "press ESC" sends: two ESCs. EDK II's terminal driver holds a lone ESC for two seconds (it may start an
     * escape sequence) before it hands it over; a second ESC makes it hand over the first at once. The second is
     * handed over two seconds later or before the next key typed, at the prompt, where ESC clears the (empty) line.
     */
    private static final String PRESS_ESC = ESC + ESC;
    private static final String ENTER = "\r";

    private final Console console;
    /** The prompt at the start of a line. */
    private final Pattern prompt;
    /**
     * A prompt glued to the end of unterminated output (a command that printed no final line end): only
     * trusted as the last thing received.
     */
    private final Pattern promptAtEnd;
    private final Pattern promptBeforeEnd;
    /** Distinguishes this driver's markers from those of an earlier driver on the same transcript. */
    private final String session;
    private int sequence;

    /** A driver for EDK II's Shell on {@code console}; sets the console's pacing to the defaults above. */
    public UefiShell(Console console) {
        this(console, DEFAULT_PROMPT);
    }

    /**
     * A driver for a Shell whose prompt is {@code promptRegex} (matched at a line's start, e.g. a vendor's Shell
     * build with another prompt); sets the console's pacing to the defaults above.
     *
     * @throws java.util.regex.PatternSyntaxException when the prompt is not a regular expression
     */
    public UefiShell(Console console, String promptRegex) {
        this(console, promptRegex, Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000)));
    }

    /** With a fixed marker session, so a recorded transcript can be replayed. */
    static UefiShell withSession(Console console, String session) {
        return new UefiShell(console, DEFAULT_PROMPT, session);
    }

    private UefiShell(Console console, String promptRegex, String session) {
        this.console = Objects.requireNonNull(console, "console");
        this.session = Objects.requireNonNull(session, "session");
        Objects.requireNonNull(promptRegex, "promptRegex");
        this.prompt = Pattern.compile("(?m)^(?:" + promptRegex + ")");
        this.promptAtEnd = Pattern.compile("(?:" + promptRegex + ")\\z");
        this.promptBeforeEnd = Pattern.compile("(?:" + promptRegex + ")$");
        console.setPacing(DEFAULT_PACING_CHUNK, DEFAULT_PACING_PAUSE);
    }

    /** The prompt this driver waits for, at the start of a line. */
    public Pattern prompt() {
        return prompt;
    }

    /** What to do when the Shell offers to run {@code startup.nsh}. */
    public enum StartupScript {
        /** Press ESC: skip the script and go to the prompt at once. */
        SKIP,
        /** Press ENTER: run the script now instead of after the countdown. */
        RUN
    }

    public Console console() {
        return console;
    }

    /** Waits for the Shell prompt after boot, pressing ESC once if the startup.nsh countdown appears. */
    public void awaitPrompt(Deadline deadline) {
        awaitPrompt(deadline, StartupScript.SKIP);
    }

    /**
     * Waits for the Shell to start again after a reset ({@link #BANNER}), then for its prompt. A prompt the
     * Shell printed before the reset may still be arriving; this never mistakes it for the new one.
     */
    public void awaitRestart(Deadline deadline) {
        console.expect(BANNER, deadline);
        awaitPrompt(deadline);
    }

    /** Waits for the Shell prompt after boot, answering the startup.nsh countdown once as {@code startup} says. */
    public void awaitPrompt(Deadline deadline, StartupScript startup) {
        boolean answered = false;
        while (true) {
            Match match = console.expectAny(deadline, STARTUP_COUNTDOWN, prompt);
            if (match.pattern() == prompt) {
                return;
            }
            if (!answered) {
                console.send(startup == StartupScript.SKIP ? PRESS_ESC : ENTER);
                answered = true;
            }
        }
    }

    /**
     * Runs one command line at the prompt and returns its output and {@code %lasterror%}. The Shell must be at
     * its prompt (after {@link #awaitPrompt} or a previous run).
     */
    public ShellResult run(String command, Deadline deadline) {
        Objects.requireNonNull(command, "command");
        if (command.indexOf('\r') >= 0 || command.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("one command line at a time: " + command);
        }
        int n = ++sequence;
        String beginMarker = "@@HB" + session + "-" + n + "@@";
        String endMarker = "@@HE" + session + "-" + n + "@@";
        String endLine = "echo " + split(endMarker) + " %lasterror%";

        console.send("echo " + split(beginMarker) + ENTER);
        console.expect(Pattern.compile("(?m)^" + Pattern.quote(beginMarker) + "\n"), deadline);
        console.expect(prompt, deadline);

        console.send(command + ENTER);
        console.expect(LINE_END, deadline);
        int outputStart = console.mark();
        awaitCommandEnd(deadline);

        console.send(endLine + ENTER);
        Match end = console.expect(Pattern.compile("(?m)^" + Pattern.quote(endMarker)
                + " (0x[0-9A-Fa-f]+)\n"), deadline);
        String region = console.since(outputStart).substring(0, end.start() - outputStart);
        return new ShellResult(output(region, endLine), Long.parseUnsignedLong(end.group(1).substring(2), 16));
    }

    /** Parses {@code dmpstore} output, plain or {@code -sfo}; see {@link DmpstoreParser}. */
    public static List<DmpstoreEntry> parseDmpstore(String output) {
        return DmpstoreParser.parse(output);
    }

    private void awaitCommandEnd(Deadline deadline) {
        while (true) {
            Match match = console.expectAny(deadline, prompt, promptAtEnd, PAGER);
            if (match.pattern() != PAGER) {
                return;
            }
            console.send(ENTER);
        }
    }

    /**
     * The command output in {@code region} (from the end of the command's echo to the end marker's output):
     * everything before the prompt that precedes the typed end-marker line, without pager prompts.
     */
    private String output(String region, String endLine) {
        int typed = region.lastIndexOf(endLine);
        if (typed < 0) {
            throw new ShellParseException("the echo of '" + endLine + "' is missing before its output; "
                    + "console output was lost:\n" + region);
        }
        String beforeTyped = region.substring(0, typed);
        Matcher last = promptBeforeEnd.matcher(beforeTyped);
        String output = last.find() ? beforeTyped.substring(0, last.start()) : beforeTyped;
        output = PAGER_PROMPT.matcher(output).replaceAll("");
        return output.endsWith("\n") ? output.substring(0, output.length() - 1) : output;
    }

    /** {@code @@HB..} becomes {@code @@H^B..}: the Shell drops the escape, the typed echo keeps it. */
    private static String split(String marker) {
        return marker.substring(0, 3) + "^" + marker.substring(3);
    }
}
