package hil.simulator.platform;

import hil.simulator.Profile;
import hil.simulator.flash.NorFlash;
import hil.simulator.flash.FlashOperation;
import hil.simulator.flash.PowerCut;
import hil.simulator.flash.PowerLossException;
import hil.simulator.runtime.ConfigurableRuntimeDriver;
import hil.simulator.runtime.MmCommunicationDriver;
import hil.simulator.runtime.RuntimeDriver;
import hil.simulator.runtime.RuntimeDriverDefinition;
import hil.simulator.runtime.VariableRuntimeDxe;
import hil.simulator.runtime.VariableSmmRuntimeDxe;
import hil.simulator.runtime.DriverFaultException;
import hil.simulator.smm.SmmCommunication;
import hil.simulator.smm.SmmMemLib;
import hil.simulator.smm.SmmVariableHandler;
import hil.simulator.smm.VariableCore;
import hil.simulator.store.FaultTolerantWrite;
import hil.simulator.store.VarsImage;
import hil.simulator.store.VariableStore;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A simulated machine: the variable flash (which survives resets and power loss), and on every boot a fresh
 * firmware stack on top of it — the SMM variable driver with its volatile store, the SMM transport and the runtime
 * DXE wrapper — plus the boot phases that drive it.
 *
 * <p>The DXE side of each boot is a {@link DxeCore}: memory by type, events and TPLs, the protocol database, gRT,
 * ExitBootServices, SetVirtualAddressMap and ConvertPointer. The variable wrapper is a driver in it
 * ({@link VariableSmmRuntimeDxe}); test drivers can be loaded next to it. Every variable call goes through its
 * gRT entry and the wrapper's pointers, so a pointer that was not converted shows up as a {@link RuntimeFault}.
 */
public final class SimulatedPlatform {

    /** Boot phases as the runtime services see them. */
    public enum Phase { BOOT, RUNTIME, VIRTUAL }

    private final Profile profile;
    private NorFlash flash;
    private VariableCore core;
    private VariableRuntimeDxe dxe;
    private Phase phase;
    private boolean endOfDxeSignalled;
    private boolean powerLossArmed;
    /** Where the armed cut hits: after this many byte writes of the call; 0: in its middle flash operation. */
    private long cutAfterByteWrites;
    private boolean readyToBootSignalled;
    /** Whether the boot manager started in this boot (it does before it signals EndOfDxe). */
    private boolean bootManagerStarted;

    /**
     * The variables the boot manager (MdeModulePkg's BdsDxe, which OVMF uses) marks read-only with the VariableLock
     * protocol when it starts, before it signals EndOfDxe: from then on they are EFI_WRITE_PROTECTED to everyone
     * outside SMM (measured on Debian's OVMF 2022.11).
     */
    public static final List<String> BOOT_MANAGER_READ_ONLY = List.of("PlatformLangCodes", "LangCodes",
            "BootOptionSupport", "HwErrRecSupport", "OsIndicationsSupported");
    private long boots;
    /** The DXE environment of this boot: memory, events, gRT, SetVirtualAddressMap, detected faults. */
    private DxeCore firmware;
    private VariableSmmRuntimeDxe variableDriver;
    /** The SMM transport of this boot, over this boot's memory, with its SmmMemLib state. */
    private SmmCommunication smm;
    private final Map<String, RuntimeDriver> drivers = new LinkedHashMap<>();
    private StartUpStage startUp;
    /** Where the next boot stops its start-up; every boot but an explicit {@link #restartUntil} runs it all. */
    private StartUpStage stopStartUpAt = StartUpStage.WRITE_READY;

    /** The offset of the standard virtual map: virtual = physical + this, for every runtime range. */
    public static final long VIRTUAL_OFFSET = 0xFFFF800000000000L;

    /** A machine with a factory-fresh variable flash, booted. */
    public SimulatedPlatform(Profile profile) {
        this(profile, VarsImage.fresh(profile));
    }

    /** A machine whose variable flash holds {@code varsImage}, booted. */
    public SimulatedPlatform(Profile profile, byte[] varsImage) {
        this.profile = profile;
        this.flash = NorFlash.of(ofProfileSize(profile, varsImage), profile.blockSize());
        boot();
    }

