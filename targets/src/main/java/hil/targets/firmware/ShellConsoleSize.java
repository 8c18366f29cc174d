package hil.targets.firmware;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The size of the Shell's console, which bounds the command line: the Shell's line editor takes at most one
 * screen less one row, counted from the column where the prompt ends. Characters typed beyond it are dropped
 * without a word and the shortened line still runs — for {@code setvar NAME =HEX} that can leave an odd number
 * of hex digits, which {@code setvar} then writes as ASCII text. Measured on OVMF 2022.11 in its 100 x 31 serial
 * console behind {@code Shell> }: 2992 characters were kept, 100 × 30 − 7 − 1.
 *
 * @param columns the current mode's columns
 * @param rows    the current mode's rows
 */
record ShellConsoleSize(int columns, int rows) {

    /** Every UEFI console offers 80 x 25; the size to assume when {@code mode} cannot be read. */
    static final ShellConsoleSize SMALLEST = new ShellConsoleSize(80, 25);

    /** Room left for the prompt ({@code Shell> } is 7 columns, {@code FS0:\> } as many) and the line's end. */
    private static final int PROMPT_ALLOWANCE = 16;

    /** The current mode in {@code mode}'s listing: {@code   Col   100 Row    31  *}. */
    private static final Pattern CURRENT = Pattern.compile("(?m)^\\s*Col\\s+(\\d+)\\s+Row\\s+(\\d+)\\s*\\*\\s*$");

    /** The current mode from the output of the Shell's {@code mode} command; {@link #SMALLEST} when none is marked. */
    static ShellConsoleSize fromModeOutput(String output) {
        Matcher m = CURRENT.matcher(output);
        if (!m.find()) {
            return SMALLEST;
        }
        return new ShellConsoleSize(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /** The longest command line that is typed whole, with room for any prompt this project's sessions show. */
    int maxCommandLength() {
        return columns * (rows - 1) - PROMPT_ALLOWANCE;
    }

    @Override
    public String toString() {
        return columns + " x " + rows;
    }
}
