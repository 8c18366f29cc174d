package hil.simulator.platform;

import hil.simulator.uefi.EfiGuid;

/**
 * An event created with CreateEvent/CreateEventEx (the DXE core's IEVENT). Its notify function lives in the code of
 * the image that created it, at {@link #notifyAddress()}: calling it after that memory is gone is a fault.
 */
public final class EfiEvent {

    private final long id;
    private final int type;
    private final long notifyTpl;
    private final NotifyFunction notify;
    private final EfiGuid group;
    private final LoadedImage owner;
    private final long notifyAddress;
    private final long structure;
    private boolean closed;
    private int signalCount;

    EfiEvent(long id, int type, long notifyTpl, NotifyFunction notify, EfiGuid group, LoadedImage owner,
             long notifyAddress, long structure) {
        this.id = id;
        this.type = type;
        this.notifyTpl = notifyTpl;
        this.notify = notify;
        this.group = group;
        this.owner = owner;
        this.notifyAddress = notifyAddress;
        this.structure = structure;
    }

    /** The Type after EDK II's group mapping (CreateEventEx in the ExitBootServices group has type 0x201). */
    public int type() {
        return type;
    }

    /** 0 for events without a notify function. */
    public long notifyTpl() {
        return notifyTpl;
    }

    /** The event group, or null for a plain event. */
    public EfiGuid group() {
        return group;
    }

    /** The image that created the event, or null for the DXE core's own. */
    public LoadedImage owner() {
        return owner;
    }

    public long notifyAddress() {
        return notifyAddress;
    }

    /** Where the event structure itself was allocated (runtime pool for EVT_RUNTIME events). */
    public long structure() {
        return structure;
    }

    NotifyFunction notifyFunction() {
        return notify;
    }

    public boolean closed() {
        return closed;
    }

    void close() {
        closed = true;
    }

    int signalCount() {
        return signalCount;
    }

    void setSignalCount(int signalCount) {
        this.signalCount = signalCount;
    }

    /** {@code VirtualAddressChange event of Forgetful at TPL_NOTIFY}. */
    public String describe() {
        String what = group != null ? EventGroups.name(group) + " event" : "event #" + id;
        return what + (owner != null ? " of " + owner.name() : "") + (notify != null ? " at " + Tpl.describe(notifyTpl) : "");
    }

    @Override
    public String toString() {
        return describe();
    }
}
