package hil.targets.firmware;

import hil.reports.model.Observation;
import hil.reports.model.Observation.Keys;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiGuid;
import hil.targets.HilException;
import hil.targets.NotObservableException;
import hil.targets.VariableServices;
import hil.transports.console.Console;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The OS-phase calls against a scripted guest agent: what each errno becomes in an observation. */
class GuestVariablesTest {

    private static final EfiGuid VENDOR = EfiGuid.parse("12345678-1234-1234-1234-123456789abc");

    /** Answers each request line with the next scripted reply for its operation (the last one repeats). */
    static final class FakeGuest {
        private final BlockingQueue<Integer> screen = new LinkedBlockingQueue<>();
        private final Map<String, Deque<String>> replies = new HashMap<>();
        private final List<String> requests = new ArrayList<>();
        private final StringBuilder typed = new StringBuilder();

        void on(String op, String... tails) {
            replies.put(op, new ArrayDeque<>(List.of(tails)));
        }

        List<String> requests() {
            return requests;
        }

        InputStream screen() {
            return new InputStream() {
                @Override
                public int read() {
                    try {
                        return screen.take();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return -1;
                    }
                }

                /** Blocks for the first byte only, then hands over what is queued, like a serial line. */
                @Override
                public int read(byte[] b, int off, int len) {
                    if (len == 0) {
                        return 0;
                    }
                    int first = read();
                    if (first < 0) {
                        return -1;
                    }
                    b[off] = (byte) first;
                    int n = 1;
                    Integer next;
                    while (n < len && (next = screen.poll()) != null) {
                        b[off + n++] = (byte) (int) next;
                    }
                    return n;
                }
            };
        }

        OutputStream keyboard() {
            return new OutputStream() {
                @Override
                public void write(int b) {
                    if (b != '\r') {
                        typed.append((char) b);
                        return;
                    }
                    String line = typed.toString();
                    typed.setLength(0);
                    requests.add(line);
                    String[] t = line.split(" ");
                    Deque<String> q = replies.get(t[1]);
                    String tail = q == null ? null : q.size() > 1 ? q.poll() : q.peek();
                    String reply = tail == null ? "@HIL " + t[0] + " ERROR reason=unknown-op:" + t[1]
                            : "@HIL " + t[0] + " " + t[1] + " " + tail;
                    for (byte c : ("noise\r\n" + reply + "\r\n").getBytes(StandardCharsets.US_ASCII)) {
                        screen.add(c & 0xFF);
                    }
                }
            };
        }
    }

    private final FakeGuest guest = new FakeGuest();
    private final Console console = Console.over(guest.screen(), guest.keyboard(), "fake guest");
    private final GuestVariables os = new GuestVariables("qemu-test",
            new GuestChannel(console, Duration.ofSeconds(10)), () -> "virtual");

    @AfterEach
    void close() {
        console.close();
    }

