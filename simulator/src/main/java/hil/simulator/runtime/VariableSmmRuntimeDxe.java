package hil.simulator.runtime;

import hil.simulator.platform.DxeCore;
import hil.simulator.platform.EfiEvent;
import hil.simulator.platform.EventGroups;
import hil.simulator.platform.EventTypes;
import hil.simulator.platform.LoadedImage;
import hil.simulator.platform.MemoryFault;
import hil.simulator.platform.MemoryType;
import hil.simulator.platform.NotifyFunction;
import hil.simulator.platform.ProtocolDatabase;
import hil.simulator.platform.RuntimeFault;
import hil.simulator.platform.RuntimeServicesTable.Service;
import hil.simulator.platform.SystemMemory;
import hil.simulator.platform.Tpl;
import hil.simulator.smm.SmmCommunication;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static hil.simulator.smm.CommLayout.MM_HEADER_SIZE;
import static hil.simulator.smm.CommLayout.VARIABLE_HEADER_SIZE;

/**
 * The variable wrapper as a runtime driver (VariableSmmRuntimeDxe, reference 5.2 and 5.3): its entry point
 * registers protocol notifications and events; when the SMM variable protocol appears it sets up the runtime
 * communicate buffer, replaces the gRT variable services and installs the variable arch protocol; when SMM writes
 * become possible it installs the variable-write arch protocol; its ReadyToBoot and ExitBootServices notify
 * functions send SMIs 5 and 6; its VirtualAddressChange notify converts the pointers it keeps.
 *
 * <p>{@link VariableRuntimeDxe} marshals each call; this class is the driver around it and keeps the pointers
 * every call goes through ({@code mVariableBuffer}, {@code mMmCommunication2}) in its image, in simulated memory.
 * The names and the conversions are those of edk2-stable202211; the runtime-cache pointers stay NULL because
 * OVMF builds without the cache, and are converted with EFI_OPTIONAL_PTR.
 *
 * <p>The communicate buffer is an EfiRuntimeServicesData pool allocation (AllocateRuntimePool) in simulated memory.
 * As in EDK II the driver keeps two pointers to it: {@code mVariableBuffer}, through which it writes messages and
 * reads replies and which it converts at SetVirtualAddressMap, and {@code mVariableBufferPhysical}, which it never
 * converts and passes as CommBufferPhysical to {@code Communicate(mMmCommunication2, mVariableBufferPhysical,
 * mVariableBuffer, &CommSize)}; PiSmmIpl hands SMM only the physical address. So a wrong pointer shows: if
 * {@code mVariableBufferPhysical} is converted (or otherwise wrong), SMM refuses the buffer (a virtual address is
 * beyond the largest physical address SmmMemLib accepts) and Communicate fails; the real wrapper ignores that status
 * and reports the EFI_SUCCESS it zero-filled, so the simulator reports the call as a fault naming the pointer. If
 * {@code mVariableBuffer} names other memory than {@code mVariableBufferPhysical}, the wrapper would write where SMM
 * does not look: also a fault, found before the SMI.
 */
public final class VariableSmmRuntimeDxe implements RuntimeDriver {

    public static final String NAME = "VariableSmmRuntimeDxe";
    public static final String VARIABLE_BUFFER = "mVariableBuffer";
    /** The buffer's physical address, passed to SMM; deliberately never converted (SMM works physically). */
    public static final String VARIABLE_BUFFER_PHYSICAL = "mVariableBufferPhysical";
    public static final String MM_COMMUNICATION = "mMmCommunication2";
    public static final String HOB_CACHE = "mVariableRuntimeHobCacheBuffer";
    public static final String NV_CACHE = "mVariableRuntimeNvCacheBuffer";
    public static final String VOLATILE_CACHE = "mVariableRuntimeVolatileCacheBuffer";

    /** What VariableAddressChangeEvent converts, in order; true where it passes EFI_OPTIONAL_PTR. */
    private static final Map<String, Boolean> CONVERTED = new LinkedHashMap<>();

