package hil.targets.board;

import hil.targets.Capability;
import hil.targets.TargetKind;
import hil.targets.labconfig.LabConfig;
import hil.targets.labconfig.LabConfigException;
import hil.targets.labconfig.TargetConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The board's lab-config keys: what is accepted, and errors that name file, line and key. */
class BoardConfigTest {

    private static final List<TargetKind> KINDS = List.of(new BoardKind());

    @TempDir
    Path dir;

    private TargetConfig load(String settings) throws IOException {
        Files.writeString(dir.resolve("b.yaml"), "name: b1\nkind: board\nsettings:\n" + settings);
        return LabConfig.load(dir, KINDS).target("b1").orElseThrow();
    }

    private String error(String settings) throws IOException {
        Files.writeString(dir.resolve("b.yaml"), "name: b1\nkind: board\nsettings:\n" + settings);
        return assertThrows(LabConfigException.class, () -> LabConfig.load(dir, KINDS)).getMessage();
    }

    @Test
    void aSerialBoardWithCommandsAndTftp() throws IOException {
        TargetConfig c = load("""
                  console: serial:/dev/serial/by-id/usb-FTDI-if00-port0
                  power-on: ./on.sh
                  power-off: ./off.sh
                  tftp-address: 192.168.7.1
                  tftp-port: 6969
                """);
        BoardSettings s = BoardSettings.of(c);
        assertEquals(ConsoleAddress.Type.SERIAL, s.console().type());
        assertEquals(115200, s.baud());
        assertEquals(6969, s.tftpPort());
        assertEquals("fs0:", s.tftpFs());
        assertTrue(new BoardKind().capabilities(c).contains(Capability.RESET));
        assertTrue(new BoardKind().capabilities(c).contains(Capability.OS_PHASE));
    }

    @Test
    void withoutTftpOnlyShellCommands() throws IOException {
        TargetConfig c = load("""
                  console: telnet:ser2net.lab:2001
                  power: pdudaemon
                  pdudaemon-url: http://pdu-host:16421
                  pdu: pdu01
                  port: 3
                """);
        var caps = new BoardKind().capabilities(c);
        assertTrue(caps.contains(Capability.SHELL_VARS));
        assertFalse(caps.contains(Capability.RAW_CALLS));
        assertFalse(caps.contains(Capability.OS_PHASE));
        assertEquals(ConsoleAddress.Type.TELNET, BoardSettings.of(c).console().type());
        assertEquals(2001, BoardSettings.of(c).console().port());
    }

    @Test
    void aMalformedConsoleNamesFileLineAndKey() throws IOException {
        String e = error("""
                  power-on: on
                  power-off: off
                  console: ttyUSB0
                """);
        assertTrue(e.contains("b.yaml:6: settings.console: 'ttyUSB0' is not a console"), e);
        assertTrue(e.contains("telnet:HOST:PORT"), e);
    }

    @Test
    void commandsPowerNeedsBothCommands() throws IOException {
        String e = error("""
                  console: tcp:localhost:7000
                  power-on: on
                """);
        assertTrue(e.contains("settings.power-off: missing (required with power: commands"), e);
    }

    @Test
    void pdudaemonNeedsItsAddressAndAValidUrl() throws IOException {
        String missing = error("""
                  console: tcp:localhost:7000
                  power: pdudaemon
                  pdudaemon-url: http://pdu:16421
                  pdu: p1
                """);
        assertTrue(missing.contains("settings.port: missing (required with power: pdudaemon)"), missing);
        String bad = error("""
                  console: tcp:localhost:7000
                  power: pdudaemon
                  pdudaemon-url: pdu:16421
                  pdu: p1
                  port: 2
                """);
        assertTrue(bad.contains("b.yaml:6: settings.pdudaemon-url: 'pdu:16421' is not an http://"), bad);
    }

    @Test
    void tftpAddressMustBeIpv4AndPortInRange() throws IOException {
        String e = error("""
                  console: tcp:localhost:7000
                  power-on: on
                  power-off: off
                  tftp-address: fe80::1
                """);
        assertTrue(e.contains("b.yaml:7: settings.tftp-address: 'fe80::1' is not an IPv4 address"), e);
        String p = error("""
                  console: tcp:localhost:7000
                  power-on: on
                  power-off: off
                  tftp-address: 10.0.2.2
                  tftp-port: 70000
                """);
        assertTrue(p.contains("settings.tftp-port: 70000 is not a UDP port"), p);
    }

    @Test
    void aBadPatternIsRefused() throws IOException {
        String e = error("""
                  console: tcp:localhost:7000
                  power-on: on
                  power-off: off
                  banner: "UEFI (Shell"
                """);
        assertTrue(e.contains("settings.banner: 'UEFI (Shell' is not accepted (expected a Java regular expression)"), e);
        String p = error("""
                  console: tcp:localhost:7000
                  power-on: on
                  power-off: off
                  shell-prompt: "[Board> "
                """);
        assertTrue(p.contains("b.yaml:7: settings.shell-prompt: '[Board> ' is not accepted"), p);
    }

    @Test
    void agentCallsNeedTftp() throws IOException {
        String e = error("""
                  console: tcp:localhost:7000
                  power-on: on
                  power-off: off
                  calls: agent
                """);
        assertTrue(e.contains("settings.calls: agent needs tftp-address"), e);
    }

    @Test
    void consoleAddresses() {
        assertEquals("telnet:[::1]:23".replace("[::1]", "::1"), ConsoleAddress.parse("telnet:[::1]:23").toString());
        assertEquals(ConsoleAddress.Type.TCP, ConsoleAddress.parse("tcp:10.0.0.5:4001").type());
        assertThrows(IllegalArgumentException.class, () -> ConsoleAddress.parse("tcp:host:0"));
        assertThrows(IllegalArgumentException.class, () -> ConsoleAddress.parse("serial:ttyS0"));
        ConsoleAddress state = ConsoleAddress.parse("serial:${HIL_STATE_DIR}/console");
        assertEquals("/run/x/console", state.in(Path.of("/run/x")).device());
    }

    @Test
    void sizesFromTheShellsLs() {
        String ls = """
                Directory of: FS0:\\
                12/05/2026  13:40              45,056  hilagent.efi
                12/05/2026  13:41           8,123,456  vmlinuz.efi
                          2 File(s)   8,168,512 bytes
                          0 Dir(s)
                """;
        assertEquals(45056, BoardTarget.parseLsSize(ls, "hilagent.efi"));
        assertEquals(8123456, BoardTarget.parseLsSize(ls, "VMLINUZ.EFI"));
        assertEquals(-1, BoardTarget.parseLsSize(ls, "initrd.gz"));
    }
}
