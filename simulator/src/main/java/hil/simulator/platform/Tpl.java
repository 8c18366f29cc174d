package hil.simulator.platform;

/**
 * Task priority levels (EFI_TPL). A notify function runs at its event's TPL; when several are pending, the higher
 * TPL runs first. Kept as numbers because the services check ranges, not only the named levels.
 */
public final class Tpl {

    public static final long APPLICATION = 4;
    public static final long CALLBACK = 8;
    public static final long NOTIFY = 16;
    public static final long HIGH_LEVEL = 31;

    private Tpl() {
    }

    /** {@code TPL_NOTIFY} for a named level, else the number. */
    public static String describe(long tpl) {
        if (tpl == APPLICATION) {
            return "TPL_APPLICATION";
        }
        if (tpl == CALLBACK) {
            return "TPL_CALLBACK";
        }
        if (tpl == NOTIFY) {
            return "TPL_NOTIFY";
        }
        if (tpl == HIGH_LEVEL) {
            return "TPL_HIGH_LEVEL";
        }
        return Long.toString(tpl);
    }
}
