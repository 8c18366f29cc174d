package hil.cli;

import hil.simulator.platform.MemoryType;
import hil.simulator.smm.CommLayout;
import hil.simulator.smm.VarCheckPolicyMmi;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.Ucs2;
import hil.steps.SmmMessages;
import hil.targets.SmmMailbox;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * The communicate buffers of a fuzz run: a seeded sequence of messages to the SMM variable handler and to the
 * VarCheckPolicy handler, each built well-formed first and then, often, mutated (sizes that disagree with the bytes,
 * a truncated or padded buffer, a CommSize off by a little or a lot, a name without its NUL, flipped payload bytes,
 * another memory type). The same seed gives the same buffers on every machine and in every version of this class
 * that keeps {@link #VERSION}.
 *
 * <p>Left out on purpose, because one such buffer changes what every later buffer of the run meets, or hands SMM
 * addresses to write to: READY_TO_BOOT (5) and EXIT_BOOT_SERVICE (6), whose SMIs switch the handler to its runtime
 * rules for the rest of the boot; INIT_RUNTIME_VARIABLE_CACHE_CONTEXT (12) and SYNC_RUNTIME_CACHE (13), whose
 * payloads are pointers; and the VarCheckPolicy DISABLE command (1), which turns policy enforcement off for the rest
 * of the boot. Features cover each of them once, in a state of their own.
 *
 * <p>The variables a run writes are under {@link #VENDOR} with names from a pool of eight, and values up to 64 bytes,
 * so thousands of writes stay far from filling the store.
 */
final class FuzzCases {

    /** Changes whenever a change to this class makes a seed produce other buffers. */
    static final int VERSION = 1;

    /** The vendor of every variable a fuzz run names. */
    static final EfiGuid VENDOR = EfiGuid.parse("5e1af022-0000-4000-8000-00000000f022");

    private static final String[] NAMES = {"HilFuzz0", "HilFuzz1", "HilFuzz2", "HilFuzz3", "HilFuzz4", "HilFuzz5",
            "HilFuzz6", "HilFuzzLongerName7"};
    private static final int PAYLOAD = CommLayout.MM_HEADER_SIZE + CommLayout.VARIABLE_HEADER_SIZE;
    /** Functions the handler knows and a fuzz run may send (see the class comment for the others). */
    private static final int[] PLAIN_FUNCTIONS = {CommLayout.FN_GET_STATISTICS, CommLayout.FN_LOCK_VARIABLE,
            CommLayout.FN_VAR_CHECK_PROPERTY_SET, CommLayout.FN_VAR_CHECK_PROPERTY_GET, CommLayout.FN_GET_PAYLOAD_SIZE,
            CommLayout.FN_GET_RUNTIME_CACHE_INFO};
    private static final int[] POLICY_COMMANDS = {VarCheckPolicyMmi.COMMAND_IS_ENABLED,
            VarCheckPolicyMmi.COMMAND_REGISTER, VarCheckPolicyMmi.COMMAND_DUMP, VarCheckPolicyMmi.COMMAND_LOCK,
            VarCheckPolicyMmi.COMMAND_GET_INFO, VarCheckPolicyMmi.COMMAND_GET_LOCK_VAR_STATE_INFO};
    private static final int[] ATTRIBUTES = {0x7, 0x7, 0x7, 0x6, 0x2, 0x3, 0x0, 0x47, 0x1, 0x4, 0x27, 0x17};

    /** The NameSize (with the NUL) of every variable a run names. */
    static java.util.Set<Long> nameSizes() {
        java.util.Set<Long> sizes = new java.util.HashSet<>();
        for (String n : NAMES) {
            sizes.add((long) Ucs2.strSize(n));
        }
        return sizes;
    }

    /** One buffer to send. */
    record Case(int index, String description, byte[] buffer, long commSize, MemoryType memory) {
    }

    private FuzzCases() {
    }

    /** The first {@code count} cases of {@code seed}. */
    static List<Case> generate(long seed, int count) {
        SplittableRandom root = new SplittableRandom(seed ^ ((long) VERSION << 56));
        List<Case> cases = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            // Each case from its own stream: a case does not change when the generation of an earlier one does.
            cases.add(one(i, new Random(root.split().nextLong())));
        }
        return cases;
    }

    private static Case one(int index, Random r) {
        StringBuilder what = new StringBuilder();
        byte[] message;
        int pick = r.nextInt(100);
        if (pick < 22) {
            message = getVariable(r, what);
        } else if (pick < 32) {
            message = getNextVariableName(r, what);
        } else if (pick < 58) {
            message = setVariable(r, what);
        } else if (pick < 66) {
            message = query(r, what);
        } else if (pick < 78) {
            int function = r.nextInt(8) == 0 ? 15 + r.nextInt(240) : PLAIN_FUNCTIONS[r.nextInt(PLAIN_FUNCTIONS.length)];
            int payload = sizeNear(r, 24);
            message = SmmMessages.variable(EfiGuid.SMM_VARIABLE_PROTOCOL, function, payload);
            fillPayload(r, message, PAYLOAD);
            what.append("function ").append(function).append(", payload ").append(payload);
        } else if (pick < 84) {
            message = named(r, r.nextBoolean() ? CommLayout.FN_LOCK_VARIABLE : CommLayout.FN_VAR_CHECK_PROPERTY_GET, what);
        } else if (pick < 96) {
            int command = r.nextInt(10) == 0 ? 8 + r.nextInt(100) : POLICY_COMMANDS[r.nextInt(POLICY_COMMANDS.length)];
            int revision = r.nextInt(10) == 0 ? r.nextInt(4) : VarCheckPolicyMmi.REVISION;
            int params = sizeNear(r, 48);
            message = SmmMessages.policy(command, revision, params);
            what.append("policy command ").append(command).append(" revision ").append(revision)
                    .append(", params ").append(params);
        } else {
            EfiGuid other = EfiGuid.read(randomBytes(r, EfiGuid.SIZE), 0);
            message = SmmMessages.variable(other, CommLayout.FN_GET_PAYLOAD_SIZE, 8);
            what.append("header GUID ").append(other);
        }
        long commSize = message.length;
        if (r.nextInt(100) < 45) {
            int mutations = 1 + r.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                int kind = r.nextInt(6);
                switch (kind) {
                    case 0 -> {
                        long delta = r.nextBoolean() ? r.nextInt(9) - 4 : r.nextInt(65) - 32;
                        commSize = Math.max(0, commSize + delta);
                        what.append("; CommSize ").append(delta >= 0 ? "+" : "").append(delta);
                    }
                    case 1 -> {
                        long[] edges = {0, 1, 23, 24, 39, 40, message.length - 24L, message.length,
                                0xFFFFFFFFFFFFFFFFL, 0x8000000000000000L};
                        long value = edges[r.nextInt(edges.length)];
                        Bytes.put64(message, CommLayout.MM_MESSAGE_LENGTH, value);
                        what.append("; MessageLength ").append(Long.toUnsignedString(value));
                    }
                    case 2 -> {
                        int cut = 1 + r.nextInt(Math.max(1, message.length - CommLayout.MM_HEADER_SIZE));
                        message = Arrays.copyOf(message, message.length - Math.min(cut, message.length - 24));
                        commSize = Math.min(commSize, message.length);
                        what.append("; truncated to ").append(message.length);
                    }
                    case 3 -> {
                        if (message.length > PAYLOAD) {
                            int at = PAYLOAD + r.nextInt(message.length - PAYLOAD);
                            message[at] ^= (byte) (1 << r.nextInt(8));
                            what.append("; bit flipped at ").append(at);
                        }
                    }
                    case 4 -> {
                        if (message.length >= PAYLOAD + 32) {
                            // A size field of the payload (DataSize or NameSize, at 16 or 24) made extreme.
                            int at = PAYLOAD + (r.nextBoolean() ? 16 : 24);
                            long[] edges = {0, 1, 2, 3, 0xFFFFFFFFFFFFFFFEL, 0x7FFFFFFFFFFFFFFFL, message.length, 65536};
                            long value = edges[r.nextInt(edges.length)];
                            Bytes.put64(message, at, value);
                            what.append("; size field @").append(at - PAYLOAD).append(" = ")
                                    .append(Long.toUnsignedString(value));
                        }
                    }
                    default -> {
                        int pad = 1 + r.nextInt(48);
                        message = Arrays.copyOf(message, message.length + pad);
                        commSize += pad;
                        what.append("; padded by ").append(pad);
                    }
                }
            }
        }
        // The buffer holds CommSize bytes where CommSize is the larger: the steps' rule (padding with zeros).
        byte[] buffer = SmmMessages.padded(message, commSize);
        MemoryType memory = SmmMailbox.DEFAULT_BUFFER_MEMORY;
        int where = r.nextInt(100);
        if (where < 4) {
            memory = MemoryType.ACPI_MEMORY_NVS;
        } else if (where < 8) {
            memory = MemoryType.BOOT_SERVICES_DATA;
        }
        if (memory != SmmMailbox.DEFAULT_BUFFER_MEMORY) {
            what.append("; in ").append(memory.efiName());
        }
        return new Case(index, what.toString(), buffer, commSize, memory);
    }

    private static byte[] getVariable(Random r, StringBuilder what) {
        String name = name(r);
        byte[] n = Ucs2.encode(name);
        long nameSize = r.nextInt(6) == 0 ? sizeNear(r, n.length) : n.length;
        int room = r.nextInt(4) == 0 ? 0 : r.nextInt(80);
        long dataSize = r.nextInt(6) == 0 ? sizeNear(r, room) : room;
        what.append("GetVariable ").append(name).append(" NameSize ").append(nameSize).append(" DataSize ")
                .append(dataSize);
        return SmmMessages.access(CommLayout.FN_GET_VARIABLE, n, VENDOR, nameSize, dataSize, 0, new byte[room]);
    }

    private static byte[] getNextVariableName(Random r, StringBuilder what) {
        String name = r.nextInt(10) == 0 ? "" : name(r);
        int strSize = Ucs2.strSize(name);
        int area = strSize + (r.nextBoolean() ? 0 : r.nextInt(40));
        long nameSize = r.nextInt(5) == 0 ? sizeNear(r, area) : area;
        what.append("GetNextVariableName after \"").append(name).append("\" NameSize ").append(nameSize)
                .append(" area ").append(area);
        return SmmMessages.named(CommLayout.FN_GET_NEXT_VARIABLE_NAME, name, VENDOR, nameSize, area);
    }

    private static byte[] setVariable(Random r, StringBuilder what) {
        String name = name(r);
        byte[] n = r.nextInt(12) == 0 ? SmmMessages.withoutNul(name) : Ucs2.encode(name);
        int attributes = r.nextInt(12) == 0 ? r.nextInt() : ATTRIBUTES[r.nextInt(ATTRIBUTES.length)];
        byte[] data = randomBytes(r, r.nextInt(5) == 0 ? 0 : 1 + r.nextInt(64));
        long dataSize = r.nextInt(6) == 0 ? sizeNear(r, data.length) : data.length;
        long nameSize = r.nextInt(8) == 0 ? sizeNear(r, n.length) : n.length;
        what.append("SetVariable ").append(name).append(n.length == Ucs2.strSize(name) ? "" : " (no NUL)")
                .append(" attributes 0x").append(Integer.toHexString(attributes)).append(" DataSize ").append(dataSize)
                .append(" of ").append(data.length).append(" NameSize ").append(nameSize);
        return SmmMessages.access(CommLayout.FN_SET_VARIABLE, n, VENDOR, nameSize, dataSize, attributes, data);
    }

    private static byte[] query(Random r, StringBuilder what) {
        int attributes = r.nextInt(6) == 0 ? r.nextInt() : ATTRIBUTES[r.nextInt(ATTRIBUTES.length)];
        int payload = r.nextInt(5) == 0 ? sizeNear(r, CommLayout.QUERY_SIZE) : CommLayout.QUERY_SIZE;
        byte[] b = SmmMessages.variable(EfiGuid.SMM_VARIABLE_PROTOCOL, CommLayout.FN_QUERY_VARIABLE_INFO, payload);
        if (payload >= CommLayout.QUERY_ATTRIBUTES + 4) {
            Bytes.put32(b, PAYLOAD + CommLayout.QUERY_ATTRIBUTES, attributes & 0xFFFFFFFFL);
        }
        what.append("QueryVariableInfo attributes 0x").append(Integer.toHexString(attributes)).append(", payload ")
                .append(payload);
        return b;
    }

    private static byte[] named(Random r, int function, StringBuilder what) {
        String name = name(r);
        int strSize = Ucs2.strSize(name);
        int area = function == CommLayout.FN_VAR_CHECK_PROPERTY_GET ? strSize + 24 : strSize;
        long nameSize = r.nextInt(5) == 0 ? sizeNear(r, strSize) : strSize;
        byte[] b;
        if (function == CommLayout.FN_VAR_CHECK_PROPERTY_GET) {
            // Guid, NameSize, the 24-byte VAR_CHECK_VARIABLE_PROPERTY, then the name.
            b = SmmMessages.variable(EfiGuid.SMM_VARIABLE_PROTOCOL, function, CommLayout.PROPERTY_NAME + strSize);
            VENDOR.write(b, PAYLOAD + CommLayout.PROPERTY_GUID);
            Bytes.put64(b, PAYLOAD + CommLayout.PROPERTY_NAME_SIZE, nameSize);
            byte[] n = Ucs2.encode(name);
            System.arraycopy(n, 0, b, PAYLOAD + CommLayout.PROPERTY_NAME, n.length);
        } else {
            b = SmmMessages.named(function, name, VENDOR, nameSize, area);
        }
        what.append(function == CommLayout.FN_LOCK_VARIABLE ? "LockVariable " : "VarCheckVariablePropertyGet ")
                .append(name).append(" NameSize ").append(nameSize);
        return b;
    }

    private static String name(Random r) {
        return NAMES[r.nextInt(NAMES.length)];
    }

    /** A size close to {@code size}: off by a little either way, zero, or far off. */
    private static int sizeNear(Random r, int size) {
        return switch (r.nextInt(5)) {
            case 0 -> 0;
            case 1 -> Math.max(0, size - 1 - r.nextInt(4));
            case 2 -> size + 1 + r.nextInt(4);
            case 3 -> r.nextInt(128);
            default -> size;
        };
    }

    private static void fillPayload(Random r, byte[] message, int from) {
        if (r.nextBoolean()) {
            for (int i = from; i < message.length; i++) {
                message[i] = (byte) r.nextInt(256);
            }
        }
    }

    private static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }
}