    private static byte[] ofProfileSize(Profile profile, byte[] varsImage) {
        if (varsImage.length != profile.varsSize()) {
            throw new IllegalArgumentException("varstore image is " + varsImage.length + " bytes; profile "
                    + profile.name() + " needs " + profile.varsSize());
        }
        return varsImage;
    }

    /**
     * Power-on: builds the firmware stack on the current flash contents (volatile state starts empty). The
     * fault-tolerant write driver starts first and finishes or abandons a write a power cut interrupted, so the
     * variable driver reads a consistent store.
     */
    private void boot() {
        flash.powerOn();
        FaultTolerantWrite ftw = FaultTolerantWrite.start(flash, profile);
        VariableStore nv = VariableStore.onFlash(flash, profile, ftw);
        VariableStore volatileStore = VariableStore.inRam(profile.volatileStoreSize(), nv.authenticated());
        core = new VariableCore(profile, nv, volatileStore);
        startFirmware();
        if (startUp == StartUpStage.WRITE_READY) {
            startPlatformDrivers();
        }
        phase = Phase.BOOT;
        endOfDxeSignalled = false;
        readyToBootSignalled = false;
        bootManagerStarted = false;
        boots++;
    }

    /** Replaces the flash with a factory-fresh image and boots. */
    public void factoryReset() {
        powerOnWith(VarsImage.fresh(profile));
    }

    /**
     * Power-on with another variable flash: {@code varsImage} (the profile's size) is written into a new flash, then
     * the machine boots on it as on the factory store.
     */
    public void startFrom(byte[] varsImage) {
        powerOnWith(ofProfileSize(profile, varsImage));
    }

    /** A new flash holding a copy of {@code image}, then power-on; an armed power cut is dropped. */
    private void powerOnWith(byte[] image) {
        powerLossArmed = false;
        cutAfterByteWrites = 0;
        flash = NorFlash.of(image, profile.blockSize());
        boot();
    }

    /** ResetSystem: the flash keeps its contents, everything else starts over. */
    public void reset() {
        flash.disarm();
        boot();
    }

    public Profile profile() {
        return profile;
    }

    public Phase phase() {
        return phase;
    }

    public NorFlash flash() {
        return flash;
    }

    public VariableCore core() {
        return core;
    }

    /** How many times the machine has booted. */
    public long boots() {
        return boots;
    }

    /**
     * The outcome of a runtime-service call: its result; or that the power failed during it; or that gRT still held
     * the DXE core's placeholder, which returned {@code placeholderStatus}; or that the simulator detected a fault
     * (a pointer that was not converted, memory that is gone) before the call could work.
     */
    public record Outcome<T>(T result, PowerLossException powerLoss, EfiStatus placeholderStatus, RuntimeFault fault) {

        public Outcome(T result, PowerLossException powerLoss) {
            this(result, powerLoss, null, null);
        }

        public boolean powerLost() {
            return powerLoss != null;
        }

        /** Whether the service was not installed yet and the placeholder answered. */
        public boolean notInstalled() {
            return placeholderStatus != null;
        }

        public boolean faulted() {
            return fault != null;
        }
    }

    private static final List<RuntimeServicesTable.Service> VARIABLE_SERVICES = List.of(
            RuntimeServicesTable.Service.GET_VARIABLE, RuntimeServicesTable.Service.GET_NEXT_VARIABLE_NAME,
            RuntimeServicesTable.Service.SET_VARIABLE, RuntimeServicesTable.Service.QUERY_VARIABLE_INFO);

    /**
     * Makes a runtime-service call through the gRT variable services. If the power fails during it, the machine
     * restarts (volatile state lost, flash recovered at start-up) and the outcome says so.
     */
    public <T> Outcome<T> call(Function<VariableRuntimeDxe, T> service) {
        return dispatch(VARIABLE_SERVICES, service);
    }

    /**
     * Makes the call through the gRT entry of the named service ({@code GetVariable}, {@code SetVariable}, …): the
     * entry must be callable in the current addressing mode, and the variable driver's pointers must be valid. A
     * name that is not one of the four variable services (a wrapper-level operation such as RequestToLock) goes
     * through all four entries, like {@link #call(Function)}.
     */
    public <T> Outcome<T> call(String serviceName, Function<VariableRuntimeDxe, T> service) {
        List<RuntimeServicesTable.Service> entries = RuntimeServicesTable.Service.byName(serviceName)
                .filter(VARIABLE_SERVICES::contains).map(List::of).orElse(VARIABLE_SERVICES);
        return dispatch(entries, service);
    }

