package hil.transports.console;

/**
 * Turns decoded terminal output into plain text, one character at a time, so that an escape sequence split
 * across two reads is still removed whole. Rules:
 * <ul>
 *   <li>escape sequences are removed: CSI ({@code ESC [} ... final byte, including private forms such as
 *       {@code ESC [=3h} that OVMF sends), OSC/DCS/SOS/PM/APC strings up to BEL or {@code ESC \}, charset
 *       selects such as {@code ESC ( B}, and two-character sequences such as {@code ESC 7};</li>
 *   <li>cursor moves are removed without being rendered: OVMF echoes each typed character with a cursor
 *       position before it, and those must not break the echoed line apart;</li>
 *   <li>CR LF, a run of CRs followed by LF, and a lone CR each become one LF;</li>
 *   <li>backspace deletes the previous character unless it is a line end;</li>
 *   <li>other control characters (NUL, BEL, DEL, C1) are dropped; LF and TAB are kept.</li>
 * </ul>
 * Not thread-safe; the console buffer drives it under its lock.
 */
final class TerminalFilter {

    /** Where cleaned text goes. */
    interface Sink {
        void emit(char c);

        void backspace();
    }

    private static final char ESC = 0x1B;
    private static final char BEL = 0x07;
    private static final char CAN = 0x18;
    private static final char SUB = 0x1A;
    /** A CSI longer than this is garbage (a stray ESC [); give up on it rather than swallow the transcript. */
    private static final int MAX_SEQUENCE = 64;
    private static final int MAX_STRING = 4096;

    private enum State { GROUND, ESCAPE, ESCAPE_INTERMEDIATE, CSI, STRING, STRING_ESCAPE }

    private State state = State.GROUND;
    private int sequenceLength;
    private boolean pendingCr;

    void feed(CharSequence chars, Sink sink) {
        for (int i = 0; i < chars.length(); i++) {
            feed(chars.charAt(i), sink);
        }
    }

    /** End of stream: a CR still waiting for a possible LF becomes a line end. */
    void flush(Sink sink) {
        if (pendingCr) {
            pendingCr = false;
            sink.emit('\n');
        }
        state = State.GROUND;
    }

    void feed(char c, Sink sink) {
        switch (state) {
            case GROUND -> ground(c, sink);
            case ESCAPE -> escape(c);
            case ESCAPE_INTERMEDIATE -> escapeIntermediate(c);
            case CSI -> csi(c);
            case STRING -> string(c);
            case STRING_ESCAPE -> stringEscape(c);
            default -> throw new IllegalStateException(state.name());
        }
    }

    private void ground(char c, Sink sink) {
        if (c == '\r') {
            pendingCr = true;
            return;
        }
        if (c == '\n') {
            pendingCr = false;
            sink.emit('\n');
            return;
        }
        if (pendingCr) {
            pendingCr = false;
            sink.emit('\n');
        }
        if (c == ESC) {
            enter(State.ESCAPE);
        } else if (c == '\t') {
            sink.emit(c);
        } else if (c == '\b') {
            sink.backspace();
        } else if (c == 0x9B) {
            enter(State.CSI);
        } else if (c == 0x90 || c == 0x98 || c == 0x9D || c == 0x9E || c == 0x9F) {
            enter(State.STRING);
        } else if (c >= 0x20 && c != 0x7F && (c < 0x80 || c > 0x9F)) {
            sink.emit(c);
        }
        // Remaining C0 controls, DEL and C1 controls are dropped.
    }

    private void escape(char c) {
        if (c == '[') {
            enter(State.CSI);
        } else if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_') {
            enter(State.STRING);
        } else if (c >= 0x20 && c <= 0x2F) {
            enter(State.ESCAPE_INTERMEDIATE);
        } else if (c == ESC) {
            enter(State.ESCAPE);
        } else {
            // A final character (ESC 7, ESC =, ESC c, ...) ends the sequence; CAN, SUB and others abort it.
            state = State.GROUND;
        }
    }

    private void escapeIntermediate(char c) {
        if (c >= 0x20 && c <= 0x2F && ++sequenceLength < MAX_SEQUENCE) {
            return;
        }
        state = c == ESC ? State.ESCAPE : State.GROUND;
    }

    private void csi(char c) {
        if (c >= 0x40 && c <= 0x7E) {
            state = State.GROUND;
        } else if (c == ESC) {
            enter(State.ESCAPE);
        } else if (c == CAN || c == SUB || ++sequenceLength > MAX_SEQUENCE) {
            state = State.GROUND;
        }
        // Parameter and intermediate bytes (0x20-0x3F) and stray controls stay inside the sequence.
    }

    private void string(char c) {
        if (c == BEL || c == 0x9C || c == CAN || c == SUB || ++sequenceLength > MAX_STRING) {
            state = State.GROUND;
        } else if (c == ESC) {
            state = State.STRING_ESCAPE;
        }
    }

    private void stringEscape(char c) {
        if (c == '\\') {
            state = State.GROUND;
        } else {
            // ESC followed by anything else ends the string and starts a new sequence.
            state = State.ESCAPE;
            escape(c);
        }
    }

    private void enter(State next) {
        state = next;
        sequenceLength = 0;
    }
}
