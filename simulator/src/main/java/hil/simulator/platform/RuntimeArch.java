package hil.simulator.platform;

import hil.simulator.uefi.EfiStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The Runtime Architectural Protocol driver (EDK II RuntimeDxe): SetVirtualAddressMap and ConvertPointer exactly as
 * reference 6.4 and 6.5 describe them, the AtRuntime and VirtualMode flags, and the list of runtime images it
 * relocates.
 */
public final class RuntimeArch {

    /** DebugDisposition bit: the pointer may be NULL. */
    public static final long EFI_OPTIONAL_PTR = 0x1;

    private final SystemMemory memory;
    private final EventServices events;
    private final RuntimeServicesTable runtimeServices;
    private final List<LoadedImage> images = new ArrayList<>();
    private boolean atRuntime;
    private boolean virtualMode;
    /** The map of the SetVirtualAddressMap call in progress; null outside it. */
    private List<MemoryDescriptor> currentMap;

    RuntimeArch(SystemMemory memory, EventServices events, RuntimeServicesTable runtimeServices) {
        this.memory = memory;
        this.events = events;
        this.runtimeServices = runtimeServices;
    }

    /** Registers a runtime image for relocation (the Runtime AP's image list). */
    void registerImage(LoadedImage image) {
        images.add(image);
    }

    /** Set by ExitBootServices as its last step. */
    void enterRuntime() {
        atRuntime = true;
    }

    public boolean atRuntime() {
        return atRuntime;
    }

    public boolean virtualMode() {
        return virtualMode;
    }

    /**
     * SetVirtualAddressMap.
     *
     * @param memoryMapSize     size in bytes of the map passed
     * @param descriptorSize    the stride of its entries
     * @param descriptorVersion must be 1
     * @param virtualMap        the entries, with VirtualStart set for every runtime range
     */
    public EfiStatus setVirtualAddressMap(long memoryMapSize, long descriptorSize, long descriptorVersion,
                                          byte[] virtualMap) {
        if (!atRuntime || virtualMode) {
            return EfiStatus.UNSUPPORTED;
        }
        if (descriptorVersion != MemoryDescriptor.VERSION || descriptorSize < MemoryDescriptor.SIZE) {
            return EfiStatus.INVALID_PARAMETER;
        }
        // From here on every further call is UNSUPPORTED, whatever happens below.
        virtualMode = true;
        currentMap = MemoryDescriptor.decode(virtualMap, Long.divideUnsigned(memoryMapSize, descriptorSize),
                descriptorSize);
        for (EfiEvent e : events.runtimeEvents()) {
            if ((e.type() & EventTypes.EVT_SIGNAL_VIRTUAL_ADDRESS_CHANGE) == EventTypes.EVT_SIGNAL_VIRTUAL_ADDRESS_CHANGE
                    && !e.closed()) {
                events.notifyNow(e);
            }
        }
        for (LoadedImage image : images) {
            if (!image.unloaded()) {
                convert(image.base()).ifPresent(image::relocate);
            }
        }
        runtimeServices.convert(this);
        List<MemoryDescriptor> applied = currentMap;
        currentMap = null;
        memory.switchToVirtual(applied);
        return EfiStatus.SUCCESS;
    }

    /**
     * ConvertPointer.
     *
     * @param debugDisposition {@link #EFI_OPTIONAL_PTR} or 0
     * @param address          the physical address where the pointer to convert is stored; 0 is a NULL Address
     * @throws MemoryFault when {@code address} itself cannot be read
     */
    public EfiStatus convertPointer(long debugDisposition, long address) {
        if (address == 0) {
            return EfiStatus.INVALID_PARAMETER;
        }
        long pointer = memory.readU64Physical(address);
        if (pointer == 0) {
            return (debugDisposition & EFI_OPTIONAL_PTR) != 0 ? EfiStatus.SUCCESS : EfiStatus.INVALID_PARAMETER;
        }
        OptionalLong converted = convert(pointer);
        if (converted.isEmpty()) {
            return EfiStatus.NOT_FOUND;
        }
        memory.writeU64Physical(address, converted.getAsLong());
        return EfiStatus.SUCCESS;
    }

    /** The virtual address for a physical one in the map being applied; empty outside SetVirtualAddressMap. */
    private OptionalLong convert(long physical) {
        if (currentMap == null) {
            return OptionalLong.empty();
        }
        for (MemoryDescriptor d : currentMap) {
            if (d.runtime() && d.containsPhysical(physical)) {
                return OptionalLong.of(physical - d.physicalStart() + d.virtualStart());
            }
        }
        return OptionalLong.empty();
    }
}