    private <T> Outcome<T> dispatch(List<RuntimeServicesTable.Service> entries, Function<VariableRuntimeDxe, T> service) {
        boolean placeholder = false;
        for (RuntimeServicesTable.Service s : entries) {
            placeholder |= firmware.runtimeServices().placeholder(s);
            try {
                firmware.runtimeServices().call(s);
            } catch (MemoryFault f) {
                RuntimeFault fault = new RuntimeFault(firmware.runtimeServices().placeholder(s) ? DxeCore.CORE_IMAGE
                        : VariableSmmRuntimeDxe.NAME, f.describe("gRT->" + s.efiName()));
                firmware.reportFault(fault);
                return new Outcome<>(null, null, null, fault);
            }
        }
        if (placeholder || dxe == null) {
            // The DXE core's CoreEfiNotAvailableYetArgN.
            return new Outcome<>(null, null, EfiStatus.NOT_AVAILABLE_YET, null);
        }
        List<RuntimeFault> faults = variableDriver.enter();
        if (!faults.isEmpty()) {
            return new Outcome<>(null, null, null, faults.get(0));
        }
        boolean cutThisCall = powerLossArmed && entries.contains(RuntimeServicesTable.Service.SET_VARIABLE);
        NorFlash.State before = cutThisCall ? flash.state() : null;
        if (cutThisCall) {
            flash.startJournal();
        }
        try {
            T result = service.apply(dxe);
            if (!cutThisCall) {
                return new Outcome<>(result, null);
            }
            List<FlashOperation> ops = flash.stopJournal();
            if (ops.isEmpty()) {
                // The call wrote nothing to flash (an error, an identical rewrite, a volatile variable): the cut
                // waits for the next write that reaches the flash.
                return new Outcome<>(result, null);
            }
            powerLossArmed = false;
            long afterWrites = cutAfterByteWrites;
            cutAfterByteWrites = 0;
            return new Outcome<>(null, afterWrites > 0 ? cutAfterWrites(before, ops, afterWrites)
                    : cutDuring(before, ops));
        } catch (PowerLossException e) {
            flash.stopJournal();
            boot();
            return new Outcome<>(null, e);
        } catch (DriverFaultException e) {
            if (cutThisCall) {
                flash.stopJournal();
            }
            return new Outcome<>(null, null, null, e.fault());
        }
    }

    /**
     * Rebuilds the flash as a power cut in the middle of the call's flash operations leaves it — every operation
     * before the middle one complete, the middle one half done with a torn byte — and restarts the machine on it.
     */
    private PowerLossException cutDuring(NorFlash.State before, List<FlashOperation> ops) {
        flash.restore(before);
        int middle = (ops.size() - 1) / 2;
        for (int i = 0; i < middle; i++) {
            ops.get(i).replay(flash, false);
        }
        PowerLossException cut;
        try {
            ops.get(middle).replay(flash, true);
            throw new IllegalStateException("the power cut in flash operation " + (middle + 1) + " did not fire");
        } catch (PowerLossException e) {
            cut = new PowerLossException(e.cut(), e.operation(), e.offset(), "power lost during flash operation "
                    + (middle + 1) + " of the " + ops.size() + " this SetVariable made");
        }
        boot();
        return cut;
    }

    /**
     * Rebuilds the flash as a power cut after the {@code writes}-th byte write of the call leaves it, counting as a
     * flash programmed one byte per command does ({@link FlashOperation#byteWrites()}: OVMF's driver on QEMU's CFI
     * flash), and restarts the machine on it. A call that made fewer writes is cut right after it.
     */
    private PowerLossException cutAfterWrites(NorFlash.State before, List<FlashOperation> ops, long writes) {
        flash.restore(before);
        long done = 0;
        long total = ops.stream().mapToLong(FlashOperation::byteWrites).sum();
        PowerLossException cut = null;
        for (int i = 0; i < ops.size() && done < writes; i++) {
            FlashOperation op = ops.get(i);
            if (done + op.byteWrites() <= writes) {
                op.replay(flash, false);
                done += op.byteWrites();
                continue;
            }
            try {
                op.replayFirst(flash, (int) (writes - done));
                throw new IllegalStateException("the power cut in flash operation " + (i + 1) + " did not fire");
            } catch (PowerLossException e) {
                cut = new PowerLossException(e.cut(), e.operation(), e.offset(), "power lost after byte write "
                        + writes + " of the " + total + " this SetVariable made (in flash operation " + (i + 1)
                        + " of " + ops.size() + ")");
            }
            done = writes;
        }
        if (cut == null) {
            cut = new PowerLossException(PowerCut.after(flash.programOperations()), flash.programOperations(), 0,
                    "power lost right after this SetVariable: it made " + total + " byte writes, not more than the "
                            + writes + " the cut was aimed at");
        }
        flash.powerOn();
        boot();
        return cut;
    }

