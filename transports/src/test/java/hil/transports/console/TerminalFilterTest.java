package hil.transports.console;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** What the cleaned transcript keeps of terminal output; each case is checked whole and one char at a time. */
class TerminalFilterTest {

    private static final String E = "\u001b";

    static Stream<Arguments> cases() {
        return Stream.of(
                arguments("plain text passes", "Shell> ", "Shell> "),
                arguments("CR LF becomes LF", "a\r\nb\r\n", "a\nb\n"),
                arguments("a lone CR becomes LF", "50%\r60%", "50%\n60%"),
                arguments("CRs before LF count once", "page\r\r\nnext", "page\nnext"),
                arguments("LF alone stays", "a\nb", "a\nb"),
                arguments("SGR colours are removed", E + "[1m" + E + "[33m" + E + "[40mShell> " + E + "[0m", "Shell> "),
                arguments("cursor positions are removed without a line break",
                        E + "[06;08He" + E + "[06;09H" + E + "[06;09Hc" + E + "[06;10H", "ec"),
                arguments("private CSI forms such as OVMF's mode set are removed", E + "[=3h" + E + "[2J" + E + "[?25lx", "x"),
                arguments("OSC ended by BEL is removed", E + "]0;window title\u0007after", "after"),
                arguments("OSC ended by ST is removed", E + "]2;title" + E + "\\after", "after"),
                arguments("DCS strings are removed", E + "P1$r0m" + E + "\\x", "x"),
                arguments("charset selects are removed", E + "(B" + E + ")0text", "text"),
                arguments("two-character sequences are removed", E + "7saved" + E + "8" + E + "=", "saved"),
                arguments("an ESC inside a CSI starts a new sequence", "a" + E + "[1" + E + "[0mb", "ab"),
                arguments("CAN aborts a sequence", "a" + E + "[12\u0018b", "ab"),
                arguments("8-bit CSI is removed", "a\u009b1;2Hb", "ab"),
                arguments("backspace deletes the previous character", "abc\bd", "abd"),
                arguments("backspace never deletes a line end", "a\n\bb", "a\nb"),
                arguments("NUL, BEL, DEL and other controls are dropped", "a\u0000b\u0007c\u007fd\u0001e\u0085f", "abcdef"),
                arguments("TAB is kept", "a\tb", "a\tb"),
                arguments("a CR before an escape sequence still ends the line",
                        "output\r" + E + "[47;01HShell> ", "output\nShell> "),
                arguments("non-ASCII text passes", "Grüße ✓", "Grüße ✓"),
                arguments("a runaway CSI gives up after 64 parameter characters instead of swallowing output",
                        E + "[" + "1".repeat(100) + "x", "1".repeat(35) + "x"),
                arguments("real OVMF startup countdown",
                        E + "[05;01HPress " + E + "[1m" + E + "[37m" + E + "[40mESC" + E + "[0m" + E + "[37m" + E
                                + "[40m in 5 seconds to skip " + E + "[1m" + E + "[33m" + E + "[40mstartup.nsh" + E
                                + "[0m" + E + "[37m" + E + "[40m or any other key to continue.",
                        "Press ESC in 5 seconds to skip startup.nsh or any other key to continue."));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void cleansTerminalOutput(String description, String input, String expected) {
        assertEquals(expected, cleanWhole(input), "fed at once");
        assertEquals(expected, cleanCharByChar(input), "fed one character at a time");
    }

    private static String cleanWhole(String input) {
        Recorder sink = new Recorder();
        TerminalFilter filter = new TerminalFilter();
        filter.feed(input, sink);
        filter.flush(sink);
        return sink.text.toString();
    }

    private static String cleanCharByChar(String input) {
        Recorder sink = new Recorder();
        TerminalFilter filter = new TerminalFilter();
        for (char c : input.toCharArray()) {
            filter.feed(String.valueOf(c), sink);
        }
        filter.flush(sink);
        return sink.text.toString();
    }

    private static final class Recorder implements TerminalFilter.Sink {
        final StringBuilder text = new StringBuilder();

        @Override
        public void emit(char c) {
            text.append(c);
        }

        @Override
        public void backspace() {
            if (text.length() > 0 && text.charAt(text.length() - 1) != '\n') {
                text.setLength(text.length() - 1);
            }
        }
    }
}
