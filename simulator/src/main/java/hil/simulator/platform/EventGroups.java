package hil.simulator.platform;

import hil.simulator.uefi.EfiGuid;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The event-group GUIDs the platform signals (reference 6.1, 6.2, 5.2), with the names features use for them. */
public final class EventGroups {

    public static final EfiGuid EXIT_BOOT_SERVICES = EfiGuid.parse("27ABF055-B1B8-4C26-8048-748F37BAA2DF");
    public static final EfiGuid BEFORE_EXIT_BOOT_SERVICES = EfiGuid.parse("8BE0E274-3970-4B44-80C5-1AB9502F3BFC");
    public static final EfiGuid EXIT_BOOT_SERVICES_FAILED = EfiGuid.parse("4F6C5507-232F-4787-B95E-72F862490CB1");
    public static final EfiGuid VIRTUAL_ADDRESS_CHANGE = EfiGuid.parse("13FA7698-C831-49C7-87EA-8F43FCC25196");
    public static final EfiGuid READY_TO_BOOT = EfiGuid.parse("7CE88FB3-4BD7-4679-87A8-A8D8DEE50D2B");
    public static final EfiGuid END_OF_DXE = EfiGuid.parse("02CE967A-DD7E-4FFC-9EE7-810CF0470880");
    public static final EfiGuid LEGACY_BOOT = EfiGuid.parse("2A571201-4966-47F6-8B86-F31E41F32F10");

    private static final Map<String, EfiGuid> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put("ExitBootServices", EXIT_BOOT_SERVICES);
        BY_NAME.put("BeforeExitBootServices", BEFORE_EXIT_BOOT_SERVICES);
        BY_NAME.put("ExitBootServicesFailed", EXIT_BOOT_SERVICES_FAILED);
        BY_NAME.put("VirtualAddressChange", VIRTUAL_ADDRESS_CHANGE);
        BY_NAME.put("ReadyToBoot", READY_TO_BOOT);
        BY_NAME.put("EndOfDxe", END_OF_DXE);
        BY_NAME.put("LegacyBoot", LEGACY_BOOT);
    }

    private EventGroups() {
    }

    /** The group called {@code name} ("ExitBootServices", "ReadyToBoot", …). */
    public static Optional<EfiGuid> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** The group's name, or its GUID when it is not one of the known groups. */
    public static String name(EfiGuid group) {
        return BY_NAME.entrySet().stream().filter(e -> e.getValue().equals(group)).map(Map.Entry::getKey)
                .findFirst().orElse(group.toString());
    }

    /** The known group names, for messages. */
    public static String names() {
        return String.join(", ", BY_NAME.keySet());
    }
}