    /**
     * Arms a power cut for the next SetVariable that writes to the flash, after its {@code writes}-th byte write
     * (see {@link #cutAfterWrites}): the cut points of a sweep that lines up with real OVMF's.
     */
    public void losePowerAfterFlashWrites(long writes) {
        if (writes < 1) {
            throw new IllegalArgumentException("a power cut is aimed at a flash write from 1 on, not " + writes);
        }
        powerLossArmed = true;
        cutAfterByteWrites = writes;
    }

    /**
     * Arms a power cut for the next SetVariable that writes to the flash: it is cut in the middle of the flash
     * operations that call makes (whatever they are: a state byte, a record, a reclaim), and the machine restarts.
     */
    public void losePowerDuringNextWrite() {
        powerLossArmed = true;
        cutAfterByteWrites = 0;
    }

    /** Whether a power cut waits for the next flash write. */
    public boolean powerLossArmed() {
        return powerLossArmed;
    }

    /**
     * The rest of a boot after the variable driver, in EDK II's order, up to the point where the Shell runs a
     * program: every write the platform's drivers make, replayed from the profile's measured data
     * ({@link PlatformVariables}) through the variable core as a trusted (in-SMM-equivalent, pre-EndOfDxe) caller.
     *
     * <ol>
     *   <li>The variable driver: its stores, then the write service ({@link VariableCore#startWriteService}).
     *   AuthVariableLib's initialisation belongs inside that write-service start, as in EDK II
     *   (VariableWriteServiceInitialize calls AuthVariableLibInitialize): its variables (SetupMode, SecureBoot,
     *   certdb …) come before anything below.</li>
     *   <li>The platform's DXE drivers and the boot manager: the NV writes of a first or a later boot, then the
     *   volatile variables, then the UEFI Shell's.</li>
     * </ol>
     *
     * <p>Like the firmware's drivers, a write that fails (a full store) is skipped and the boot goes on.
     */
    private void startPlatformDrivers() {
        PlatformVariables data = platformVariables();
        if (data == null) {
            return;
        }
        PlatformVariables.Write marker = data.firstBootMarker();
        boolean firstBoot = core.getVariable(marker.nameBytes(), marker.vendor(), 0, 0, false).status()
                == EfiStatus.NOT_FOUND;
        replay(data.section(firstBoot ? PlatformVariables.Section.FIRST_BOOT : PlatformVariables.Section.LATER_BOOTS));
        replay(data.section(PlatformVariables.Section.VOLATILE));
        replay(data.section(PlatformVariables.Section.SHELL));
    }

    private void replay(List<PlatformVariables.Write> writes) {
        for (PlatformVariables.Write w : writes) {
            byte[] data = w.data();
            if (w.counter()) {
                // MonotonicCounter keeps the high 32 bits of the counter in MTC and counts it up at every boot.
                VariableCore.GetResult r = core.getVariable(w.nameBytes(), w.vendor(), 0, 4, true);
                long next = r.status() == EfiStatus.SUCCESS && r.data().length == 4
                        ? (hil.simulator.uefi.Bytes.u32(r.data(), 0) + 1) & 0xFFFFFFFFL : 1;
                data = new byte[] {(byte) next, (byte) (next >> 8), (byte) (next >> 16), (byte) (next >> 24)};
            }
            core.setVariable(w.nameBytes(), w.vendor(), w.attributes(), data, true);
        }
    }

    /** The profile's platform variable data, read once per profile; null for a bare store. */
    private PlatformVariables platformVariables() {
        if (profile.bareStore()) {
            return null;
        }
        return PLATFORM_DATA.computeIfAbsent(profile.platformVariables(), PlatformVariables::load);
    }

