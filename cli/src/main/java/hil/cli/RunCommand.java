package hil.cli;

import hil.reports.RecordingPlugin;
import hil.reports.ReportException;
import hil.reports.ReportWriter;
import hil.reports.SavedReport;
import hil.reports.Summary;
import hil.reports.compare.ScenarioKeys;
import hil.reports.model.ScenarioResult;
import hil.targets.TargetKind;
import hil.targets.labconfig.LabConfig;
import hil.targets.labconfig.TargetConfig;
import io.cucumber.tagexpressions.Expression;
import io.cucumber.tagexpressions.TagExpressionException;
import io.cucumber.tagexpressions.TagExpressionParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code hil run}: runs features on targets, all targets at the same time, and writes the combined report with the
 * cross-target comparison.
 */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Runs features on one or more targets at the same time, compares the targets and writes a"
                + " report.",
        footer = {"", "Exit status: 0 all passed (skips are fine), 1 a scenario failed, was undefined or pending"
                + " (or, with --fail-on-divergence, targets diverged), 2 bad usage or configuration."})
final class RunCommand implements Callable<Integer> {

    static final String DEFAULT_TARGET = "simulator";
    static final String DEFAULT_FEATURES = "features";

    @Option(names = {"-t", "--target"}, paramLabel = "NAME",
            description = "Target from lab-config to run on; repeat for several (default: " + DEFAULT_TARGET + ").")
    List<String> targets = new ArrayList<>();

    @Option(names = "--tags", paramLabel = "EXPR",
            description = "Only scenarios matching this tag expression, e.g. '@smoke and not @requires:reset'.")
    String tags;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Report directory, emptied at start (default: " + ReportDirectory.DEFAULT_DIR + ").")
    Path report = Path.of(ReportDirectory.DEFAULT_DIR);

    @Option(names = "--fail-on-divergence",
            description = "Exit with status 1 when targets diverge in a way no @differs tag expects.")
    boolean failOnDivergence;

    @Option(names = "--shard", paramLabel = "I/N",
            description = "Run only shard I of N: a deterministic part of the scenarios, the same on every checkout"
                    + " (merge the shards' reports with 'hil merge').")
    String shard;

    @Option(names = "--shard-durations", paramLabel = "REPORT",
            description = "With --shard: balance the shards by the scenario durations of this earlier report.")
    Path shardDurations;

    @Option(names = "--jobs", paramLabel = "N",
            description = "Machines of one QEMU target at once, each with its own QEMU and transcript; the scenarios"
                    + " are spread over them and the results kept in feature order (default: two per core, at"
                    + " most 8; 1: one machine). The simulator runs as one job unless --jobs is given; a board"
                    + " always runs as one.")
    Integer jobs;

    @Option(names = "--lab-config", paramLabel = "DIR",
            description = "Directory of target definitions (default: lab-config/ here, else the installation's).")
    Path labConfig;

    @Parameters(paramLabel = "PATH", arity = "0..*",
            description = "Feature files (file.feature or file.feature:LINE) or directories (default: "
                    + DEFAULT_FEATURES + "/).")
    List<String> paths = new ArrayList<>();

    private final Environment env;

    RunCommand(Environment env) {
        this.env = env;
    }

    /** A target chosen for the run. */
    private record Selected(TargetConfig config, TargetKind kind) {
    }

    /** A target after its run, with the results directories of its jobs. */
    private record Ran(Selected target, CucumberRun.Outcome outcome, List<Path> results) {
    }

    /** One Cucumber run: a target, or job {@code job} (from 1) of a target run as several jobs, and its scenarios. */
    private record Lane(Selected target, int job, FeatureSelection features) {
        String key() {
            return job == 0 ? target.config().name() : target.config().name() + "#" + job;
        }
    }

    /**
     * The jobs a QEMU target runs as: --jobs, else two per core (at most 8). A QEMU under TCG waits on its console
     * much of the time: measured on 2 cores, all features on qemu-ovmf took 307 s with 2 jobs and 186 s with 4.
     */
    private int jobs() {
        if (jobs == null) {
            return Math.max(1, Math.min(8, 2 * Runtime.getRuntime().availableProcessors()));
        }
        if (jobs < 1 || jobs > 32) {
            throw new BadInputException("--jobs must be between 1 and 32, not " + jobs);
        }
        return jobs;
    }

    /** The runs of each target: one, or one per job for a kind whose machines can run side by side. */
    private List<Lane> lanes(List<Selected> selected, FeatureSelection features) {
        int wanted = jobs();
        Map<String, Long> durations = null;
        List<Lane> lanes = new ArrayList<>();
        for (Selected target : selected) {
            TargetKind kind = target.kind();
            boolean spread = jobs != null ? kind.parallelMachines() : kind.jobsByDefault();
            int n = spread ? Math.min(wanted, features.scenarioCount()) : 1;
            if (n <= 1) {
                lanes.add(new Lane(target, 0, features));
                continue;
            }
            if (durations == null) {
                // The earlier report is read once, for every target run as several jobs.
                durations = shardDurations == null ? Map.of() : durations();
            }
            for (int job = 1; job <= n; job++) {
                lanes.add(new Lane(target, job, features.shard(job, n, durations)));
            }
        }
        return lanes;
    }

