package hil.simulator.smm;

import hil.simulator.smm.VariablePolicyEntry.LockType;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The VariablePolicy engine (VariablePolicyLib) as the SMM variable driver links it: a table of registered
 * {@link VariablePolicyEntry policies}, the best-match rule, and the SetVariable check that VarCheckLib runs after
 * EndOfDxe. Results are EFI statuses, as the library returns them (reference 5.5).
 */
public final class VariablePolicy {

    /** GetVariable as the engine calls it (the core's own VariableServiceGetVariable, Attributes NULL). */
    @FunctionalInterface
    public interface VariableReader {
        /**
         * @param name     NUL-terminated CHAR16 bytes
         * @param capacity *DataSize; 0 passes a NULL Data pointer
         */
        Read read(byte[] name, EfiGuid vendor, long capacity);
    }

    /** What a GetVariable probe returned: the status and, on success, the data. */
    public record Read(EfiStatus status, byte[] data) {
    }

    /** A match of a policy against a name: the policy and its priority (0 exact … 255 namespace-only). */
    public record Match(VariablePolicyEntry policy, int priority) {
    }

    private record Registered(byte[] raw, VariablePolicyEntry entry) {
    }

    private final VariableReader reader;
    private final boolean allowDisable;
    private final List<Registered> table = new ArrayList<>();
    private int tableUsage;
    private boolean interfaceLocked;
    private boolean protectionDisabled;

    /**
     * @param reader       GetVariable for LOCK_ON_CREATE and LOCK_ON_VAR_STATE
     * @param allowDisable PcdAllowVariablePolicyEnforcementDisable (FALSE in OVMF)
     */
    public VariablePolicy(VariableReader reader, boolean allowDisable) {
        this.reader = reader;
        this.allowDisable = allowDisable;
    }

    // ---- engine API -----------------------------------------------------------------------------------------

    /** RegisterVariablePolicy with a policy built in Java. */
    public EfiStatus register(VariablePolicyEntry policy) {
        byte[] raw;
        try {
            raw = policy.encode();
        } catch (IllegalArgumentException tooLarge) {
            return EfiStatus.INVALID_PARAMETER;
        }
        return register(raw, 0, raw.length);
    }

    /**
     * RegisterVariablePolicy with the entry at {@code offset}: WRITE_PROTECTED once the interface is locked (checked
     * first), INVALID_PARAMETER when malformed, ALREADY_STARTED when a policy already matches its name with priority
     * 0, else SUCCESS.
     *
     * <p>The duplicate test matches the new policy's name against the table as if it were a variable name, so a
     * {@code #} in it never equals an existing {@code #} (it is not a hex digit) and only wildcard-free duplicates are
     * refused. For a namespace-only entry the firmware reads that "name" from the bytes after the entry; this does
     * the same within {@code limit}.
     *
     * @param limit the end of readable memory (the entry may be followed by more bytes)
     */
    public EfiStatus register(byte[] memory, int offset, int limit) {
        if (interfaceLocked) {
            return EfiStatus.WRITE_PROTECTED;
        }
        Optional<VariablePolicyEntry> decoded = VariablePolicyEntry.decode(memory, offset, limit);
        if (decoded.isEmpty()) {
            return EfiStatus.INVALID_PARAMETER;
        }
        VariablePolicyEntry entry = decoded.get();
        int size = entry.size();
        String probe = entry.name() != null ? entry.name() : charsUntilNul(memory, offset + size, limit);
        Optional<Match> existing = bestMatch(probe, entry.namespace());
        if (existing.isPresent() && existing.get().priority() == 0) {
            return EfiStatus.ALREADY_STARTED;
        }
        byte[] raw = new byte[size];
        System.arraycopy(memory, offset, raw, 0, size);
        table.add(new Registered(raw, entry));
        tableUsage += size;
        return EfiStatus.SUCCESS;
    }

    /** DisableVariablePolicy: once only, and only while unlocked with the PCD set. */
    public EfiStatus disable() {
        if (protectionDisabled) {
            return EfiStatus.ALREADY_STARTED;
        }
        if (interfaceLocked || !allowDisable) {
            return EfiStatus.WRITE_PROTECTED;
        }
        protectionDisabled = true;
        return EfiStatus.SUCCESS;
    }

    /** IsVariablePolicyEnabled. */
    public boolean isEnabled() {
        return !protectionDisabled;
    }

    /** LockVariablePolicy: no more registering or disabling this boot; a second call is WRITE_PROTECTED. */
    public EfiStatus lock() {
        if (interfaceLocked) {
            return EfiStatus.WRITE_PROTECTED;
        }
        interfaceLocked = true;
        return EfiStatus.SUCCESS;
    }

    /** IsVariablePolicyInterfaceLocked. */
    public boolean isLocked() {
        return interfaceLocked;
    }

