package hil.targets.firmware;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Which scenarios need an OS phase that a program drives call by call. Linux's EFI stub reads the memory map and
 * calls ExitBootServices with its own key, and its kernel makes the only SetVirtualAddressMap call, with its own map,
 * before any program runs; a scenario that reads the map, passes a key of its own, tries SetVirtualAddressMap
 * itself, or has a driver call ConvertPointer after ExitBootServices needs the UEFI agent as the OS loader instead.
 * Every other scenario's OS phase is Linux's.
 */
final class OsLoaderSteps {

    private static final List<Pattern> ALWAYS = List.of(
            Pattern.compile("the OS reads the memory map"),
            Pattern.compile("the OS calls ExitBootServices with the map key it read"),
            Pattern.compile("the OS tries to call SetVirtualAddressMap( with .*)?"));
    private static final Pattern OS_START = Pattern.compile("the OS calls ExitBootServices");
    private static final Pattern CONVERT = Pattern.compile("the driver \".*\" converts its pointer \".*\"");

    private OsLoaderSteps() {
    }

    /** Whether the steps (texts as written, without keywords) need the agent as the OS loader. */
    static boolean needed(List<String> steps) {
        boolean osStarted = false;
        for (String step : steps) {
            if (ALWAYS.stream().anyMatch(p -> p.matcher(step).matches())) {
                return true;
            }
            if (OS_START.matcher(step).matches()) {
                osStarted = true;
            } else if (osStarted && CONVERT.matcher(step).matches()) {
                return true;
            }
        }
        return false;
    }
}
