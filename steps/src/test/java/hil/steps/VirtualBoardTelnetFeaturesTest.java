package hil.steps;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.IncludeEngines;
import org.junit.platform.suite.api.SelectFile;
import org.junit.platform.suite.api.Suite;

/**
 * Runs a cross-section of the features on the virtual board with the telnet console
 * ({@code virtual-board-telnet} of lab-config: QEMU + OVMF powered by scripts, reached only through its console and
 * hil's TFTP server). Its own Surefire execution gives it a JVM whose {@code hil.target} is that board. Without QEMU
 * or OVMF its scenarios are skipped with the reason; under {@code CI=true} they fail instead.
 *
 * <p>The cross-section — raw calls with reuse (set-and-get, delete), power-cycle resets, the boot-phase events and
 * one start of Linux over TFTP — exercises every path the board adds to the machinery it shares with qemu-ovmf, which
 * runs every feature; all of features/variables and features/lifecycle take about 13 minutes a board
 * ({@code ./hil run --target virtual-board-serial features/variables features/lifecycle}).
 */
@Suite
@IncludeEngines("cucumber")
@SelectFile("../features/variables/set-and-get.feature")
@SelectFile("../features/variables/delete.feature")
@SelectFile("../features/lifecycle/reset.feature")
@SelectFile("../features/lifecycle/phase-events.feature")
@ConfigurationParameter(key = "cucumber.glue", value = "hil.steps")
@ConfigurationParameter(key = "cucumber.plugin", value = "hil.reports.RecordingPlugin:target/hil-report/targets/virtual-board-telnet, hil.reports.ProgressPlugin:virtual-board-telnet")
@ConfigurationParameter(key = "cucumber.publish.quiet", value = "true")
class VirtualBoardTelnetFeaturesTest {
}
