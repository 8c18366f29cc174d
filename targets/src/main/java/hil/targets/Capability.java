package hil.targets;

import java.util.Arrays;
import java.util.Optional;

/** What a target can do or observe. Scenarios tagged {@code @requires:<tag>} are skipped on targets without it. */
public enum Capability {
    /** Raw runtime-service calls with exact buffer sizes and NULL pointers. */
    RAW_CALLS("raw-calls"),
    /** Variables through the UEFI Shell ({@code setvar}, {@code dmpstore}). */
    SHELL_VARS("shell-vars"),
    /** Calls after ExitBootServices and SetVirtualAddressMap. */
    OS_PHASE("os-phase"),
    /** Power loss injected during a flash write. */
    FAULT_INJECTION("fault-injection"),
    /** Platform reset that keeps the non-volatile store. */
    RESET("reset"),
    /** Saving and restoring the whole target state. */
    SNAPSHOT("snapshot");

    private final String tag;

    Capability(String tag) {
        this.tag = tag;
    }

    /** The name used in lab-config and in {@code @requires:} tags. */
    public String tag() {
        return tag;
    }

    public static Optional<Capability> fromTag(String tag) {
        return Arrays.stream(values()).filter(c -> c.tag.equals(tag)).findFirst();
    }
}
