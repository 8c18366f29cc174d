package hil.targets.firmware;

/** How boot-phase variable calls reach the firmware. */
public enum CallPath {
    /** Raw calls by the UEFI agent (capability {@code raw-calls}). */
    AGENT,
    /** The UEFI Shell's setvar and dmpstore (capability {@code shell-vars}). */
    SHELL
}