    @Override
    public Integer call() {
        Expression tagExpression = tagExpression();
        LabConfig lab = LabConfigLocation.load(labConfig, env);
        List<Selected> selected = select(lab);
        if (paths.isEmpty() && !Files.isDirectory(Path.of(DEFAULT_FEATURES))) {
            throw new BadInputException("no " + DEFAULT_FEATURES + "/ directory here (run hil in the project"
                    + " directory, or give feature files or directories)");
        }
        List<String> featurePaths = paths.isEmpty() ? List.of(DEFAULT_FEATURES) : paths;
        FeatureSelection all = FeatureSelection.of(featurePaths, tagExpression);
        int[] shardOf = shard();
        FeatureSelection features = shardOf == null ? all : all.shard(shardOf[0], shardOf[1], durations());
        if (shardOf == null && shardDurations != null) {
            throw new BadInputException("--shard-durations needs --shard I/N");
        }
        if (features.scenarioCount() == 0 && shardOf != null) {
            throw new BadInputException("shard " + shard + " has no scenarios (fewer scenarios than shards)");
        }
        if (features.scenarioCount() == 0) {
            throw new BadInputException("no scenarios to run: " + String.join(" ", featurePaths)
                    + (tags == null ? " has none" : " has none matching --tags '" + tags + "'"));
        }
        ReportDirectory reportDir = ReportDirectory.check(report);
        checkAvailable(selected);
        reportDir.prepare();

        PrintWriter out = env.out();
        List<Lane> lanes = lanes(selected, features);
        for (Selected target : selected) {
            long n = lanes.stream().filter(l -> l.target() == target).count();
            out.println("Target " + target.config().name() + " (" + describe(target.config()) + "): "
                    + plural(features.scenarioCount(), "scenario") + (n > 1 ? " on " + n + " machines at once" : ""));
        }
        out.flush();
        boolean labelled = selected.size() > 1;
        Map<String, Lane> byKey = new LinkedHashMap<>();
        lanes.forEach(l -> byKey.put(l.key(), l));
        Map<String, CucumberRun.Outcome> outcomes;
        String previousLabConfig = System.getProperty(CucumberRun.LAB_CONFIG_PROPERTY);
        String previousKeys = System.getProperty(CucumberRun.TEST_KEYS_PROPERTY);
        // One lab-config for every target, so one JVM-wide property serves all threads.
        System.setProperty(CucumberRun.LAB_CONFIG_PROPERTY, lab.dir().toAbsolutePath().normalize().toString());
        // One key store per run, in its report directory: every target signs with the same keys.
        System.setProperty(CucumberRun.TEST_KEYS_PROPERTY, reportDir.dir().toAbsolutePath().normalize().toString());
        try {
            outcomes = TargetRuns.runAll(List.copyOf(byKey.keySet()), key -> {
                Lane l = byKey.get(key);
                return CucumberRun.run(l.target().config().name(), l.job(), l.features(), tags, reportDir,
                        labelled);
            });
        } finally {
            if (previousLabConfig == null) {
                System.clearProperty(CucumberRun.LAB_CONFIG_PROPERTY);
            } else {
                System.setProperty(CucumberRun.LAB_CONFIG_PROPERTY, previousLabConfig);
            }
            if (previousKeys == null) {
                System.clearProperty(CucumberRun.TEST_KEYS_PROPERTY);
            } else {
                System.setProperty(CucumberRun.TEST_KEYS_PROPERTY, previousKeys);
            }
        }
        System.out.flush();
        List<Ran> runs = new ArrayList<>();
        for (Selected target : selected) {
            Duration wall = Duration.ZERO;
            List<String> errors = new ArrayList<>();
            List<Path> results = new ArrayList<>();
            for (Lane l : lanes) {
                if (l.target() != target) {
                    continue;
                }
                CucumberRun.Outcome o = outcomes.get(l.key());
                wall = o.wallTime().compareTo(wall) > 0 ? o.wallTime() : wall;
                o.engineErrors().forEach(e -> errors.add(l.job() == 0 ? e : "job " + l.job() + ": " + e));
                results.add(reportDir.results(target.config().name(), l.job()));
            }
            runs.add(new Ran(target, new CucumberRun.Outcome(wall, errors), results));
        }
        return report(runs, reportDir);
    }

    /** {@code --shard I/N} as {I, N}, or null without it. */
    private int[] shard() {
        if (shard == null) {
            return null;
        }
        Matcher m = Pattern.compile("(\\d{1,6})/(\\d{1,6})").matcher(shard.strip());
        if (!m.matches()) {
            throw new BadInputException("--shard '" + shard + "' is not I/N (e.g. --shard 2/3)");
        }
        int i = Integer.parseInt(m.group(1));
        int n = Integer.parseInt(m.group(2));
        if (n < 1 || i < 1 || i > n) {
            throw new BadInputException("--shard " + shard + ": I must be between 1 and N (e.g. 1/3, 2/3, 3/3)");
        }
        return new int[] {i, n};
    }

