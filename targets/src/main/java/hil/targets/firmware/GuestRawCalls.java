package hil.targets.firmware;

import hil.targets.HilException;

/**
 * Raw variable calls in the OS phase: the guest agent writes each request to the mailbox of the runtime driver
 * {@code hilrtcall.efi}, which the Shell loaded before Linux, and reads the result back ({@link RtCallCodec}). The
 * driver makes the call through the firmware's own services in the runtime context Linux set up (after
 * ExitBootServices and SetVirtualAddressMap), so the status and outputs are the firmware's, exactly as the boot
 * agent reports them; Linux only carries the bytes (as a volatile BS|RT SetVariable and two GetVariables of the
 * mailbox variables, which the driver answers itself).
 */
final class GuestRawCalls implements RawCallChannel {

    private final GuestChannel channel;
    private int seq;

    GuestRawCalls(GuestChannel channel) {
        this.channel = channel;
    }

    /**
     * Asks the driver for its HELLO; fails clearly when it is not there (the result variable does not exist) or
     * answers with something else.
     */
    RtCallCodec.Hello hello() {
        int n = ++seq;
        byte[] result = exchange(RtCallCodec.hello(n));
        RtCallCodec.Hello hello = RtCallCodec.decodeHello(n, result);
        if (!hello.text().equals(RtCallCodec.HELLO_TEXT)) {
            throw new HilException("the runtime driver introduces itself as '" + hello.text() + "', not '"
                    + RtCallCodec.HELLO_TEXT + "'; rebuild agent/rtcall");
        }
        return hello;
    }

    @Override
    public AgentReply call(AgentRequest request) {
        int n = ++seq;
        return RtCallCodec.decode(request, n, exchange(RtCallCodec.encode(request, n)));
    }

    private byte[] exchange(RtCallCodec.Encoded encoded) {
        GuestReply r = channel.call(GuestRequest.rtcall(encoded.head(), encoded.data()));
        if (!r.succeeded()) {
            if ("open-result".equals(r.failedCall()) && "ENOENT".equals(r.errname())) {
                throw new HilException("the runtime driver " + LinuxGuest.RTCALL_FILE + " is not loaded: efivarfs has"
                        + " no " + RtCallCodec.RESULT_VARIABLE + "-" + RtCallCodec.MAILBOX + " (set os-calls: efivarfs"
                        + " to use efivarfs instead)");
            }
            throw new HilException("the guest could not use the runtime driver's mailbox: "
                    + LinuxErrno.describe(r.errname()) + " from " + r.failedCall() + " (" + r.line() + ")");
        }
        return r.bytes("result");
    }
}
