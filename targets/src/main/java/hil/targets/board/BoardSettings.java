package hil.targets.board;

import hil.targets.labconfig.TargetConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/** The validated lab-config settings of a {@code board} target. */
record BoardSettings(ConsoleAddress console, int baud, String power, String powerOn, String powerOff,
                     String powerCycle, Duration powerOffDelay, Duration powerTimeout, String pdudaemonUrl, String pdu,
                     int pduPort, String tftpAddress, int tftpPort, String tftpBind, String tftpFs, String tftpNic,
                     int tftpBlockSize, Path agentSource, String agentArguments, Pattern banner, String shellPrompt, Pattern errors,
                     int txChunk, Duration txDelay, Duration silentTimeout, Duration stallTimeout,
                     Duration bootTimeout, Duration callTimeout, int bootRetries, Path leaseDir, Path workingDir) {

    static BoardSettings of(TargetConfig c) {
        var s = c.settings();
        Path leaseDir = (Path) s.get(BoardKind.LEASE_DIR);
        Path file = c.file();
        Path workingDir = file == null ? Path.of("").toAbsolutePath() : file.toAbsolutePath().getParent();
        return new BoardSettings(
                ConsoleAddress.parse((String) s.get(BoardKind.CONSOLE)),
                ((Long) s.get(BoardKind.BAUD)).intValue(),
                (String) s.get(BoardKind.POWER),
                (String) s.get(BoardKind.POWER_ON),
                (String) s.get(BoardKind.POWER_OFF),
                (String) s.get(BoardKind.POWER_CYCLE),
                (Duration) s.get(BoardKind.POWER_OFF_DELAY),
                (Duration) s.get(BoardKind.POWER_TIMEOUT),
                (String) s.get(BoardKind.PDUDAEMON_URL),
                (String) s.get(BoardKind.PDU),
                s.get(BoardKind.PORT) == null ? 0 : ((Long) s.get(BoardKind.PORT)).intValue(),
                (String) s.get(BoardKind.TFTP_ADDRESS),
                ((Long) s.get(BoardKind.TFTP_PORT)).intValue(),
                (String) s.get(BoardKind.TFTP_BIND),
                (String) s.get(BoardKind.TFTP_FS),
                (String) s.get(BoardKind.TFTP_NIC),
                ((Long) s.get(BoardKind.TFTP_BLKSIZE)).intValue(),
                BoardKind.agentSource(c),
                (String) s.get(BoardKind.AGENT_ARGUMENTS),
                Pattern.compile((String) s.get(BoardKind.BANNER)),
                (String) s.get(BoardKind.SHELL_PROMPT),
                Pattern.compile((String) s.get(BoardKind.ERROR_PATTERNS)),
                ((Long) s.get(BoardKind.TX_CHUNK)).intValue(),
                (Duration) s.get(BoardKind.TX_DELAY),
                (Duration) s.get(BoardKind.SILENT_TIMEOUT),
                (Duration) s.get(BoardKind.STALL_TIMEOUT),
                (Duration) s.get(BoardKind.BOOT_TIMEOUT),
                (Duration) s.get(BoardKind.CALL_TIMEOUT),
                ((Long) s.get(BoardKind.BOOT_RETRIES)).intValue(),
                leaseDir,
                workingDir);
    }

    boolean tftp() {
        return tftpAddress != null;
    }
}
