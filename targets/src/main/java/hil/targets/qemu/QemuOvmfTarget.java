package hil.targets.qemu;

import hil.simulator.store.VarsFile;
import hil.targets.Capability;
import hil.targets.HilException;
import hil.targets.VariableStoreFile;
import hil.targets.firmware.AgentBuild;
import hil.targets.firmware.AgentReply;
import hil.targets.firmware.CallPath;
import hil.targets.firmware.ConsoleFirmwareTarget;
import hil.targets.firmware.LinuxGuest;
import hil.transports.Deadline;
import hil.transports.console.Console;
import hil.transports.shell.UefiShell;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * QEMU + OVMF as a target: what is QEMU's — the process with a private copy of the variable flash, QMP for reset
 * and screenshots, the FAT drive with the agent and its {@code startup.nsh} — while everything said to the firmware
 * is {@link ConsoleFirmwareTarget}'s. Every start copies the variable-store template, so a start is a factory state.
 */
final class QemuOvmfTarget extends ConsoleFirmwareTarget {

    private final QemuSettings settings;
    private final Path workDir;
    private final Path fatImage;
    private QemuMachine machine;
    /**
     * The flash the next start boots on — the one a power cut left, or a copy of a starting store — deleted once
     * QEMU has it; null: the next start copies the template (or resumes the saved state).
     */
    private Path startFlash;
    /** The last power cut, for tests. */
    private QemuMachine.FlashCut<AgentReply> lastCut;
    /** The write the next cut is aimed at instead of the middle of the call's writes (the sweep); 0: the middle. */
    private int nextCutAt;
    /** The first fresh machine's state at the agent's ready line; null until it is saved. */
    private QemuMachine.SavedState saved;
    /** Whether the machine being started is a cold factory start whose state is saved once the agent is ready. */
    private boolean saveAtReady;
    /** Whether the last start resumed {@link #saved}. */
    private boolean resumed;
    /** Why saved states are not used in this run (a save or a restore failed); null while they are. */
    private String savedStateFailure;
    /** Linux ready on a machine that started on the factory store with nothing changed; null until saved. */
    private QemuMachine.SavedState osSaved;
    /** Whether the running machine started on the factory store (not on the flash a power cut left). */
    private boolean startedFactory;

    QemuOvmfTarget(String name, QemuSettings settings, LinuxGuest.Settings guestSettings, CallPath calls,
                   Set<Capability> capabilities) {
        this(name, settings, calls, capabilities, Prepared.of(name, settings, guestSettings, calls));
    }

    private QemuOvmfTarget(String name, QemuSettings settings, CallPath calls, Set<Capability> capabilities,
                           Prepared p) {
        super(name, capabilities, calls, settings.bootTimeout(), settings.callTimeout(), p.guest(), p.guestUnavailable());
        this.settings = settings;
        this.workDir = p.workDir();
        this.fatImage = p.fatImage();
    }

    /** The work directory and FAT drive, made before the target exists. */
    private record Prepared(Path workDir, Path fatImage, LinuxGuest guest, String guestUnavailable) {

        static Prepared of(String name, QemuSettings settings, LinuxGuest.Settings guestSettings, CallPath calls) {
            Path agentBinary = calls == CallPath.AGENT ? AgentBuild.ensureBuilt(settings.agentSource()) : null;
            Path workDir;
            try {
                workDir = Files.createTempDirectory("hil-" + name + "-");
            } catch (IOException e) {
                throw new HilException("cannot create a work directory for target " + name + ": " + e.getMessage(), e);
            }
            Path fatImage = workDir.resolve("hil-fat.img");
            Map<String, Path> files = new LinkedHashMap<>();
            if (agentBinary != null) {
                files.put(AgentBuild.BINARY, agentBinary);
                // The runtime-driver test images, which the agent loads from its own file system.
                for (String image : hil.targets.firmware.RuntimeDriverRecord.IMAGES) {
                    files.put(image, agentBinary.resolveSibling(image));
                }
                files.put("startup.nsh", BootMedia.writeStartupScript(workDir));
            }
            LinuxGuest guest = null;
            String unavailable = null;
            try {
                guest = LinuxGuest.prepare(guestSettings, workDir);
                files.putAll(guest.bootFiles());
            } catch (HilException e) {
                // Only the OS phase needs the guest: its steps report this, the boot phase runs as before.
                unavailable = e.getMessage();
            }
            BootMedia.create(fatImage, files);
            return new Prepared(workDir, fatImage, guest, unavailable);
        }
    }

    /** The running machine, for tests that break it on purpose. */
    QemuMachine machineForTest() {
        return machine;
    }

    @Override
    public void close() {
        super.close();
        QemuMachine.deleteTree(workDir);
    }