    static {
        CONVERTED.put(VARIABLE_BUFFER, false);
        CONVERTED.put(MM_COMMUNICATION, false);
        CONVERTED.put(HOB_CACHE, true);
        CONVERTED.put(NV_CACHE, true);
        CONVERTED.put(VOLATILE_CACHE, true);
    }

    /** The pointers every variable call follows. */
    private static final List<String> USED_BY_EVERY_CALL = List.of(VARIABLE_BUFFER, MM_COMMUNICATION,
            HOB_CACHE, NV_CACHE, VOLATILE_CACHE);

    // Entry points in the image.
    private static final int GET_VARIABLE = 1;
    private static final int GET_NEXT_VARIABLE_NAME = 2;
    private static final int SET_VARIABLE = 3;
    private static final int QUERY_VARIABLE_INFO = 4;
    private static final int ON_READY_TO_BOOT = 7;
    private static final int ON_EXIT_BOOT_SERVICES = 8;
    private static final int VARIABLE_ADDRESS_CHANGE = 9;
    private static final int VARIABLE_LOCK_INTERFACE = 10;

    private final DxeCore dxe;
    private final SmmCommunication smm;
    private final LoadedImage image;
    private final DriverGlobals globals;
    private final Set<String> forgotten = new HashSet<>();
    private final Set<String> extraConversions = new HashSet<>();
    private final List<PointerConversion> conversions = new ArrayList<>();
    private VariableRuntimeDxe runtime;

    private VariableSmmRuntimeDxe(DxeCore dxe, SmmCommunication smm) {
        this.dxe = dxe;
        this.smm = smm;
        this.image = dxe.loadImage(NAME, MemoryType.RUNTIME_SERVICES_CODE);
        this.globals = new DriverGlobals(dxe, image, List.of(VARIABLE_BUFFER, VARIABLE_BUFFER_PHYSICAL,
                MM_COMMUNICATION, HOB_CACHE, NV_CACHE, VOLATILE_CACHE));
    }

    /** Loads the driver and runs its entry point (VariableSmmRuntimeInitialize). */
    public static VariableSmmRuntimeDxe load(DxeCore dxe, SmmCommunication smm) {
        VariableSmmRuntimeDxe driver = new VariableSmmRuntimeDxe(dxe, smm);
        driver.initialize();
        return driver;
    }

    private void initialize() {
        dxe.protocols().registerProtocolNotify(EfiGuid.SMM_VARIABLE_PROTOCOL, this::smmVariableReady);
        dxe.protocols().registerProtocolNotify(EfiGuid.SMM_VARIABLE_WRITE, this::smmVariableWriteReady);
        create(EventGroups.READY_TO_BOOT, ON_READY_TO_BOOT, this::onReadyToBoot);
        create(EventGroups.EXIT_BOOT_SERVICES, ON_EXIT_BOOT_SERVICES, e -> onExitBootServices());
        create(EventGroups.LEGACY_BOOT, ON_EXIT_BOOT_SERVICES, e -> onExitBootServices());
        create(EventGroups.VIRTUAL_ADDRESS_CHANGE, VARIABLE_ADDRESS_CHANGE, e -> variableAddressChange());
    }

    private void create(EfiGuid group, int entry, NotifyFunction notify) {
        EfiStatus status = dxe.events().createEventEx(EventTypes.EVT_NOTIFY_SIGNAL, Tpl.NOTIFY, notify, group, image,
                image.entryPoint(entry)).status();
        if (status != EfiStatus.SUCCESS) {
            throw new IllegalStateException(NAME + " could not create its " + EventGroups.name(group) + " event: " + status);
        }
    }