    private static final Map<String, PlatformVariables> PLATFORM_DATA = new java.util.concurrent.ConcurrentHashMap<>();

    /** The boot manager's start: it requests the locks of {@link #BOOT_MANAGER_READ_ONLY}, once a boot. */
    private void startBootManager() {
        if (bootManagerStarted) {
            return;
        }
        bootManagerStarted = true;
        for (String name : BOOT_MANAGER_READ_ONLY) {
            core.requestToLock(name, EfiGuid.GLOBAL_VARIABLE);
        }
    }

    /**
     * EndOfDxe: seen by SMM only; locks and VarCheck enforcement start, and SmmMemLib takes the memory map. OVMF's
     * boot manager installs the DXE SmmReadyToLock protocol right after it (PlatformBootManagerBeforeConsole), so
     * from here on SMM accepts communicate buffers only in the regions of that map ({@link SmmMemLib}).
     */
    public EfiStatus signalEndOfDxe() {
        if (phase != Phase.BOOT) {
            return EfiStatus.UNSUPPORTED;
        }
        startBootManager();
        endOfDxeSignalled = true;
        core.onEndOfDxe();
        firmware.events().signalGroup(EventGroups.END_OF_DXE);
        smmReadyToLock();
        return EfiStatus.SUCCESS;
    }

    /**
     * The SMM side of the boot manager's EndOfDxe and DxeSmmReadyToLock: SmmMemLib keeps the memory map of now
     * and starts checking buffers against it. Once a boot: the IPL locks only once.
     */
    private void smmReadyToLock() {
        if (!smm.memLib().readyToLockSeen()) {
            smm.memLib().endOfDxe(firmware.memory().memoryMap());
            smm.memLib().readyToLock();
        }
    }

    /**
     * ReadyToBoot: the group is signalled; the DXE wrapper's notify function sends its SMI and closes its event, so
     * only the first signal reaches SMM.
     */
    public EfiStatus signalReadyToBoot() {
        if (phase != Phase.BOOT) {
            return EfiStatus.UNSUPPORTED;
        }
        startBootManager();
        readyToBootSignalled = true;
        endOfDxeSignalled = true;
        smmReadyToLock();
        firmware.events().signalGroup(EventGroups.READY_TO_BOOT);
        return EfiStatus.SUCCESS;
    }

    /**
     * ExitBootServices with the current map key: the ExitBootServices group runs (the variable wrapper's SMI sets
     * SMM's runtime flag). A second call has no boot services to call: INVALID_PARAMETER.
     */
    public EfiStatus exitBootServices() {
        return exitBootServices(firmware.memory().mapKey());
    }

    /** ExitBootServices with a map key the OS read earlier: a stale key is INVALID_PARAMETER (reference 6.2). */
    public EfiStatus exitBootServices(long mapKey) {
        if (phase != Phase.BOOT) {
            return EfiStatus.INVALID_PARAMETER;
        }
        EfiStatus status = firmware.exitBootServices(mapKey);
        if (status == EfiStatus.SUCCESS) {
            phase = Phase.RUNTIME;
        }
        return status;
    }

    /**
     * SetVirtualAddressMap with the standard map (every runtime range at physical + {@link #VIRTUAL_OFFSET}): only
     * once, only after ExitBootServices; EDK II returns UNSUPPORTED otherwise.
     */
    public EfiStatus setVirtualAddressMap() {
        List<MemoryDescriptor> map = firmware.memory().virtualMap(VIRTUAL_OFFSET);
        byte[] bytes = MemoryDescriptor.encode(map, MemoryDescriptor.EDK2_DESCRIPTOR_SIZE);
        return setVirtualAddressMap(bytes.length, MemoryDescriptor.EDK2_DESCRIPTOR_SIZE, MemoryDescriptor.VERSION, bytes);
    }

    /** SetVirtualAddressMap with a map of the caller's making (reference 6.4). */
    public EfiStatus setVirtualAddressMap(long memoryMapSize, long descriptorSize, long descriptorVersion,
                                          byte[] virtualMap) {
        EfiStatus status = firmware.runtime().setVirtualAddressMap(memoryMapSize, descriptorSize, descriptorVersion,
                virtualMap);
        if (status == EfiStatus.SUCCESS) {
            phase = Phase.VIRTUAL;
        }
        return status;
    }

    // ---- DXE start-up and runtime drivers ------------------------------------------------------------------