    private static String klogLines(String... lines) {
        return "errno=0 errname=OK lines=" + HexFormat.of().formatHex(String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aReadVariableHasItsDataAttributesAndTheSuccessItsErrnoNames() {
        guest.on("GET", "errno=0 errname=OK attrs=0x7 size=7 data=76697369626c65");

        Observation o = os.getVariable("HilRuntime", VENDOR, VariableServices.LARGE_BUFFER);

        assertEquals("EFI_SUCCESS", o.status());
        assertEquals(Map.of(Keys.DATA_SIZE, "7", Keys.ATTRIBUTES, "NV|BS|RT", Keys.DATA, "76697369626c65",
                "statusClass", "OK"), o.outputs());
        assertEquals("virtual", o.phase());
        assertTrue(o.transcript().startsWith("> 1 GET name="), o.transcript());
        assertTrue(o.transcript().contains("< @HIL 1 GET errno=0"), o.transcript());
    }

    @Test
    void aReadThatEndsAtOnceIsNotFoundAndSaysTheAgentMadeTheFile() {
        guest.on("GET", "errno=2 errname=ENOENT at=read-empty created=1");

        Observation o = os.getVariable("HilBootOnly", VENDOR, VariableServices.LARGE_BUFFER);

        assertEquals("EFI_NOT_FOUND", o.status());
        assertEquals(Map.of("statusClass", "ENOENT"), o.outputs());
        assertTrue(o.transcript().contains("created an empty one"), o.transcript());
    }

    @Test
    void anExactBufferSizeOrANameEfivarfsCannotCarryIsNotObservableAndNothingIsSent() {
        NotObservableException sized = assertThrows(NotObservableException.class,
                () -> os.getVariable("HilRuntime", VENDOR, 4));
        assertTrue(sized.getMessage().contains("sizes GetVariable's buffer itself"), sized.getMessage());
        assertThrows(NotObservableException.class, () -> os.setVariable("", VENDOR, 7, new byte[1]));
        assertThrows(NotObservableException.class, () -> os.setVariable("Hil\u00e9", VENDOR, 7, new byte[1]));
        assertThrows(NotObservableException.class, () -> os.getVariable("a/b", VENDOR, VariableServices.LARGE_BUFFER));
        assertThrows(NotObservableException.class, () -> os.getNextVariableName("", VENDOR, VariableServices.LARGE_BUFFER));
        assertEquals(List.of(), guest.requests());
    }

    @Test
    void aVolatileWriteNamesTheStatusOfItsErrnoWhenOnlyOneGivesIt() {
        guest.on("SET", "errno=30 errname=EROFS at=write", "errno=22 errname=EINVAL at=write created=1",
                "errno=0 errname=OK created=1");

        Observation protectedWrite = os.setVariable("HilRuntimeVolatile", VENDOR, Attributes.BS_RT, "x".getBytes());
        Observation refused = os.setVariable("HilNew", VENDOR, Attributes.BS_RT, "x".getBytes());
        Observation created = os.setVariable("HilNew", VENDOR, Attributes.NV_BS_RT, "x".getBytes());

        assertEquals("EFI_WRITE_PROTECTED", protectedWrite.status());
        assertEquals(Map.of("statusClass", "EROFS"), protectedWrite.outputs());
        assertNull(refused.status(), "EINVAL stands for many statuses");
        assertEquals(Map.of("statusClass", "EINVAL"), refused.outputs());
        assertEquals("EFI_SUCCESS", created.status());
        assertTrue(guest.requests().get(2).endsWith("attrs=0x7 data=hex:78"), guest.requests().get(2));
    }

    @Test
    void aFailedNonVolatileWriteNamesNoStatusBecauseTheQueryBeforeItMayHaveFailed() {
        guest.on("SET", "errno=30 errname=EROFS at=write");

        Observation o = os.setVariable("HilLocked", VENDOR, Attributes.NV_BS_RT, new byte[] {1});

        assertNull(o.status());
        assertEquals("EROFS", o.outputs().get("statusClass"));
    }

    @Test
    void aDeleteIsAWriteOfAttributesZeroWithoutData() {
        guest.on("SET", "errno=5 errname=EIO at=write");

        Observation o = os.setVariable("HilMissing", VENDOR, 0, new byte[0]);

        assertTrue(guest.requests().get(0).endsWith("attrs=0x0 data=hex:"), guest.requests().get(0));
        assertNull(o.status(), "EIO from a write is NOT_FOUND or DEVICE_ERROR");
        assertEquals("EIO", o.outputs().get("statusClass"));
    }

    @Test
    void aNameTheKernelRefusesIsNotObservableAndAnyOtherSetUpFailureIsAHarnessFailure() {
        guest.on("SET", "errno=36 errname=ENAMETOOLONG at=open", "errno=1 errname=EPERM at=ioctl");

        NotObservableException refused = assertThrows(NotObservableException.class,
                () -> os.setVariable("HilLong", VENDOR, 7, new byte[1]));
        assertTrue(refused.getMessage().contains("before any firmware call"), refused.getMessage());
        HilException broken = assertThrows(HilException.class, () -> os.setVariable("HilX", VENDOR, 7, new byte[1]));
        assertFalse(broken instanceof NotObservableException);
        assertTrue(broken.getMessage().contains("EPERM (1) from ioctl"), broken.getMessage());
    }

    @Test
    void storageComesFromStatfsWithoutTheMaximumVariableSize() {
        guest.on("KLOG", klogLines());
        guest.on("STATFS", "errno=0 errname=OK type=0xde5e81e4 bsize=1 blocks=262044 bfree=177784 bavail=177784");

        Observation o = os.queryVariableInfo(Attributes.NV_BS_RT);

        assertEquals("EFI_SUCCESS", o.status());
        assertEquals(Map.of(Keys.MAX_STORAGE, "262044", Keys.REMAINING_STORAGE, "177784", "statusClass", "OK"),
                o.outputs());
        assertThrows(NotObservableException.class, () -> os.queryVariableInfo(Attributes.BS_RT));
    }

    @Test
    void aFailedQueryIsReadFromTheKernelsWarning() {
        guest.on("KLOG", klogLines(), klogLines("<4>[ 9.1] efivarfs: query_variable_info() failed: 0x8000000000000002"));
        guest.on("STATFS", "errno=0 errname=OK type=0xde5e81e4 bsize=1 blocks=0 bfree=0 bavail=0");

        Observation o = os.queryVariableInfo(Attributes.NV_BS_RT);

        assertEquals("EFI_INVALID_PARAMETER", o.status());
        assertEquals(Map.of("statusClass", "EINVAL"), o.outputs());
    }

    @Test
    void aKernelWhoseStatfsGivesNoStorageOffersNoQuery() {
        guest.on("KLOG", klogLines());
        guest.on("STATFS", "errno=0 errname=OK type=0xde5e81e4 bsize=4096 blocks=0 bfree=0 bavail=0");

        assertThrows(NotObservableException.class, () -> os.queryVariableInfo(Attributes.NV_BS_RT));
    }

    @Test
    void theListIsInWalkOrderWithoutPlaceholdersAndWithTheDuplicatesTheKernelDropped() {
        String hilA = GuestRequest.utf16Hex("HilA");
        String hilB = GuestRequest.utf16Hex("HilB");
        String ghost = GuestRequest.utf16Hex("HilGhost");
        // efivarfs lists its newest file first
        guest.on("LIST", "errno=0 errname=OK count=3 entries=" + ghost + ":12345678-1234-1234-1234-123456789abc:0,"
                + hilB + ":12345678-1234-1234-1234-123456789abc:8," + hilA + ":12345678-1234-1234-1234-123456789abc:9");
        guest.on("KLOG", klogLines("<4>[ 0.9] efivars: duplicate variable: HilA-12345678-1234-1234-1234-123456789abc"));

        Observation o = os.listVariables();

        String g = VENDOR.toString();
        assertEquals(g + ":HilA\n" + g + ":HilA\n" + g + ":HilB\n", o.outputs().get(Keys.VARIABLES));
        assertEquals("3", o.outputs().get(Keys.COUNT));
        assertEquals("EFI_NOT_FOUND", o.status());
        assertTrue(o.transcript().contains("1 empty placeholder"), o.transcript());
    }

    @Test
    void aWalkThatEndedWithAnotherStatusSaysSo() {
        guest.on("LIST", "errno=0 errname=OK count=0 entries=");
        guest.on("KLOG", klogLines("<4>[ 0.9] efivars: get_next_variable: status=8000000000000007"));

        Observation o = os.listVariables();

        assertEquals("EFI_DEVICE_ERROR", o.status());
        assertEquals("", o.outputs().get(Keys.VARIABLES));
    }

    @Test
    void aRefusedRequestIsAHarnessFailure() {
        AgentProtocolException e = assertThrows(AgentProtocolException.class, () -> os.listVariables());
        assertTrue(e.getMessage().contains("unknown-op"), e.getMessage());
    }
}
