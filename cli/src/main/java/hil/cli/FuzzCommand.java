package hil.cli;

import hil.reports.ReportWriter;
import hil.reports.Summary;
import hil.reports.model.Artifact;
import hil.reports.model.Observation;
import hil.reports.model.ScenarioResult;
import hil.reports.model.StepResult;
import hil.simulator.uefi.Bytes;
import hil.targets.NotObservableException;
import hil.targets.SmmMailbox;
import hil.targets.Target;
import hil.targets.TargetKind;
import hil.targets.labconfig.LabConfig;
import hil.targets.labconfig.TargetConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code hil fuzz}: differential fuzzing of SMM communicate buffers. The same seeded buffers ({@link FuzzCases}) go to
 * every target, one after the other, through each target's SMM mailbox, on one boot per target; every difference in
 * Communicate's status, CommSize, ReturnStatus or the buffer's bytes after the call is a divergence in the usual
 * report ({@code index.html}, {@code comparison.json}), each buffer being one "scenario" there.
 *
 * <p>A buffer that breaks a target (its agent stops answering, the machine resets) is a failed case with the
 * console evidence; every target then boots again, so the stores stay in step, and the run goes on.
 */
@Command(name = "fuzz", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Sends the same seeded random and mutated SMM communicate buffers to each target and reports"
                + " every difference in Communicate status, ReturnStatus or reply bytes as a divergence.")
final class FuzzCommand implements Callable<Integer> {

    static final String DEFAULT_REPORT = "hil-fuzz-report";
    /** The feature URI the cases are reported under. */
    static final String URI_PREFIX = "fuzz/communicate-buffers";

    @Option(names = {"-t", "--target"}, paramLabel = "NAME", required = true,
            description = "Target from lab-config; repeat for several (the first is the comparison's reference).")
    List<String> targets = new ArrayList<>();

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the buffers (default: a random one, printed).")
    Long seed;

    @Option(names = "--count", paramLabel = "N", defaultValue = "500",
            description = "Number of buffers (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--report", paramLabel = "DIR",
            description = "Report directory, emptied at start (default: " + DEFAULT_REPORT + ").")
    Path report = Path.of(DEFAULT_REPORT);

    @Option(names = "--lab-config", paramLabel = "DIR",
            description = "Directory of target definitions (default: lab-config/ here, else the installation's).")
    Path labConfig;

    private final Environment env;

    FuzzCommand(Environment env) {
        this.env = env;
    }

    /** A target of the run, with what it produced. */
    private static final class Running {
        final String name;
        final Target target;
        final SmmMailbox mailbox;
        final List<ScenarioResult> results = new ArrayList<>();
        long nanos;

        Running(String name, Target target, SmmMailbox mailbox) {
            this.name = name;
            this.target = target;
            this.mailbox = mailbox;
        }
    }

    @Override
    public Integer call() {
        if (count < 1 || count > 1_000_000) {
            throw new BadInputException("--count must be between 1 and 1000000, not " + count);
        }
        long s = seed != null ? seed : ThreadLocalRandom.current().nextLong(1, 1L << 48);
        LabConfig lab = LabConfigLocation.load(labConfig, env);
        List<TargetConfig> configs = new ArrayList<>();
        for (String name : new LinkedHashSet<>(targets)) {
            TargetConfig config = lab.target(name).orElseThrow(() -> new BadInputException("unknown target '" + name
                    + "' (" + lab.dir() + " has: " + String.join(", ", lab.names()) + ")"));
            TargetKind.Availability availability = env.kind(config).availability(config);
            if (!availability.available()) {
                throw new BadInputException("target '" + name + "' cannot run here: " + availability.reason()
                        + " (see 'hil targets')");
            }
            configs.add(config);
        }
        ReportDirectory reportDir = ReportDirectory.check(report);
        reportDir.prepare();
        PrintWriter out = env.out();
        List<FuzzCases.Case> cases = FuzzCases.generate(s, count);
        out.printf(Locale.ROOT, "hil fuzz: seed %d, %d buffers (generator v%d), targets %s%n", s, count,
                FuzzCases.VERSION, String.join(", ", targets));
        out.flush();

        List<Running> running = new ArrayList<>();
        try {
            for (TargetConfig config : configs) {
                Target target = env.kind(config).create(config);
                Running r;
                try {
                    start(target);
                    SmmMailbox mailbox = target.extension(SmmMailbox.class).orElseThrow(() -> new BadInputException(
                            "target '" + config.name() + "' has no SMM mailbox (it cannot send raw communicate"
                                    + " buffers; see 'hil targets')"));
                    r = new Running(config.name(), target, mailbox);
                } catch (RuntimeException e) {
                    target.close();
                    throw e;
                }
                running.add(r);
            }
            long start = System.nanoTime();
            for (FuzzCases.Case c : cases) {
                boolean broke = false;
                for (Running r : running) {
                    broke |= send(r, c, s, reportDir);
                }
                explain(c, running);
                if (broke) {
                    // One target had to start again with its factory store: all do, so the stores stay in step.
                    for (Running r : running) {
                        start(r.target);
                    }
                }
                int done = c.index() + 1;
                if (done % 100 == 0 || done == cases.size()) {
                    out.printf(Locale.ROOT, "  %d/%d buffers (%.0f s)%n", done, cases.size(),
                            (System.nanoTime() - start) / 1e9);
                    out.flush();
                }
            }
        } finally {
            for (Running r : running) {
                r.target.close();
            }
        }

        List<ScenarioResult> all = new ArrayList<>();
        running.forEach(r -> all.addAll(r.results));
        Summary summary = ReportWriter.write(reportDir.dir(), all);
        out.println();
        out.println("Summary");
        for (Running r : running) {
            Summary.Counts counts = summary.targets().get(r.name);
            out.printf(Locale.ROOT, "  %s: %d sent, %d failed, %d not observable  (%.1f s)%n", r.name,
                    counts.passed(), counts.failed(), counts.skipped(), r.nanos / 1e9);
        }
        if (running.size() > 1) {
            out.println("Divergences: " + summary.divergences()
                    + (summary.expectedDivergences() > 0 ? " (and " + summary.expectedDivergences() + " expected)" : ""));
        }
        out.println("Report: " + reportDir.index());
        out.flush();
        return summary.allPassed() && summary.divergences() == 0 ? Hil.OK : Hil.NOT_PASSED;
    }

