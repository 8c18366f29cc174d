package hil.simulator.platform;

import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The DXE core's event services as EDK II implements them (reference 6.1): CreateEvent/CreateEventEx with the
 * exact accepted types and the event-group mapping, CloseEvent, SignalEvent and group signalling.
 *
 * <p>Order of notification: signalling a group queues every member, walking the signal list from its head, onto the
 * queue of the member's TPL (FIFO); the queues are then dispatched from the highest TPL down. EDK II inserts new
 * events at the head of the signal list, so within one TPL the most recently created member runs first.
 *
 * <p>Events with EVT_RUNTIME are also kept, in creation order, on the Runtime Architectural Protocol's list, which
 * SetVirtualAddressMap walks.
 */
public final class EventServices {

    /** One notify function that ran: whose, for which group, at which TPL. */
    public record Notification(String owner, String group, long tpl) {
        @Override
        public String toString() {
            return owner + " " + group + " at " + Tpl.describe(tpl);
        }
    }

    /** Outcome of CreateEvent/CreateEventEx: the status and, on success, the event. */
    public record Created(EfiStatus status, EfiEvent event) {
    }

    /** sizeof (IEVENT) on x64 is about this; only its memory type matters here. */
    private static final int EVENT_STRUCTURE_SIZE = 0xA0;

    private final SystemMemory memory;
    private final Consumer<RuntimeFault> faults;
    private final LinkedList<EfiEvent> signalList = new LinkedList<>();
    private final List<EfiEvent> runtimeList = new ArrayList<>();
    private final TreeMap<Long, ArrayDeque<EfiEvent>> pending = new TreeMap<>();
    private final List<Notification> notifications = new ArrayList<>();
    private long nextId = 1;

    EventServices(SystemMemory memory, Consumer<RuntimeFault> faults) {
        this.memory = memory;
        this.faults = faults;
    }

    /** CreateEvent. */
    public Created createEvent(int type, long notifyTpl, NotifyFunction notify, LoadedImage owner, long notifyAddress) {
        return createEventEx(type, notifyTpl, notify, null, owner, notifyAddress);
    }

    /**
     * CreateEventEx.
     *
     * @param group         the event group, or null (then this is CreateEvent)
     * @param owner         the image creating the event (its Unload must close it), or null for the DXE core
     * @param notifyAddress where the notify function's code is
     */
    public Created createEventEx(int type, long notifyTpl, NotifyFunction notify, EfiGuid group, LoadedImage owner,
                                 long notifyAddress) {
        // The public entry accepts only the three TPLs a caller may use; the internal checks below narrow it further.
        if (EventTypes.notifies(type) && notifyTpl != Tpl.APPLICATION && notifyTpl != Tpl.CALLBACK
                && notifyTpl != Tpl.NOTIFY) {
            return new Created(EfiStatus.INVALID_PARAMETER, null);
        }
        if (!EventTypes.accepted(type)) {
            return new Created(EfiStatus.INVALID_PARAMETER, null);
        }
        if (group != null) {
            if (type == EventTypes.EVT_SIGNAL_EXIT_BOOT_SERVICES || type == EventTypes.EVT_SIGNAL_VIRTUAL_ADDRESS_CHANGE) {
                return new Created(EfiStatus.INVALID_PARAMETER, null);
            }
            if (group.equals(EventGroups.EXIT_BOOT_SERVICES)) {
                type = EventTypes.EVT_SIGNAL_EXIT_BOOT_SERVICES;
            } else if (group.equals(EventGroups.VIRTUAL_ADDRESS_CHANGE)) {
                type = EventTypes.EVT_SIGNAL_VIRTUAL_ADDRESS_CHANGE;
            }
        } else if (type == EventTypes.EVT_SIGNAL_EXIT_BOOT_SERVICES) {
            group = EventGroups.EXIT_BOOT_SERVICES;
        } else if (type == EventTypes.EVT_SIGNAL_VIRTUAL_ADDRESS_CHANGE) {
            group = EventGroups.VIRTUAL_ADDRESS_CHANGE;
        }
        if (EventTypes.notifies(type)) {
            if (notify == null || notifyTpl <= Tpl.APPLICATION || notifyTpl >= Tpl.HIGH_LEVEL) {
                return new Created(EfiStatus.INVALID_PARAMETER, null);
            }
        } else {
            notifyTpl = 0;
            notify = null;
        }
        boolean runtime = (type & EventTypes.EVT_RUNTIME) != 0;
        long structure = memory.allocatePool(runtime ? MemoryType.RUNTIME_SERVICES_DATA : MemoryType.BOOT_SERVICES_DATA,
                EVENT_STRUCTURE_SIZE, "event");
        EfiEvent event = new EfiEvent(nextId++, type, notifyTpl, notify, group, owner, notifyAddress, structure);
        if (runtime) {
            runtimeList.add(event);
        }
        if ((type & EventTypes.EVT_NOTIFY_SIGNAL) != 0) {
            signalList.addFirst(event);
        }
        if (owner != null) {
            owner.addEvent(event);
        }
        return new Created(EfiStatus.SUCCESS, event);
    }

