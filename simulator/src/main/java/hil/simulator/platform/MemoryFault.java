package hil.simulator.platform;

/**
 * An access the simulated CPU could not make or that the platform flags: a physical address used after the switch
 * to virtual mode, memory the OS took over at ExitBootServices, freed memory, or nothing at all. Real hardware
 * would page-fault or silently read the OS's data; the simulator stops the access and says which it was. Drivers
 * catch it and report a {@link RuntimeFault} naming the pointer.
 */
public final class MemoryFault extends RuntimeException {

    /** What was wrong with the access. */
    public enum Kind {
        /** A physical address of mapped runtime memory, used in virtual mode. */
        NOT_CONVERTED,
        /** Boot-services memory, which the OS owns (and may have overwritten) since ExitBootServices. */
        FREED_AT_EXIT_BOOT_SERVICES,
        /** Memory returned with FreePool/FreePages, or the image of an unloaded driver. */
        FREED,
        /** Past the end of the allocation the address points into. */
        OUT_OF_BOUNDS,
        /** No memory at that address. */
        UNMAPPED
    }

    private final Kind kind;
    private final long address;

    public MemoryFault(Kind kind, long address) {
        super(describe(kind, address, String.format("address 0x%X", address)));
        this.kind = kind;
        this.address = address;
    }

    public Kind kind() {
        return kind;
    }

    public long address() {
        return address;
    }

    /** The fault as a sentence about {@code subject}, e.g. {@code mSmmCommunication was not converted}. */
    public String describe(String subject) {
        return describe(kind, address, subject);
    }

    private static String describe(Kind kind, long address, String subject) {
        return switch (kind) {
            case NOT_CONVERTED -> subject + " was not converted";
            case FREED_AT_EXIT_BOOT_SERVICES -> subject + " points into boot-services memory freed at ExitBootServices";
            case FREED -> subject + " points into freed memory";
            case OUT_OF_BOUNDS -> subject + " points past the end of its allocation";
            case UNMAPPED -> subject + String.format(" points to 0x%X, where nothing is mapped", address);
        };
    }
}