    @Override
    protected Console powerUp(Deadline deadline) {
        resumed = false;
        saveAtReady = false;
        startedFactory = startFlash == null;
        if (startFlash == null && usesSavedState()) {
            if (saved != null) {
                try {
                    machine = QemuMachine.restore(name(), settings, saved, fatImage, deadline);
                    resumed = true;
                    return machine.console();
                } catch (HilException e) {
                    stopSavedStates("restoring it failed: " + e.getMessage());
                }
            } else {
                saveAtReady = true;
            }
        }
        Path vars = startFlash != null ? startFlash : settings.vars();
        machine = QemuMachine.start(name(), settings, vars, fatImage, deadline);
        if (startFlash != null) {
            QemuMachine.deleteTree(startFlash.getParent());
            startFlash = null;
        }
        return machine.console();
    }

    /**
     * A store with Secure Boot on cannot run the agent or the Shell on Debian's OVMF; a store of another size does not
     * fit the firmware's flash.
     */
    @Override
    protected String whyNoStartingStore(VariableStoreFile store, VarsFile image) {
        if (VariableStoreFile.secureBootOn(image)) {
            return "the variable store \"" + store.name() + "\" has Secure Boot on (PK enrolled, SecureBootEnable"
                    + " not 0): Debian's OVMF does not start its built-in UEFI Shell then (its CVE-2023-48733 patch),"
                    + " and neither the agent nor Debian's Linux is signed by a key in such a store's db (measured:"
                    + " the Shell 'Security Violation', the kernel 'Access Denied' with Microsoft's keys)";
        }
        long size;
        try {
            size = Files.size(settings.vars());
        } catch (IOException e) {
            throw new HilException("cannot read " + settings.vars() + ": " + e.getMessage(), e);
        }
        if (image.fvHeader().fvLength() != size) {
            return "the variable store \"" + store.name() + "\" is a flash of " + image.fvHeader().fvLength()
                    + " bytes; this firmware's (" + settings.vars() + ") has " + size;
        }
        return null;
    }

    @Override
    protected void useStartingFlash(VariableStoreFile store, VarsFile image) {
        try {
            Path dir = Files.createTempDirectory(workDir, "store-");
            startFlash = Files.write(dir.resolve("vars.fd"), image.bytes());
        } catch (IOException e) {
            throw new HilException("cannot copy the variable store " + store + " for " + name() + ": "
                    + e.getMessage(), e);
        }
    }

    /** QMP {@code system_reset}: the flash stays, RAM is lost; the Shell starts the agent again. */
    @Override
    protected Console platformReset(Deadline deadline) {
        QemuMachine m = machine;
        m.console().skip();
        m.qmp().systemReset(deadline);
        m.qmp().awaitEvent("RESET", deadline);
        return m.console();
    }

    /**
     * Saved states stand in for cold factory starts: with the agent (its ready line is the state saved) and the
     * setting {@code saved-state} on. A start on the flash a power cut left always boots.
     */
    private boolean usesSavedState() {
        return settings.savedState() && callPath() == CallPath.AGENT && savedStateFailure == null;
    }

    private void stopSavedStates(String why) {
        savedStateFailure = why;
        saved = null;
        osSaved = null;
        System.err.println("hil: " + name() + ": saved machine states are off for this run, every fresh start boots: "
                + why);
    }

    @Override
    protected boolean resumedAtAgent() {
        return resumed;
    }

    /** After the first cold factory start, the machine is saved where it stands: the agent waiting for requests. */
    @Override
    protected void sessionUp(Console c) {
        if (!saveAtReady) {
            return;
        }
        saveAtReady = false;
        try {
            saved = machine.saveState(workDir.resolve("saved-state"), Deadline.in(bootTimeout()));
        } catch (HilException e) {
            stopSavedStates("saving the state failed: " + e.getMessage());
        }
    }

    @Override
    protected boolean startedOnFactoryStore() {
        return startedFactory;
    }

    /** Linux's ready state, saved once per run; the OS phase of a later pristine machine resumes it. */
    @Override
    protected void saveOsReady(Deadline deadline) {
        if (!usesSavedState() || osSaved != null) {
            return;
        }
        try {
            osSaved = machine.saveState(workDir.resolve("saved-os"), deadline);
        } catch (HilException e) {
            stopSavedStates("saving Linux's state failed: " + e.getMessage());
        }
    }

    @Override
    protected Optional<Console> resumeOsReady(Deadline deadline) {
        if (!usesSavedState() || osSaved == null) {
            return Optional.empty();
        }
        QemuMachine old = machine;
        machine = null;
        if (old != null) {
            old.close();
        }
        try {
            machine = QemuMachine.restore(name(), settings, osSaved, fatImage, deadline);
        } catch (HilException e) {
            // The machine it replaced is gone: the caller treats this as a failed start, and the next scenario
            // starts again, without saved states.
            stopSavedStates("restoring Linux's state failed: " + e.getMessage());
            throw e;
        }
        return Optional.of(machine.console());
    }

