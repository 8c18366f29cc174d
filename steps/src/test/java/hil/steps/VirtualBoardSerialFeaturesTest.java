package hil.steps;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.IncludeEngines;
import org.junit.platform.suite.api.SelectDirectories;
import org.junit.platform.suite.api.Suite;

/**
 * Runs the variable and lifecycle features on the virtual board with the serial console
 * ({@code virtual-board-serial} of lab-config: QEMU + OVMF powered by scripts, reached only through its console and
 * hil's TFTP server). Its own Surefire execution gives it a JVM whose {@code hil.target} is that board. Without QEMU
 * or OVMF its scenarios are skipped with the reason; under {@code CI=true} they fail instead.
 */
@Suite
@IncludeEngines("cucumber")
@SelectDirectories({"../features/variables", "../features/lifecycle"})
@ConfigurationParameter(key = "cucumber.glue", value = "hil.steps")
@ConfigurationParameter(key = "cucumber.plugin", value = "hil.reports.RecordingPlugin:target/hil-report/targets/virtual-board-serial, hil.reports.ProgressPlugin:virtual-board-serial")
@ConfigurationParameter(key = "cucumber.publish.quiet", value = "true")
class VirtualBoardSerialFeaturesTest {
}