    /**
     * Boots the target with its factory store and brings it where firmware is when a loaded program can first send a
     * buffer: past EndOfDxe (and SmmReadyToLock) and ReadyToBoot, as OVMF is when its Shell runs; a firmware target is
     * already there (its events are recorded as already signalled), the simulator signals them.
     */
    private static void start(Target target) {
        target.platform().bootFresh();
        target.platform().signalEndOfDxe();
        target.platform().signalReadyToBoot();
    }

    /**
     * Sends one case to one target and records it as a one-step scenario.
     *
     * @return whether the target broke and must start again
     */
    private static boolean send(Running r, FuzzCases.Case c, long seed, ReportDirectory reportDir) {
        String name = "#" + c.index() + " " + c.description();
        String step = "a communicate buffer of " + c.buffer().length + " bytes with CommSize "
                + Long.toUnsignedString(c.commSize()) + " is sent";
        r.target.scenarioStarted(name);
        long start = System.nanoTime();
        String status;
        String message = null;
        List<Observation> observations = new ArrayList<>();
        boolean broke = false;
        try {
            observations.add(r.mailbox.communicate(c.buffer(), c.commSize(), c.memory()));
            status = "PASSED";
        } catch (NotObservableException e) {
            status = "SKIPPED";
            message = e.getMessage();
        } catch (RuntimeException e) {
            status = "FAILED";
            message = e.getClass().getSimpleName() + ": " + e.getMessage();
            broke = true;
        }
        long nanos = System.nanoTime() - start;
        r.nanos += nanos;
        List<Artifact> artifacts = broke ? saveEvidence(r, c.index(), reportDir) : discard(r);
        StepResult result = new StepResult("When ", step, 1, status, message, observations);
        r.results.add(new ScenarioResult(r.name, URI_PREFIX + "/seed-" + seed, "SMM communicate-buffer fuzz, seed "
                + seed + " (buffer bytes: " + Bytes.hex(c.buffer()).length() / 2 + ")", name, c.index() + 1,
                List.of(), status, message, nanos, List.of(result), artifacts));
        return broke;
    }

    /**
     * Marks the case's results with {@code @differs:<target>:<reason>} for every target but the reference when
     * {@link FuzzExplanations} explains how they may differ; a difference of any other kind still counts.
     */
    private static void explain(FuzzCases.Case c, List<Running> running) {
        Map<String, Observation> byTarget = new LinkedHashMap<>();
        for (Running r : running) {
            ScenarioResult last = r.results.get(r.results.size() - 1);
            List<Observation> obs = last.steps().get(0).observations();
            if (obs.isEmpty()) {
                return;
            }
            byTarget.put(r.name, obs.get(0));
        }
        FuzzExplanations.explain(c, byTarget).ifPresent(reason -> {
            List<String> tags = new ArrayList<>();
            for (Running r : running.subList(1, running.size())) {
                tags.add("@differs:" + r.name + ":" + reason.replace(' ', '-'));
            }
            for (Running r : running) {
                ScenarioResult last = r.results.remove(r.results.size() - 1);
                r.results.add(new ScenarioResult(last.target(), last.featureUri(), last.featureName(), last.name(),
                        last.line(), tags, last.status(), last.message(), last.durationNanos(), last.steps(),
                        last.artifacts()));
            }
        });
    }

    private static List<Artifact> discard(Running r) {
        r.target.scenarioFinished(false);
        return List.of();
    }

    /** The target's evidence of a case that broke it, written under the report directory. */
    private static List<Artifact> saveEvidence(Running r, int index, ReportDirectory reportDir) {
        List<Artifact> saved = new ArrayList<>();
        List<Target.Artifact> evidence = r.target.scenarioFinished(true);
        Path dir = reportDir.dir().resolve("targets").resolve(r.name).resolve("artifacts");
        try {
            Files.createDirectories(dir);
            int n = 0;
            for (Target.Artifact a : evidence) {
                String suffix = a.mediaType().equals("image/png") ? ".png" : ".txt";
                Path file = dir.resolve("fuzz-" + index + "-" + (n++) + suffix);
                Files.write(file, a.content());
                saved.add(new Artifact(a.name(), a.mediaType(), file.toAbsolutePath().toString()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the evidence of buffer #" + index + " to " + dir, e);
        }
        return saved;
    }
}