    /** The saved state this run's fresh starts resume, for tests; null when none is saved. */
    QemuMachine.SavedState savedStateForTest() {
        return saved;
    }

    @Override
    protected boolean resetKeepsConsole() {
        return true;
    }

    @Override
    protected boolean agentStartsItself() {
        return true;
    }

    /**
     * The kernel is on the FAT drive: make it the current file system, as startup.nsh does for the agent. A drive
     * change leaves %lasterror% as the command before set it, so {@code cd} tells where the Shell is.
     */
    @Override
    protected void enterKernelDirectory(UefiShell shell, LinuxGuest guest, Deadline deadline) {
        shell.run("fs0:", deadline);
        String where = shell.run("cd", deadline).output().strip();
        if (!where.matches("(?i)fs0:\\\\?")) {
            throw new HilException("the Shell did not change to fs0: ('cd' says '" + where + "')");
        }
    }

    @Override
    protected boolean running() {
        return machine != null && machine.alive();
    }

    @Override
    protected String whyStopped() {
        return machine != null && !machine.alive() ? "QEMU exited; its log: " + machine.log().strip() : "";
    }

    @Override
    protected void shutDown(boolean failed) {
        if (machine != null) {
            machine.closeKeeping(failed && settings.keepFailed());
            machine = null;
        }
    }

    @Override
    protected boolean freshStoreOnPowerUp() {
        return true;
    }

    /** The last power cut (what the call wrote, where the kill landed), for tests. */
    QemuMachine.FlashCut<AgentReply> lastCutForTest() {
        return lastCut;
    }

    /** Aims the next power cut at write {@code k} of the call instead of its middle (a sweep over cut points). */
    void aimNextCutAt(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("a power cut is aimed at a flash write from 1 on, not " + k);
        }
        nextCutAt = k;
    }

    /**
     * The power cut of {@code fault-injection}: aimed at the middle of the byte writes OVMF is expected to make
     * for the call ({@link OvmfWriteCount}), as the simulator cuts in the middle of the call's flash operations;
     * QEMU is killed there ({@link QemuMachine#cutPower}) and its flash file, exactly as the cut left it, is what
     * the next start boots on.
     */
    @Override
    protected PowerCut cutPowerDuring(ArmedWrite write, Deadline deadline) {
        int expected = OvmfWriteCount.expected(write.name(), write.attributes(), write.data().length,
                write.storedSize());
        boolean chosen = nextCutAt > 0;
        int aim = chosen ? nextCutAt : OvmfWriteCount.middle(expected);
        QemuMachine m = machine;
        QemuMachine.FlashCut<AgentReply> cut = m.cutPower(aim, write.call(), deadline);
        lastCut = cut;
        if (cut.nothingWritten()) {
            return PowerCut.nothingWritten(cut.reply());
        }
        nextCutAt = 0;
        try {
            Path dir = Files.createTempDirectory(workDir, "cut-");
            startFlash = Files.copy(m.varsFile(), dir.resolve("vars.fd"));
        } catch (IOException e) {
            throw new HilException("cannot keep the flash of " + name() + " after the power cut: " + e.getMessage(), e);
        }
        String aimed = chosen ? "aimed at write " + aim : "aimed at write " + aim + ", the middle of the "
                + expected + " expected";
        return PowerCut.cut(cut.finished()
                ? "power lost right after the call: it made " + cut.kept() + " flash writes, no more than the "
                        + aim + " the cut was aimed at"
                : "power lost after flash write " + cut.kept() + " of this SetVariable (" + aimed + "; QEMU was"
                        + " killed after write " + cut.reached() + " and the " + cut.overshoot() + " writes after the"
                        + " aimed one were taken back from the flash file, as the trace recorded them)");
    }

    @Override
    protected String describeStart(long boots) {
        return "QEMU start " + boots + (resumed ? ", resumed from the state saved at the agent's first ready line" : "");
    }

    @Override
    protected List<Artifact> failureEvidence() {
        try {
            Path png = workDir.resolve("screen.png");
            return List.of(new Artifact("screen (" + name() + ")", "image/png",
                    machine.qmp().screendump(png, Deadline.in(Duration.ofSeconds(10)))));
        } catch (RuntimeException e) {
            return List.of(new Artifact("screendump failed", "text/plain",
                    String.valueOf(e.getMessage()).getBytes(StandardCharsets.UTF_8)));
        }
    }
}
