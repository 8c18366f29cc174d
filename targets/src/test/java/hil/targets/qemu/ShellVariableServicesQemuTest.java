package hil.targets.qemu;

import hil.targets.firmware.*;
import hil.reports.model.Observation;
import hil.reports.model.Observation.Keys;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiGuid;
import hil.targets.NotObservableException;
import hil.targets.VariableServices;
import hil.transports.Deadline;
import hil.transports.shell.UefiShell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ShellVariableServices} on real QEMU and OVMF, booted once with a FAT drive that has no {@code startup.nsh},
 * so the firmware stays at the Shell prompt. Skipped when QEMU, OVMF or mtools is missing, except under CI=true,
 * where that fails.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShellVariableServicesQemuTest {

    private static final EfiGuid VENDOR = EfiGuid.parse("12345678-1234-1234-1234-123456789abc");
    private static Path workDir;
    private static QemuMachine machine;
    private static ShellVariableServices shell;
    private static final List<String> timings = new ArrayList<>();

    @BeforeAll
    static void bootToTheShellPrompt() throws IOException {
        QemuSettings s = QemuOvmfKind.settingsOf(QemuTestTargets.config("qemu-shell-test", Map.of()));
        List<String> missing = new ArrayList<>();
        if (QemuOvmfKind.resolveExecutable(s.qemu()).isEmpty()) {
            missing.add(s.qemu() + " not found");
        }
        for (Path p : List.of(s.code(), s.vars())) {
            if (!Files.isReadable(p)) {
                missing.add(p + " not readable");
            }
        }
        for (String tool : List.of("mformat", "mcopy")) {
            if (QemuOvmfKind.resolveExecutable(Path.of(tool)).isEmpty()) {
                missing.add(tool + " not found");
            }
        }
        QemuTestTargets.require(missing, "QEMU with OVMF and mtools");

        workDir = Files.createTempDirectory("hil-shell-test-");
        Path fat = workDir.resolve("fat.img");
        BootMedia.create(fat, Map.of());
        Deadline boot = Deadline.in(s.bootTimeout());
        long start = System.nanoTime();
        machine = QemuMachine.start("qemu-shell-test", s, s.vars(), fat, boot);
        machine.console().failOn(Pattern.compile("ASSERT [^\\n]*\\.c\\(\\d+\\)"), "the firmware hit an ASSERT");
        UefiShell uefiShell = new UefiShell(machine.console());
        uefiShell.awaitPrompt(boot);
        timings.add(String.format("QEMU start to the Shell prompt: %.1f s", (System.nanoTime() - start) / 1e9));
        shell = new ShellVariableServices(uefiShell, "qemu-shell-test", Duration.ofSeconds(30), () -> "boot");
    }

    @AfterAll
    static void stopAndReap() {
        timings.forEach(System.out::println);
        if (machine != null) {
            machine.close();
            assertFalse(machine.alive());
            assertFalse(MachineRegistry.running().contains(machine), "the QEMU process was reaped");
        }
        if (workDir != null) {
            QemuMachine.deleteTree(workDir);
        }
    }

    private static Observation timed(Observation o) {
        timings.add(String.format("%s %s (%s bytes): %.2f s", o.operation(), o.inputs().getOrDefault(Keys.NAME, ""),
                o.inputs().getOrDefault(Keys.DATA_SIZE, "-"), o.durationNanos() / 1e9));
        return o;
    }

    @Test
    @Order(1)
    void aVariableIsSetReadOverwrittenAndDeleted() {
        Observation set = timed(shell.setVariable("HilShell", VENDOR, Attributes.NV_BS_RT, new byte[] {1, 2, 3}));
        assertEquals("EFI_SUCCESS", set.status());

        Observation get = timed(shell.getVariable("HilShell", VENDOR, VariableServices.LARGE_BUFFER));
        assertEquals("EFI_SUCCESS", get.status());
        assertEquals("010203", get.outputs().get(Keys.DATA));
        assertEquals("3", get.outputs().get(Keys.DATA_SIZE));
        assertEquals("NV|BS|RT", get.outputs().get(Keys.ATTRIBUTES));

        assertEquals("EFI_SUCCESS",
                timed(shell.setVariable("HilShell", VENDOR, Attributes.NV_BS_RT, new byte[] {(byte) 0xAB})).status());
        assertEquals("ab", shell.getVariable("HilShell", VENDOR, VariableServices.LARGE_BUFFER).outputs().get(Keys.DATA));

        assertEquals("EFI_SUCCESS", timed(shell.setVariable("HilShell", VENDOR, 0, new byte[0])).status());
        Observation gone = timed(shell.getVariable("HilShell", VENDOR, VariableServices.LARGE_BUFFER));
        assertNull(gone.status());
        assertEquals("0xE", gone.outputs().get(ShellStatus.OUTPUT));
        assertEquals("shell-not-found", gone.outputs().get("statusClass"));
    }

    @Test
    @Order(2)
    void appendAndOtherAttributesThanStoredAreNotObservable() {
        assertEquals("EFI_SUCCESS", shell.setVariable("HilKeep", VENDOR, Attributes.BS_RT, new byte[] {7}).status());

        NotObservableException append = assertThrows(NotObservableException.class,
                () -> shell.setVariable("HilKeep", VENDOR, Attributes.BS_RT | Attributes.AP, new byte[] {8}));
        assertTrue(append.getMessage().contains("append"), append.getMessage());
        // On this firmware setvar answers 0x0 and keeps BS|RT, where SetVariable itself returns INVALID_PARAMETER.
        assertThrows(NotObservableException.class,
                () -> shell.setVariable("HilKeep", VENDOR, Attributes.NV_BS_RT, new byte[] {8}));

        Observation kept = shell.getVariable("HilKeep", VENDOR, VariableServices.LARGE_BUFFER);
        assertEquals("07", kept.outputs().get(Keys.DATA), "nothing was written");
        assertEquals("BS|RT", kept.outputs().get(Keys.ATTRIBUTES));
    }

    @Test
    @Order(3)
    void invalidAttributesGiveNoStatusButTheShellStatus() {
        Observation nvOnly = timed(shell.setVariable("HilNvOnly", VENDOR, Attributes.NV, new byte[] {4}));
        assertNull(nvOnly.status());
        assertEquals("0xF", nvOnly.outputs().get(ShellStatus.OUTPUT));
        assertEquals("shell-access-denied", nvOnly.outputs().get("statusClass"));

        assertThrows(NotObservableException.class,
                () -> shell.setVariable("HilRtOnly", VENDOR, Attributes.RT, new byte[] {4}));

        Observation deleteMissing = timed(shell.setVariable("HilNever", VENDOR, 0, new byte[0]));
        assertNull(deleteMissing.status());
        assertEquals("0xF", deleteMissing.outputs().get(ShellStatus.OUTPUT));
    }

    @Test
    @Order(4)
    void theLongestLineThatFitsArrivesWholeAndALongerOneIsNotTyped() {
        byte[] data = new byte[1460];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7 + 1);
        }
        assertEquals("EFI_SUCCESS", timed(shell.setVariable("HilLong", VENDOR, Attributes.BS, data)).status());
        Observation get = shell.getVariable("HilLong", VENDOR, VariableServices.LARGE_BUFFER);
        assertEquals(hil.simulator.uefi.Bytes.hex(data), get.outputs().get(Keys.DATA));

        NotObservableException tooLong = assertThrows(NotObservableException.class,
                () -> shell.setVariable("HilLonger", VENDOR, Attributes.BS, Arrays.copyOf(data, 1461)));
        assertTrue(tooLong.getMessage().contains("keeps at most"), tooLong.getMessage());
        assertNull(shell.getVariable("HilLonger", VENDOR, VariableServices.LARGE_BUFFER).status(), "not written");
    }

    @Test
    @Order(5)
    void theListHoldsTheScenariosVariablesAndEndsWithNotFound() {
        Observation list = timed(shell.listVariables().orElseThrow());
        assertEquals("EFI_NOT_FOUND", list.status());
        List<String> lines = list.outputs().get(Keys.VARIABLES).lines().toList();
        assertTrue(lines.contains(VENDOR + ":HilKeep"), lines.toString());
        assertFalse(lines.contains(VENDOR + ":HilShell"), "deleted");
        assertEquals(Integer.toString(lines.size()), list.outputs().get(Keys.COUNT));
    }
}
