package hil.targets.firmware;

import java.util.regex.Pattern;

/** Fields both agents' reply lines share ({@code @HIL <seq> <OP> …} and {@code @HILG <seq> <OP> …}). */
final class ReplyFields {

    private static final Pattern SEQ = Pattern.compile("[0-9]{1,20}");

    private ReplyFields() {
    }

    /** The sequence number: decimal, at most 64 bits unsigned. */
    static long sequence(String token, String line) {
        if (!SEQ.matcher(token).matches()) {
            throw new AgentProtocolException("sequence number '" + token + "' is not decimal", line);
        }
        try {
            return Long.parseUnsignedLong(token);
        } catch (NumberFormatException e) {
            throw new AgentProtocolException("sequence number '" + token + "' does not fit in 64 bits", line);
        }
    }
}
