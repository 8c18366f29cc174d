package hil.transports.console;

import java.util.regex.Pattern;

/** A pattern that means the target is broken, and what to tell the user when it appears. */
record FailPattern(Pattern pattern, String diagnosis) {
}
