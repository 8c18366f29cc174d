package hil.simulator.platform;

import java.util.List;

/** EFI event type bits (reference 6.1) and the exact Type values EDK II's CreateEvent accepts. */
public final class EventTypes {

    public static final int EVT_TIMER = 0x80000000;
    public static final int EVT_RUNTIME = 0x40000000;
    /** Deprecated since UEFI 2.0, still part of EVT_SIGNAL_VIRTUAL_ADDRESS_CHANGE. */
    public static final int EVT_RUNTIME_CONTEXT = 0x20000000;
    public static final int EVT_NOTIFY_WAIT = 0x00000100;
    public static final int EVT_NOTIFY_SIGNAL = 0x00000200;
    public static final int EVT_SIGNAL_EXIT_BOOT_SERVICES = 0x00000201;
    public static final int EVT_SIGNAL_VIRTUAL_ADDRESS_CHANGE = 0x60000202;

    /** Every Type value CreateEvent/CreateEventEx accept; anything else is EFI_INVALID_PARAMETER. */
    public static final List<Integer> ACCEPTED = List.of(
            EVT_TIMER | EVT_NOTIFY_SIGNAL,
            EVT_TIMER,
            EVT_NOTIFY_WAIT,
            EVT_NOTIFY_SIGNAL,
            EVT_SIGNAL_EXIT_BOOT_SERVICES,
            EVT_SIGNAL_VIRTUAL_ADDRESS_CHANGE,
            0,
            EVT_TIMER | EVT_NOTIFY_WAIT);

    private EventTypes() {
    }

    public static boolean accepted(int type) {
        return ACCEPTED.contains(type);
    }

    /** Whether events of this type have a notify function. */
    public static boolean notifies(int type) {
        return (type & (EVT_NOTIFY_WAIT | EVT_NOTIFY_SIGNAL)) != 0;
    }

    /** {@code 0x60000202} style. */
    public static String hex(int type) {
        return String.format("0x%08X", type);
    }
}
