package hil.simulator.smm;

import hil.simulator.Machine;
import hil.simulator.Profile;
import hil.simulator.platform.SimulatedPlatform;
import hil.simulator.runtime.VariableRuntimeDxe;
import hil.simulator.store.VariableStore;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static hil.simulator.uefi.EfiStatus.ABORTED;
import static hil.simulator.uefi.EfiStatus.ACCESS_DENIED;
import static hil.simulator.uefi.EfiStatus.ALREADY_STARTED;
import static hil.simulator.uefi.EfiStatus.BUFFER_TOO_SMALL;
import static hil.simulator.uefi.EfiStatus.INVALID_PARAMETER;
import static hil.simulator.uefi.EfiStatus.NOT_AVAILABLE_YET;
import static hil.simulator.uefi.EfiStatus.NOT_FOUND;
import static hil.simulator.uefi.EfiStatus.OUT_OF_RESOURCES;
import static hil.simulator.uefi.EfiStatus.SECURITY_VIOLATION;
import static hil.simulator.uefi.EfiStatus.SUCCESS;
import static hil.simulator.uefi.EfiStatus.TIMEOUT;
import static hil.simulator.uefi.EfiStatus.UNSUPPORTED;
import static hil.simulator.uefi.EfiStatus.WRITE_PROTECTED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes the SMM transport and both MMI handlers with at least 100,000 random and mutated communicate buffers
 * ({@link SmmFuzzCases}). Each buffer is placed in a larger region with guard bytes before and after it (or, for a
 * quarter of them, in a region that ends exactly where CommSize says the buffer ends) and sent to two identical
 * machines whose regions differ in every byte outside [buffer, buffer + CommSize). Then:
 *
 * <ul>
 *   <li>no exception escapes;</li>
 *   <li>no byte outside the buffer changed, and the two machines gave the same answer and left the same bytes in
 *       the buffer, so nothing outside it was read either;</li>
 *   <li>the outcome is one EDK II allows: Communicate's status follows from the size and the header GUID;
 *       a variable message the handler must drop leaves everything untouched, any other gets a ReturnStatus from the
 *       set reference 2.4 (and 3.x for the core) lists for its function; a policy message gets a Result the
 *       VarCheckPolicy command can produce;</li>
 *   <li>after every 1,000 buffers both machines hold the same flash, whose variable store still parses: walking its
 *       records and enumerating it after a reboot both work.</li>
 * </ul>
 *
 * <p>The seed is printed; rerun one with {@code -Dhil.fuzz.seed=N}. {@code -Dhil.fuzz.buffers=N} changes the count.
 */
class SmmCommunicationFuzzTest {

    private static final int BUFFERS = Integer.getInteger("hil.fuzz.buffers", 100_000);
    private static final int PER_MACHINE = 1_000;

    /** Two machines fed the same buffers. */
    private static final class Twin {
        final Profile profile;
        final SimulatedPlatform a;
        final SimulatedPlatform b;
        final SmmCommunication smmA;
        final SmmCommunication smmB;
        final int payloadSize;

        Twin(Profile profile) {
            this.profile = profile;
            this.a = new SimulatedPlatform(profile.withBareStore());
            this.b = new SimulatedPlatform(profile.withBareStore());
            SmmVariableHandler handlerA = new SmmVariableHandler(a.core());
            this.smmA = new SmmCommunication(handlerA);
            this.smmB = new SmmCommunication(new SmmVariableHandler(b.core()));
            this.payloadSize = handlerA.payloadSize();
        }
    }

    private final Map<String, Integer> outcomes = new TreeMap<>();
    private long seed;

