package hil.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code hil fuzz} on simulator targets: two of the same profile agree, a wrong profile is caught. */
class FuzzCommandTest {

    @TempDir
    Path dir;

    private TwoProfileRun lab() throws IOException {
        TwoProfileRun run = new TwoProfileRun(dir);
        Files.writeString(run.labConfig.resolve("sim-4m-b.yaml"),
                "name: sim-4m-b\nkind: simulator\nsettings:\n  profile: ovmf-4m\n");
        return run;
    }

    private static JsonNode json(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }

    @Test
    void twoMachinesOfTheSameProfileAnswerEveryBufferAlike() throws IOException {
        TwoProfileRun run = lab();
        int status = run.hil("fuzz", "--lab-config", run.labConfig.toString(), "--report", run.report.toString(),
                "--target", "sim-4m", "--target", "sim-4m-b", "--seed", "7", "--count", "400");
        assertEquals(0, status, run.out + "\n" + run.err);
        JsonNode summary = json(run.report.resolve("summary.json"));
        assertEquals(400, summary.path("targets").path("sim-4m").path("passed").asInt(), summary.toString());
        assertEquals(0, summary.path("divergences").asInt(), summary.toString());
        assertTrue(run.out.toString().contains("seed 7, 400 buffers"), run.out.toString());
        assertTrue(Files.isRegularFile(run.report.resolve("index.html")));
    }

    @Test
    void aPlatformOfAnotherSizeDivergesAndFailsTheRun() throws IOException {
        TwoProfileRun run = lab();
        int status = run.hil("fuzz", "--lab-config", run.labConfig.toString(), "--report", run.report.toString(),
                "--target", "sim-4m", "--target", "sim-2m", "--seed", "7", "--count", "400");
        assertEquals(1, status, run.out + "\n" + run.err);
        JsonNode comparison = json(run.report.resolve("comparison.json"));
        assertTrue(comparison.toString().contains("SmmCommunicate"), "divergences name the call");
        assertTrue(json(run.report.resolve("summary.json")).path("divergences").asInt() > 0);
    }

    @Test
    void theSameSeedGivesTheSameBuffersAndAnotherSeedOthers() {
        var a = FuzzCases.generate(99, 300);
        var b = FuzzCases.generate(99, 300);
        var c = FuzzCases.generate(100, 300);
        for (int i = 0; i < a.size(); i++) {
            assertEquals(hil.simulator.uefi.Bytes.hex(a.get(i).buffer()), hil.simulator.uefi.Bytes.hex(b.get(i).buffer()));
            assertEquals(a.get(i).commSize(), b.get(i).commSize());
        }
        long same = 0;
        for (int i = 0; i < a.size(); i++) {
            same += hil.simulator.uefi.Bytes.hex(a.get(i).buffer()).equals(hil.simulator.uefi.Bytes.hex(c.get(i).buffer())) ? 1 : 0;
        }
        assertTrue(same < 30, same + " of 300 buffers equal across seeds");
    }

    @Test
    void buffersThatChangeTheRestOfTheRunAreNeverSent() {
        for (FuzzCases.Case c : FuzzCases.generate(5, 3000)) {
            byte[] b = c.buffer();
            if (b.length >= 32 && hil.simulator.uefi.EfiGuid.SMM_VARIABLE_PROTOCOL.matches(b, 0)) {
                long function = hil.simulator.uefi.Bytes.u64(b, 24);
                assertTrue(function != 5 && function != 6 && function != 12 && function != 13,
                        "#" + c.index() + " sends function " + function + ": " + c.description());
            }
            if (b.length >= 36 && hil.simulator.smm.VarCheckPolicyMmi.HANDLER_GUID.matches(b, 0)) {
                assertTrue(hil.simulator.uefi.Bytes.u32(b, 32) != 1, "#" + c.index() + " disables policies");
            }
        }
    }
}