    /** SmmVariableReady: runs when gEfiSmmVariableProtocolGuid appears in the DXE database. */
    private void smmVariableReady() {
        if (runtime != null) {
            return;
        }
        var communication = dxe.protocols().locate(ProtocolDatabase.MM_COMMUNICATION2);
        if (communication.isEmpty()) {
            return;
        }
        // GetVariablePayloadSize asks SMM in a temporary boot-services buffer (AllocateZeroPool) and frees it again;
        // at this point of the boot (before EndOfDxe) SmmMemLib checks only that it is outside SMRAM.
        int querySize = VariableRuntimeDxe.PAYLOAD_SIZE_QUERY_SIZE;
        long query = dxe.memory().allocatePool(MemoryType.BOOT_SERVICES_DATA, querySize, NAME + " payload-size query");
        byte[] message = VariableRuntimeDxe.payloadSizeQuery();
        dxe.memory().write(query, message, 0, querySize);
        smm.communicate(query, querySize);
        dxe.memory().read(query, message, 0, querySize);
        dxe.memory().free(query);
        long payloadSize = VariableRuntimeDxe.payloadSizeAnswer(message);
        long buffer = dxe.memory().allocatePool(MemoryType.RUNTIME_SERVICES_DATA,
                MM_HEADER_SIZE + VARIABLE_HEADER_SIZE + payloadSize, NAME + " " + VARIABLE_BUFFER);
        globals.set(VARIABLE_BUFFER, buffer);
        globals.set(VARIABLE_BUFFER_PHYSICAL, buffer);
        globals.set(MM_COMMUNICATION, communication.getAsLong());
        runtime = new VariableRuntimeDxe(payloadSize, new BufferChannel());
        dxe.runtimeServices().install(Service.GET_VARIABLE, image.entryPoint(GET_VARIABLE));
        dxe.runtimeServices().install(Service.GET_NEXT_VARIABLE_NAME, image.entryPoint(GET_NEXT_VARIABLE_NAME));
        dxe.runtimeServices().install(Service.SET_VARIABLE, image.entryPoint(SET_VARIABLE));
        dxe.runtimeServices().install(Service.QUERY_VARIABLE_INFO, image.entryPoint(QUERY_VARIABLE_INFO));
        dxe.protocols().install(EfiGuid.VARIABLE_ARCH_PROTOCOL, 0);
        dxe.protocols().install(ProtocolDatabase.VARIABLE_LOCK, image.entryPoint(VARIABLE_LOCK_INTERFACE));
    }

    /**
     * The communicate buffer as the wrapper's code reaches it: messages are stored and replies read through
     * {@code mVariableBuffer} in the current addressing mode; SMM gets {@code mVariableBufferPhysical}.
     */
    private final class BufferChannel implements VariableRuntimeDxe.Channel {

        @Override
        public void store(byte[] message, int length) {
            long buffer = pointer(VARIABLE_BUFFER);
            try {
                dxe.memory().write(buffer, message, 0, length);
            } catch (MemoryFault f) {
                throw fault(f.describe(VARIABLE_BUFFER));
            }
        }

        @Override
        public void communicate(long commSize) {
            long virtual = pointer(VARIABLE_BUFFER);
            long physical = pointer(VARIABLE_BUFFER_PHYSICAL);
            long named = dxe.memory().mode() == SystemMemory.Mode.VIRTUAL
                    ? dxe.memory().toPhysical(virtual).orElse(virtual) : virtual;
            if (named != physical && dxe.memory().typeAt(physical).isPresent()) {
                throw fault(String.format("%s names physical 0x%X but %s is 0x%X: the message is written where SMM"
                        + " does not look", VARIABLE_BUFFER, named, VARIABLE_BUFFER_PHYSICAL, physical));
            }
            SmmCommunication.Result r = smm.communicate(physical, commSize);
            if (r.status() == null) {
                throw fault(r.unmodelled());
            }
            if (r.status() != EfiStatus.SUCCESS) {
                throw fault(String.format("SMM refused the communicate buffer at %s = 0x%X: Communicate returned %s"
                        + " (the wrapper ignores that status and would return the EFI_SUCCESS it zero-filled, with"
                        + " nothing done)", VARIABLE_BUFFER_PHYSICAL, physical, r.status().efiName()));
            }
        }

        @Override
        public void load(byte[] message, int length) {
            long buffer = pointer(VARIABLE_BUFFER);
            try {
                dxe.memory().read(buffer, message, 0, length);
            } catch (MemoryFault f) {
                throw fault(f.describe(VARIABLE_BUFFER));
            }
        }

        private long pointer(String name) {
            try {
                return globals.get(name);
            } catch (MemoryFault f) {
                throw fault(f.describe("the image holding " + name));
            }
        }