    /**
     * The DXE side of a boot: a fresh DXE core, the SMM IPL's communication protocol and the variable wrapper's
     * entry point; then the start-up runs up to {@link #stopStartUpAt}.
     */
    private void startFirmware() {
        firmware = new DxeCore();
        drivers.clear();
        dxe = null;
        MmCommunicationDriver.load(firmware);
        smm = new SmmCommunication(new SmmVariableHandler(core), firmware.memory(), new SmmMemLib());
        variableDriver = VariableSmmRuntimeDxe.load(firmware, smm);
        drivers.put(variableDriver.name(), variableDriver);
        startUp = StartUpStage.DXE_CORE;
        continueStartUp(stopStartUpAt);
    }

    /** The DXE environment of the current boot. */
    public DxeCore firmware() {
        return firmware;
    }

    /**
     * The SMM transport of the current boot: communicate buffers are physical addresses in this boot's memory and
     * SmmMemLib's checks apply.
     */
    public SmmCommunication smm() {
        return smm;
    }

    /** The variable wrapper driver of the current boot. */
    public VariableSmmRuntimeDxe variableDriver() {
        return variableDriver;
    }

    public StartUpStage startUpStage() {
        return startUp;
    }

    /** Restarts the machine (the flash keeps its contents) and stops its start-up at {@code stage}. */
    public void restartUntil(StartUpStage stage) {
        flash.disarm();
        stopStartUpAt = stage;
        try {
            boot();
        } finally {
            stopStartUpAt = StartUpStage.WRITE_READY;
        }
    }

    /**
     * Moves the start-up on to {@code stage}: the SMM variable driver installs its "ready" protocol in the DXE
     * database (the wrapper's protocol notify then takes over gRT), then SMM starts the write service and installs
     * its "write ready" protocol.
     *
     * @throws IllegalStateException when the start-up is already past {@code stage} or boot services are gone
     */
    public void continueStartUp(StartUpStage stage) {
        if (stage.compareTo(startUp) < 0) {
            throw new IllegalStateException("the start-up is already at " + startUp + ", past " + stage);
        }
        if (stage != startUp && !firmware.bootServicesAvailable()) {
            throw new IllegalStateException("the start-up cannot continue after ExitBootServices");
        }
        if (startUp == StartUpStage.DXE_CORE && stage.compareTo(StartUpStage.VARIABLE_READY) >= 0) {
            firmware.protocols().install(EfiGuid.SMM_VARIABLE_PROTOCOL, 0);
            dxe = variableDriver.runtime().orElseThrow(() -> new IllegalStateException(
                    "the variable wrapper did not start when the SMM variable protocol appeared"));
            startUp = StartUpStage.VARIABLE_READY;
        }
        if (startUp == StartUpStage.VARIABLE_READY && stage == StartUpStage.WRITE_READY) {
            core.startWriteService();
            firmware.protocols().install(EfiGuid.SMM_VARIABLE_WRITE, 0);
            startUp = StartUpStage.WRITE_READY;
        }
    }

    /**
     * Loads a test driver into this boot.
     *
     * @throws IllegalArgumentException when a driver of that name is already loaded
     * @throws IllegalStateException    after ExitBootServices
     */
    public ConfigurableRuntimeDriver loadDriver(RuntimeDriverDefinition definition) {
        if (drivers.containsKey(definition.name())) {
            throw new IllegalArgumentException("a driver named " + definition.name() + " is already loaded");
        }
        ConfigurableRuntimeDriver driver = ConfigurableRuntimeDriver.load(firmware, definition);
        drivers.put(driver.name(), driver);
        return driver;
    }

    /** A driver of this boot by name: the variable wrapper or a loaded test driver. */
    public Optional<RuntimeDriver> driver(String name) {
        return Optional.ofNullable(drivers.get(name));
    }

    /** The drivers of this boot, in load order. */
    public List<RuntimeDriver> drivers() {
        return new ArrayList<>(drivers.values());
    }

    /** UnloadImage of a driver: its Unload runs, then its image is freed. */
    public EfiStatus unloadDriver(String name) {
        RuntimeDriver driver = driver(name).orElseThrow(() -> new IllegalArgumentException("no driver named " + name));
        return firmware.unloadImage(driver.image());
    }

    public boolean endOfDxeSignalled() {
        return endOfDxeSignalled;
    }
}
