package hil.targets.firmware;

import hil.targets.HilException;

/**
 * A line from the UEFI agent does not follow its protocol (agent/PROTOCOL.md): a harness failure, never an EFI
 * outcome. The message says what is wrong and quotes the line (shortened, since replies can be megabytes long).
 */
public final class AgentProtocolException extends HilException {

    /** Longest excerpt of the offending line kept in the message. */
    static final int EXCERPT = 160;

    private final String line;

    public AgentProtocolException(String problem, String line) {
        super("malformed agent line (" + problem + "): '" + excerpt(line) + "'");
        this.line = line;
    }

    /** The offending line, complete. */
    public String line() {
        return line;
    }

    static String excerpt(String line) {
        if (line.length() <= EXCERPT) {
            return line;
        }
        return line.substring(0, EXCERPT) + "... (" + line.length() + " characters)";
    }
}
