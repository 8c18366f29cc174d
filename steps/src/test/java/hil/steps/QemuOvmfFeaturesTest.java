package hil.steps;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.IncludeEngines;
import org.junit.platform.suite.api.SelectDirectories;
import org.junit.platform.suite.api.Suite;

/**
 * Runs every project feature on real QEMU + OVMF (the {@code qemu-ovmf} target of lab-config). Its own Surefire
 * execution gives it a JVM whose {@code hil.target} is {@code qemu-ovmf}. Without QEMU or OVMF its scenarios are
 * skipped with the reason; under {@code CI=true} they fail instead.
 */
@Suite
@IncludeEngines("cucumber")
@SelectDirectories("../features")
@ConfigurationParameter(key = "cucumber.glue", value = "hil.steps")
@ConfigurationParameter(key = "cucumber.plugin", value = "hil.reports.RecordingPlugin:target/hil-report/targets/qemu-ovmf, hil.reports.ProgressPlugin:qemu-ovmf")
@ConfigurationParameter(key = "cucumber.publish.quiet", value = "true")
class QemuOvmfFeaturesTest {
}
