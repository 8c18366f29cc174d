package hil.cli;

import hil.targets.TargetKinds;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code hil run} on two simulator targets at once with the real step definitions: {@code sim-4m}, the reference
 * profile, and {@code sim-2m}, a deliberately wrong one (a 2 MB flash where the reference has 4 MB), over a small
 * feature whose second scenario queries non-volatile storage.
 */
final class TwoProfileRun {

    static final String FEATURE = """
            Feature: Storage

              Background:
                Given vendor "TestVendor" is 12345678-1234-1234-1234-123456789abc
                And the firmware is in the boot phase

              Scenario: A variable reads back
                When I set the variable "HilTwo" of vendor TestVendor with attributes NV|BS|RT to hex "01 02"
                Then the status is EFI_SUCCESS
                When I get the variable "HilTwo" of vendor TestVendor
                Then the data is hex "01 02"

              Scenario: Non-volatile storage is queried
                When I query variable storage for attributes NV|BS|RT
                Then the status is EFI_SUCCESS
                And the remaining storage is at most the maximum storage
            """;

    /** The line of the query scenario in {@link #FEATURE}. */
    static final int QUERY_SCENARIO_LINE = 13;
    /** The line of "When I query variable storage" in {@link #FEATURE}. */
    static final int QUERY_LINE = 14;

    final Path labConfig;
    final Path report;
    final Path feature;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    /** Writes the lab-config and the feature into {@code dir}; the report goes to {@code dir/report}. */
    TwoProfileRun(Path dir) throws IOException {
        labConfig = Files.createDirectories(dir.resolve("lab-config"));
        Files.writeString(labConfig.resolve("sim-4m.yaml"),
                "name: sim-4m\nkind: simulator\nsettings:\n  profile: ovmf-4m\n");
        Files.writeString(labConfig.resolve("sim-2m.yaml"),
                "name: sim-2m\nkind: simulator\nsettings:\n  profile: ovmf-2m\n");
        report = dir.resolve("report");
        feature = Files.writeString(dir.resolve("storage.feature"), FEATURE);
    }

    /** The query scenario's key as reports name it. */
    String queryScenarioKey() {
        return feature.toUri() + ":" + QUERY_SCENARIO_LINE;
    }

    /** {@code hil run --target sim-4m --target sim-2m [more] FEATURE}, into {@link #report}. */
    int run(String... more) {
        List<String> args = new ArrayList<>(List.of("run", "--lab-config", labConfig.toString(), "--report",
                report.toString(), "--target", "sim-4m", "--target", "sim-2m"));
        args.addAll(List.of(more));
        args.add(feature.toString());
        return hil(args.toArray(String[]::new));
    }

    int hil(String... args) {
        Environment env = new Environment(new PrintWriter(out, true), new PrintWriter(err, true), TargetKinds::all,
                Optional.empty());
        return Hil.execute(env, args);
    }
}