    /** DumpVariablePolicy: every registered entry as registered, back to back. */
    public byte[] dump() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(tableUsage);
        table.forEach(r -> out.writeBytes(r.raw));
        return out.toByteArray();
    }

    /** The bytes DumpVariablePolicy returns. */
    public int tableUsage() {
        return tableUsage;
    }

    /** The registered policies, in registration order. */
    public List<VariablePolicyEntry> policies() {
        return table.stream().map(Registered::entry).toList();
    }

    /**
     * GetBestPolicyMatch: the policy with the lowest priority number; among equals, the first registered. An exact
     * name has priority 0, each {@code #} (matching one hex digit) adds 1, a namespace-only policy has 255.
     */
    public Optional<Match> bestMatch(String name, EfiGuid vendor) {
        Match best = null;
        for (Registered r : table) {
            int priority = priority(r.entry, name, vendor);
            if (priority >= 0 && (best == null || priority < best.priority())) {
                best = new Match(r.entry, priority);
                if (priority == 0) {
                    break;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** EvaluatePolicyMatch: the priority, or -1 when the policy does not match. */
    static int priority(VariablePolicyEntry policy, String name, EfiGuid vendor) {
        if (!policy.namespace().equals(vendor)) {
            return -1;
        }
        if (policy.name() == null) {
            return VariablePolicyEntry.MATCH_PRIORITY_MIN;
        }
        String pattern = policy.name();
        if (pattern.length() != name.length()) {
            return -1;
        }
        int priority = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char p = pattern.charAt(i);
            char c = name.charAt(i);
            if (p == '#') {
                if (!isHexDigit(c)) {
                    return -1;
                }
                priority = Math.min(priority + 1, VariablePolicyEntry.MATCH_PRIORITY_MIN);
            } else if (p != c) {
                return -1;
            }
        }
        return priority;
    }

    private static boolean isHexDigit(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
    }

    // ---- enforcement ----------------------------------------------------------------------------------------

    /**
     * ValidateSetVariable, the VarCheckLib handler: SUCCESS when disabled or nothing matches. For non-deletes
     * (a delete is DataSize 0 without APPEND) the size and attribute constraints give INVALID_PARAMETER; then the
     * lock type: LOCK_NOW → WRITE_PROTECTED; LOCK_ON_CREATE → WRITE_PROTECTED if the variable exists; LOCK_ON_VAR_STATE
     * → WRITE_PROTECTED if the 1-byte state variable holds the value, no lock if it is missing or larger, ABORTED on
     * any other GetVariable error.
     *
     * @param name NUL-terminated CHAR16 bytes
     */
    public EfiStatus validateSetVariable(byte[] name, EfiGuid vendor, int attributes, long dataSize) {
        if (protectionDisabled) {
            return EfiStatus.SUCCESS;
        }
        boolean delete = dataSize == 0 && (attributes & Attributes.AP) == 0;
        Optional<Match> match = bestMatch(charsUntilNul(name, 0, name.length), vendor);
        if (match.isEmpty()) {
            return EfiStatus.SUCCESS;
        }
        VariablePolicyEntry p = match.get().policy();
        if (!delete) {
            if ((p.minSize() > 0 && Long.compareUnsigned(dataSize, p.minSize()) < 0)
                    || (p.maxSize() > 0 && Long.compareUnsigned(dataSize, p.maxSize()) > 0)) {
                return EfiStatus.INVALID_PARAMETER;
            }
            if ((p.mustHave() & attributes) != p.mustHave() || (p.cantHave() & attributes) != 0) {
                return EfiStatus.INVALID_PARAMETER;
            }
        }
        if (p.lockType() == LockType.LOCK_NOW) {
            return EfiStatus.WRITE_PROTECTED;
        }
        if (p.lockType() == LockType.LOCK_ON_CREATE) {
            Read probe = reader.read(name, vendor, 0);
            return probe.status() == EfiStatus.BUFFER_TOO_SMALL ? EfiStatus.WRITE_PROTECTED : EfiStatus.SUCCESS;
        }
        if (p.lockType() == LockType.LOCK_ON_VAR_STATE) {
            VariablePolicyEntry.VarState state = p.varState();
            Read probe = reader.read(encodeName(state.name()), state.namespace(), 1);
            if (probe.status() == EfiStatus.SUCCESS) {
                return (probe.data()[0] & 0xFF) == state.value() ? EfiStatus.WRITE_PROTECTED : EfiStatus.SUCCESS;
            }
            if (probe.status() != EfiStatus.NOT_FOUND && probe.status() != EfiStatus.BUFFER_TOO_SMALL) {
                return EfiStatus.ABORTED;
            }
        }
        return EfiStatus.SUCCESS;
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    /** CHAR16 units from {@code at} up to the first NUL or {@code limit}. */
    static String charsUntilNul(byte[] memory, int at, int limit) {
        StringBuilder sb = new StringBuilder();
        for (int p = at; p >= 0 && p + 1 < limit; p += 2) {
            char c = (char) ((memory[p] & 0xFF) | (memory[p + 1] & 0xFF) << 8);
            if (c == 0) {
                break;
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /** NUL-terminated CHAR16 bytes of a name. */
    static byte[] encodeName(String name) {
        byte[] b = new byte[2 * (name.length() + 1)];
        for (int i = 0; i < name.length(); i++) {
            b[2 * i] = (byte) name.charAt(i);
            b[2 * i + 1] = (byte) (name.charAt(i) >>> 8);
        }
        return b;
    }
}
