package hil.targets.firmware;

import hil.transports.Deadline;
import hil.transports.console.Console;
import hil.transports.console.Match;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The conversation with the UEFI agent over the serial console: wait for its ready line, send one request line,
 * read the reply with the same sequence number. The agent does not echo, and its replies start with
 * {@code @HIL <seq>}, so neither typed text nor firmware noise can be mistaken for a reply.
 */
final class AgentChannel implements RawCallChannel {

    /** The Shell's startup.nsh countdown; its first words are interleaved with colour codes, so match the end. */
    private static final Pattern COUNTDOWN = Pattern.compile("seconds to skip");
    private static final Pattern READY = Pattern.compile("@HIL READY \\d+[^\\n]*\\n");

    /** Requests that change nothing in the firmware. */
    private static final java.util.Set<AgentRequest.Op> READING = java.util.EnumSet.of(AgentRequest.Op.GET,
            AgentRequest.Op.NEXT, AgentRequest.Op.QUERY, AgentRequest.Op.PING, AgentRequest.Op.MEMMAP);

    private final Console console;
    private final Duration callTimeout;
    private long seq;
    private long changing;

    AgentChannel(Console console, Duration callTimeout) {
        this.console = console;
        this.callTimeout = callTimeout;
    }

    /**
     * Waits until the agent reports ready. At the Shell's startup.nsh countdown it presses a key other than ESC,
     * which runs startup.nsh (and so the agent) at once instead of after five seconds.
     */
    void awaitReady(Deadline deadline) {
        boolean countdownAnswered = false;
        while (true) {
            Match m = countdownAnswered ? console.expect(READY, deadline)
                    : console.expectAny(deadline, COUNTDOWN, READY);
            if (READY.matcher(m.text()).find()) {
                AgentReply.isReady(m.text().substring(m.text().indexOf("@HIL")));
                return;
            }
            console.send("\r");
            countdownAnswered = true;
        }
    }

    /** Sends one request and returns its reply; an ERROR reply from the agent is a harness failure. */
    @Override
    public AgentReply call(AgentRequest request) {
        return call(request, Deadline.in(callTimeout));
    }

    AgentReply call(AgentRequest request, Deadline deadline) {
        long n = seq + 1;
        String line = request.line(n);
        AgentReply reply = exchange(request, deadline);
        if (reply.isError()) {
            throw new AgentProtocolException("the agent refused the request: " + reply.errorReason(),
                    line.length() > 200 ? line.substring(0, 200) + "…" : line);
        }
        return reply;
    }

    /**
     * Sends one request and returns its reply, an ERROR reply included: for calls whose refusals the caller turns
     * into something else (a protocol the firmware does not install is "not observable", not a broken harness).
     */
    AgentReply exchange(AgentRequest request) {
        return exchange(request, Deadline.in(callTimeout));
    }

    /** How many requests of this session may have changed something in the firmware (any but a read). */
    long changingRequests() {
        return changing;
    }

    private AgentReply exchange(AgentRequest request, Deadline deadline) {
        if (!READING.contains(request.op())) {
            changing++;
        }
        long n = ++seq;
        String line = request.line(n);
        console.send(line + "\r");
        Match m = console.expect(Pattern.compile("@HIL " + n + " [^\\n]*\\n"), deadline);
        String text = m.text();
        return AgentReply.parse(text.substring(text.indexOf("@HIL")));
    }

    /** Waits for the agent after a reset; text from before the reset is never taken for the new ready line. */
    void awaitReadyAfterReset(Runnable reset, Deadline deadline) {
        console.skip();
        reset.run();
        awaitReady(deadline);
    }

    /** Asks the firmware to power off (ResetSystem(EfiResetShutdown)). */
    void shutdown(Deadline deadline) {
        try {
            call(AgentRequest.shutdown(), deadline);
        } catch (RuntimeException e) {
            // The machine may go away before the acknowledgement is read; the caller reaps the process.
        }
    }
}