    /** Portable scenario key → the longest duration any target took for it in the earlier report. */
    private Map<String, Long> durations() {
        if (shardDurations == null) {
            return Map.of();
        }
        SavedReport saved;
        try {
            saved = SavedReport.read(shardDurations);
        } catch (ReportException e) {
            throw new BadInputException("--shard-durations: " + e.getMessage());
        }
        Map<String, Long> durations = new HashMap<>();
        for (ScenarioResult r : saved.results()) {
            durations.merge(ScenarioKeys.portable(r.featureUri(), r.line()), r.durationNanos(),
                    Math::max);
        }
        return durations;
    }

    private Expression tagExpression() {
        if (tags == null || tags.isBlank()) {
            return TagExpressionParser.parse("");
        }
        try {
            return TagExpressionParser.parse(tags);
        } catch (TagExpressionException e) {
            throw new BadInputException("invalid --tags expression: " + e.getMessage());
        }
    }

    private List<Selected> select(LabConfig lab) {
        List<String> names = targets.isEmpty() ? List.of(DEFAULT_TARGET) : List.copyOf(new LinkedHashSet<>(targets));
        List<Selected> selected = new ArrayList<>();
        for (String name : names) {
            TargetConfig config = lab.target(name).orElseThrow(() -> new BadInputException("unknown target '" + name
                    + "' (" + lab.dir() + " has: " + String.join(", ", lab.names()) + ")"));
            selected.add(new Selected(config, env.kind(config)));
        }
        return selected;
    }

    private static void checkAvailable(List<Selected> selected) {
        for (Selected target : selected) {
            TargetKind.Availability availability = target.kind().availability(target.config());
            if (!availability.available()) {
                throw new BadInputException("target '" + target.config().name() + "' cannot run here: "
                        + availability.reason() + " (see 'hil targets')");
            }
        }
    }

    private int report(List<Ran> runs, ReportDirectory reportDir) {
        List<ScenarioResult> all = new ArrayList<>();
        for (Ran run : runs) {
            for (Path resultsDir : run.results()) {
                // The plugin creates its directory only when the run finishes; without it no scenario ran (the
                // engine error, if any, says why), and the summary says so instead of failing on a missing file.
                if (Files.isDirectory(resultsDir)) {
                    all.addAll(RecordingPlugin.readResults(resultsDir));
                }
            }
        }
        List<String> jobbed = runs.stream().filter(r -> r.results().size() > 1).map(r -> r.target().config().name())
                .toList();
        if (!jobbed.isEmpty()) {
            // A target run as several jobs gets one results.json as if one machine had run it all.
            List<ScenarioResult> ofJobbed = all.stream().filter(r -> jobbed.contains(r.target())).toList();
            ReportWriter.writeTargetResults(reportDir.dir(), jobbed, ofJobbed);
        }
        Summary summary = ReportWriter.write(reportDir.dir(), all);

        PrintWriter out = env.out();
        out.println();
        out.println("Summary");
        int width = runs.stream().mapToInt(r -> r.target().config().name().length()).max().orElse(0);
        boolean complete = true;
        for (Ran run : runs) {
            String name = run.target().config().name();
            String padded = String.format(Locale.ROOT, "  %-" + width + "s  ", name);
            if (!run.outcome().engineErrors().isEmpty()) {
                complete = false;
                out.println(padded + "did not complete: " + String.join("; ", run.outcome().engineErrors()));
                continue;
            }
            Summary.Counts counts = summary.targets().get(name);
            if (counts == null) {
                complete = false;
                out.println(padded + "no scenario ran" + "  (" + seconds(run.outcome().wallTime()) + ")");
                continue;
            }
            out.println(padded + counts.passed() + " passed, " + counts.failed() + " failed, " + counts.skipped()
                    + " skipped, " + counts.undefined() + " undefined  (" + seconds(run.outcome().wallTime()) + ")");
        }
        if (runs.size() > 1) {
            out.println("Divergences: " + summary.divergences()
                    + (summary.expectedDivergences() > 0 ? " (and " + summary.expectedDivergences() + " expected)" : "")
                    + (summary.divergences() > 0 ? "  (see " + reportDir.dir().resolve("comparison.json") + ")" : ""));
        }
        out.println("Report: " + reportDir.index());
        out.flush();
        boolean divergenceFails = failOnDivergence && summary.divergences() > 0;
        return complete && summary.allPassed() && !divergenceFails ? Hil.OK : Hil.NOT_PASSED;
    }

    /** The kind and settings of a target, e.g. {@code simulator, profile ovmf-4m}. */
    static String describe(TargetConfig config) {
        List<String> parts = new ArrayList<>();
        parts.add(config.kind());
        config.settings().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " " + value(e.getValue()))
                .forEach(parts::add);
        return String.join(", ", parts);
    }

    private static String value(Object value) {
        if (value instanceof Duration duration) {
            return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
        }
        return String.valueOf(value);
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    private static String plural(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
