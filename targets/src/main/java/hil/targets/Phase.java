package hil.targets;

/** The firmware phase a call is made in. */
public enum Phase {
    /** Before ExitBootServices. */
    BOOT("boot"),
    /** After ExitBootServices, still in physical mode. */
    RUNTIME("runtime"),
    /** After SetVirtualAddressMap. */
    VIRTUAL("virtual");

    private final String label;

    Phase(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
