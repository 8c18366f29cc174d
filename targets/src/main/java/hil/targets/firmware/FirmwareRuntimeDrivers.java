package hil.targets.firmware;

import hil.reports.model.Observation;
import hil.simulator.platform.EventGroups;
import hil.simulator.platform.EventTypes;
import hil.simulator.platform.Tpl;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import hil.targets.HilException;
import hil.targets.NotObservableException;
import hil.targets.Phase;
import hil.targets.RuntimeDrivers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The runtime-driver model on real firmware: a scenario's driver is a real image ({@code agent/rtdriver/}), an
 * EFI_RUNTIME_DRIVER or an EFI_BOOT_SERVICE_DRIVER, that the UEFI agent loads in the boot phase with the definition
 * as its load options ({@link RuntimeDriverRecord#options}). A hub image loaded first keeps the boot's record in
 * runtime memory and answers a few variables under {@link RuntimeDriverRecord#VENDOR}, so the same GetVariable reads
 * the record, and makes a driver use its pointers, from the agent in the boot phase and from Linux (efivarfs) in
 * the OS phase, in the same boot.
 *
 * <p>What the record shows was measured on the firmware: the notify functions that ran (with their order, as each
 * appends to the one record), the status of every ConvertPointer call a driver's VirtualAddressChange notify made,
 * the events CreateEvent made and the type the DXE core gave them. Faults are the driver's own findings, made the
 * way the simulator makes them and reported with the same words: a pointer that still holds its physical address in
 * virtual mode is named ("was not converted") — on Linux x86-64 it still reads, because the kernel keeps a 1:1
 * mapping of runtime memory (the driver says so in a note); a pointer into boot-services memory is a fault once
 * ExitBootServices ran, without being followed (Linux frees that memory after SetVirtualAddressMap, and a fault
 * inside a runtime service makes it disable the runtime services for good).
 *
 * <p>Linux makes ExitBootServices and SetVirtualAddressMap in a row before any program runs, so the only driver
 * code between the two is its ExitBootServices notify: a driver used in that window answers with what that notify
 * found. A scenario that needs what Linux makes itself (a map key of its choosing, a second or a custom
 * SetVirtualAddressMap, a ConvertPointer after ExitBootServices) has the UEFI agent as its OS loader instead
 * ({@link OsLoaderSteps}): the agent makes those calls and goes on serving requests over COM1, so the drivers are
 * reached through the same variables. What happens before the Shell (the DXE start-up) is not observable.
 */
final class FirmwareRuntimeDrivers implements RuntimeDrivers {

    /** The hooks into the running target this needs. */
    interface Machine {
        String name();

        Phase phase();

        /** A number that changes whenever RAM is lost (a start or a reset): the loaded drivers are gone then. */
        long session();

        /** Whether the kernel's SetVirtualAddressMap of this boot has been recorded by the scenario. */
        boolean kernelMapRecorded();

        /** A request to the UEFI agent (boot phase). */
        AgentReply agent(AgentRequest request);

        /** GetVariable, large enough, in the current phase (agent or Linux). */
        Observation getVariable(String name, EfiGuid vendor);

        /** The session cannot be put back for the next scenario: drivers stay loaded until RAM is lost. */
        void keepsDrivers();

        /** Whether the UEFI agent is the OS of this boot: it called ExitBootServices and makes the OS's calls. */
        boolean agentIsTheOs();

        /** GetMemoryMap by the agent as the OS loader; not observable when the scenario's OS is Linux. */
        Observation memoryMap();

        /** ExitBootServices by the agent with this key; not observable when the scenario's OS is Linux. */
        Observation exitBootServices(long mapKey);

        /** SetVirtualAddressMap by the agent with this map; not observable when the scenario's OS is Linux. */
        Observation setVirtualAddressMap(VirtualMap map);
    }

    private final Machine machine;
    private long session = -1;
    private boolean hub;
    private final Map<String, Loaded> drivers = new LinkedHashMap<>();
    /** Faults found by the drivers' use in this session, as {@code driver: message}. */
    private final List<String> useFaults = new ArrayList<>();

    private record Loaded(DriverSpec spec, long handle, boolean unloaded) {
    }

    FirmwareRuntimeDrivers(Machine machine) {
        this.machine = machine;
    }

    /** Forgets the drivers of an earlier session. */
    private void sync() {
        long now = machine.session();
        if (now != session) {
            session = now;
            hub = false;
            drivers.clear();
            useFaults.clear();
        }
    }

    private Observation observation(String operation, Map<String, String> inputs, EfiStatus status,
                                    Map<String, String> outputs, Phase phase, long start, String note) {
        return new Observation(operation, inputs, status == null ? null : status.efiName(), outputs, phase.label(),
                machine.name(), System.nanoTime() - start, note);
    }

    private NotObservableException notObservable(String reason) {
        return new NotObservableException(machine.name(), reason);
    }

    private void requireBoot(String what) {
        if (machine.phase() != Phase.BOOT) {
            throw notObservable(what + " is made by the UEFI agent in the boot phase; Linux is running now and has no"
                    + " interface for it");
        }
    }

    private Loaded loaded(String name) {
        sync();
        Loaded d = drivers.get(name);
        if (d == null) {
            if (RuntimeDriverRecord.FIRMWARE_DRIVERS.contains(name)) {
                throw notObservable("\"" + name + "\" is the firmware's own driver: its conversions are compiled into"
                        + " OVMF and cannot be changed or watched from outside");
            }
            throw new IllegalArgumentException("no driver named \"" + name + "\" in this boot (loaded: "
                    + String.join(", ", drivers.keySet()) + "); define it with a runtime-driver step first");
        }
        return d;
    }

    private static EfiStatus status(long value, String what) {
        return EfiStatus.fromValue(value).orElseThrow(() -> new HilException(what + " returned the unknown status "
                + EfiStatus.describe(value)));
    }

    /** The text a hub variable holds now. */
    private String read(String variable) {
        Observation o = machine.getVariable(variable, RuntimeDriverRecord.VENDOR);
        if (!EfiStatus.SUCCESS.efiName().equals(o.status())) {
            if (EfiStatus.NOT_FOUND.efiName().equals(o.status())) {
                throw new HilException("the test-driver hub did not answer " + variable + " (EFI_NOT_FOUND): the"
                        + " driver is not registered, or gRT->GetVariable is no longer the hub's");
            }
            throw new HilException("reading " + variable + " from the test-driver hub returned " + o.status());
        }
        return new String(Bytes.fromHex(o.outputs().getOrDefault(Observation.Keys.DATA, "")), StandardCharsets.US_ASCII);
    }

    private RuntimeDriverRecord record() {
        if (!hub) {
            throw notObservable("no test driver was loaded in this boot: the firmware's own drivers keep no record"
                    + " of their notify functions and faults that could be read");
        }
        return RuntimeDriverRecord.parse(read(RuntimeDriverRecord.LOG));
    }

    /** A command to a driver through the hub (boot phase): SetVariable HilRtCmd-name, then the reply. */
    private List<String> command(String driver, String text) {
        AgentReply r = machine.agent(AgentRequest.setVariable(RuntimeDriverRecord.COMMAND_PREFIX + driver,
                RuntimeDriverRecord.VENDOR, 6, text.getBytes(StandardCharsets.US_ASCII)));
        if (r.status() != EfiStatus.SUCCESS.value()) {
            throw new HilException("the test-driver hub refused the command \"" + text + "\" for " + driver + ": "
                    + EfiStatus.describe(r.status()));
        }
        List<String> lines = read(RuntimeDriverRecord.REPLY).lines().toList();
        for (String l : lines) {
            if (l.startsWith("error ")) {
                throw new HilException("driver " + driver + " refused \"" + text + "\": " + l.substring(6));
            }
        }
        return lines;
    }

    private static long value(List<String> lines, String key) {
        for (String l : lines) {
            if (l.startsWith(key + " ")) {
                return Long.parseUnsignedLong(l.substring(key.length() + 1).replaceFirst("^0x", ""), 16);
            }
        }
        throw new HilException("the driver's reply has no " + key + ": " + lines);
    }

    private AgentReply loadImage(String file, String options) {
        AgentReply r = machine.agent(AgentRequest.loadDriver(file, options));
        if (r.status() == EfiStatus.NOT_FOUND.value() && "load".equals(r.value("at"))) {
            throw notObservable("the test driver image " + file + " is not on the file system the agent was started"
                    + " from (it is built with the agent: agent/build.sh)");
        }
        if (r.status() != EfiStatus.SUCCESS.value()) {
            throw new HilException("loading " + file + " with \"" + options + "\" failed at " + r.value("at") + " with "
                    + EfiStatus.describe(r.status()) + " (the driver prints why on the console)");
        }
        return r;
    }

    // ---- drivers -------------------------------------------------------------------------------------------

    @Override
    public Observation load(DriverSpec spec) {
        sync();
        requireBoot("Loading a driver");
        String options = RuntimeDriverRecord.options(spec);
        if (drivers.containsKey(spec.name())) {
            throw new IllegalArgumentException("a driver named \"" + spec.name() + "\" is already loaded in this boot");
        }
        long start = System.nanoTime();
        machine.keepsDrivers();
        if (!hub) {
            loadImage(RuntimeDriverRecord.RUNTIME_IMAGE, RuntimeDriverRecord.HUB_OPTIONS);
            hub = true;
        }
        String file = spec.bootServicesImage() ? RuntimeDriverRecord.BOOT_SERVICES_IMAGE : RuntimeDriverRecord.RUNTIME_IMAGE;
        AgentReply r = loadImage(file, options);
        drivers.put(spec.name(), new Loaded(spec, r.hex("handle"), false));
        RuntimeDriverRecord log = record();
        Map<String, String> in = new LinkedHashMap<>();
        in.put(Keys.DRIVER, spec.name());
        in.put("image", file);
        in.put("options", options);
        Map<String, String> out = new LinkedHashMap<>();
        out.put(Keys.EVENTS, String.join("\n", log.createdEvents(spec.name()).stream()
                .filter(e -> !e.endsWith(" (harness)")).map(e -> e.replace(" at ", " event of " + spec.name() + " at "))
                .toList()));
        return observation("LoadDriver", in, null, out, Phase.BOOT, start, "image code in " + log.imageType(spec.name())
                + "; the harness's own events are left out");
    }

    @Override
    public Observation use(String name) {
        Loaded d = loaded(name);
        if (d.unloaded()) {
            throw new IllegalArgumentException("driver \"" + name + "\" is unloaded: it can run no more code");
        }
        long start = System.nanoTime();
        Phase phase = machine.phase();
        List<String> lines;
        String note = null;
        if (phase != Phase.BOOT && !machine.agentIsTheOs() && !machine.kernelMapRecorded()) {
            // Between ExitBootServices and SetVirtualAddressMap: Linux makes both before any program runs, so what
            // the driver found in its own ExitBootServices notify is the only use in that window.
            lines = record().usedAtExit(name);
            if (lines.isEmpty()) {
                throw new HilException("driver " + name + " recorded no use at ExitBootServices");
            }
            note = "used by the driver's ExitBootServices notify: Linux calls SetVirtualAddressMap right after"
                    + " ExitBootServices, before any program of the OS phase runs";
        } else {
            lines = read(RuntimeDriverRecord.USE_PREFIX + name).lines().toList();
        }
        List<String> faults = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (String l : lines) {
            if (l.startsWith("fault ")) {
                faults.add(name + ": " + l.substring(6));
            } else if (l.startsWith("note ")) {
                notes.add(l.substring(5));
            } else if (l.startsWith("unavailable ")) {
                throw notObservable("driver " + name + " cannot run after ExitBootServices: " + l.substring(12));
            }
        }
        useFaults.addAll(faults);
        Map<String, String> out = new LinkedHashMap<>();
        out.put(Keys.COUNT, String.valueOf(faults.size()));
        out.put(Keys.FAULTS, String.join("\n", faults));
        if (!notes.isEmpty()) {
            // What the OS did with the fault: measured, but not part of the model the simulator shares.
            note = (note == null ? "" : note + "; ") + "measured: " + String.join("; ", notes);
        }
        return observation("UseDriver", Map.of(Keys.DRIVER, name), null, out, phase, start, note);
    }

    @Override
    public Observation unload(String name) {
        Loaded d = loaded(name);
        requireBoot("UnloadImage");
        if (!d.spec().unloadClosesEvents()) {
            throw notObservable("on real firmware the VirtualAddressChange notify of a driver unloaded with its events"
                    + " open is called at SetVirtualAddressMap in freed memory, which by then may hold what Linux's EFI"
                    + " stub allocated: the boot would run whatever is there, so no detector can report it");
        }
        long start = System.nanoTime();
        AgentReply r = machine.agent(AgentRequest.unloadDriver(d.handle()));
        EfiStatus st = status(r.status(), "UnloadImage");
        if (st == EfiStatus.SUCCESS) {
            drivers.put(name, new Loaded(d.spec(), d.handle(), true));
        }
        return observation("UnloadImage", Map.of(Keys.DRIVER, name), st, Map.of(), Phase.BOOT, start, null);
    }

    @Override
    public Observation events(String name) {
        Loaded d = loaded(name);
        long start = System.nanoTime();
        Phase phase = machine.phase();
        List<String> events;
        long open;
        if (d.unloaded()) {
            RuntimeDriverRecord log = record();
            open = log.openAfterUnload(name).orElseThrow(() -> new HilException("driver " + name
                    + " recorded no Unload"));
            // The Unload records how many stayed open: all of them or none (it closes all or leaves all).
            String state = open == 0 ? " (closed)" : " (open)";
            events = log.createdEvents(name).stream().filter(e -> !e.endsWith(" (harness)"))
                    .map(e -> e.substring(e.indexOf(' ') + 1).replace(" at ", " event of " + name + " at ") + state)
                    .toList();
        } else {
            requireBoot("Listing a driver's events");
            events = command(name, "events").stream().filter(l -> l.startsWith("event ")).map(l -> {
                String[] w = l.split(" ");
                return w[1] + " event of " + name + " at " + w[2] + " (" + w[3] + ")";
            }).toList();
            open = events.stream().filter(e -> e.endsWith(" (open)")).count();
        }
        return observation("DriverEvents", Map.of(Keys.DRIVER, name), null,
                Map.of(Keys.OPEN_EVENTS, String.valueOf(open), Keys.EVENTS, String.join("\n", events)), phase, start,
                null);
    }

    @Override
    public Observation conversions(String name) {
        loaded(name);
        long start = System.nanoTime();
        List<String> calls = record().conversions(name);
        return observation("DriverConversions", Map.of(Keys.DRIVER, name), null,
                Map.of(Keys.COUNT, String.valueOf(calls.size()), Keys.CONVERSIONS, String.join("\n", calls)),
                machine.phase(), start, null);
    }

    @Override
    public Observation forgetConversion(String name, String pointer) {
        Loaded d = loaded(name);
        requireBoot("Fault injection into a driver");
        if (d.spec().pointers().stream().noneMatch(p -> p.name().equals(pointer))) {
            throw new IllegalArgumentException("driver \"" + name + "\" keeps no pointer \"" + pointer + "\"");
        }
        long start = System.nanoTime();
        command(name, "forget " + pointer);
        return observation("ForgetConversion", Map.of(Keys.DRIVER, name, Keys.POINTER, pointer), null, Map.of(),
                Phase.BOOT, start, null);
    }

    @Override
    public Observation createEvent(String name, int type, long tpl, String groupName) {
        loaded(name);
        requireBoot("CreateEvent");
        Map<String, String> in = new LinkedHashMap<>();
        in.put(Keys.DRIVER, name);
        in.put(Keys.TYPE, EventTypes.hex(type));
        in.put(Keys.TPL, Tpl.describe(tpl));
        String text = "create 0x" + Integer.toHexString(type) + " " + tpl;
        if (groupName != null) {
            in.put(Keys.GROUP, groupName);
            text += " " + groupName + ":" + group(groupName);
        }
        long start = System.nanoTime();
        List<String> reply = command(name, text);
        EfiStatus st = status(value(reply, "status"), "CreateEvent");
        Map<String, String> out = new LinkedHashMap<>();
        if (st == EfiStatus.SUCCESS) {
            out.put(Keys.TYPE, EventTypes.hex((int) value(reply, "type")));
            EfiGuid g = RuntimeDriverRecord.guidFromBytes(reply.stream().filter(l -> l.startsWith("group "))
                    .map(l -> l.substring(6)).findFirst().orElseThrow(() -> new HilException(
                            "the driver's reply has no group: " + reply)));
            if (g != null) {
                out.put(Keys.GROUP, EventGroups.name(g));
            }
        }
        return observation(groupName == null ? "CreateEvent" : "CreateEventEx", in, st, out, Phase.BOOT, start,
                "type and group read from the DXE core's IEVENT");
    }

    private static String group(String name) {
        return EventGroups.byName(name).orElseThrow(() -> new IllegalArgumentException("unknown event group \""
                + name + "\" (known: " + EventGroups.names() + ")")).toString().toLowerCase(java.util.Locale.ROOT);
    }

    // ---- platform ------------------------------------------------------------------------------------------

    @Override
    public Observation signal(String groupName) {
        String guid = group(groupName);
        if (groupName.equals("ExitBootServices") || groupName.equals("VirtualAddressChange")) {
            throw new IllegalArgumentException("the " + groupName + " group is signalled by "
                    + (groupName.equals("ExitBootServices") ? "ExitBootServices" : "SetVirtualAddressMap")
                    + "; call that instead");
        }
        sync();
        requireBoot("Signalling an event group");
        if (!hub) {
            throw notObservable("signalling is done by the test-driver hub, and no test driver was loaded in this"
                    + " boot; the firmware already signalled " + groupName + " before the Shell");
        }
        long start = System.nanoTime();
        List<String> reply = command(RuntimeDriverRecord.HUB, "signal " + groupName + ":" + guid);
        EfiStatus st = status(value(reply, "status"), "SignalEvent");
        return observation("SignalEventGroup", Map.of(Keys.GROUP, groupName), st, Map.of(), Phase.BOOT, start,
                "signalled again from the Shell with CreateEventEx + SignalEvent: the firmware's own notify functions"
                        + " of the group run again too");
    }

    @Override
    public Observation memoryMap() {
        return machine.memoryMap();
    }

    @Override
    public Observation exitBootServices(long mapKey) {
        return machine.exitBootServices(mapKey);
    }

    @Override
    public Observation setVirtualAddressMap(VirtualMap map) {
        return machine.setVirtualAddressMap(map);
    }

    @Override
    public Observation convertPointer(String name, String pointer, boolean optional) {
        Loaded d = loaded(name);
        if (machine.phase() != Phase.BOOT && !machine.agentIsTheOs()) {
            throw notObservable("ConvertPointer at a time of the scenario's choosing after ExitBootServices: a driver"
                    + " runs only when Linux calls a runtime service or signals its events, never on request");
        }
        if (d.spec().pointers().stream().noneMatch(p -> p.name().equals(pointer))) {
            throw new IllegalArgumentException("driver \"" + name + "\" keeps no pointer \"" + pointer + "\"");
        }
        long start = System.nanoTime();
        List<String> reply = command(name, "convert " + pointer + (optional ? " opt" : ""));
        EfiStatus st = status(value(reply, "status"), "ConvertPointer");
        return observation("ConvertPointer", Map.of(Keys.DRIVER, name, Keys.POINTER, pointer,
                Keys.OPTIONAL, String.valueOf(optional)), st, Map.of(), machine.phase(), start, null);
    }

    @Override
    public Observation faults() {
        sync();
        long start = System.nanoTime();
        List<String> all = new ArrayList<>(useFaults);
        for (String f : record().faults()) {
            if (!all.contains(f)) {
                all.add(f);
            }
        }
        return observation("RuntimeFaults", Map.of(), null,
                Map.of(Keys.COUNT, String.valueOf(all.size()), Keys.FAULTS, String.join("\n", all)),
                machine.phase(), start, "found by the test drivers; the firmware's own drivers report nothing");
    }

    @Override
    public Observation notifications() {
        sync();
        long start = System.nanoTime();
        List<String> all = record().notifications();
        return observation("Notifications", Map.of(), null,
                Map.of(Keys.COUNT, String.valueOf(all.size()), Keys.NOTIFICATIONS, String.join("\n", all)),
                machine.phase(), start, "the test drivers' notify functions, in the order they ran");
    }

    // ---- start-up ------------------------------------------------------------------------------------------

    private NotObservableException startUp() {
        return notObservable("OVMF's DXE dispatcher runs the variable start-up before the Shell and cannot be stopped"
                + " part-way; a driver loaded from the Shell comes after EndOfDxe and ReadyToBoot were signalled");
    }

    @Override
    public Observation restartUntil(StartUpStage stage) {
        throw startUp();
    }

    @Override
    public Observation continueStartUp(StartUpStage stage) {
        throw startUp();
    }

    @Override
    public Observation protocols() {
        throw startUp();
    }

    /** For messages: the loaded drivers. */
    @Override
    public String toString() {
        return drivers.keySet().stream().collect(Collectors.joining(", ", "drivers [", "]"));
    }
}
