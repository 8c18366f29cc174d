package hil.targets;

import hil.reports.model.Observation;

import java.util.List;

/**
 * The runtime-driver model: events signalled at ExitBootServices and SetVirtualAddressMap, the memory map,
 * ConvertPointer, and drivers whose pointers must be converted. Offered by targets that can observe it.
 *
 * <p>A test driver is described by a {@link DriverSpec} (written in a scenario) and loaded into the current boot.
 * Every method is one call or one look, and returns its observation; faults the target detects (a pointer never
 * converted, memory used after it went away) are not EFI statuses: they are listed by {@link #faults()} and appear
 * under {@link Keys#RUNTIME_FAULT} in the outputs of the call that hit them, which then has no status.
 *
 * <p>Methods throw {@link NotObservableException} when the target cannot make the call as asked, and
 * {@link IllegalArgumentException} for a driver or pointer the scenario never defined.
 */
public interface RuntimeDrivers {

    /** Output keys of runtime-driver observations (besides those of {@link Observation.Keys}). */
    final class Keys {
        public static final String DRIVER = "driver";
        public static final String POINTER = "pointer";
        /** The fault a call hit, e.g. {@code mMmCommunication2 was not converted}. */
        public static final String RUNTIME_FAULT = "runtimeFault";
        /** One {@code driver: message} per line. */
        public static final String FAULTS = "faults";
        public static final String COUNT = "count";
        /** One event per line: {@code group at TPL (open|closed)}. */
        public static final String EVENTS = "events";
        public static final String OPEN_EVENTS = "openEvents";
        /** One ConvertPointer call per line: {@code pointer [EFI_OPTIONAL_PTR] -> status}. */
        public static final String CONVERSIONS = "conversions";
        public static final String MAP_KEY = "mapKey";
        public static final String DESCRIPTOR_SIZE = "descriptorSize";
        public static final String DESCRIPTOR_VERSION = "descriptorVersion";
        public static final String DESCRIPTORS = "descriptors";
        public static final String VIRTUAL_OFFSET = "virtualOffset";
        /** One notify function per line, in the order they ran: {@code driver group at TPL}. */
        public static final String NOTIFICATIONS = "notifications";
        /** Installed protocols by name, one per line, in installation order. */
        public static final String PROTOCOLS = "protocols";
        public static final String STAGE = "stage";
        public static final String TYPE = "type";
        public static final String TPL = "tpl";
        public static final String GROUP = "group";
        public static final String OPTIONAL = "optional";

        private Keys() {
        }
    }

    /** Where a driver's pointer points. */
    enum Placement {
        /** Runtime memory (EfiRuntimeServicesData pool). */
        RUNTIME,
        /** Boot-services memory (EfiBootServicesData pool), the OS's after ExitBootServices. */
        BOOT_SERVICES,
        /** NULL. */
        NULL
    }

    /** A pointer a driver keeps in a global variable. */
    record Pointer(String name, Placement placement) {
    }

    /** A ConvertPointer call the driver's VirtualAddressChange notify makes, with or without EFI_OPTIONAL_PTR. */
    record Conversion(String pointer, boolean optional) {
    }

    /** A notify event in an event group ({@code ExitBootServices}, {@code ReadyToBoot}, …) at a TPL. */
    record Notify(String group, long tpl) {
    }

    /**
     * A test driver as a scenario defines it.
     *
     * @param bootServicesImage  a boot-services driver (its code is EfiBootServicesCode) rather than a runtime driver
     * @param unloadClosesEvents whether its Unload closes the events it created, as a correct driver's does
     */
    record DriverSpec(String name, boolean bootServicesImage, List<Pointer> pointers, List<Conversion> conversions,
                      List<Notify> notifies, boolean unloadClosesEvents) {
        public DriverSpec {
            pointers = List.copyOf(pointers);
            conversions = List.copyOf(conversions);
            notifies = List.copyOf(notifies);
        }
    }

    /**
     * The virtual map the OS passes to SetVirtualAddressMap: every runtime range at physical + {@code offset},
     * described with the given DescriptorSize and DescriptorVersion.
     */
    record VirtualMap(long descriptorSize, long descriptorVersion, long offset) {
        /** What an x64 OS passes: the firmware's DescriptorSize (48 on EDK II), version 1, the upper half. */
        public static VirtualMap standard() {
            return new VirtualMap(48, 1, 0xFFFF800000000000L);
        }
    }

    /** How far the variable stack's start-up has run. */
    enum StartUpStage {
        /** Only the DXE core: gRT's variable services are its placeholders. */
        DXE_CORE,
        /** The SMM variable driver is ready: the variable arch protocol is installed; NV writes are not yet possible. */
        VARIABLE_READY,
        /** The SMM write service is up: the variable-write arch protocol is installed. */
        WRITE_READY
    }

    // ---- drivers -------------------------------------------------------------------------------------------

    /** Loads and starts a test driver in the current boot (before ExitBootServices). */
    Observation load(DriverSpec driver);

    /** Runs the driver's runtime code, which follows every pointer it keeps; outputs the faults this hit. */
    Observation use(String driver);

    /** UnloadImage of the driver. */
    Observation unload(String driver);

    /** The events the driver created, and how many are still open. */
    Observation events(String driver);

    /** The ConvertPointer calls the driver's VirtualAddressChange notify made, with their statuses. */
    Observation conversions(String driver);

    /** Fault injection: the driver's VirtualAddressChange notify will skip this pointer. */
    Observation forgetConversion(String driver, String pointer);

    /** A CreateEvent (group null) or CreateEventEx call made by the driver; outputs the resulting type. */
    Observation createEvent(String driver, int type, long tpl, String group);

    // ---- platform ------------------------------------------------------------------------------------------

    /** Signals an event group other than ExitBootServices and VirtualAddressChange (the services raise those). */
    Observation signal(String group);

    /** GetMemoryMap: the map key, DescriptorSize and DescriptorVersion, and the descriptors. */
    Observation memoryMap();

    /** ExitBootServices with the given map key. */
    Observation exitBootServices(long mapKey);

    /** SetVirtualAddressMap with a map of the caller's choosing. */
    Observation setVirtualAddressMap(VirtualMap map);

    /** A ConvertPointer call made now by the driver for one of its pointers. */
    Observation convertPointer(String driver, String pointer, boolean optional);

    /** Every fault detected in this boot. */
    Observation faults();

    /** Every notify function that ran in this boot, in order. */
    Observation notifications();

    // ---- start-up ------------------------------------------------------------------------------------------

    /** Restarts the target (non-volatile variables survive) and stops the variable start-up at {@code stage}. */
    Observation restartUntil(StartUpStage stage);

    /** Moves the start-up on to {@code stage}. */
    Observation continueStartUp(StartUpStage stage);

    /** The installed protocols of the variable start-up. */
    Observation protocols();
}
