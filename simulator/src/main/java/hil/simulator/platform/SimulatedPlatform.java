package hil.simulator.platform;

import hil.simulator.Profile;
import hil.simulator.flash.NorFlash;
import hil.simulator.flash.PowerCut;
import hil.simulator.flash.PowerLossException;
import hil.simulator.runtime.VariableRuntimeDxe;
import hil.simulator.smm.SmmCommunication;
import hil.simulator.smm.SmmVariableHandler;
import hil.simulator.smm.VariableCore;
import hil.simulator.store.VarsImage;
import hil.simulator.store.VariableStore;
import hil.simulator.uefi.EfiStatus;

import java.util.function.Function;

/**
 * A simulated machine: the variable flash (which survives resets and power loss), and on every boot a fresh
 * firmware stack on top of it — the SMM variable driver with its volatile store, the SMM transport and the runtime
 * DXE wrapper — plus the boot phases that drive it.
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
    private boolean readyToBootSignalled;
    private long boots;

    /** A machine with a factory-fresh variable flash, booted. */
    public SimulatedPlatform(Profile profile) {
        this(profile, VarsImage.fresh(profile));
    }

    /** A machine whose variable flash holds {@code varsImage}, booted. */
    public SimulatedPlatform(Profile profile, byte[] varsImage) {
        if (varsImage.length != profile.varsSize()) {
            throw new IllegalArgumentException("varstore image is " + varsImage.length + " bytes; profile "
                    + profile.name() + " needs " + profile.varsSize());
        }
        this.profile = profile;
        this.flash = NorFlash.of(varsImage, profile.blockSize());
        boot();
    }

    /** Power-on: builds the firmware stack on the current flash contents (volatile state starts empty). */
    private void boot() {
        flash.powerOn();
        VariableStore nv = VariableStore.onFlash(flash, profile.fvHeaderLength(), profile.nvRegionSize());
        VariableStore volatileStore = VariableStore.inRam(profile.volatileStoreSize(), nv.authenticated());
        core = new VariableCore(profile, nv, volatileStore);
        core.startWriteService();
        dxe = new VariableRuntimeDxe(new SmmCommunication(new SmmVariableHandler(core)));
        phase = Phase.BOOT;
        endOfDxeSignalled = false;
        readyToBootSignalled = false;
        boots++;
    }

    /** Replaces the flash with a factory-fresh image and boots. */
    public void factoryReset() {
        flash = NorFlash.of(VarsImage.fresh(profile), profile.blockSize());
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

    /** The outcome of a runtime-service call: its result, or that the power failed during it. */
    public record Outcome<T>(T result, PowerLossException powerLoss) {
        public boolean powerLost() {
            return powerLoss != null;
        }
    }

    /**
     * Makes a runtime-service call through the gRT variable services. If the power fails during it, the machine
     * restarts (volatile state lost, flash recovered at start-up) and the outcome says so.
     */
    public <T> Outcome<T> call(Function<VariableRuntimeDxe, T> service) {
        try {
            return new Outcome<>(service.apply(dxe), null);
        } catch (PowerLossException e) {
            boot();
            return new Outcome<>(null, e);
        }
    }

    /** Arms a cut halfway through the next record write to flash (the next variable write that reaches flash). */
    public void losePowerDuringNextWrite() {
        flash.arm(PowerCut.halfwayThroughNextWriteOf(VariableStore.NORMAL_HEADER_SIZE));
    }

    /** EndOfDxe: seen by SMM only; locks and VarCheck enforcement start. */
    public EfiStatus signalEndOfDxe() {
        if (phase != Phase.BOOT) {
            return EfiStatus.UNSUPPORTED;
        }
        endOfDxeSignalled = true;
        core.onEndOfDxe();
        return EfiStatus.SUCCESS;
    }

    /** ReadyToBoot: the DXE wrapper sends its SMI on the first signal only. */
    public EfiStatus signalReadyToBoot() {
        if (phase != Phase.BOOT) {
            return EfiStatus.UNSUPPORTED;
        }
        if (!readyToBootSignalled) {
            readyToBootSignalled = true;
            endOfDxeSignalled = true;
            return dxe.signalReadyToBoot();
        }
        return EfiStatus.SUCCESS;
    }

    /**
     * ExitBootServices with the current map key: the ExitBootServices group runs (the variable wrapper's SMI sets
     * SMM's runtime flag). A second call has no boot services to call: INVALID_PARAMETER.
     */
    public EfiStatus exitBootServices() {
        if (phase != Phase.BOOT) {
            return EfiStatus.INVALID_PARAMETER;
        }
        dxe.signalExitBootServices();
        phase = Phase.RUNTIME;
        return EfiStatus.SUCCESS;
    }

    /** SetVirtualAddressMap: only once, only after ExitBootServices; EDK II returns UNSUPPORTED otherwise. */
    public EfiStatus setVirtualAddressMap() {
        if (phase != Phase.RUNTIME) {
            return EfiStatus.UNSUPPORTED;
        }
        phase = Phase.VIRTUAL;
        return EfiStatus.SUCCESS;
    }

    public boolean endOfDxeSignalled() {
        return endOfDxeSignalled;
    }
}