    /** CloseEvent: takes the event off every list and frees it. */
    public EfiStatus closeEvent(EfiEvent event) {
        if (event == null || event.closed()) {
            return EfiStatus.INVALID_PARAMETER;
        }
        runtimeList.remove(event);
        signalList.remove(event);
        pending.values().forEach(q -> q.remove(event));
        memory.free(event.structure());
        event.close();
        return EfiStatus.SUCCESS;
    }

    /** SignalEvent: a group member signals its whole group; a plain event queues its own notify function. */
    public EfiStatus signalEvent(EfiEvent event) {
        if (event == null || event.closed()) {
            return EfiStatus.INVALID_PARAMETER;
        }
        if (event.signalCount() == 0) {
            event.setSignalCount(1);
            if ((event.type() & EventTypes.EVT_NOTIFY_SIGNAL) != 0) {
                if (event.group() != null) {
                    queueGroup(event.group());
                } else {
                    queue(event);
                }
            }
        }
        dispatch();
        return EfiStatus.SUCCESS;
    }

    /** Signals every member of a group and runs their notify functions (the DXE core's CoreNotifySignalList). */
    public void signalGroup(EfiGuid group) {
        queueGroup(group);
        dispatch();
    }

    /** The events SetVirtualAddressMap will consider, in creation order. */
    public List<EfiEvent> runtimeEvents() {
        return List.copyOf(runtimeList);
    }

    /** Runs one notify function now, outside any queue (SetVirtualAddressMap calls its events this way). */
    void notifyNow(EfiEvent event) {
        run(event);
    }

    /** Every notify function that has run, in order. */
    public List<Notification> notifications() {
        return List.copyOf(notifications);
    }

    private void queueGroup(EfiGuid group) {
        for (EfiEvent e : signalList) {
            if (group.equals(e.group())) {
                queue(e);
            }
        }
    }

    private void queue(EfiEvent event) {
        ArrayDeque<EfiEvent> q = pending.computeIfAbsent(event.notifyTpl(), t -> new ArrayDeque<>());
        q.remove(event);
        q.addLast(event);
    }

    private void dispatch() {
        while (true) {
            Map.Entry<Long, ArrayDeque<EfiEvent>> highest = pending.lastEntry();
            while (highest != null && highest.getValue().isEmpty()) {
                pending.remove(highest.getKey());
                highest = pending.lastEntry();
            }
            if (highest == null) {
                return;
            }
            EfiEvent event = highest.getValue().pollFirst();
            if ((event.type() & EventTypes.EVT_NOTIFY_SIGNAL) != 0) {
                event.setSignalCount(0);
            }
            run(event);
        }
    }

    private void run(EfiEvent event) {
        String owner = event.owner() != null ? event.owner().name() : DxeCore.CORE_IMAGE;
        String group = event.group() != null ? EventGroups.name(event.group()) : "event";
        try {
            memory.execute(event.notifyAddress());
        } catch (MemoryFault f) {
            faults.accept(new RuntimeFault(owner, f.describe("the " + group + " notify function")));
            return;
        }
        notifications.add(new Notification(owner, group, event.notifyTpl()));
        try {
            event.notifyFunction().notify(event);
        } catch (MemoryFault f) {
            faults.accept(new RuntimeFault(owner, f.describe("a pointer used by the " + group + " notify function")));
        }
    }
}
