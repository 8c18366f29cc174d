package hil.targets.firmware;

import hil.reports.model.Observation;
import hil.reports.model.Observation.Keys;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiGuid;
import hil.targets.HilException;
import hil.targets.NotObservableException;
import hil.targets.VariableServices;
import hil.transports.Deadline;
import hil.transports.TransportTimeoutException;
import hil.transports.shell.ShellResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Command lines and output parsing of {@link ShellVariableServices}, against outputs captured from real OVMF. */
class ShellVariableServicesTest {

    private static final String G = "12345678-1234-1234-1234-123456789ABC";
    private static final EfiGuid VENDOR = EfiGuid.parse(G);
    private static final String DMPSTORE_HILTEST = "dmpstore HilTest -guid " + G + " -sfo";

    private final ScriptedShell shell = new ScriptedShell();
    private final ShellVariableServices services =
            new ShellVariableServices(shell, "qemu-shell", Duration.ofSeconds(5), () -> "boot");

    /** Answers each command line with the next scripted result; any other line fails the test. */
    private static final class ScriptedShell implements ShellVariableServices.CommandRunner {
        private final Deque<String> expected = new ArrayDeque<>();
        private final Deque<ShellResult> answers = new ArrayDeque<>();
        private final List<String> executed = new ArrayList<>();

        ScriptedShell answer(String command, long lastError, String output) {
            expected.add(command);
            answers.add(new ShellResult(output, lastError));
            return this;
        }

        @Override
        public ShellResult run(String command, Deadline deadline) {
            executed.add(command);
            String next = expected.poll();
            if (!command.equals(next)) {
                throw new AssertionError("unexpected Shell command\n  got:      " + command + "\n  expected: " + next);
            }
            return answers.poll();
        }
    }

