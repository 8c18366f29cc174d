package hil.targets.firmware;

/**
 * Where raw variable calls go: the UEFI agent in the boot phase, the runtime driver's mailbox in the OS phase.
 * Either answers a call with the reply the agent protocol defines (agent/PROTOCOL.md), the raw EFI status first.
 */
interface RawCallChannel {

    /** Makes the call and returns its reply; a refused request is a harness failure. */
    AgentReply call(AgentRequest request);
}
