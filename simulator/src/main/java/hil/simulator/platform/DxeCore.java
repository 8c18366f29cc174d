package hil.simulator.platform;

import hil.simulator.uefi.EfiStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The DXE environment of one boot: memory, events, the protocol database, image loading, gRT and the Runtime
 * Architectural Protocol, and ExitBootServices (reference 6.2). It also keeps the log of faults the simulator
 * detected in drivers during this boot.
 */
public final class DxeCore {

    /** The DXE core's own image: boot-services code, home of the gRT placeholders. */
    public static final String CORE_IMAGE = "DxeCore";
    /** The Runtime Architectural Protocol driver's image. */
    public static final String RUNTIME_IMAGE = "RuntimeDxe";

    private final SystemMemory memory = new SystemMemory(SystemMemory.ovmfBins());
    private final List<RuntimeFault> faults = new ArrayList<>();
    private final EventServices events = new EventServices(memory, faults::add);
    private final ProtocolDatabase protocols = new ProtocolDatabase();
    private final List<LoadedImage> images = new ArrayList<>();
    private final LoadedImage coreImage;
    private final RuntimeServicesTable runtimeServices;
    private final RuntimeArch runtime;
    private boolean bootServices = true;
    private boolean beforeExitSignalled;

    public DxeCore() {
        coreImage = place(CORE_IMAGE, MemoryType.BOOT_SERVICES_CODE);
        LoadedImage runtimeImage = place(RUNTIME_IMAGE, MemoryType.RUNTIME_SERVICES_CODE);
        runtimeServices = new RuntimeServicesTable(memory, coreImage, runtimeImage);
        runtime = new RuntimeArch(memory, events, runtimeServices);
    }

    public SystemMemory memory() {
        return memory;
    }

    public EventServices events() {
        return events;
    }

    public ProtocolDatabase protocols() {
        return protocols;
    }

    /** gRT. */
    public RuntimeServicesTable runtimeServices() {
        return runtimeServices;
    }

    /** The Runtime Architectural Protocol: SetVirtualAddressMap and ConvertPointer. */
    public RuntimeArch runtime() {
        return runtime;
    }

    /** Whether boot services still exist (ExitBootServices has not succeeded yet). */
    public boolean bootServicesAvailable() {
        return bootServices;
    }

    // ---- images ----------------------------------------------------------------------------------------------

    /**
     * LoadImage + StartImage up to the driver's entry point: places the image in memory of {@code codeType}
     * (RuntimeServicesCode for a runtime driver, BootServicesCode for a boot-services driver).
     *
     * @throws IllegalStateException after ExitBootServices, when there is no LoadImage to call
     */
    public LoadedImage loadImage(String name, MemoryType codeType) {
        if (!bootServices) {
            throw new IllegalStateException("cannot load driver " + name + " after ExitBootServices: boot services are gone");
        }
        LoadedImage image = place(name, codeType);
        if (codeType.runtime()) {
            runtime.registerImage(image);
        }
        return image;
    }

    /** Places an image without registering it for relocation (the core's own images). */
    private LoadedImage place(String name, MemoryType codeType) {
        long base = memory.allocatePages(codeType, LoadedImage.PAGES, name);
        LoadedImage image = new LoadedImage(name, codeType, base);
        images.add(image);
        return image;
    }

    /**
     * UnloadImage: calls the image's Unload function and, when it succeeds, frees the image. Whatever the driver left
     * behind (open events) stays, pointing into the freed image.
     */
    public EfiStatus unloadImage(LoadedImage image) {
        if (!bootServices) {
            return EfiStatus.UNSUPPORTED;
        }
        if (image.unloaded() || image.unloadFunction() == null) {
            return EfiStatus.UNSUPPORTED;
        }
        EfiStatus status = image.unloadFunction().get();
        if (status != EfiStatus.SUCCESS) {
            return status;
        }
        memory.free(image.base());
        image.markUnloaded();
        return EfiStatus.SUCCESS;
    }

    /** The images loaded in this boot, unloaded ones included, in load order. */
    public List<LoadedImage> images() {
        return List.copyOf(images);
    }

    public Optional<LoadedImage> image(String name) {
        return images.stream().filter(i -> i.name().equals(name)).reduce((first, later) -> later);
    }

    /** The DXE core's image. */
    public LoadedImage coreImage() {
        return coreImage;
    }

    // ---- ExitBootServices ------------------------------------------------------------------------------------

    /**
     * ExitBootServices(ImageHandle, MapKey) as EDK II's CoreExitBootServices: BeforeExitBootServices on the first
     * call; a stale key fails with INVALID_PARAMETER after signalling ExitBootServicesFailed; otherwise the
     * ExitBootServices group runs, boot-services memory goes to the OS and the Runtime AP is at runtime. Once boot
     * services are gone there is nothing to call; the model answers INVALID_PARAMETER.
     */
    public EfiStatus exitBootServices(long mapKey) {
        if (!bootServices) {
            return EfiStatus.INVALID_PARAMETER;
        }
        if (!beforeExitSignalled) {
            beforeExitSignalled = true;
            events.signalGroup(EventGroups.BEFORE_EXIT_BOOT_SERVICES);
        }
        if (mapKey != memory.mapKey()) {
            events.signalGroup(EventGroups.EXIT_BOOT_SERVICES_FAILED);
            return EfiStatus.INVALID_PARAMETER;
        }
        events.signalGroup(EventGroups.EXIT_BOOT_SERVICES);
        bootServices = false;
        memory.reclaimBootServicesMemory();
        runtime.enterRuntime();
        return EfiStatus.SUCCESS;
    }

    // ---- detected faults -------------------------------------------------------------------------------------

    public void reportFault(RuntimeFault fault) {
        faults.add(fault);
    }

    /** Every fault detected in this boot, in order. */
    public List<RuntimeFault> faults() {
        return List.copyOf(faults);
    }
}
