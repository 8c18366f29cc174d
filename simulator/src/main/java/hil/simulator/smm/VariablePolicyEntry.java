package hil.simulator.smm;

import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;

import java.util.Objects;
import java.util.Optional;

/**
 * VARIABLE_POLICY_ENTRY (VariablePolicy.h, packed): a 44-byte fixed part, then for LOCK_ON_VAR_STATE the 18-byte
 * VARIABLE_LOCK_ON_VAR_STATE_POLICY with the state variable's name, then the NUL-terminated name the policy protects
 * (absent for a policy on a whole namespace). Names are kept as CHAR16 code units in a {@link String}, which holds
 * any 16-bit unit losslessly.
 *
 * @param namespace the vendor GUID the policy applies to
 * @param minSize   MinSize (UINT32; 0 means none)
 * @param maxSize   MaxSize (UINT32; must not be 0; {@link #NO_MAX_SIZE} means none)
 * @param mustHave  AttributesMustHave
 * @param cantHave  AttributesCantHave
 * @param lockType  LockPolicyType
 * @param varState  the state variable of a LOCK_ON_VAR_STATE policy, else {@code null}
 * @param name      the protected name ({@code #} matches one hex digit), or {@code null} for the whole namespace
 */
public record VariablePolicyEntry(EfiGuid namespace, long minSize, long maxSize, int mustHave, int cantHave,
                                  LockType lockType, VarState varState, String name) {

    /** VARIABLE_POLICY_ENTRY_REVISION. */
    public static final int REVISION = 0x00010000;
    /** sizeof (VARIABLE_POLICY_ENTRY). */
    public static final int FIXED_SIZE = 44;
    /** sizeof (VARIABLE_LOCK_ON_VAR_STATE_POLICY): Namespace, Value, Padding. */
    public static final int VAR_STATE_FIXED_SIZE = 18;

    public static final int OFFSET_VERSION = 0;
    public static final int OFFSET_SIZE = 4;
    public static final int OFFSET_TO_NAME = 6;
    public static final int OFFSET_NAMESPACE = 8;
    public static final int OFFSET_MIN_SIZE = 24;
    public static final int OFFSET_MAX_SIZE = 28;
    public static final int OFFSET_MUST_HAVE = 32;
    public static final int OFFSET_CANT_HAVE = 36;
    public static final int OFFSET_LOCK_TYPE = 40;

    /** VARIABLE_POLICY_NO_MIN_SIZE. */
    public static final long NO_MIN_SIZE = 0;
    /** VARIABLE_POLICY_NO_MAX_SIZE (MAX_UINT32). */
    public static final long NO_MAX_SIZE = 0xFFFF_FFFFL;
    /** A policy name matches with priority 0 (exact) up to this value (a namespace-only policy). */
    public static final int MATCH_PRIORITY_MIN = 255;

    /** VARIABLE_POLICY_TYPE_*. */
    public enum LockType {
        NO_LOCK, LOCK_NOW, LOCK_ON_CREATE, LOCK_ON_VAR_STATE;

        /** The LockPolicyType byte. */
        public int value() {
            return ordinal();
        }

        static Optional<LockType> of(int value) {
            return value >= 0 && value < values().length ? Optional.of(values()[value]) : Optional.empty();
        }
    }

    /** VARIABLE_LOCK_ON_VAR_STATE_POLICY: the variable is locked while the 1-byte {@code name} equals {@code value}. */
    public record VarState(EfiGuid namespace, int value, String name) {
        public VarState {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(name, "name");
        }
    }

    public VariablePolicyEntry {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(lockType, "lockType");
        if ((lockType == LockType.LOCK_ON_VAR_STATE) != (varState != null)) {
            throw new IllegalArgumentException("a VarState goes with lock type LOCK_ON_VAR_STATE and only with it");
        }
    }

    /** The policy RequestToLock registers: exactly this name, no size or attribute limits, LOCK_NOW. */
    public static VariablePolicyEntry lockNow(EfiGuid namespace, String name) {
        return basic(namespace, name, NO_MIN_SIZE, NO_MAX_SIZE, 0, 0, LockType.LOCK_NOW);
    }

    /** CreateBasicVariablePolicy: any lock type but LOCK_ON_VAR_STATE. */
    public static VariablePolicyEntry basic(EfiGuid namespace, String name, long minSize, long maxSize, int mustHave,
                                            int cantHave, LockType lockType) {
        return new VariablePolicyEntry(namespace, minSize, maxSize, mustHave, cantHave, lockType, null, name);
    }

    /** CreateVarStateVariablePolicy. */
    public static VariablePolicyEntry onVarState(EfiGuid namespace, String name, long minSize, long maxSize,
                                                 int mustHave, int cantHave, VarState state) {
        return new VariablePolicyEntry(namespace, minSize, maxSize, mustHave, cantHave, LockType.LOCK_ON_VAR_STATE,
                state, name);
    }

    /** OffsetToName: 44, or after the state policy and its name. */
    public int offsetToName() {
        return varState == null ? FIXED_SIZE : FIXED_SIZE + VAR_STATE_FIXED_SIZE + 2 * (varState.name.length() + 1);
    }

    /** Size: the whole entry. */
    public int size() {
        return offsetToName() + (name == null ? 0 : 2 * (name.length() + 1));
    }

    /**
     * The entry's bytes. Sizes above 0xFFFF do not fit the UINT16 Size field; CreateBasicVariablePolicy refuses them
     * with EFI_BUFFER_TOO_SMALL, so they are an error here.
     *
     * @throws IllegalArgumentException if the entry is larger than 0xFFFF bytes
     */
    public byte[] encode() {
        int size = size();
        if (size > 0xFFFF) {
            throw new IllegalArgumentException("a variable policy entry of " + size + " bytes does not fit the UINT16 Size field");
        }
        byte[] b = new byte[size];
        Bytes.put32(b, OFFSET_VERSION, REVISION);
        Bytes.put16(b, OFFSET_SIZE, size);
        Bytes.put16(b, OFFSET_TO_NAME, offsetToName());
        namespace.write(b, OFFSET_NAMESPACE);
        Bytes.put32(b, OFFSET_MIN_SIZE, minSize);
        Bytes.put32(b, OFFSET_MAX_SIZE, maxSize);
        Bytes.put32(b, OFFSET_MUST_HAVE, mustHave & 0xFFFFFFFFL);
        Bytes.put32(b, OFFSET_CANT_HAVE, cantHave & 0xFFFFFFFFL);
        b[OFFSET_LOCK_TYPE] = (byte) lockType.value();
        if (varState != null) {
            varState.namespace.write(b, FIXED_SIZE);
            b[FIXED_SIZE + 16] = (byte) varState.value;
            putChars(b, FIXED_SIZE + VAR_STATE_FIXED_SIZE, varState.name);
        }
        if (name != null) {
            putChars(b, offsetToName(), name);
        }
        return b;
    }

    private static void putChars(byte[] b, int at, String s) {
        for (int i = 0; i < s.length(); i++) {
            Bytes.put16(b, at + 2 * i, s.charAt(i));
        }
    }

    /**
     * Decodes and validates an entry as RegisterVariablePolicy does (IsValidVariablePolicyStructure). Empty means
     * malformed, which the engine reports as EFI_INVALID_PARAMETER: too short, wrong Version, MaxSize 0, an unknown
     * lock type, an OffsetToName that is not 44 (or not just past the state name), more than 255 {@code #} in the
     * name, or a name whose NUL is not the entry's last CHAR16.
     *
     * <p>Like the firmware, the check may look one CHAR16 past the entry's end; {@code limit} bounds what exists
     * to read, and a check that would need bytes at or past it fails.
     *
     * @param memory where the entry lies
     * @param offset its first byte
     * @param limit  the end of readable memory
     */
    public static Optional<VariablePolicyEntry> decode(byte[] memory, int offset, int limit) {
        if (offset < 0 || limit > memory.length || limit - (long) offset < FIXED_SIZE) {
            return Optional.empty();
        }
        int size = Bytes.u16(memory, offset + OFFSET_SIZE);
        int offsetToName = Bytes.u16(memory, offset + OFFSET_TO_NAME);
        long version = Bytes.u32(memory, offset + OFFSET_VERSION);
        if (size == 0 || size < FIXED_SIZE || version != REVISION) {
            return Optional.empty();
        }
        long maxSize = Bytes.u32(memory, offset + OFFSET_MAX_SIZE);
        if (maxSize == 0) {
            return Optional.empty();
        }
        Optional<LockType> type = LockType.of(memory[offset + OFFSET_LOCK_TYPE] & 0xFF);
        if (type.isEmpty()) {
            return Optional.empty();
        }
        Reader r = new Reader(memory, limit);
        int entryEnd = offset + size;
        VarState state = null;
        if (type.get() == LockType.LOCK_ON_VAR_STATE) {
            int check = offset + FIXED_SIZE + VAR_STATE_FIXED_SIZE;
            if (entryEnd <= check) {
                return Optional.empty();
            }
            int stateNameEnd = r.scan(check, entryEnd, Integer.MAX_VALUE);
            if (stateNameEnd < 0 || stateNameEnd != offset + offsetToName) {
                return Optional.empty();
            }
            state = new VarState(EfiGuid.read(memory, offset + FIXED_SIZE), memory[offset + FIXED_SIZE + 16] & 0xFF,
                    r.chars(check, stateNameEnd - 2));
        } else if (offsetToName != FIXED_SIZE) {
            return Optional.empty();
        }
        String name = null;
        if (size != offsetToName) {
            int nameStart = offset + offsetToName;
            int nameEnd = r.scan(nameStart, entryEnd, MATCH_PRIORITY_MIN);
            if (nameEnd < 0 || nameEnd != entryEnd) {
                return Optional.empty();
            }
            name = r.chars(nameStart, nameEnd - 2);
        }
        return Optional.of(new VariablePolicyEntry(EfiGuid.read(memory, offset + OFFSET_NAMESPACE),
                Bytes.u32(memory, offset + OFFSET_MIN_SIZE), maxSize, (int) Bytes.u32(memory, offset + OFFSET_MUST_HAVE),
                (int) Bytes.u32(memory, offset + OFFSET_CANT_HAVE), type.get(), state, name));
    }

    /** CHAR16 reads bounded by the end of readable memory. */
    private record Reader(byte[] memory, int limit) {

        /**
         * Walks a NUL-terminated CHAR16 string from {@code at} as the firmware does: each non-NUL character must lie
         * before {@code entryEnd}, and at most {@code maxWildcards} {@code #} may occur.
         *
         * @return the position just past the NUL, or -1 when the string is invalid or runs out of memory
         */
        int scan(int at, int entryEnd, int maxWildcards) {
            int wildcards = 0;
            for (int p = at; ; p += 2) {
                if (p < 0 || p + 1 >= limit) {
                    return -1;
                }
                int c = Bytes.u16(memory, p);
                if (c == 0) {
                    return p + 2;
                }
                if (c == '#' && ++wildcards > maxWildcards) {
                    return -1;
                }
                if (entryEnd <= p) {
                    return -1;
                }
            }
        }

        String chars(int from, int to) {
            char[] c = new char[(to - from) / 2];
            for (int i = 0; i < c.length; i++) {
                c[i] = (char) Bytes.u16(memory, from + 2 * i);
            }
            return new String(c);
        }
    }

    /** The entry with its name in CHAR16 form, for messages. */
    @Override
    public String toString() {
        return "VariablePolicyEntry[" + namespace + ":" + (name == null ? "<namespace>" : "\"" + name + "\"")
                + ", size " + minSize + ".." + maxSize + ", must 0x" + Integer.toHexString(mustHave) + ", cant 0x"
                + Integer.toHexString(cantHave) + ", " + lockType + (varState == null ? "" : " " + varState) + "]";
    }
}
