package hil.targets.board;

import java.time.Duration;

/**
 * One power command as run, for the scenario transcript.
 *
 * @param action     "power-on", "power-off" or "power-cycle"
 * @param command    the command line given to {@code /bin/sh -c}
 * @param exitStatus the shell's exit status; {@link #TIMED_OUT} when it was killed for exceeding its timeout,
 *                   {@link #NOT_STARTED} when it could not be started
 * @param stdoutTail the end of what the command wrote to stdout (at most {@link CommandPower#TAIL_BYTES} bytes)
 * @param stderrTail the end of what the command wrote to stderr (at most {@link CommandPower#TAIL_BYTES} bytes)
 * @param took       from start to exit (or to the kill)
 */
public record PowerEvent(String action, String command, int exitStatus, String stdoutTail, String stderrTail,
                         Duration took) {

    /** The exit status recorded for a command killed because it exceeded its timeout. */
    public static final int TIMED_OUT = -1;

    /** The exit status recorded for a command that could not be started at all. */
    public static final int NOT_STARTED = -2;

    public boolean succeeded() {
        return exitStatus == 0;
    }
}
