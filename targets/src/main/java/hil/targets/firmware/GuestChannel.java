package hil.targets.firmware;

import hil.transports.Deadline;
import hil.transports.console.Console;
import hil.transports.console.Match;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The conversation with the guest agent of the OS phase over the serial console: its ready line, then one request
 * line and one {@code @HIL <seq>} reply at a time. Linux's serial driver takes input as fast as the host sends it
 * (QEMU holds back what the UART cannot take), so requests are sent unpaced.
 */
public final class GuestChannel {

    static final Pattern READY = Pattern.compile("@HIL GUEST READY [^\\n]*\\n");

    private final Console console;
    private final Duration callTimeout;
    private long seq;

    GuestChannel(Console console, Duration callTimeout) {
        this.console = console;
        this.callTimeout = callTimeout;
    }

    /** Waits for the ready line and returns what it says. */
    GuestReply.Ready awaitReady(Deadline deadline) {
        Match m = console.expect(READY, deadline);
        String text = m.text();
        return GuestReply.parseReady(text.substring(text.indexOf("@HIL")));
    }

    /** Sends one request and returns its reply; an ERROR reply is a harness failure. */
    public GuestReply call(GuestRequest request) {
        long n = ++seq;
        String line = request.line(n);
        console.send(line + "\r");
        Match m = console.expect(Pattern.compile("@HIL " + n + " [^\\n]*\\n"), Deadline.in(callTimeout));
        String text = m.text();
        GuestReply reply = GuestReply.parse(text.substring(text.indexOf("@HIL")));
        if (reply.isError()) {
            throw new AgentProtocolException("the guest agent refused the request: " + reply.errorReason(), line);
        }
        if (!reply.op().equals(request.op())) {
            throw new AgentProtocolException("reply to " + request.op() + " names " + reply.op(), reply.line());
        }
        return reply;
    }
}
