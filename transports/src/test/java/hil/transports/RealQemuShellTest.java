package hil.transports;

import hil.transports.console.Console;
import hil.transports.console.ConsoleClosedException;
import hil.transports.console.NamedPipes;
import hil.transports.qmp.QmpClient;
import hil.transports.qmp.QmpEvent;
import hil.transports.shell.DmpstoreEntry;
import hil.transports.shell.ShellCommands;
import hil.transports.shell.ShellResult;
import hil.transports.shell.UefiShell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Boots Debian's SMM-enabled OVMF under QEMU once for the class and drives it through the real transports: QMP
 * on a UNIX socket, the serial console on two FIFOs, the Shell through {@link UefiShell}. QEMU starts paused
 * ({@code -S}) so the console records from the first byte, and is killed and reaped on every path.
 *
 * <p>Skipped with the reason when QEMU or OVMF is missing; with {@code CI=true} a missing component fails
 * instead, so CI always runs it for real. The console transcript and QEMU's own output are kept under
 * {@code target/} for diagnosis.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealQemuShellTest {

    private static final String QEMU = "qemu-system-x86_64";
    private static final Path OVMF_CODE = Path.of("/usr/share/OVMF/OVMF_CODE_4M.secboot.fd");
    private static final Path OVMF_VARS = Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd");
    private static final Path EVIDENCE = Path.of("target", "real-qemu-shell");
    private static final String GUID = "12345678-1234-5678-9ABC-DEF012345678";
    /** Boot to the Shell takes about 9 s on two cores with TCG; a loaded machine needs more. */
    private static final Duration BOOT = Duration.ofSeconds(180);
    private static final Duration COMMAND = Duration.ofSeconds(60);

    private Path dir;
    private Process qemu;
    private QmpClient qmp;
    private Console console;
    private UefiShell shell;

    @BeforeAll
    void bootToTheShell() throws Exception {
        requireComponents();
        try {
            dir = Files.createTempDirectory("hil-qemu-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.copy(OVMF_VARS, dir.resolve("vars.fd"));
            NamedPipes.create(dir.resolve("console.in"));
            NamedPipes.create(dir.resolve("console.out"));
            Files.createDirectories(EVIDENCE);
            qemu = new ProcessBuilder(qemuCommand())
                    .redirectErrorStream(true)
                    .redirectOutput(EVIDENCE.resolve("qemu.log").toFile())
                    .start();

            Deadline boot = Deadline.in(BOOT);
            qmp = QmpClient.connect(UnixDomainSocketAddress.of(dir.resolve("qmp.sock")), boot);
            console = Console.openFifos(dir.resolve("console.out"), dir.resolve("console.in"), "ovmf");
            console.failOn(Pattern.compile("ASSERT [^\n]*"), "firmware assertion");
            console.failOn(Pattern.compile("!!!! X64 Exception[^\n]*"), "CPU exception in firmware");
            shell = new UefiShell(console);
            assertEquals("prelaunch", qmp.queryStatus(boot), "QEMU waits for cont before running firmware");
            qmp.cont(boot);
            shell.awaitPrompt(boot);
        } catch (Throwable t) {
            shutDown();
            throw t;
        }
    }

    @AfterAll
    void shutDown() throws IOException, InterruptedException {
        try {
            if (console != null) {
                console.close();
                Files.write(EVIDENCE.resolve("console.raw"), console.rawTranscript());
                Files.writeString(EVIDENCE.resolve("console.txt"), console.transcript());
            }
            if (qmp != null) {
                qmp.close();
            }
        } finally {
            if (qemu != null) {
                qemu.destroyForcibly();
                qemu.waitFor(30, TimeUnit.SECONDS);
            }
            if (dir != null) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(file);
                    }
                }
            }
        }
    }

    @Test
    @Order(1)
    void theFirmwareRunsAndReachesTheShellPrompt() {
        assertEquals("running", qmp.queryStatus(Deadline.in(COMMAND)));
        assertTrue(console.transcript().contains("UEFI Interactive Shell"), console.tail(500));
    }

    @Test
    @Order(2)
    void aVariableWrittenWithSetvarIsReadBackByDmpstore() {
        byte[] data = HexFormat.of().parseHex("0102030405060708090A0B0C0D0E0F101112");

        ShellResult set = shell.run(ShellCommands.setvar("HilIt", GUID, 0x7, data), Deadline.in(COMMAND));
        ShellResult exact = shell.run(ShellCommands.dmpstore("HilIt", GUID), Deadline.in(COMMAND));
        ShellResult plain = shell.run("dmpstore HilIt -guid " + GUID, Deadline.in(COMMAND));

        assertEquals(new ShellResult("", 0), set);
        assertEquals(0, exact.lastError(), exact.output());
        List<DmpstoreEntry> entries = UefiShell.parseDmpstore(exact.output());
        assertEquals(List.of(new DmpstoreEntry("HilIt", GUID, 0x7, data)), entries);
        assertEquals(entries, UefiShell.parseDmpstore(plain.output()));
    }

    @Test
    @Order(3)
    void aDeletedVariableIsGone() {
        shell.run(ShellCommands.setvar("HilGone", GUID, 0x3, new byte[] {0x2A}), Deadline.in(COMMAND));

        ShellResult delete = shell.run(ShellCommands.deleteVariable("HilGone", GUID), Deadline.in(COMMAND));
        ShellResult dump = shell.run(ShellCommands.dmpstore("HilGone", GUID), Deadline.in(COMMAND));

        assertEquals(0, delete.lastError());
        assertEquals(0xE, dump.lastError(), "SHELL_NOT_FOUND");
        assertTrue(dump.output().contains("No matching variables found"), dump.output());
    }

    @Test
    @Order(4)
    void aLongCommandLineArrivesIntact() {
        String text = "x".repeat(150) + "y".repeat(150);

        ShellResult echo = shell.run("echo " + text, Deadline.in(COMMAND));

        assertEquals(text, echo.output());
    }

    @Test
    @Order(5)
    void aScreenshotIsAPng() throws IOException {
        byte[] png = qmp.screendump(EVIDENCE.resolve("screen.png"), Deadline.in(COMMAND));

        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertTrue(image.getWidth() >= 640, "width " + image.getWidth());
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));
    }

    @Test
    @Order(6)
    void quitEndsQemuAndTheConsoleSeesTheEnd() throws InterruptedException {
        qmp.quit(Deadline.in(COMMAND));

        QmpEvent shutdown = qmp.awaitEvent("SHUTDOWN", Deadline.in(COMMAND));
        assertEquals("host-qmp-quit", shutdown.data().path("reason").asText());
        assertTrue(qemu.waitFor(COMMAND.toSeconds(), TimeUnit.SECONDS), "QEMU exits after quit");
        assertEquals(0, qemu.exitValue());
        assertThrows(ConsoleClosedException.class,
                () -> console.expect(Pattern.compile("never"), Deadline.in(COMMAND)));
    }

    private List<String> qemuCommand() {
        return List.of(QEMU, "-S",
                "-machine", "q35,smm=on,accel=tcg",
                "-global", "driver=cfi.pflash01,property=secure,value=on",
                "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + OVMF_CODE,
                "-drive", "if=pflash,format=raw,unit=1,file=" + dir.resolve("vars.fd"),
                "-m", "256",
                "-qmp", "unix:" + dir.resolve("qmp.sock") + ",server=on,wait=off",
                "-chardev", "pipe,id=console,path=" + dir.resolve("console"),
                "-serial", "chardev:console",
                "-device", "VGA",
                "-display", "none", "-nodefaults", "-no-user-config", "-net", "none");
    }

    private static void requireComponents() {
        List<String> missing = new ArrayList<>();
        if (!onPath(QEMU)) {
            missing.add(QEMU + " on PATH (Debian package qemu-system-x86)");
        }
        for (Path firmware : List.of(OVMF_CODE, OVMF_VARS)) {
            if (!Files.isReadable(firmware)) {
                missing.add(firmware + " (Debian package ovmf)");
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        String reason = "the real QEMU/OVMF test needs " + String.join(" and ", missing);
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(reason + "; CI=true requires it");
        }
        Assumptions.abort(reason);
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String entry : path.split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, program))) {
                return true;
            }
        }
        return false;
    }
}