    private static String fixture(String name) {
        try (InputStream in = ShellVariableServicesTest.class.getResourceAsStream("shell/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test fixture shell/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String missing(String name) {
        return fixture("dmpstore-missing.txt").replace("HilNone", name);
    }

    // ---- SetVariable -----------------------------------------------------------------------------------------

    @Test
    @DisplayName("a new variable is read first, then written with one option per attribute and its data as hex")
    void newVariableIsWrittenWithSetvar() {
        shell.answer(DMPSTORE_HILTEST, 0xE, missing("HilTest"))
                .answer("setvar HilTest -guid " + G + " -nv -bs -rt =0102", 0x0, "");

        Observation o = services.setVariable("HilTest", VENDOR, Attributes.NV_BS_RT, new byte[] {1, 2});

        assertEquals("EFI_SUCCESS", o.status());
        assertEquals("SetVariable", o.operation());
        assertEquals("HilTest", o.inputs().get(Keys.NAME));
        assertEquals(VENDOR.toString(), o.inputs().get(Keys.VENDOR));
        assertEquals("NV|BS|RT", o.inputs().get(Keys.ATTRIBUTES));
        assertEquals("2", o.inputs().get(Keys.DATA_SIZE));
        assertEquals("0102", o.inputs().get(Keys.DATA));
        assertEquals(List.of(), List.copyOf(o.outputs().keySet()));
        assertEquals("boot", o.phase());
        assertEquals("qemu-shell", o.target());
        assertTrue(o.transcript().contains("setvar HilTest -guid " + G + " -nv -bs -rt =0102\n%lasterror% = 0x0"),
                o.transcript());
    }

    @Test
    @DisplayName("a failed setvar has no EFI status, only the Shell's status and its class")
    void failedSetvarCarriesTheShellStatusInsteadOfAnEfiStatus() {
        shell.answer("dmpstore HilNone -guid " + G + " -sfo", 0xE, missing("HilNone"))
                .answer("setvar HilNone -guid " + G + " =", 0xF, fixture("setvar-delete-missing.txt"));

        Observation o = services.setVariable("HilNone", VENDOR, 0, new byte[0]);

        assertNull(o.status());
        assertEquals("0xF", o.outputs().get(ShellStatus.OUTPUT));
        assertEquals("shell-access-denied", o.outputs().get("statusClass"));
        assertTrue(o.transcript().contains("setvar: Unable to set"), o.transcript());
    }

    @Test
    @DisplayName("NV alone is passed as -nv: an invalid call the Shell can make")
    void nvAloneIsPassed() {
        shell.answer("dmpstore HilC -guid " + G + " -sfo", 0xE, missing("HilC"))
                .answer("setvar HilC -guid " + G + " -nv =04", 0xF, "setvar: Unable to set - " + G + " - HilC");

        Observation o = services.setVariable("HilC", VENDOR, Attributes.NV, new byte[] {4});

        assertNull(o.status());
        assertEquals("0xF", o.outputs().get(ShellStatus.OUTPUT));
    }

    @Test
    @DisplayName("a delete of a stored NV|BS|RT variable is the bare '=' form")
    void deleteOfAStoredVariable() {
        shell.answer(DMPSTORE_HILTEST, 0x0, fixture("dmpstore-found.txt"))
                .answer("setvar HilTest -guid " + G + " =", 0x0, "");

        assertEquals("EFI_SUCCESS", services.setVariable("HilTest", VENDOR, 0, new byte[0]).status());
    }

    @Test
    @DisplayName("no data with attributes on a missing variable keeps the options before '='")
    void noDataWithAttributesKeepsTheOptions() {
        shell.answer(DMPSTORE_HILTEST, 0xE, missing("HilTest"))
                .answer("setvar HilTest -guid " + G + " -nv -bs -rt =", 0xF, "setvar: Unable to set - " + G + " - HilTest");

        assertNull(services.setVariable("HilTest", VENDOR, Attributes.NV_BS_RT, new byte[0]).status());
    }

    @Test
    @DisplayName("a write to the stored variable with the same attributes is made")
    void sameAttributesAsStored() {
        shell.answer(DMPSTORE_HILTEST, 0x0, fixture("dmpstore-found.txt"))
                .answer("setvar HilTest -guid " + G + " -nv -bs -rt =0A", 0x0, "");

        assertEquals("EFI_SUCCESS",
                services.setVariable("HilTest", VENDOR, Attributes.NV_BS_RT, new byte[] {10}).status());
    }

    @Test
    @DisplayName("each write tells what it found stored before it; a write not made tells nothing")
    void beforeEachWriteReportsTheStoredState() {
        List<String> seen = new ArrayList<>();
        services.beforeEachWrite((name, vendor, stored) -> seen.add(name + " " + vendor + " " + (stored == null
                ? "unknown" : stored.map(e -> Attributes.format(e.attributes()) + " " + hil.simulator.uefi.Bytes.hex(e.data()))
                .orElse("absent"))));
        shell.answer(DMPSTORE_HILTEST, 0x0, fixture("dmpstore-found.txt"))
                .answer("setvar HilTest -guid " + G + " =", 0x0, "")
                .answer("dmpstore HilNone -guid " + G + " -sfo", 0xE, missing("HilNone"))
                .answer("setvar HilNone -guid " + G + " -nv -bs -rt =01", 0x0, "")
                .answer(DMPSTORE_HILTEST, 0x0, fixture("dmpstore-found.txt"));

        services.setVariable("HilTest", VENDOR, 0, new byte[0]);
        services.setVariable("HilNone", VENDOR, Attributes.NV_BS_RT, new byte[] {1});
        assertThrows(NotObservableException.class,
                () -> services.setVariable("HilTest", VENDOR, Attributes.BS_RT, new byte[] {1}));

        assertEquals(List.of("HilTest " + VENDOR + " NV|BS|RT 0102", "HilNone " + VENDOR + " absent"), seen);
    }

    @Test
    @DisplayName("other attributes than the stored ones are not observable: setvar would keep the stored ones")
    void otherAttributesThanStoredAreNotObservable() {
        shell.answer(DMPSTORE_HILTEST, 0x0, fixture("dmpstore-found.txt"));

        NotObservableException e = assertThrows(NotObservableException.class,
                () -> services.setVariable("HilTest", VENDOR, Attributes.BS_RT, new byte[] {1}));

        assertTrue(e.getMessage().contains("stored with NV|BS|RT"), e.getMessage());
        assertEquals(List.of(DMPSTORE_HILTEST), shell.executed, "no setvar was typed");
    }

    @Test
    @DisplayName("attributes 0 with data on a stored variable is not observable: setvar would write the data")
    void attributesZeroWithDataOnAStoredVariableIsNotObservable() {
        shell.answer(DMPSTORE_HILTEST, 0x0, fixture("dmpstore-found.txt"));

        assertThrows(NotObservableException.class,
                () -> services.setVariable("HilTest", VENDOR, 0, new byte[] {1}));
    }

    @Test
    @DisplayName("append, HR/AW/AT and RT without BS are not observable and type nothing")
    void attributesSetvarCannotExpressAreNotObservable() {
        NotObservableException append = assertThrows(NotObservableException.class,
                () -> services.setVariable("V", VENDOR, Attributes.BS_RT | Attributes.AP, new byte[] {1}));
        assertTrue(append.getMessage().contains("no append option"), append.getMessage());
        assertTrue(append.getMessage().startsWith("not observable on target qemu-shell: "), append.getMessage());

        NotObservableException at = assertThrows(NotObservableException.class,
                () -> services.setVariable("V", VENDOR, Attributes.NV_BS_RT | Attributes.AT, new byte[] {1}));
        assertTrue(at.getMessage().contains("AT"), at.getMessage());

        assertThrows(NotObservableException.class,
                () -> services.setVariable("V", VENDOR, Attributes.NV_BS | Attributes.HR, new byte[] {1}));

        NotObservableException rt = assertThrows(NotObservableException.class,
                () -> services.setVariable("V", VENDOR, Attributes.RT, new byte[] {1}));
        assertTrue(rt.getMessage().contains("-rt sets BS as well"), rt.getMessage());

        assertEquals(List.of(), shell.executed);
    }

    @Test
    @DisplayName("names the Shell cannot take are not observable")
    void untypeableNamesAreNotObservable() {
        assertThrows(NotObservableException.class, () -> services.setVariable("", VENDOR, Attributes.BS, new byte[] {1}));
        assertThrows(NotObservableException.class, () -> services.setVariable("-nv", VENDOR, Attributes.BS, new byte[] {1}));
        assertThrows(NotObservableException.class,
                () -> services.getVariable("Grüße", VENDOR, VariableServices.LARGE_BUFFER));
        assertEquals(List.of(), shell.executed);
    }

    @Test
    @DisplayName("a line longer than the smallest console asks 'mode' once; data up to the measured limit is typed")
    void longLinesAreCheckedAgainstTheConsoleSizeOnce() {
        byte[] fits = new byte[1460];
        String line = "setvar HilTest -guid " + G + " -bs =" + "00".repeat(1460);
        assertEquals(2983, line.length());
        shell.answer("mode", 0x0, fixture("mode.txt"))
                .answer(DMPSTORE_HILTEST, 0xE, missing("HilTest"))
                .answer(line, 0x0, "");

        assertEquals("EFI_SUCCESS", services.setVariable("HilTest", VENDOR, Attributes.BS, fits).status());

        NotObservableException e = assertThrows(NotObservableException.class,
                () -> services.setVariable("HilTest", VENDOR, Attributes.BS, new byte[1461]));
        assertTrue(e.getMessage().contains("2985 characters"), e.getMessage());
        assertTrue(e.getMessage().contains("100 x 31 console keeps at most 2984"), e.getMessage());
        assertEquals(3, shell.executed.size(), "mode once, and nothing typed for the line that does not fit");
    }

    @Test
    @DisplayName("without a readable 'mode' the smallest console (80 x 25) bounds the line")
    void unreadableModeFallsBackToTheSmallestConsole() {
        shell.answer("mode", 0x3, "mode: unsupported");

        NotObservableException e = assertThrows(NotObservableException.class,
                () -> services.setVariable("HilTest", VENDOR, Attributes.BS, new byte[1000]));

        assertTrue(e.getMessage().contains("80 x 25 console keeps at most 1904"), e.getMessage());
    }

    // ---- GetVariable -----------------------------------------------------------------------------------------

    @Test
    @DisplayName("GetVariable reads dmpstore -sfo into the agent path's canonical outputs")
    void getVariableParsesDmpstore() {
        shell.answer(DMPSTORE_HILTEST, 0x0, fixture("dmpstore-found.txt"));

        Observation o = services.getVariable("HilTest", VENDOR, VariableServices.LARGE_BUFFER);

        assertEquals("EFI_SUCCESS", o.status());
        assertEquals("GetVariable", o.operation());
        assertEquals(String.valueOf(ConsoleFirmwareTarget.LARGE_DATA), o.inputs().get(Keys.DATA_SIZE));
        assertEquals("2", o.outputs().get(Keys.DATA_SIZE));
        assertEquals("NV|BS|RT", o.outputs().get(Keys.ATTRIBUTES));
        assertEquals("0102", o.outputs().get(Keys.DATA));
        assertFalse(o.outputs().containsKey("statusClass"));
    }

    @Test
    @DisplayName("a missing variable has no EFI status but SHELL_NOT_FOUND")
    void missingVariable() {
        shell.answer("dmpstore HilNone -guid " + G + " -sfo", 0xE, fixture("dmpstore-missing.txt"));

        Observation o = services.getVariable("HilNone", VENDOR, VariableServices.LARGE_BUFFER);

        assertNull(o.status());
        assertEquals("0xE", o.outputs().get(ShellStatus.OUTPUT));
        assertEquals("shell-not-found", o.outputs().get("statusClass"));
        assertFalse(o.outputs().containsKey(Keys.DATA));
    }

    @Test
    @DisplayName("dmpstore matches names ignoring case; only the exact name counts")
    void onlyTheExactNameCounts() {
        shell.answer("dmpstore hiltest -guid " + G + " -sfo", 0x0, fixture("dmpstore-found.txt"));

        Observation o = services.getVariable("hiltest", VENDOR, VariableServices.LARGE_BUFFER);

        assertNull(o.status());
        assertEquals("shell-not-found", o.outputs().get("statusClass"));
    }

    @Test
    @DisplayName("a name with pattern characters is looked up among its vendor's variables")
    void patternNamesAreLookedUpByVendor() {
        shell.answer("dmpstore -guid " + G + " -sfo", 0x0,
                fixture("dmpstore-found.txt").replace("\"HilTest\"", "\"Hil*Test\""));

        Observation o = services.getVariable("Hil*Test", VENDOR, VariableServices.LARGE_BUFFER);

        assertEquals("EFI_SUCCESS", o.status());
        assertEquals("0102", o.outputs().get(Keys.DATA));
    }

    @Test
    @DisplayName("GetVariable with an exact buffer, GetNextVariableName and QueryVariableInfo are not observable")
    void callsTheShellCannotMakeAreNotObservable() {
        NotObservableException sized = assertThrows(NotObservableException.class,
                () -> services.getVariable("HilTest", VENDOR, 1));
        assertTrue(sized.getMessage().contains("DataSize of 1"), sized.getMessage());
        assertThrows(NotObservableException.class, () -> services.getVariable("HilTest", VENDOR, 0));
        assertThrows(NotObservableException.class,
                () -> services.getNextVariableName("", EfiGuid.ZERO, VariableServices.LARGE_BUFFER));
        assertThrows(NotObservableException.class, () -> services.queryVariableInfo(Attributes.NV_BS_RT));
        assertEquals(List.of(), shell.executed);
    }

    @Test
    @DisplayName("output dmpstore cannot have printed is a harness failure naming the command")
    void unreadableOutputIsAHarnessFailure() {
        shell.answer(DMPSTORE_HILTEST, 0x0, "ShellCommand,\"dmpstore\"\nsomething else");

        HilException e = assertThrows(HilException.class,
                () -> services.getVariable("HilTest", VENDOR, VariableServices.LARGE_BUFFER));

        assertTrue(e.getMessage().contains(DMPSTORE_HILTEST), e.getMessage());
    }

    @Test
    @DisplayName("a console that stops answering is a harness failure naming the command")
    void aTimeoutIsAHarnessFailure() {
        ShellVariableServices hung = new ShellVariableServices((command, deadline) -> {
            throw new TransportTimeoutException("qemu-shell serial", "the Shell prompt", Duration.ofSeconds(5), "");
        }, "qemu-shell", Duration.ofSeconds(5), () -> "boot");

        HilException e = assertThrows(HilException.class,
                () -> hung.getVariable("HilTest", VENDOR, VariableServices.LARGE_BUFFER));

        assertFalse(e instanceof NotObservableException);
        assertTrue(e.getMessage().contains("'" + DMPSTORE_HILTEST + "' failed on target qemu-shell"), e.getMessage());
    }

    // ---- ListVariables ---------------------------------------------------------------------------------------

    @Test
    @DisplayName("the list is dmpstore -all reversed: the agent's walk order in the same boot")
    void listIsTheWalkOrder() {
        shell.answer("dmpstore -all -sfo", 0x0, fixture("dmpstore-all.txt"));

        Observation o = services.listVariables().orElseThrow();

        assertEquals("ListVariables", o.operation());
        assertEquals("EFI_NOT_FOUND", o.status(), "dmpstore succeeds only when the walk ended with NOT_FOUND");
        List<String> listed = o.outputs().get(Keys.VARIABLES).lines().toList();
        assertEquals(Integer.toString(listed.size()), o.outputs().get(Keys.COUNT));
        assertTrue(listed.contains(VENDOR + ":HilTest"), listed.toString());
        // The Shell's own variables (lasterror, …) were rewritten between the two walks; the rest must agree.
        String shellOwn = "158DEF5A-F656-419C-B027-7A3192C079D2:";
        List<String> agentWalk = fixture("agent-walk.txt").lines().filter(l -> !l.startsWith(shellOwn)).toList();
        assertEquals(agentWalk, listed.stream().filter(l -> !l.startsWith(shellOwn)).toList());
    }

    @Test
    @DisplayName("a failed listing has no end status but the Shell's")
    void failedListing() {
        shell.answer("dmpstore -all -sfo", 0x7, "ShellCommand,\"dmpstore\"");

        Observation o = services.listVariables().orElseThrow();

        assertNull(o.status());
        assertEquals("shell-device-error", o.outputs().get("statusClass"));
        assertEquals("0", o.outputs().get(Keys.COUNT));
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    @Test
    @DisplayName("'mode' output gives the current mode, marked with '*'")
    void consoleSizeFromMode() {
        ShellConsoleSize size = ShellConsoleSize.fromModeOutput(fixture("mode.txt"));

        assertEquals(new ShellConsoleSize(100, 31), size);
        assertEquals(2984, size.maxCommandLength());
        assertEquals(ShellConsoleSize.SMALLEST, ShellConsoleSize.fromModeOutput("no modes"));
    }

    @Test
    @DisplayName("Shell statuses become shell- status classes")
    void shellStatusClasses() {
        assertEquals("shell-access-denied", ShellStatus.statusClass(0xF));
        assertEquals("shell-not-found", ShellStatus.statusClass(0xE));
        assertEquals("shell-0x10", ShellStatus.statusClass(0x10));
        assertEquals("SHELL_ACCESS_DENIED", ShellStatus.name(0xF));
        assertTrue(ShellStatus.isStatusClass("shell-access-denied"));
        assertFalse(ShellStatus.isStatusClass("EINVAL"));
        assertFalse(ShellStatus.isStatusClass(null));
    }

    @Test
    @DisplayName("setvar without data puts the attribute options before '='")
    void setvarWithoutData() {
        assertEquals("setvar V -guid " + G + " -nv -bs =", ShellVariableServices.setvarWithoutData("V", G, Attributes.NV_BS));
        assertEquals("setvar V -guid " + G + " =", ShellVariableServices.setvarWithoutData("V", G, 0));
    }
}
