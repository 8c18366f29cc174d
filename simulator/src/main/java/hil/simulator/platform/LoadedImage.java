package hil.simulator.platform;

import hil.simulator.uefi.EfiStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * A driver image in memory: its code and its global variables live in the pages of one allocation, of type
 * RuntimeServicesCode for a runtime driver and BootServicesCode for a boot-services driver. Runtime images are
 * relocated by SetVirtualAddressMap, so their code and globals keep working in virtual mode; a boot-services image
 * is the OS's memory after ExitBootServices.
 */
public final class LoadedImage {

    /** Where the globals start inside the image; below this are the entry points. */
    static final int GLOBALS_OFFSET = 0x800;
    static final int ENTRY_POINT_STRIDE = 0x10;
    /** One page: room for 128 entry points and 256 pointer-sized globals. */
    static final long PAGES = 1;

    private final String name;
    private final MemoryType type;
    private final long base;
    private final List<EfiEvent> events = new ArrayList<>();
    private long virtualBase;
    private boolean relocated;
    private boolean unloaded;
    private Supplier<EfiStatus> unload;

    LoadedImage(String name, MemoryType type, long base) {
        this.name = name;
        this.type = type;
        this.base = base;
    }

    public String name() {
        return name;
    }

    public MemoryType type() {
        return type;
    }

    /** Physical load address. */
    public long base() {
        return base;
    }

    public boolean runtime() {
        return type.runtime();
    }

    /** The physical address of entry point {@code index} (a function of the driver). */
    public long entryPoint(int index) {
        if (index < 0 || index >= GLOBALS_OFFSET / ENTRY_POINT_STRIDE) {
            throw new IllegalArgumentException("entry point " + index + " out of range");
        }
        return base + (long) index * ENTRY_POINT_STRIDE;
    }

    /** The physical address of global variable slot {@code index} (8 bytes each). */
    public long global(int index) {
        long at = GLOBALS_OFFSET + 8L * index;
        if (index < 0 || at + 8 > PAGES * SystemMemory.PAGE_SIZE) {
            throw new IllegalArgumentException("global slot " + index + " out of range");
        }
        return base + at;
    }

    /**
     * Where the image's own code finds a physical address of the image now: the relocated address in virtual mode
     * (SetVirtualAddressMap relocated it), the physical one before.
     */
    public long addressNow(long physical, SystemMemory.Mode mode) {
        if (mode == SystemMemory.Mode.VIRTUAL && relocated) {
            return physical - base + virtualBase;
        }
        return physical;
    }

    /** The virtual load address, once SetVirtualAddressMap relocated the image. */
    public OptionalLong virtualBase() {
        return relocated ? OptionalLong.of(virtualBase) : OptionalLong.empty();
    }

    void relocate(long virtualBase) {
        this.virtualBase = virtualBase;
        this.relocated = true;
    }

    /** The events this image created that are still open. */
    public List<EfiEvent> openEvents() {
        return events.stream().filter(e -> !e.closed()).toList();
    }

    /** Every event this image created, closed ones included, in creation order. */
    public List<EfiEvent> events() {
        return List.copyOf(events);
    }

    void addEvent(EfiEvent event) {
        events.add(event);
    }

    /** Sets the image's Unload function (EFI_LOADED_IMAGE_PROTOCOL.Unload). */
    public void setUnload(Supplier<EfiStatus> unload) {
        this.unload = unload;
    }

    Supplier<EfiStatus> unloadFunction() {
        return unload;
    }

    public boolean unloaded() {
        return unloaded;
    }

    void markUnloaded() {
        unloaded = true;
    }

    @Override
    public String toString() {
        return name + String.format(" (%s at 0x%X)", type.efiName(), base);
    }
}
