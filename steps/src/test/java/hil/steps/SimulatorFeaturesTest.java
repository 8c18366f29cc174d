package hil.steps;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.IncludeEngines;
import org.junit.platform.suite.api.SelectDirectories;
import org.junit.platform.suite.api.Suite;

/** Runs every project feature on the simulator target in each build. */
@Suite
@IncludeEngines("cucumber")
@SelectDirectories("../features")
@ConfigurationParameter(key = "cucumber.glue", value = "hil.steps")
@ConfigurationParameter(key = "cucumber.plugin", value = "hil.reports.RecordingPlugin:target/hil-report/targets/simulator, hil.reports.ProgressPlugin")
@ConfigurationParameter(key = "cucumber.publish.quiet", value = "true")
class SimulatorFeaturesTest {
}
