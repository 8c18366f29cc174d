package hil.transports.testing;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A scripted stand-in for the EDK II Shell on a serial terminal, byte-compatible with what OVMF 2022.11 sends:
 * each typed character is echoed between cursor-position sequences, the prompt is coloured and placed with a
 * cursor move, {@code echo} drops {@code ^} escapes, expands {@code %lasterror%} and leaves it unchanged, and
 * unknown commands fail with 0xE. It reacts synchronously in the writer's thread, so tests need no timing.
 */
public final class FakeUefiShell {

    /** A scripted command: its output lines, status, and optionally a page break after some lines. */
    public record Response(List<String> lines, long lastError, int pageAfter, boolean finalLineEnd) {
        public static Response of(long lastError, String... lines) {
            return new Response(List.of(lines), lastError, 0, true);
        }

        public Response pagedAfter(int lineCount) {
            return new Response(lines, lastError, lineCount, finalLineEnd);
        }

        public Response withoutFinalLineEnd() {
            return new Response(lines, lastError, pageAfter, false);
        }
    }

    private enum Mode { COUNTDOWN, PROMPT, PAGER }

    private static final String PROMPT = "\u001b[1m\u001b[33m\u001b[40mShell> \u001b[0m\u001b[37m\u001b[40m";
    private String prompt = PROMPT;

    private final ByteQueueInputStream screen = new ByteQueueInputStream();
    private final Map<String, Response> responses = new HashMap<>();
    private final List<String> executed = new ArrayList<>();
    private final StringBuilder line = new StringBuilder();
    private final Deque<String> pendingOutput = new ArrayDeque<>();
    private final StringBuilder keysAtCountdown = new StringBuilder();
    private Mode mode = Mode.PROMPT;
    private long lastError;
    private int row = 5;
    private String startupScriptOutput = "";

    /** A Shell build whose prompt is {@code text} (plain) instead of EDK II's coloured {@code Shell> }. */
    public FakeUefiShell withPrompt(String text) {
        prompt = text;
        return this;
    }

    /** What the console reads: the fake's screen output. */
    public ByteQueueInputStream screen() {
        return screen;
    }

    /** What the console writes to: the fake's keyboard. */
    public OutputStream keyboard() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                key((char) (b & 0xFF));
            }
        };
    }

    public FakeUefiShell respond(String commandLine, Response response) {
        responses.put(commandLine, response);
        return this;
    }

    /** The banner and two countdown lines, then waits for a key as the real Shell does. */
    public synchronized void bootToCountdown(String startupOutput) {
        startupScriptOutput = startupOutput;
        print("\u001b[2J\u001b[01;01HUEFI Interactive Shell v2.2\r\nEDK II\r\nUEFI v2.70 (EDK II, 0x00010000)\r\n");
        print("\u001b[05;01HPress \u001b[1m\u001b[37m\u001b[40mESC\u001b[0m\u001b[37m\u001b[40m in 5 seconds to skip "
                + "\u001b[1m\u001b[33m\u001b[40mstartup.nsh\u001b[0m\u001b[37m\u001b[40m or any other key to continue.");
        print("\u001b[05;01HPress \u001b[1m\u001b[37m\u001b[40mESC\u001b[0m\u001b[37m\u001b[40m in 4 seconds to skip "
                + "\u001b[1m\u001b[33m\u001b[40mstartup.nsh\u001b[0m\u001b[37m\u001b[40m or any other key to continue.");
        mode = Mode.COUNTDOWN;
    }

    /** Command lines executed so far, as the Shell received them. */
    public synchronized List<String> executed() {
        return List.copyOf(executed);
    }

    /** The keys pressed while the countdown ran. */
    public synchronized String keysAtCountdown() {
        return keysAtCountdown.toString();
    }

    public synchronized void setLastError(long value) {
        lastError = value;
    }

    private synchronized void key(char c) {
        switch (mode) {
            case COUNTDOWN -> {
                keysAtCountdown.append(c);
                print("\r\n");
                if (c != 0x1B) {
                    print("\u001b[" + row + ";01H" + PROMPT + "echo from startup\r\n" + startupScriptOutput + "\r\n");
                }
                mode = Mode.PROMPT;
                prompt();
            }
            case PAGER -> {
                if (c == '\r') {
                    print("\r\r\n");
                    mode = Mode.PROMPT;
                    flushOutput();
                }
            }
            case PROMPT -> {
                if (c == '\r') {
                    print("\r\n");
                    execute(line.toString());
                    line.setLength(0);
                } else if (c >= 0x20 && c < 0x7F) {
                    int column = 8 + line.length();
                    line.append(c);
                    print("\u001b[" + row + ";" + column + "H" + c + "\u001b[" + row + ";" + (column + 1) + "H");
                }
            }
            default -> throw new IllegalStateException();
        }
    }

    private void execute(String commandLine) {
        executed.add(commandLine);
        Response response;
        if (commandLine.startsWith("echo ")) {
            String text = commandLine.substring(5).replace("%lasterror%", "0x" + Long.toHexString(lastError)
                    .toUpperCase());
            response = Response.of(lastError, text.replaceAll("\\^(.)", "$1"));
        } else {
            response = responses.getOrDefault(commandLine, Response.of(0xE, "'" + commandLine.split(" ")[0]
                    + "' is not recognized as an internal or external command, operable program, or script file."));
        }
        lastError = response.lastError();
        List<String> lines = response.lines();
        for (int i = 0; i < lines.size(); i++) {
            boolean last = i == lines.size() - 1;
            String end = last && !response.finalLineEnd() ? "" : "\r\n";
            if (response.pageAfter() > 0 && i == response.pageAfter()) {
                pendingOutput.add("Press ENTER to continue or 'Q' break:");
            }
            pendingOutput.add(lines.get(i) + end);
        }
        flushOutput();
    }

    private void flushOutput() {
        while (!pendingOutput.isEmpty()) {
            String next = pendingOutput.removeFirst();
            print(next);
            if (next.startsWith("Press ENTER")) {
                mode = Mode.PAGER;
                return;
            }
        }
        prompt();
    }

    private void prompt() {
        row++;
        print("\u001b[" + row + ";01H" + prompt);
    }

    private void print(String text) {
        screen.feed(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
