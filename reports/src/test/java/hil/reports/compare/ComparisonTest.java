package hil.reports.compare;

import hil.reports.model.Observation.Keys;
import hil.reports.model.ScenarioResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static hil.reports.compare.Runs.GLOBAL;
import static hil.reports.compare.Runs.VENDOR;
import static hil.reports.compare.Runs.call;
import static hil.reports.compare.Runs.compare;
import static hil.reports.compare.Runs.event;
import static hil.reports.compare.Runs.passed;
import static hil.reports.compare.Runs.passing;
import static hil.reports.compare.Runs.scenario;
import static hil.reports.compare.Runs.step;
import static hil.reports.compare.Runs.variable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComparisonTest {

    private static Map<String, String> map(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static List<String> fields(ScenarioComparison s) {
        return s.divergences().stream().map(Divergence::field).toList();
    }

    @Test
    @DisplayName("identical runs on two targets do not diverge")
    void identicalRunsAgree() {
        var get = call("GetVariable", variable("A"), "EFI_SUCCESS", map(Keys.DATA, "01", Keys.ATTRIBUTES, "NV|BS"));
        ScenarioComparison s = compare(passing("simulator", passed(4, get)), passing("qemu-ovmf", passed(4, get)));

        assertEquals(List.of(), s.divergences());
        assertEquals("simulator", s.reference());
        assertFalse(s.diverged("qemu-ovmf"));
    }

    @Test
    @DisplayName("a different status is one divergence, naming the step, the call, each value and the differing target")
    void statusDiffers() {
        ScenarioComparison s = compare(
                passing("simulator", passed(4), passed(5, call("GetVariable", variable("A"), "EFI_SUCCESS", map()))),
                passing("qemu-ovmf", passed(4), passed(5, call("GetVariable", variable("A"), "EFI_NOT_FOUND", map()))));

        assertEquals(1, s.divergences().size());
        Divergence d = s.divergences().get(0);
        assertEquals(1, d.step());
        assertEquals("When step on line 5", d.stepText());
        assertEquals(5, d.stepLine());
        assertEquals(0, d.observation());
        assertEquals("GetVariable", d.operation());
        assertEquals("status", d.field());
        assertEquals(map("simulator", "EFI_SUCCESS", "qemu-ovmf", "EFI_NOT_FOUND"), d.values());
        assertEquals(List.of("qemu-ovmf"), d.differing());
        assertFalse(d.expected());
        assertTrue(s.diverged("qemu-ovmf"));
        assertFalse(s.diverged("simulator"), "the reference is what the others are measured against");
    }

    @Test
    @DisplayName("every differing output is a divergence of its own; outputs only one target gives count too")
    void outputsDiffer() {
        ScenarioComparison s = compare(
                passing("a", passed(4, call("GetVariable", variable("A"), "EFI_SUCCESS",
                        map(Keys.DATA, "0102", Keys.DATA_SIZE, "2", Keys.ATTRIBUTES, "NV|BS|RT")))),
                passing("b", passed(4, call("GetVariable", variable("A"), "EFI_SUCCESS",
                        map(Keys.DATA, "0103", Keys.DATA_SIZE, "2")))));

        assertEquals(List.of(Keys.DATA, Keys.ATTRIBUTES), fields(s));
        assertNull(s.divergences().get(1).values().get("b"));
    }

    @Test
    @DisplayName("inputs are not compared: targets may size their buffers differently")
    void inputsAreNotCompared() {
        var in4m = map(Keys.NAME, "A", Keys.VENDOR, VENDOR, Keys.DATA_SIZE, "33792");
        var in2m = map(Keys.NAME, "A", Keys.VENDOR, VENDOR, Keys.DATA_SIZE, "10240");
        ScenarioComparison s = compare(passing("a", passed(4, call("GetVariable", in4m, "EFI_NOT_FOUND", map()))),
                passing("b", passed(4, call("GetVariable", in2m, "EFI_NOT_FOUND", map()))));

        assertEquals(List.of(), s.divergences());
    }

    @Nested
    @DisplayName("platform events")
    class PlatformEvents {

        @Test
        @DisplayName("are compared by status only, whatever outputs a target gives")
        void statusOnly() {
            for (String event : List.of("BootFresh", "EndOfDxe", "ReadyToBoot", "ExitBootServices",
                    "SetVirtualAddressMap", "ResetSystem", "ArmPowerLoss")) {
                ScenarioComparison same = compare(passing("a", passed(4, event(event, "EFI_SUCCESS", map()))),
                        passing("b", passed(4, event(event, "EFI_SUCCESS", map("bootTime", "9.1s", "shell", "yes")))));
                assertEquals(List.of(), same.divergences(), event);

                ScenarioComparison different = compare(passing("a", passed(4, event(event, null, map()))),
                        passing("b", passed(4, event(event, "EFI_DEVICE_ERROR", map()))));
                assertEquals(List.of("status"), fields(different), event);
                assertEquals(map("a", "none", "b", "EFI_DEVICE_ERROR"), different.divergences().get(0).values());
            }
        }
    }

    @Nested
    @DisplayName("only what the scenario touched is compared")
    class Touched {

        private static final String LIST_SIM = VENDOR + ":A\n" + VENDOR + ":B\n";

        @Test
        @DisplayName("QueryVariableInfo compares the maximum sizes, not the remaining storage")
        void queryVariableInfo() {
            ScenarioComparison remainingOnly = compare(
                    passing("a", passed(4, call("QueryVariableInfo", map(Keys.ATTRIBUTES, "NV|BS|RT"), "EFI_SUCCESS",
                            map(Keys.MAX_STORAGE, "262016", Keys.REMAINING_STORAGE, "261000",
                                    Keys.MAX_VARIABLE_SIZE, "33732")))),
                    passing("b", passed(4, call("QueryVariableInfo", map(Keys.ATTRIBUTES, "NV|BS|RT"), "EFI_SUCCESS",
                            map(Keys.MAX_STORAGE, "262016", Keys.REMAINING_STORAGE, "250000",
                                    Keys.MAX_VARIABLE_SIZE, "33732")))));
            assertEquals(List.of(), remainingOnly.divergences());

            ScenarioComparison maximum = compare(
                    passing("a", passed(4, call("QueryVariableInfo", map(), "EFI_SUCCESS",
                            map(Keys.MAX_STORAGE, "262016", Keys.REMAINING_STORAGE, "1", Keys.MAX_VARIABLE_SIZE, "9")))),
                    passing("b", passed(4, call("QueryVariableInfo", map(), "EFI_SUCCESS",
                            map(Keys.MAX_STORAGE, "57216", Keys.REMAINING_STORAGE, "2", Keys.MAX_VARIABLE_SIZE, "9")))));
            assertEquals(List.of(Keys.MAX_STORAGE), fields(maximum));
        }

        @Test
        @DisplayName("a variable list compares only the entries the scenario named, and its end status, not its count")
        void listVariables() {
            var setA = call("SetVariable", variable("A"), "EFI_SUCCESS", map());
            var setB = call("SetVariable", variable("B"), "EFI_SUCCESS", map());
            String firmwareList = GLOBAL + ":Boot0000\n" + VENDOR + ":A\n" + GLOBAL + ":Lang\n"
                    + VENDOR.toLowerCase() + ":B\n";
            ScenarioComparison same = compare(
                    passing("sim", passed(4, setA, setB), passed(5, call("ListVariables", map(), "EFI_NOT_FOUND",
                            map(Keys.COUNT, "2", Keys.VARIABLES, LIST_SIM)))),
                    passing("fw", passed(4, setA, setB), passed(5, call("ListVariables", map(), "EFI_NOT_FOUND",
                            map(Keys.COUNT, "4", Keys.VARIABLES, firmwareList)))));
            assertEquals(List.of(), same.divergences());

            ScenarioComparison missing = compare(
                    passing("sim", passed(4, setA, setB), passed(5, call("ListVariables", map(), "EFI_NOT_FOUND",
                            map(Keys.COUNT, "2", Keys.VARIABLES, LIST_SIM)))),
                    passing("fw", passed(4, setA, setB), passed(5, call("ListVariables", map(), "EFI_NOT_FOUND",
                            map(Keys.COUNT, "3", Keys.VARIABLES, GLOBAL + ":Boot0000\n" + VENDOR + ":A\n")))));
            assertEquals(List.of(Keys.VARIABLES), fields(missing));
            assertEquals(map("sim", VENDOR + ":A\n" + VENDOR + ":B\n", "fw", VENDOR + ":A\n"),
                    missing.divergences().get(0).values());
        }

        @Test
        @DisplayName("GetNextVariableName compares only the status when neither target returned a touched name")
        void nextNameUntouched() {
            var set = call("SetVariable", variable("A"), "EFI_SUCCESS", map());
            ScenarioComparison s = compare(
                    passing("sim", passed(4, set), passed(5, call("GetNextVariableName", variable("A"), "EFI_SUCCESS",
                            map(Keys.NAME_SIZE, "12", Keys.NAME, "Lang", Keys.VENDOR, GLOBAL)))),
                    passing("fw", passed(4, set), passed(5, call("GetNextVariableName", variable("A"), "EFI_SUCCESS",
                            map(Keys.NAME_SIZE, "18", Keys.NAME, "Boot0000", Keys.VENDOR, GLOBAL)))));
            assertEquals(List.of(), s.divergences());
        }

        @Test
        @DisplayName("GetNextVariableName compares the outputs when one target returned a name the scenario named")
        void nextNameTouchedOnOneTarget() {
            var setA = call("SetVariable", variable("A"), "EFI_SUCCESS", map());
            var setB = call("SetVariable", variable("B"), "EFI_SUCCESS", map());
            ScenarioComparison s = compare(
                    passing("sim", passed(4, setA, setB), passed(5, call("GetNextVariableName", variable("A"),
                            "EFI_SUCCESS", map(Keys.NAME_SIZE, "4", Keys.NAME, "B", Keys.VENDOR, VENDOR)))),
                    passing("fw", passed(4, setA, setB), passed(5, call("GetNextVariableName", variable("A"),
                            "EFI_SUCCESS", map(Keys.NAME_SIZE, "18", Keys.NAME, "Boot0000", Keys.VENDOR, GLOBAL)))));
            assertEquals(List.of(Keys.NAME_SIZE, Keys.NAME, Keys.VENDOR), fields(s));
        }
    }

    @Test
    @DisplayName("a status class, where a target gives one, is compared instead of the status")
    void statusClass() {
        ScenarioComparison s = compare(
                passing("a", passed(4, call("GetVariable", variable("A"), "EFI_NOT_FOUND",
                        map("statusClass", "not-found")))),
                passing("b", passed(4, call("GetVariable", variable("A"), "ENOENT", map("statusClass", "not-found")))));
        assertEquals(List.of(), s.divergences());

        ScenarioComparison differs = compare(
                passing("a", passed(4, call("GetVariable", variable("A"), "EFI_NOT_FOUND",
                        map("statusClass", "not-found")))),
                passing("b", passed(4, call("GetVariable", variable("A"), "EACCES",
                        map("statusClass", "denied")))));
        assertEquals(List.of("statusClass"), fields(differs));
    }

    @Test
    @DisplayName("the exact status is compared with targets that give one, the status class with those that give one")
    void statusAndClassEachAmongTheTargetsThatGiveThem() {
        var simulated = call("SetVariable", variable("A"), "EFI_WRITE_PROTECTED", map("statusClass", "EROFS"));
        var raw = call("SetVariable", variable("A"), "EFI_WRITE_PROTECTED", map());
        var efivarfs = call("SetVariable", variable("A"), null, map("statusClass", "EROFS"));
        assertEquals(List.of(), compare(passing("sim", passed(4, simulated)), passing("raw", passed(4, raw)),
                passing("fs", passed(4, efivarfs))).divergences());

        var rawOther = call("SetVariable", variable("A"), "EFI_INVALID_PARAMETER", map());
        assertEquals(List.of("status"), fields(compare(passing("sim", passed(4, simulated)),
                passing("raw", passed(4, rawOther)))));
        var efivarfsOther = call("SetVariable", variable("A"), null, map("statusClass", "EINVAL"));
        assertEquals(List.of("statusClass"), fields(compare(passing("sim", passed(4, simulated)),
                passing("fs", passed(4, efivarfsOther)))));
        ScenarioComparison missing = compare(passing("sim", passed(4, simulated, simulated)),
                passing("raw", passed(4, raw)));
        assertEquals(List.of("operation"), fields(missing), "a call one target did not make is still a difference");
    }

    @Test
    @DisplayName("a call that failed through the Shell matches any EFI error, never success; its Shell status is not compared")
    void shellStatusClass() {
        var shellFailed = call("SetVariable", variable("A"), null,
                map("statusClass", "shell-access-denied", "shellStatus", "0xF"));
        ScenarioComparison agrees = compare(
                passing("sim", passed(4, call("SetVariable", variable("A"), "EFI_INVALID_PARAMETER", map()))),
                passing("shell", passed(4, shellFailed)));
        assertEquals(List.of(), agrees.divergences());

        ScenarioComparison differs = compare(
                passing("sim", passed(4, call("SetVariable", variable("A"), "EFI_SUCCESS", map()))),
                passing("shell", passed(4, shellFailed)));
        assertEquals(List.of("status"), fields(differs));
        assertEquals(map("sim", "EFI_SUCCESS", "shell", "shell-access-denied"), differs.divergences().get(0).values(),
                "the divergence shows what each target reported");

        ScenarioComparison bothSucceeded = compare(
                passing("sim", passed(4, call("GetVariable", variable("A"), "EFI_SUCCESS", map(Keys.DATA, "01")))),
                passing("shell", passed(4, call("GetVariable", variable("A"), "EFI_SUCCESS", map(Keys.DATA, "02")))));
        assertEquals(List.of(Keys.DATA), fields(bothSucceeded), "outputs are still compared");
    }

    @Test
    @DisplayName("notifications compare for the scenario's own drivers only, in order; the firmware's own drivers and the count do not")
    void notificationsOfTheScenariosDrivers() {
        var loadA = call("LoadDriver", map("driver", "High"), "EFI_SUCCESS", map());
        var loadB = call("LoadDriver", map("driver", "Low"), "EFI_SUCCESS", map());
        var sim = call("Notifications", map(), null, map("count", "3", "notifications",
                "High ReadyToBoot at TPL_NOTIFY\nVariableSmmRuntimeDxe ReadyToBoot at TPL_NOTIFY\nLow ReadyToBoot at TPL_CALLBACK"));
        var fw = call("Notifications", map(), null, map("count", "2", "notifications",
                "High ReadyToBoot at TPL_NOTIFY\nLow ReadyToBoot at TPL_CALLBACK"));
        var swapped = call("Notifications", map(), null, map("count", "2", "notifications",
                "Low ReadyToBoot at TPL_CALLBACK\nHigh ReadyToBoot at TPL_NOTIFY"));
        ScenarioComparison agrees = compare(
                passing("sim", passed(4, loadA), passed(5, loadB), passed(6, sim)),
                passing("fw", passed(4, loadA), passed(5, loadB), passed(6, fw)));
        assertEquals(List.of(), agrees.divergences());
        ScenarioComparison differs = compare(
                passing("sim", passed(4, loadA), passed(5, loadB), passed(6, sim)),
                passing("fw", passed(4, loadA), passed(5, loadB), passed(6, swapped)));
        assertEquals(List.of("notifications"), fields(differs), "the order of the scenario's drivers counts");
    }

    @Test
    @DisplayName("an event the firmware signalled itself agrees with the same event signalled with EFI_SUCCESS, not with a refused one")
    void alreadySignalled() {
        var already = call("EndOfDxe", map(), null, map("statusClass", Keys.ALREADY_SIGNALLED));
        ScenarioComparison agrees = compare(
                passing("sim", passed(4, call("EndOfDxe", map(), "EFI_SUCCESS", map()))),
                passing("qemu", passed(4, already)));
        assertEquals(List.of(), agrees.divergences());

        ScenarioComparison refused = compare(
                passing("sim", passed(4, call("EndOfDxe", map(), "EFI_UNSUPPORTED", map()))),
                passing("qemu", passed(4, already)));
        assertEquals(List.of("status"), fields(refused));
        assertEquals(map("sim", "EFI_UNSUPPORTED", "qemu", Keys.ALREADY_SIGNALLED),
                refused.divergences().get(0).values(), "the divergence shows what each target reported");
    }

    @Test
    @DisplayName("a step that passes on one target and fails on another diverges; later steps are not compared")
    void stepOutcomeDiffers() {
        var ok = call("GetVariable", variable("A"), "EFI_SUCCESS", map());
        var other = call("GetVariable", variable("A"), "EFI_SUCCESS", map(Keys.DATA, "ff"));
        ScenarioComparison s = compare(
                passing("a", passed(4, ok), passed(5), passed(6, ok)),
                scenario("b", 3, "FAILED", List.of(), passed(4, ok), step(5, "step on line 5", "FAILED"),
                        step(6, "step on line 6", "SKIPPED", other)));

        assertEquals(1, s.divergences().size());
        Divergence d = s.divergences().get(0);
        assertEquals("result", d.field());
        assertEquals(1, d.step());
        assertEquals(-1, d.observation());
        assertEquals(map("a", "passed", "b", "failed"), d.values());
    }

    @Test
    @DisplayName("a target that skipped the scenario is left out, and is not a divergence")
    void skippedTargetIsLeftOut() {
        var ok = call("GetVariable", variable("A"), "EFI_SUCCESS", map());
        ScenarioComparison s = compare(
                scenario("board", 3, "SKIPPED", List.of(), step(4, "step on line 4", "SKIPPED")),
                passing("simulator", passed(4, ok)),
                passing("qemu-ovmf", passed(4, ok)));

        assertEquals(List.of(), s.divergences());
        assertEquals(List.of("simulator", "qemu-ovmf"), s.compared());
        assertEquals("simulator", s.reference(), "the first target that did not skip");
    }

    @Nested
    @DisplayName("@differs")
    class Differs {

        private final ScenarioResult sim = scenario("simulator", 3, "PASSED",
                List.of("@variables", "@differs:qemu-ovmf:firmware-rounds-sizes"),
                passed(4, call("QueryVariableInfo", map(), "EFI_SUCCESS", map(Keys.MAX_VARIABLE_SIZE, "33732"))));

        private ScenarioResult other(String target, String size) {
            return scenario(target, 3, "PASSED", List.of("@variables", "@differs:qemu-ovmf:firmware-rounds-sizes"),
                    passed(4, call("QueryVariableInfo", map(), "EFI_SUCCESS", map(Keys.MAX_VARIABLE_SIZE, size))));
        }

        @Test
        @DisplayName("marks the named target's difference expected, with the tag's reason in words")
        void marksExpected() {
            ScenarioComparison s = compare(sim, other("qemu-ovmf", "33700"));

            Divergence d = s.divergences().get(0);
            assertTrue(d.expected());
            assertEquals("qemu-ovmf: firmware rounds sizes", d.reason());
            assertFalse(s.diverged("qemu-ovmf"));
            assertEquals(1, s.expectedDivergencesOf("qemu-ovmf").size());
            Comparison all = Comparison.of(List.of(sim, other("qemu-ovmf", "33700")), List.of("simulator"));
            assertEquals(0, all.unexpectedCount());
            assertEquals(1, all.expectedCount());
        }

        @Test
        @DisplayName("does not excuse a difference between targets it does not name")
        void otherTargetsStillCount() {
            ScenarioComparison s = compare(sim, other("qemu-ovmf", "33732"), other("board", "1000"));

            Divergence d = s.divergences().get(0);
            assertFalse(d.expected());
            assertEquals(List.of("board"), d.differing());
        }

        @Test
        @DisplayName("without a reason, says which tag marked it")
        void withoutReason() {
            ScenarioResult a = scenario("a", 3, "PASSED", List.of("@differs:b"),
                    passed(4, call("GetVariable", variable("A"), "EFI_SUCCESS", map())));
            ScenarioResult b = scenario("b", 3, "PASSED", List.of("@differs:b"),
                    passed(4, call("GetVariable", variable("A"), "EFI_NOT_FOUND", map())));

            assertEquals("b: marked @differs:b", compare(a, b).divergences().get(0).reason());
        }
    }

    @Test
    @DisplayName("steps line up by feature line, so a hook recorded on one target only does not shift the steps")
    void hooksDoNotShiftSteps() {
        var ok = call("GetVariable", variable("A"), "EFI_SUCCESS", map());
        var hook = new hil.reports.model.StepResult("After hook ", "hil.steps.Hooks.collect()", 0, "FAILED",
                "power controller unreachable", List.of());
        ScenarioComparison s = compare(
                passing("a", passed(4, ok), passed(5, ok)),
                scenario("b", 3, "FAILED", List.of(), passed(4, ok), passed(5, ok), hook));

        assertEquals(3, s.steps().size());
        assertEquals(List.of("result"), fields(s));
        assertEquals(2, s.divergences().get(0).step());
        assertEquals(map("a", "passed", "b", "failed"), s.divergences().get(0).values());
    }

    @Test
    @DisplayName("a GUID the scenario wrote in lower case still matches the upper-case form targets return")
    void vendorCaseDoesNotMatter() {
        var set = call("SetVariable", Map.of(Keys.NAME, "A", Keys.VENDOR, VENDOR.toLowerCase()), "EFI_SUCCESS",
                map());
        ScenarioComparison s = compare(
                passing("a", passed(4, set), passed(5, call("GetNextVariableName", variable("Y"), "EFI_SUCCESS",
                        map(Keys.NAME, "A", Keys.VENDOR, VENDOR, Keys.NAME_SIZE, "4")))),
                passing("b", passed(4, set), passed(5, call("GetNextVariableName", variable("Y"), "EFI_SUCCESS",
                        map(Keys.NAME, "Boot0000", Keys.VENDOR, GLOBAL, Keys.NAME_SIZE, "18")))));

        assertEquals(List.of(Keys.NAME, Keys.VENDOR, Keys.NAME_SIZE), fields(s));
    }

    @Test
    @DisplayName("the first name of a walk is compared by status only: real firmware starts with variables of its own")
    void theFirstNameOfAWalkIsComparedByStatusOnly() {
        var set = call("SetVariable", Map.of(Keys.NAME, "A", Keys.VENDOR, VENDOR), "EFI_SUCCESS", map());
        ScenarioComparison s = compare(
                passing("a", passed(4, set), passed(5, call("GetNextVariableName", variable(""), "EFI_SUCCESS",
                        map(Keys.NAME, "A", Keys.VENDOR, VENDOR, Keys.NAME_SIZE, "4")))),
                passing("b", passed(4, set), passed(5, call("GetNextVariableName", variable(""), "EFI_SUCCESS",
                        map(Keys.NAME, "Boot0000", Keys.VENDOR, GLOBAL, Keys.NAME_SIZE, "18")))));

        assertEquals(List.of(), fields(s));
    }

    @Test
    @DisplayName("the same scenario on targets given in any order is compared against the first target of the run")
    void runOrderSetsTheReference() {
        var a = passing("qemu-ovmf", passed(4, call("GetVariable", variable("A"), "EFI_SUCCESS", map())));
        var b = passing("simulator", passed(4, call("GetVariable", variable("A"), "EFI_NOT_FOUND", map())));
        Comparison comparison = Comparison.of(List.of(a, b), List.of("simulator", "qemu-ovmf"));

        assertEquals(List.of("simulator", "qemu-ovmf"), comparison.targets());
        assertEquals("simulator", comparison.scenarios().get(0).reference());
        assertEquals(List.of("qemu-ovmf"), comparison.divergences().get(0).differing());
    }

    @Test
    @DisplayName("a portable scenario key drops the checkout's location before features/")
    void portableKey() {
        assertEquals("features/variables/get.feature:12",
                ScenarioKeys.portable("file:///home/ci/build/features/variables/get.feature", 12));
        assertEquals("file:///tmp/x.feature:3", ScenarioKeys.portable("file:///tmp/x.feature", 3));
    }
}