        private DriverFaultException fault(String message) {
            RuntimeFault fault = new RuntimeFault(NAME, message);
            dxe.reportFault(fault);
            return new DriverFaultException(fault);
        }
    }

    /** SmmVariableWriteReady: runs when gSmmVariableWriteGuid appears. */
    private void smmVariableWriteReady() {
        if (!dxe.protocols().installed(EfiGuid.VARIABLE_WRITE_ARCH_PROTOCOL)) {
            dxe.protocols().install(EfiGuid.VARIABLE_WRITE_ARCH_PROTOCOL, 0);
        }
    }

    /** OnReadyToBoot: SMI 5 on the first signal, then the event is closed. */
    private void onReadyToBoot(EfiEvent event) {
        if (notReady("ReadyToBoot")) {
            return;
        }
        try {
            runtime.signalReadyToBoot();
        } catch (DriverFaultException e) {
            // Already in the fault log; the real notify function would carry on regardless.
        }
        dxe.events().closeEvent(event);
    }

    /** OnExitBootServices (also for LegacyBoot): SMI 6. */
    private void onExitBootServices() {
        if (notReady("ExitBootServices")) {
            return;
        }
        try {
            runtime.signalExitBootServices();
        } catch (DriverFaultException e) {
            // Already in the fault log.
        }
    }

    private boolean notReady(String event) {
        if (runtime == null) {
            dxe.reportFault(new RuntimeFault(NAME, event + " arrived before the SMM variable driver was ready: "
                    + VARIABLE_BUFFER + " is NULL"));
            return true;
        }
        return false;
    }

    /** VariableAddressChangeEvent (plus any conversion a faulty build adds, {@link #convertAlso}). */
    private void variableAddressChange() {
        conversions.clear();
        conversions.addAll(globals.convertAll(CONVERTED, forgotten));
        Map<String, Boolean> extra = new LinkedHashMap<>();
        for (String pointer : globals.names()) {
            if (extraConversions.contains(pointer)) {
                extra.put(pointer, false);
            }
        }
        conversions.addAll(globals.convertAll(extra, Set.of()));
    }

    /**
     * Fault injection: from now on the VirtualAddressChange notify also converts {@code pointer}, one it must leave
     * alone (in EDK II that is {@link #VARIABLE_BUFFER_PHYSICAL}: SMM works with physical addresses).
     */
    public void convertAlso(String pointer) {
        if (!globals.has(pointer) || CONVERTED.containsKey(pointer)) {
            throw new IllegalArgumentException(NAME + " keeps no unconverted pointer " + pointer + " (it keeps: "
                    + String.join(", ", globals.names()) + "; it converts: " + String.join(", ", CONVERTED.keySet()) + ")");
        }
        extraConversions.add(pointer);
    }

    /** Fault injection: a stray write or a wrong conversion leaves {@code value} in the pointer. */
    public void overwritePointer(String pointer, long value) {
        globals.set(pointer, value);
    }

    /** The marshalling half, once SMM is ready; empty before. */
    public Optional<VariableRuntimeDxe> runtime() {
        return Optional.ofNullable(runtime);
    }

    /**
     * What every gRT variable service does before it marshals: follows the communicate buffer and protocol
     * pointers. A fault means the call cannot work in the current addressing mode.
     */
    public List<RuntimeFault> enter() {
        return use();
    }

    @Override
    public String name() {
        return NAME;
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
        return globals.followAll(USED_BY_EVERY_CALL);
    }

    @Override
    public void forgetConversion(String pointer) {
        if (!CONVERTED.containsKey(pointer)) {
            throw new IllegalArgumentException(NAME + " converts no pointer " + pointer + " (it converts: "
                    + String.join(", ", CONVERTED.keySet()) + ")");
        }
        forgotten.add(pointer);
    }

    @Override
    public List<PointerConversion> conversions() {
        return List.copyOf(conversions);
    }

    @Override
    public EfiStatus convertPointer(String pointer, boolean optional) {
        return globals.convert(pointer, optional);
    }

    /** A pointer's stored value, for inspection. */
    public long pointerValue(String pointer) {
        return globals.peek(pointer);
    }
}
