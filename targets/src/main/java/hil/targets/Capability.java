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
    SNAPSHOT("snapshot"),
    /**
     * Calls made before EndOfDxe: RequestToLock, policies and MOR writes while the platform still takes them. Only
     * the simulator has it: on real firmware a test's code runs after EndOfDxe.
     */
    BEFORE_END_OF_DXE("before-end-of-dxe", "calls before EndOfDxe, which no loadable code makes on real firmware:"
            + " EDK II's BDS signals EndOfDxe before it runs any Driver#### or Boot#### option (OVMF in"
            + " PlatformBootManagerBeforeConsole), so the Shell and every application see the platform after it");

    private final String tag;
    private final String whyMissing;

    Capability(String tag) {
        this(tag, "");
    }

    Capability(String tag, String whyMissing) {
        this.tag = tag;
        this.whyMissing = whyMissing;
    }

    /** What a target without this capability cannot do, for the skip reason; empty when the tag says it all. */
    public String whyMissing() {
        return whyMissing;
    }

    /** The name used in lab-config and in {@code @requires:} tags. */
    public String tag() {
        return tag;
    }

    public static Optional<Capability> fromTag(String tag) {
        return Arrays.stream(values()).filter(c -> c.tag.equals(tag)).findFirst();
    }
}
