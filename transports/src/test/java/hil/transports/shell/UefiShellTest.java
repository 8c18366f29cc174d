package hil.transports.shell;

import hil.transports.Deadline;
import hil.transports.console.Console;
import hil.transports.testing.ByteQueueInputStream;
import hil.transports.testing.FakeUefiShell;
import hil.transports.testing.FakeUefiShell.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UefiShellTest {

    private static final String DMPSTORE = "dmpstore HilTest -guid 12345678-1234-5678-9ABC-DEF012345678";

    private final FakeUefiShell fake = new FakeUefiShell();
    private final List<Integer> typedChunks = new ArrayList<>();
    private final Console console = Console.over(fake.screen(), recordingChunks(fake.keyboard()), "fake");
    private final UefiShell shell = new UefiShell(console);

    @AfterEach
    void close() {
        console.close();
    }

    private static Deadline soon() {
        return Deadline.in(Duration.ofSeconds(10));
    }

    private void atPrompt() {
        fake.bootToCountdown("");
        shell.awaitPrompt(soon());
    }

    @Test
    void theStartupCountdownIsSkippedWithOneEscEvenThoughItRepeats() {
        fake.bootToCountdown("startup ran");

        shell.awaitPrompt(soon());

        assertEquals("\u001b", fake.keysAtCountdown());
        assertFalse(console.transcript().contains("startup ran"));
    }

    @Test
    void afterAResetAPromptPrintedBeforeItIsNotTakenForTheNewOne() throws Exception {
        // The prompt after the last command before the reset, still arriving when the reset was made.
        fake.screen().feed("FS0:\\> ");
        Thread restart = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            fake.bootToCountdown("");
        });
        restart.start();
        long start = System.nanoTime();
        shell.awaitRestart(soon());
        restart.join();
        assertTrue(System.nanoTime() - start >= 250_000_000L, "returned before the Shell started again");
        assertEquals("\u001b", fake.keysAtCountdown(), "the countdown of the new boot was answered");
    }

    @Test
    void theStartupScriptCanBeRunAtOnceWithEnter() {
        fake.bootToCountdown("startup ran");

        shell.awaitPrompt(soon(), UefiShell.StartupScript.RUN);

        assertEquals("\r", fake.keysAtCountdown());
        assertTrue(console.transcript().contains("startup ran"));
    }

    @Test
    void aCommandRunsBetweenSplitMarkersAndReturnsItsOutputAndStatus() {
        fake.respond(DMPSTORE, Response.of(0x6,
                "Variable NV+RT+BS '12345678-1234-5678-9ABC-DEF012345678:HilTest' DataSize = 0x01",
                "  00000000: 2A                                               ***"));
        atPrompt();

        ShellResult result = shell.run(DMPSTORE, soon());

        assertEquals("Variable NV+RT+BS '12345678-1234-5678-9ABC-DEF012345678:HilTest' DataSize = 0x01\n"
                + "  00000000: 2A                                               ***", result.output());
        assertEquals(0x6, result.lastError());
        List<String> executed = fake.executed();
        assertEquals(3, executed.size());
        assertTrue(executed.get(0).matches("echo @@H\\^B[0-9a-f]{4}-1@@"), executed.get(0));
        assertEquals(DMPSTORE, executed.get(1));
        assertTrue(executed.get(2).matches("echo @@H\\^E[0-9a-f]{4}-1@@ %lasterror%"), executed.get(2));
    }

    @Test
    void aCommandWithoutOutputReturnsEmptyOutput() {
        fake.respond("setvar X =01", Response.of(0x0));
        atPrompt();

        ShellResult result = shell.run("setvar X =01", soon());

        assertEquals("", result.output());
        assertTrue(result.succeeded());
    }

    @Test
    void consecutiveCommandsGetTheirOwnOutput() {
        fake.respond("first", Response.of(0x0, "one"));
        fake.respond("second", Response.of(0x2, "two"));
        atPrompt();

        ShellResult first = shell.run("first", soon());
        ShellResult second = shell.run("second", soon());

        assertEquals("one", first.output());
        assertEquals("two", second.output());
        assertEquals(0x2, second.lastError());
    }

    @Test
    void anUnknownCommandReportsNotFound() {
        atPrompt();

        ShellResult result = shell.run("foo", soon());

        assertEquals(0xE, result.lastError());
        assertTrue(result.output().startsWith("'foo' is not recognized"), result.output());
    }

    @Test
    void outputContainingPromptLikeLinesIsReturnedWhole() {
        fake.respond("fs0:\\run.nsh", Response.of(0x0, "Shell> echo step 1", "step 1", "Shell> echo step 2",
                "step 2"));
        atPrompt();

        ShellResult result = shell.run("fs0:\\run.nsh", soon());

        assertEquals("Shell> echo step 1\nstep 1\nShell> echo step 2\nstep 2", result.output());
    }

    @Test
    void thePagerIsAnsweredWithEnterAndItsPromptIsNotPartOfTheOutput() {
        fake.respond("dmpstore -b", Response.of(0x0, "line 1", "line 2", "line 3").pagedAfter(2));
        atPrompt();

        ShellResult result = shell.run("dmpstore -b", soon());

        assertEquals("line 1\nline 2\nline 3", result.output());
    }

    @Test
    void outputWithoutAFinalLineEndIsStillSeparatedFromThePrompt() {
        fake.respond("help setvar", Response.of(0x0, "Displays or modifies", "  -nv - Indicates that the "
                + "variable is non-").withoutFinalLineEnd());
        atPrompt();

        ShellResult result = shell.run("help setvar", soon());

        assertEquals("Displays or modifies\n  -nv - Indicates that the variable is non-", result.output());
    }

    @Test
    void anEfiStyleStatusWithTheHighBitIsKeptUnsigned() {
        fake.respond("app.efi", Response.of(0x800000000000000EL, "Not Found"));
        atPrompt();

        ShellResult result = shell.run("app.efi", soon());

        assertEquals(0x800000000000000EL, result.lastError());
        assertEquals("0x800000000000000E", result.lastErrorHex());
        assertFalse(result.succeeded());
    }

    @Test
    void typingIsPacedInChunksOfAtMostSixteenBytes() {
        atPrompt();
        typedChunks.clear();

        shell.run("echo " + "x".repeat(40), soon());

        assertTrue(typedChunks.size() > 3);
        assertTrue(typedChunks.stream().allMatch(n -> n <= UefiShell.DEFAULT_PACING_CHUNK), typedChunks.toString());
    }

    @Test
    void aShellWithAnotherPromptIsDrivenWhenTheBoardSaysWhichPrompt() {
        FakeUefiShell vendor = new FakeUefiShell().withPrompt("Board 2.1 $ ");
        vendor.respond("setvar X =01", Response.of(0x3));
        try (Console c = Console.over(vendor.screen(), vendor.keyboard(), "vendor")) {
            UefiShell edk2 = new UefiShell(c);
            vendor.bootToCountdown("");
            assertThrows(RuntimeException.class, () -> edk2.awaitPrompt(Deadline.in(Duration.ofMillis(400))),
                    "EDK II's prompt pattern must not match another Shell's prompt");

            UefiShell board = new UefiShell(c, "Board [0-9.]+ \\$ ");
            ShellResult result = board.run("setvar X =01", soon());

            assertEquals(new ShellResult("", 0x3), result);
        }
    }

    @Test
    void onlyOneCommandLineIsAccepted() {
        assertThrows(IllegalArgumentException.class, () -> shell.run("echo a\recho b", soon()));
    }

    @Test
    void aRecordedSessionWithRealOvmfReplaysToTheSameResults() {
        ByteQueueInputStream replay = new ByteQueueInputStream();
        replay.feed(Fixtures.bytes("ovmf-boot-to-prompt.raw"));
        replay.feed(Fixtures.bytes("ovmf-shell-session.raw"));
        try (Console recorded = Console.over(replay, OutputStream.nullOutputStream(), "replay")) {
            UefiShell real = UefiShell.withSession(recorded, "5eed");
            recorded.setPacing(0, Duration.ZERO);

            real.awaitPrompt(soon());
            ShellResult setvar = real.run(ShellCommands.setvar("HilTest", "12345678-1234-5678-9ABC-DEF012345678",
                    0x7, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18}), soon());
            ShellResult plain = real.run(DMPSTORE, soon());
            ShellResult sfo = real.run(ShellCommands.dmpstore("HilTest", "12345678-1234-5678-9ABC-DEF012345678"),
                    soon());
            ShellResult unknown = real.run("foo", soon());
            ShellResult paged = real.run("dmpstore -b", soon());

            assertEquals(new ShellResult("", 0), setvar);
            assertEquals(0x6, plain.lastError(), "plain dmpstore of a named non-global variable");
            assertEquals(UefiShell.parseDmpstore(plain.output()), UefiShell.parseDmpstore(sfo.output()));
            assertEquals(0x0, sfo.lastError());
            assertEquals(0xE, unknown.lastError());
            assertEquals(24, UefiShell.parseDmpstore(paged.output()).size());
            assertFalse(paged.output().contains("Press ENTER"));
        }
    }

    private OutputStream recordingChunks(OutputStream keyboard) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                synchronized (typedChunks) {
                    typedChunks.add(len);
                }
                keyboard.write(b, off, len);
            }
        };
    }
}
