package hil.simulator.runtime;

import hil.simulator.platform.DxeCore;
import hil.simulator.platform.EfiEvent;
import hil.simulator.platform.EventGroups;
import hil.simulator.platform.EventServices;
import hil.simulator.platform.EventTypes;
import hil.simulator.platform.LoadedImage;
import hil.simulator.platform.MemoryType;
import hil.simulator.platform.RuntimeFault;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A test driver built from a {@link RuntimeDriverDefinition}: at load it allocates one small buffer per pointer in
 * the memory the definition names, stores the addresses in its globals, and creates its events; its
 * VirtualAddressChange notify converts the pointers the definition lists; its Unload closes its events (unless the
 * definition says it forgets to) and frees its buffers.
 */
public final class ConfigurableRuntimeDriver implements RuntimeDriver {

    /** Size of the buffer behind each pointer. */
    static final int BUFFER_SIZE = 64;

    /** Entry points in the image: 0 is the entry point, 1 the VirtualAddressChange notify, then other notifies. */
    private static final int VIRTUAL_ADDRESS_CHANGE_ENTRY = 1;
    private static final int FIRST_NOTIFY_ENTRY = 2;

    private final DxeCore dxe;
    private final RuntimeDriverDefinition definition;
    private final LoadedImage image;
    private final DriverGlobals globals;
    private final Set<String> forgotten = new HashSet<>();
    private final List<PointerConversion> conversions = new ArrayList<>();
    private final List<EventServices.Created> created = new ArrayList<>();
    private int nextNotifyEntry = FIRST_NOTIFY_ENTRY;

    private ConfigurableRuntimeDriver(DxeCore dxe, RuntimeDriverDefinition definition) {
        this.dxe = dxe;
        this.definition = definition;
        this.image = dxe.loadImage(definition.name(),
                definition.bootServicesImage() ? MemoryType.BOOT_SERVICES_CODE : MemoryType.RUNTIME_SERVICES_CODE);
        this.globals = new DriverGlobals(dxe, image, List.copyOf(definition.pointers().keySet()));
    }

    /**
     * Loads and starts the driver.
     *
     * @throws IllegalStateException after ExitBootServices
     */
    public static ConfigurableRuntimeDriver load(DxeCore dxe, RuntimeDriverDefinition definition) {
        ConfigurableRuntimeDriver driver = new ConfigurableRuntimeDriver(dxe, definition);
        driver.entryPoint();
        return driver;
    }

    private void entryPoint() {
        for (Map.Entry<String, RuntimeDriverDefinition.Placement> p : definition.pointers().entrySet()) {
            long address = switch (p.getValue()) {
                case RUNTIME -> dxe.memory().allocatePool(MemoryType.RUNTIME_SERVICES_DATA, BUFFER_SIZE, name() + "." + p.getKey());
                case BOOT_SERVICES -> dxe.memory().allocatePool(MemoryType.BOOT_SERVICES_DATA, BUFFER_SIZE, name() + "." + p.getKey());
                case NULL -> 0;
            };
            globals.set(p.getKey(), address);
        }
        OptionalLong vaTpl = definition.virtualAddressChangeTpl();
        if (vaTpl.isPresent()) {
            created.add(dxe.events().createEventEx(EventTypes.EVT_NOTIFY_SIGNAL, vaTpl.getAsLong(),
                    e -> virtualAddressChange(), EventGroups.VIRTUAL_ADDRESS_CHANGE, image,
                    image.entryPoint(VIRTUAL_ADDRESS_CHANGE_ENTRY)));
        }
        for (RuntimeDriverDefinition.GroupNotify n : definition.notifies()) {
            if (!n.group().equals(EventGroups.VIRTUAL_ADDRESS_CHANGE)) {
                created.add(createEvent(EventTypes.EVT_NOTIFY_SIGNAL, n.tpl(), n.group()));
            }
        }
        image.setUnload(this::unload);
    }

    /**
     * A CreateEvent (no group) or CreateEventEx call by the driver, with a notify function that does nothing but
     * run. The event belongs to the driver, so its Unload closes it.
     */
    public EventServices.Created createEvent(int type, long notifyTpl, EfiGuid group) {
        long notifyAddress = image.entryPoint(nextNotifyEntry++);
        return group == null
                ? dxe.events().createEvent(type, notifyTpl, e -> { }, image, notifyAddress)
                : dxe.events().createEventEx(type, notifyTpl, e -> { }, group, image, notifyAddress);
    }

    /** The CreateEventEx calls made at load, in order. */
    public List<EventServices.Created> eventsCreatedAtLoad() {
        return List.copyOf(created);
    }

    private void virtualAddressChange() {
        conversions.clear();
        conversions.addAll(globals.convertAll(definition.conversions(), forgotten));
    }

    private EfiStatus unload() {
        if (definition.unloadClosesEvents()) {
            for (EfiEvent e : image.openEvents()) {
                dxe.events().closeEvent(e);
            }
        }
        for (String p : globals.names()) {
            long address = globals.peek(p);
            if (address != 0) {
                dxe.memory().free(address);
            }
        }
        return EfiStatus.SUCCESS;
    }

    public RuntimeDriverDefinition definition() {
        return definition;
    }

    @Override
    public String name() {
        return definition.name();
    }

    @Override
    public LoadedImage image() {
        return image;
    }

    @Override
    public List<String> pointers() {
        return globals.names();
    }

    @Override
    public List<RuntimeFault> use() {
        return globals.followAll(globals.names());
    }

    @Override
    public void forgetConversion(String pointer) {
        globals.address(pointer);
        forgotten.add(pointer);
    }

    @Override
    public List<PointerConversion> conversions() {
        return List.copyOf(conversions);
    }

    @Override
    public EfiStatus convertPointer(String pointer, boolean optional) {
        if (image.unloaded()) {
            throw new IllegalStateException("driver " + name() + " is unloaded: it can make no more calls");
        }
        return globals.convert(pointer, optional);
    }

    /** The pointer's stored value, for inspection. */
    public long pointerValue(String pointer) {
        return globals.peek(pointer);
    }
}
