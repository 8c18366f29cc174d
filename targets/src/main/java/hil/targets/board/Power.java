package hil.targets.board;

import java.util.Optional;

/**
 * Switches a physical board's power. Every failure is an {@link hil.targets.InfrastructureException} (usually a
 * {@link PowerException}) that names the power method and what it ran: a broken power switch says nothing about the
 * firmware under test.
 */
public interface Power {

    /** Switches the board on; returns once the power method reports success. */
    void on();

    /** Switches the board off; returns once the power method reports success. */
    void off();

    /** Switches the board off and on again, with the method's off-to-on delay in between. */
    void cycle();

    /** One line for transcripts and error messages, e.g. "pdudaemon http://lab:16421 pdu01 port 3". */
    String describe();

    /**
     * Whether the board is powered, if the method can tell. Empty means unknown, never "off": a method without a state
     * query (pdudaemon, commands, an operator) must not be read as reporting the board off.
     */
    default Optional<Boolean> state() {
        return Optional.empty();
    }
}
