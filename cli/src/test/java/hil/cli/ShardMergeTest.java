package hil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import hil.reports.RecordingPlugin;
import hil.reports.model.ScenarioResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code hil run --shard I/N} and {@code hil merge} on every feature of the project, on two simulator targets whose
 * profiles differ (so there are divergences to merge): three shards merged give the report of one unsharded run.
 */
class ShardMergeTest {

    private static final Path FEATURES = Path.of("..", "features").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private static final ObjectMapper JSON = new ObjectMapper();

    private int run(TwoProfileRun lab, Path report, String... more) {
        return runOn(List.of(FEATURES), lab, report, more);
    }

    private int runOn(List<Path> features, TwoProfileRun lab, Path report, String... more) {
        List<String> args = new ArrayList<>(List.of("run", "--lab-config", lab.labConfig.toString(), "--report",
                report.toString(), "--target", "sim-4m", "--target", "sim-2m"));
        args.addAll(List.of(more));
        features.forEach(f -> args.add(f.toString()));
        return lab.hil(args.toArray(String[]::new));
    }

    /** A report's JSON without what differs between any two runs: times and durations. */
    private static JsonNode timeless(Path file) throws IOException {
        JsonNode node = JSON.readTree(file.toFile());
        strip(node);
        return node;
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode o) {
            o.remove(List.of("generated", "durationNanos", "durationMillis", "durationSeconds", "duration", "nanos"));
        }
        node.forEach(ShardMergeTest::strip);
    }

    private static String timelessXml(Path file) throws IOException {
        return Files.readString(file).replaceAll(" time=\"[^\"]*\"", "").replaceAll(" timestamp=\"[^\"]*\"", "");
    }

    @Test
    void threeShardsMergedAreOneRun() throws IOException {
        TwoProfileRun lab = new TwoProfileRun(dir);
        Path whole = dir.resolve("whole");
        // The 2 MB profile fails the scenarios that fill a 4 MB store: a run completes with status 1.
        int wholeStatus = run(lab, whole);
        assertTrue(wholeStatus == 0 || wholeStatus == 1, lab.err::toString);

        List<Set<String>> shardKeys = new ArrayList<>();
        List<String> shardArgs = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            Path shard = dir.resolve("shard" + i);
            int status = run(lab, shard, "--shard", i + "/3");
            assertTrue(status == 0 || status == 1, lab.err::toString);
            Set<String> keys = new HashSet<>();
            for (ScenarioResult r : RecordingPlugin.readResults(shard.resolve("targets/sim-4m"))) {
                keys.add(r.featureUri() + ":" + r.line());
            }
            shardKeys.add(keys);
            shardArgs.add(shard.toString());
        }
        Set<String> union = new HashSet<>();
        shardKeys.forEach(union::addAll);
        assertEquals(shardKeys.stream().mapToInt(Set::size).sum(), union.size(), "no scenario runs in two shards");
        int total = RecordingPlugin.readResults(whole.resolve("targets/sim-4m")).size();
        assertEquals(total, union.size(), "every scenario runs in some shard");
        for (Set<String> keys : shardKeys) {
            assertTrue(Math.abs(keys.size() - total / 3.0) <= 1, "shards are balanced: " + keys.size() + " of " + total);
        }

        Path merged = dir.resolve("merged");
        List<String> args = new ArrayList<>(List.of("merge", "--report", merged.toString()));
        args.addAll(shardArgs);
        assertEquals(wholeStatus, lab.hil(args.toArray(String[]::new)), lab.err::toString);

        JsonNode summary = timeless(whole.resolve("summary.json"));
        assertNotEquals(0, summary.path("divergences").asInt(), "the two profiles diverge, so there is something to merge");
        assertEquals(summary, timeless(merged.resolve("summary.json")));
        assertEquals(timeless(whole.resolve("comparison.json")), timeless(merged.resolve("comparison.json")));
        assertEquals(timeless(whole.resolve("observations.json")), timeless(merged.resolve("observations.json")));
        for (String target : List.of("sim-4m", "sim-2m")) {
            assertEquals(timelessXml(whole.resolve("junit/" + target + ".xml")),
                    timelessXml(merged.resolve("junit/" + target + ".xml")), target);
        }
        assertTrue(Files.isRegularFile(merged.resolve("index.html")));
        assertEquals(total, RecordingPlugin.readResults(merged.resolve("targets/sim-4m")).size(),
                "the merged report can itself be read back");
    }

    @Test
    void threeJobsGiveTheReportOfOneJob() throws IOException {
        TwoProfileRun lab = new TwoProfileRun(dir);
        Path one = dir.resolve("one");
        Path three = dir.resolve("three");
        // Two folders (over 150 scenarios of many features) show how jobs spread a run and put it back in order.
        List<Path> features = List.of(FEATURES.resolve("variables"), FEATURES.resolve("lifecycle"));
        int oneStatus = runOn(features, lab, one, "--jobs", "1");
        assertTrue(oneStatus == 0 || oneStatus == 1, lab.err::toString);
        assertEquals(oneStatus, runOn(features, lab, three, "--jobs", "3"), lab.err::toString);

        for (int job = 1; job <= 3; job++) {
            assertTrue(Files.isRegularFile(three.resolve("targets/sim-4m/job-" + job + "/results.json")),
                    "job " + job + " ran on an instance of its own");
        }
        assertEquals(timeless(one.resolve("summary.json")), timeless(three.resolve("summary.json")));
        assertEquals(timeless(one.resolve("comparison.json")), timeless(three.resolve("comparison.json")));
        assertEquals(timeless(one.resolve("observations.json")), timeless(three.resolve("observations.json")),
                "the results are in feature order whichever job ran them");
        assertEquals(RecordingPlugin.readResults(one.resolve("targets/sim-4m")).size(),
                RecordingPlugin.readResults(three.resolve("targets/sim-4m")).size(), "the report reads back whole");
    }

    @Test
    void aJobCountOutOfRangeIsBadInput() throws IOException {
        TwoProfileRun lab = new TwoProfileRun(dir);
        assertEquals(2, run(lab, dir.resolve("r"), "--jobs", "0"));
        assertTrue(lab.err.toString().contains("--jobs must be between 1 and 32"), lab.err.toString());
    }

    @Test
    void aShardGivenTwiceIsRefusedNamingTheScenario() throws IOException {
        TwoProfileRun lab = new TwoProfileRun(dir);
        Path shard = dir.resolve("s1");
        int status0 = runOn(List.of(FEATURES.resolve("variables")), lab, shard, "--shard", "1/2");
        assertTrue(status0 == 0 || status0 == 1, lab.err::toString);
        int status = lab.hil("merge", "--report", dir.resolve("m").toString(), shard.toString(), shard.toString());
        assertEquals(2, status);
        assertTrue(lab.err.toString().contains("is in both"), lab.err.toString());
    }

    @Test
    void aMalformedShardIsBadInput() throws IOException {
        TwoProfileRun lab = new TwoProfileRun(dir);
        assertEquals(2, run(lab, dir.resolve("r"), "--shard", "4/3"));
        assertTrue(lab.err.toString().contains("--shard 4/3"), lab.err.toString());
        assertEquals(2, run(lab, dir.resolve("r"), "--shard", "two"));
        assertTrue(lab.err.toString().contains("is not I/N"), lab.err.toString());
    }
}