    @Test
    void randomAndMutatedBuffersStayInsideTheirBufferAndGetOnlyOutcomesEdkIiAllows() {
        seed = Long.getLong("hil.fuzz.seed", new SecureRandom().nextLong());
        System.out.println("SMM fuzz: seed " + seed + " (rerun with -Dhil.fuzz.seed=" + seed + "), " + BUFFERS + " buffers");
        Random random = new Random(seed);
        long start = System.nanoTime();
        int sent = 0;
        for (int round = 0; sent < BUFFERS; round++) {
            // Small payloads make the payload-size boundary cheap to reach; the 4 MB profile is the reference.
            Twin twin = new Twin(round % 2 == 0 ? Profile.EDK2_DEFAULTS : Profile.OVMF_4M);
            SmmFuzzCases cases = new SmmFuzzCases(random, twin.payloadSize);
            for (int i = 0; i < PER_MACHINE && sent < BUFFERS; i++, sent++) {
                SmmFuzzCases.Case c = cases.next();
                try {
                    run(twin, c, random);
                } catch (AssertionError | RuntimeException e) {
                    throw new AssertionError("buffer #" + sent + " of seed " + seed + " (" + c.kind() + ", function "
                            + c.function() + ", CommSize " + Long.toUnsignedString(c.commSize()) + ", "
                            + c.message().length + " bytes: " + Bytes.hex(c.message(), 0, Math.min(96, c.message().length))
                            + "…): " + e.getMessage(), e);
                }
            }
            checkStores(twin);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("SMM fuzz: " + sent + " buffers in " + millis + " ms; outcomes " + outcomes);
        assertTrue(sent >= 100_000 || BUFFERS < 100_000, "at least 100,000 buffers");
    }

    private void run(Twin twin, SmmFuzzCases.Case c, Random random) {
        byte[] message = c.message();
        long commSize = c.commSize();
        int before = random.nextInt(33);
        int body;
        int after;
        if (c.endsAtBuffer() && commSize >= 0 && commSize <= message.length + 64L) {
            body = (int) commSize;
            after = 0;
        } else {
            body = message.length;
            after = random.nextInt(33);
        }
        byte[] a = new byte[before + body + after];
        random.nextBytes(a);
        System.arraycopy(message, 0, a, before, Math.min(body, message.length));
        byte[] b = a.clone();
        int insideEnd = Long.compareUnsigned(commSize, a.length - before) <= 0 ? before + (int) commSize : a.length;
        for (int i = 0; i < a.length; i++) {
            if (i < before || i >= insideEnd) {
                b[i] = (byte) ~a[i];
            }
        }
        byte[] originalA = a.clone();
        byte[] originalB = b.clone();

        SmmCommunication.Result ra = twin.smmA.communicate(a, before, commSize);
        SmmCommunication.Result rb = twin.smmB.communicate(b, before, commSize);

        if (!ra.equals(rb)) {
            throw new AssertionError("the bytes around the buffer changed the answer: " + ra + " vs " + rb);
        }
        for (int i = 0; i < a.length; i++) {
            boolean inside = i >= before && i < insideEnd;
            if (!inside && (a[i] != originalA[i] || b[i] != originalB[i])) {
                throw new AssertionError("byte " + (i - before) + " relative to the buffer changed outside it");
            }
            if (inside && a[i] != b[i]) {
                throw new AssertionError("byte " + (i - before) + " of the buffer depends on the bytes around it");
            }
        }
        judge(twin, ra, originalA, a, before, commSize);
    }

    /** Checks the outcome against what EDK II allows for this buffer. */
    private void judge(Twin twin, SmmCommunication.Result r, byte[] original, byte[] after, int at, long commSize) {
        if (r.commSize() != commSize) {
            throw new AssertionError("CommSize changed to " + r.commSize());
        }
        if (Long.compareUnsigned(commSize, 24) < 0) {
            expect(r, INVALID_PARAMETER, original, after, "CommSize below the MM header");
            return;
        }
        long handlerSize = commSize - 24;
        long room = after.length - (long) at;
        if (room < 24 || Long.compareUnsigned(handlerSize, room) > 0) {
            expect(r, ACCESS_DENIED, original, after, "outside the memory region");
            return;
        }
        boolean windowInside = Long.compareUnsigned(commSize, room) <= 0;
        if (EfiGuid.SMM_VARIABLE_PROTOCOL.matches(original, at)) {
            judgeVariable(twin, r, original, after, at, handlerSize, windowInside);
        } else if (VarCheckPolicyMmi.HANDLER_GUID.matches(original, at)) {
            judgePolicy(r, original, after, at + 24, handlerSize, windowInside);
        } else {
            expect(r, NOT_FOUND, original, after, "no handler for the GUID");
        }
    }

    private void expect(SmmCommunication.Result r, EfiStatus status, byte[] original, byte[] after, String why) {
        if (r.status() != status) {
            throw new AssertionError(why + ": Communicate returned " + r.status() + ", expected " + status);
        }
        assertArrayEquals(original, after, why + ": the buffer must stay untouched");
        count(why);
    }

    private void judgeVariable(Twin twin, SmmCommunication.Result r, byte[] original, byte[] after, int at,
                               long handlerSize, boolean windowInside) {
        if (r.status() != SUCCESS) {
            throw new AssertionError("the variable handler always answers EFI_SUCCESS; Communicate returned " + r.status());
        }
        long p = handlerSize - 16;
        boolean drop = Long.compareUnsigned(handlerSize, 16) < 0 || Long.compareUnsigned(p, twin.payloadSize) > 0
                || !windowInside;
        long function = drop ? -1 : Bytes.u64(original, at + 24);
        if (!drop && p < minimumPayload(function)) {
            drop = true;
        }
        if (drop) {
            assertArrayEquals(original, after, "a dropped message leaves the buffer untouched");
            count("variable: dropped");
            return;
        }
        long value = Bytes.u64(after, at + 32);
        if (value == SmmFuzzCases.SENTINEL && Bytes.u64(original, at + 32) == SmmFuzzCases.SENTINEL) {
            throw new AssertionError("function " + function + " with P = " + p + " was not answered");
        }
        EfiStatus status = EfiStatus.fromValue(value).orElseThrow(() ->
                new AssertionError("ReturnStatus " + EfiStatus.describe(value) + " is no EFI status"));
        Set<EfiStatus> allowed = allowedVariable(function);
        if (!allowed.contains(status)) {
            throw new AssertionError("function " + function + " answered " + status.efiName() + "; EDK II gives only "
                    + allowed);
        }
        if (function == CommLayout.FN_GET_PAYLOAD_SIZE && Bytes.u64(after, at + 40) != twin.payloadSize) {
            throw new AssertionError("GET_PAYLOAD_SIZE replied " + Bytes.u64(after, at + 40));
        }
        count("variable fn " + (function >= 1 && function <= 14 ? function : "other") + ": " + status.efiName());
    }

    /** The payload below which the handler drops the message (reference 2.4). */
    private static long minimumPayload(long function) {
        return switch ((int) Math.max(-1, Math.min(function, 99))) {
            case CommLayout.FN_GET_VARIABLE, CommLayout.FN_SET_VARIABLE -> CommLayout.ACCESS_NAME;
            case CommLayout.FN_GET_NEXT_VARIABLE_NAME -> CommLayout.NEXT_NAME;
            case CommLayout.FN_QUERY_VARIABLE_INFO, CommLayout.FN_GET_RUNTIME_CACHE_INFO -> 32;
            case CommLayout.FN_VAR_CHECK_PROPERTY_GET -> CommLayout.PROPERTY_NAME;
            case CommLayout.FN_GET_PAYLOAD_SIZE -> 8;
            default -> 0;
        };
    }

    /** The statuses each function can write (reference 2.4, with 3.3–3.7 and 5.4 for what the core returns). */
    private static Set<EfiStatus> allowedVariable(long function) {
        return switch ((int) Math.max(-1, Math.min(function, 99))) {
            case CommLayout.FN_GET_VARIABLE -> EnumSet.of(ACCESS_DENIED, SUCCESS, NOT_FOUND, BUFFER_TOO_SMALL);
            case CommLayout.FN_GET_NEXT_VARIABLE_NAME ->
                    EnumSet.of(ACCESS_DENIED, SUCCESS, NOT_FOUND, BUFFER_TOO_SMALL, INVALID_PARAMETER);
            case CommLayout.FN_SET_VARIABLE -> EnumSet.of(ACCESS_DENIED, SUCCESS, INVALID_PARAMETER, UNSUPPORTED,
                    SECURITY_VIOLATION, WRITE_PROTECTED, NOT_FOUND, OUT_OF_RESOURCES, NOT_AVAILABLE_YET, ABORTED);
            case CommLayout.FN_QUERY_VARIABLE_INFO -> EnumSet.of(SUCCESS, INVALID_PARAMETER, UNSUPPORTED);
            case CommLayout.FN_READY_TO_BOOT -> EnumSet.of(SUCCESS, UNSUPPORTED);
            case CommLayout.FN_EXIT_BOOT_SERVICE, CommLayout.FN_GET_PAYLOAD_SIZE, CommLayout.FN_GET_RUNTIME_CACHE_INFO ->
                    EnumSet.of(SUCCESS);
            case CommLayout.FN_LOCK_VARIABLE ->
                    EnumSet.of(SUCCESS, ACCESS_DENIED, WRITE_PROTECTED, INVALID_PARAMETER, BUFFER_TOO_SMALL);
            case CommLayout.FN_VAR_CHECK_PROPERTY_SET -> EnumSet.of(SUCCESS, ACCESS_DENIED, INVALID_PARAMETER);
            case CommLayout.FN_VAR_CHECK_PROPERTY_GET -> EnumSet.of(SUCCESS, ACCESS_DENIED, INVALID_PARAMETER, NOT_FOUND);
            case CommLayout.FN_INIT_RUNTIME_CACHE_CONTEXT -> EnumSet.of(ACCESS_DENIED);
            default -> EnumSet.of(UNSUPPORTED);
        };
    }

    private void judgePolicy(SmmCommunication.Result r, byte[] original, byte[] after, int at, long size,
                             boolean windowInside) {
        if (Long.compareUnsigned(size, VarCheckPolicyMmi.COMM_BUFFER_SIZE) > 0 || !windowInside
                || size < VarCheckPolicyMmi.HEADER_SIZE) {
            expect(r, NOT_FOUND, original, after, "policy: refused by the handler");
            return;
        }
        if (r.status() != SUCCESS) {
            throw new AssertionError("a policy message of " + size + " bytes made Communicate return " + r.status());
        }
        long value = Bytes.u64(after, at + VarCheckPolicyMmi.OFFSET_RESULT);
        EfiStatus result = EfiStatus.fromValue(value).orElseThrow(() ->
                new AssertionError("Result " + EfiStatus.describe(value) + " is no EFI status"));
        boolean header = Bytes.u32(original, at) == VarCheckPolicyMmi.SIGNATURE
                && Bytes.u32(original, at + 4) == VarCheckPolicyMmi.REVISION;
        long command = Bytes.u32(original, at + 8);
        Set<EfiStatus> allowed = !header ? EnumSet.of(INVALID_PARAMETER) : switch ((int) Math.min(command, 99)) {
            case VarCheckPolicyMmi.COMMAND_DISABLE -> EnumSet.of(WRITE_PROTECTED, ALREADY_STARTED);
            case VarCheckPolicyMmi.COMMAND_IS_ENABLED -> EnumSet.of(SUCCESS, INVALID_PARAMETER);
            case VarCheckPolicyMmi.COMMAND_REGISTER -> EnumSet.of(SUCCESS, INVALID_PARAMETER, ALREADY_STARTED, WRITE_PROTECTED);
            case VarCheckPolicyMmi.COMMAND_DUMP -> EnumSet.of(SUCCESS, INVALID_PARAMETER, TIMEOUT);
            case VarCheckPolicyMmi.COMMAND_LOCK -> EnumSet.of(SUCCESS, WRITE_PROTECTED);
            default -> EnumSet.of(UNSUPPORTED);
        };
        if (!allowed.contains(result)) {
            throw new AssertionError("policy command " + command + (header ? "" : " (bad header)") + " answered "
                    + result.efiName() + "; VarCheckPolicyLib gives only " + allowed);
        }
        count("policy " + (header ? "cmd " + (command <= 7 ? command : "other") : "bad header") + ": " + result.efiName());
    }

    private void count(String outcome) {
        outcomes.merge(outcome, 1, Integer::sum);
    }

    /** Both flashes are equal, and the store parses: its records read back, and a rebooted machine enumerates it. */
    private void checkStores(Twin twin) {
        assertArrayEquals(twin.a.flash().snapshot(), twin.b.flash().snapshot(), "seed " + seed + ": the twins' flash differs");
        VariableStore nv = twin.a.core().nvStore();
        for (int offset : nv.records()) {
            nv.nameBytes(offset);
            nv.data(offset);
        }
        walk(new Machine(new SimulatedPlatform(twin.profile.withBareStore(), twin.a.flash().snapshot())));
    }

    /** GetNextVariableName from the start to EFI_NOT_FOUND, growing the buffer when a name needs more. */
    private void walk(Machine machine) {
        byte[] previous = new byte[2];
        EfiGuid vendor = EfiGuid.ZERO;
        long size = 1024;
        for (int calls = 0; calls < 100_000; calls++) {
            byte[] buffer = Arrays.copyOf(previous, (int) Math.max(size, previous.length));
            long capacity = size;
            EfiGuid v = vendor;
            VariableRuntimeDxe.NextNameResult r = machine.dxe(d -> d.getNextVariableName(capacity, buffer, v));
            if (r.status() == NOT_FOUND) {
                return;
            }
            if (r.status() == BUFFER_TOO_SMALL) {
                size = r.nameSize();
            } else if (r.status() == SUCCESS) {
                previous = r.name();
                vendor = r.vendor();
                size = 1024;
            } else {
                throw new AssertionError("seed " + seed + ": walking the rebooted store got " + r.status());
            }
        }
        throw new AssertionError("seed " + seed + ": the walk of the rebooted store did not end");
    }
}
