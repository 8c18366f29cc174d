package hil.simulator.smm;

import hil.simulator.smm.VariablePolicyEntry.LockType;
import hil.simulator.smm.VariablePolicyEntry.VarState;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.Ucs2;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Communicate buffers for the fuzz test: well-formed messages of every variable function (1–14 and unknown
 * numbers) and every VarCheckPolicy command, random bytes, and mutations of them (flipped bytes, size fields set to
 * boundary and huge values, a name's NUL removed, a wrong header GUID), each with a CommSize that may be anything:
 * exact, a few bytes either side, on a payload boundary, huge or "negative".
 */
final class SmmFuzzCases {

    /** A value no handler writes to ReturnStatus or Result. */
    static final long SENTINEL = 0x5AFE_5AFE_5AFE_5AFEL;

    static final EfiGuid VENDOR = EfiGuid.parse("12345678-1234-5678-9ABC-DEF012345678");
    private static final EfiGuid OTHER = EfiGuid.parse("0F0E0D0C-0B0A-0908-0706-050403020100");
    private static final List<String> NAMES = List.of("A", "Fuzz", "Fuzz1", "Boot0001", "Lock##", "VarErrorFlag",
            "MemoryOverwriteRequestControl", "MemoryOverwriteRequestControlLock", "", "Slot0F", "x".repeat(40));
    private static final List<EfiGuid> VENDORS = List.of(VENDOR, OTHER, EfiGuid.GLOBAL_VARIABLE, EfiGuid.ZERO,
            EfiGuid.VAR_ERROR_FLAG, MorLock.MOR_GUID, MorLock.MOR_LOCK_GUID, EfiGuid.HARDWARE_ERROR_VARIABLE);
    private static final int[] ATTRIBUTES = {0x7, 0x3, 0x6, 0x2, 0x1, 0x4, 0x0, 0x47, 0x27, 0x17, 0x0F, 0x40, 0x80, 0x37};
    private static final long[] HUGE = {-1L, -2L, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 32, (1L << 32) - 1, 0xFFFF,
            0x10000, -36L, -24L, -48L};

    /** The kind of message a case started from. */
    enum Kind { VARIABLE, POLICY, RANDOM }

    /**
     * One case: the message bytes (24-byte MM header included), the CommSize to pass, and whether the memory region
     * should end exactly where CommSize says the buffer ends. {@code function} is the Function (or policy Command)
     * as generated, for messages.
     */
    record Case(Kind kind, long function, byte[] message, long commSize, boolean endsAtBuffer) {
    }

    private final Random random;
    private final int payloadSize;

    SmmFuzzCases(Random random, int payloadSize) {
        this.random = random;
        this.payloadSize = payloadSize;
    }

    Case next() {
        int pick = random.nextInt(100);
        byte[] message;
        Kind kind;
        if (pick < 70) {
            kind = Kind.VARIABLE;
            message = variableMessage();
        } else if (pick < 92) {
            kind = Kind.POLICY;
            message = policyMessage();
        } else {
            kind = Kind.RANDOM;
            message = new byte[random.nextInt(200)];
            random.nextBytes(message);
            if (message.length >= 16 && random.nextBoolean()) {
                (random.nextBoolean() ? EfiGuid.SMM_VARIABLE_PROTOCOL : VarCheckPolicyMmi.HANDLER_GUID).write(message, 0);
            }
        }
        int mutations = random.nextInt(100) < 50 ? 0 : 1 + random.nextInt(3);
        for (int i = 0; i < mutations; i++) {
            message = mutate(message, kind);
        }
        long function = kind == Kind.POLICY
                ? (message.length >= 36 ? Bytes.u32(message, 32) : -1)
                : (message.length >= 32 ? Bytes.u64(message, 24) : -1);
        return new Case(kind, function, message, commSize(message.length), random.nextInt(4) == 0);
    }

    // ---- well-formed messages ---------------------------------------------------------------------------------

    private String name() {
        if (random.nextInt(10) == 0) {
            char[] c = new char[1 + random.nextInt(12)];
            for (int i = 0; i < c.length; i++) {
                c[i] = (char) (1 + random.nextInt(random.nextBoolean() ? 0x7F : 0xFFFE));
            }
            return new String(c);
        }
        return NAMES.get(random.nextInt(NAMES.size()));
    }

    private EfiGuid vendor() {
        return random.nextInt(3) == 0 ? VENDORS.get(random.nextInt(VENDORS.size())) : VENDOR;
    }

    private static byte[] header(EfiGuid guid, int bodySize) {
        byte[] b = new byte[24 + bodySize];
        guid.write(b, 0);
        Bytes.put64(b, 16, bodySize);
        return b;
    }

    private byte[] variableHeader(long function, int payload) {
        byte[] b = header(EfiGuid.SMM_VARIABLE_PROTOCOL, 16 + payload);
        Bytes.put64(b, 24, function);
        Bytes.put64(b, 32, SENTINEL);
        return b;
    }

    private byte[] data() {
        int n = switch (random.nextInt(10)) {
            case 0 -> 0;
            case 1 -> Math.max(0, payloadSize - 36 - 2 * (1 + random.nextInt(20)) - random.nextInt(4));
            default -> random.nextInt(64);
        };
        byte[] d = new byte[n];
        random.nextBytes(d);
        return d;
    }

    private byte[] variableMessage() {
        long function = random.nextInt(40) == 0 ? HUGE[random.nextInt(HUGE.length)] : random.nextInt(16);
        // Phase changes are rare, so most of a run stays in the boot phase.
        if ((function == CommLayout.FN_EXIT_BOOT_SERVICE || function == CommLayout.FN_READY_TO_BOOT)
                && random.nextInt(64) != 0) {
            function = CommLayout.FN_GET_VARIABLE;
        }
        byte[] name = Ucs2.encode(name());
        int f = (int) function;
        switch (function == f ? f : -1) {
            case CommLayout.FN_GET_VARIABLE, CommLayout.FN_SET_VARIABLE -> {
                byte[] data = f == CommLayout.FN_SET_VARIABLE ? data() : new byte[random.nextInt(64)];
                byte[] b = variableHeader(f, 36 + name.length + data.length);
                vendor().write(b, 40);
                Bytes.put64(b, 56, data.length);
                Bytes.put64(b, 64, name.length);
                Bytes.put32(b, 72, random.nextBoolean() ? 0x7 : ATTRIBUTES[random.nextInt(ATTRIBUTES.length)]);
                System.arraycopy(name, 0, b, 76, name.length);
                System.arraycopy(data, 0, b, 76 + name.length, data.length);
                return b;
            }
            case CommLayout.FN_GET_NEXT_VARIABLE_NAME, CommLayout.FN_LOCK_VARIABLE -> {
                int area = f == CommLayout.FN_LOCK_VARIABLE ? name.length : Math.max(name.length, random.nextInt(128));
                byte[] b = variableHeader(f, 24 + area);
                vendor().write(b, 40);
                Bytes.put64(b, 56, random.nextBoolean() ? area : name.length);
                System.arraycopy(name, 0, b, 64, name.length);
                return b;
            }
            case CommLayout.FN_QUERY_VARIABLE_INFO -> {
                byte[] b = variableHeader(f, 32);
                Bytes.put32(b, 40 + 24, ATTRIBUTES[random.nextInt(ATTRIBUTES.length)]);
                return b;
            }
            case CommLayout.FN_VAR_CHECK_PROPERTY_SET, CommLayout.FN_VAR_CHECK_PROPERTY_GET -> {
                byte[] b = variableHeader(f, 48 + name.length);
                vendor().write(b, 40);
                Bytes.put64(b, 56, name.length);
                Bytes.put16(b, 64, random.nextInt(8) == 0 ? 2 : 1);
                Bytes.put16(b, 66, random.nextInt(2));
                Bytes.put32(b, 68, ATTRIBUTES[random.nextInt(ATTRIBUTES.length)]);
                Bytes.put64(b, 72, random.nextInt(4));
                Bytes.put64(b, 80, random.nextInt(64));
                System.arraycopy(name, 0, b, 88, name.length);
                return b;
            }
            case CommLayout.FN_GET_PAYLOAD_SIZE -> {
                return variableHeader(f, 8);
            }
            case CommLayout.FN_INIT_RUNTIME_CACHE_CONTEXT -> {
                byte[] b = variableHeader(f, 48);
                for (int i = 0; i < 6; i++) {
                    Bytes.put64(b, 40 + 8 * i, random.nextInt(3) == 0 ? 0 : random.nextLong());
                }
                return b;
            }
            case CommLayout.FN_GET_RUNTIME_CACHE_INFO -> {
                return variableHeader(f, 32);
            }
            case CommLayout.FN_GET_STATISTICS -> {
                return variableHeader(f, random.nextInt(128));
            }
            default -> {
                return variableHeader(function, random.nextInt(16));
            }
        }
    }

    private byte[] policyHeader(long command, int params) {
        byte[] b = header(VarCheckPolicyMmi.HANDLER_GUID, 20 + params);
        Bytes.put32(b, 24, VarCheckPolicyMmi.SIGNATURE);
        Bytes.put32(b, 28, VarCheckPolicyMmi.REVISION);
        Bytes.put32(b, 32, command);
        Bytes.put64(b, 36, SENTINEL);
        return b;
    }

    private byte[] policyEntry() {
        String name = random.nextInt(6) == 0 ? null : name();
        long min = random.nextInt(3) == 0 ? random.nextInt(8) : 0;
        long max = random.nextInt(3) == 0 ? random.nextInt(64) : VariablePolicyEntry.NO_MAX_SIZE;
        int must = random.nextInt(4) == 0 ? ATTRIBUTES[random.nextInt(ATTRIBUTES.length)] : 0;
        int cant = random.nextInt(4) == 0 ? ATTRIBUTES[random.nextInt(ATTRIBUTES.length)] : 0;
        VariablePolicyEntry e = switch (random.nextInt(4)) {
            case 0 -> VariablePolicyEntry.basic(vendor(), name, min, max, must, cant, LockType.NO_LOCK);
            case 1 -> VariablePolicyEntry.basic(vendor(), name, min, max, must, cant, LockType.LOCK_NOW);
            case 2 -> VariablePolicyEntry.basic(vendor(), name, min, max, must, cant, LockType.LOCK_ON_CREATE);
            default -> VariablePolicyEntry.onVarState(vendor(), name, min, max, must, cant,
                    new VarState(vendor(), random.nextInt(3), name()));
        };
        return e.encode();
    }

    private byte[] policyMessage() {
        int command = random.nextInt(20) == 0 ? random.nextInt() : random.nextInt(9);
        if ((command == VarCheckPolicyMmi.COMMAND_LOCK) && random.nextInt(16) != 0) {
            command = VarCheckPolicyMmi.COMMAND_REGISTER;
        }
        byte[] b;
        if (command == VarCheckPolicyMmi.COMMAND_REGISTER) {
            byte[] entry = policyEntry();
            b = policyHeader(command, entry.length + random.nextInt(4));
            System.arraycopy(entry, 0, b, 44, entry.length);
        } else if (command == VarCheckPolicyMmi.COMMAND_DUMP) {
            // The DXE proxy sends the whole 16 KiB buffer.
            b = policyHeader(command, random.nextInt(4) == 0 ? random.nextInt(64)
                    : VarCheckPolicyMmi.DUMP_PARAMS_SIZE + VarCheckPolicyMmi.DUMP_BUFFER_SIZE);
            if (b.length >= 48) {
                Bytes.put32(b, 44, random.nextInt(4));
            }
        } else {
            b = policyHeader(command, random.nextInt(80));
        }
        if (random.nextInt(20) == 0) {
            Bytes.put32(b, 24 + (random.nextBoolean() ? 0 : 4), random.nextInt());
        }
        return b;
    }

    // ---- mutations ----------------------------------------------------------------------------------------------

    private byte[] mutate(byte[] message, Kind kind) {
        switch (random.nextInt(7)) {
            case 0 -> {
                for (int i = 1 + random.nextInt(8); i > 0 && message.length > 0; i--) {
                    message[random.nextInt(message.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> {
                if (message.length > 0) {
                    message[random.nextInt(message.length)] = (byte) random.nextInt(256);
                }
            }
            case 2 -> sizeField(message, kind);
            case 3 -> dropNul(message);
            case 4 -> {
                if (message.length >= 16) {
                    EfiGuid g = switch (random.nextInt(3)) {
                        case 0 -> VarCheckPolicyMmi.HANDLER_GUID;
                        case 1 -> EfiGuid.SMM_VARIABLE_PROTOCOL;
                        default -> random.nextBoolean() ? EfiGuid.ZERO : VENDORS.get(random.nextInt(VENDORS.size()));
                    };
                    g.write(message, 0);
                }
            }
            case 5 -> {
                int length = Math.max(0, message.length + random.nextInt(129) - 64);
                message = Arrays.copyOf(message, length);
            }
            default -> {
                // The function (or command) becomes another valid one, so payloads meet the wrong structure.
                // Phase changes and the policy lock stay rare here too.
                if (message.length >= 36) {
                    if (kind == Kind.POLICY) {
                        int[] commands = {1, 2, 3, 4, 6, 7};
                        Bytes.put32(message, 32, commands[random.nextInt(commands.length)]);
                    } else {
                        int[] functions = {1, 2, 3, 4, 7, 8, 9, 10, 11, 12, 13, 14};
                        Bytes.put64(message, 24, functions[random.nextInt(functions.length)]);
                    }
                }
            }
        }
        return message;
    }

    /** Sets one of the UINTN or UINT16 size fields to a boundary, huge or random value. */
    private void sizeField(byte[] message, Kind kind) {
        long value = switch (random.nextInt(6)) {
            case 0 -> HUGE[random.nextInt(HUGE.length)];
            case 1 -> random.nextInt(4);
            case 2 -> payloadSize - random.nextInt(64);
            case 3 -> message.length - 40 + random.nextInt(9) - 4;
            default -> random.nextInt(256);
        };
        int[] fields = kind == Kind.POLICY
                ? new int[] {44 + VariablePolicyEntry.OFFSET_SIZE, 44 + VariablePolicyEntry.OFFSET_TO_NAME, 44}
                : new int[] {56, 64, 16};
        int at = fields[random.nextInt(fields.length)];
        if (kind == Kind.POLICY && at != 44) {
            if (at + 2 <= message.length) {
                Bytes.put16(message, at, (int) value);
            }
        } else if (at + 8 <= message.length) {
            Bytes.put64(message, at, value);
        }
    }

    /** Overwrites the last zero CHAR16 (a name's NUL) with a letter. */
    private void dropNul(byte[] message) {
        for (int i = (message.length & ~1) - 2; i >= 40; i -= 2) {
            if (message[i] == 0 && message[i + 1] == 0) {
                message[i] = 'Z';
                return;
            }
        }
    }

    /** CommSize: exact, off by a little, on a payload boundary, or anything at all. */
    private long commSize(int length) {
        int[] payloadBoundaries = {0, 8, 16, 23, 24, 31, 32, 35, 36, 47, 48, payloadSize};
        return switch (random.nextInt(16)) {
            case 0, 1, 2, 3, 4, 11, 12, 13, 14 -> length;
            case 5, 6 -> length + random.nextInt(129) - 64;
            case 7, 8 -> 40 + payloadBoundaries[random.nextInt(payloadBoundaries.length)] + random.nextInt(5) - 2;
            case 9 -> 40 + payloadSize + random.nextInt(65);
            case 10 -> HUGE[random.nextInt(HUGE.length)];
            default -> random.nextInt(Math.max(1, length + 1));
        };
    }
}
