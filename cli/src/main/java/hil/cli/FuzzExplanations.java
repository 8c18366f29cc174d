package hil.cli;

import hil.reports.model.Observation;
import hil.simulator.smm.CommLayout;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.targets.SmmMailbox;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The differences between targets a fuzz run explains instead of counting, each by a rule narrow enough that
 * anything else still counts. Both come from what is in the store, not from how the handler treats the buffer: real
 * firmware creates variables of its own before a program can run (PlatformLang, Lang, Timeout, ConOut, Boot####, …),
 * a factory simulator store has none.
 * <ol>
 *   <li>QueryVariableInfo answered alike but for RemainingVariableStorageSize (those variables use space);</li>
 *   <li>GetNextVariableName answered with the same statuses, where the walk starts (the empty name) or where some
 *       target returned a variable that is not the fuzz run's (its vendor is not {@link FuzzCases#VENDOR}); or
 *       where one target's next name did not fit (EFI_BUFFER_TOO_SMALL, asking a NameSize no variable of the run
 *       has) and another's did.</li>
 * </ol>
 */
final class FuzzExplanations {

    private static final int PAYLOAD = CommLayout.MM_HEADER_SIZE + CommLayout.VARIABLE_HEADER_SIZE;

    static final String REMAINING_STORAGE = "RemainingVariableStorageSize differs: the firmware's own variables use"
            + " space a factory simulator store does not";
    static final String FIRMWARE_VARIABLES = "the walk meets variables the firmware created at boot, which a factory"
            + " simulator store lacks";

    private FuzzExplanations() {
    }

    /** The reason the observations of one buffer may differ, or empty when every difference must count. */
    static Optional<String> explain(FuzzCases.Case c, Map<String, Observation> byTarget) {
        byte[] sent = c.buffer();
        if (byTarget.size() < 2 || sent.length < PAYLOAD || !EfiGuid.SMM_VARIABLE_PROTOCOL.matches(sent, 0)) {
            return Optional.empty();
        }
        long function = Bytes.u64(sent, CommLayout.MM_HEADER_SIZE + CommLayout.FUNCTION);
        if (function == CommLayout.FN_GET_NEXT_VARIABLE_NAME && walkMeetsAnotherName(byTarget)) {
            return Optional.of(FIRMWARE_VARIABLES);
        }
        if (!sameStatuses(byTarget)) {
            return Optional.empty();
        }
        if (function == CommLayout.FN_QUERY_VARIABLE_INFO) {
            int from = PAYLOAD + CommLayout.QUERY_REMAINING_STORAGE;
            byte[] first = null;
            for (Observation o : byTarget.values()) {
                byte[] reply = masked(reply(o), from, from + 8);
                if (first == null) {
                    first = reply;
                } else if (!Arrays.equals(first, reply)) {
                    return Optional.empty();
                }
            }
            return Optional.of(REMAINING_STORAGE);
        }
        if (function == CommLayout.FN_GET_NEXT_VARIABLE_NAME) {
            int name = PAYLOAD + CommLayout.NEXT_NAME;
            boolean walkStarts = sent.length >= name + 2 && sent[name] == 0 && sent[name + 1] == 0;
            boolean foreign = byTarget.values().stream().map(FuzzExplanations::reply).anyMatch(r ->
                    r.length >= PAYLOAD + EfiGuid.SIZE && "EFI_SUCCESS".equals(returnStatus(r))
                            && !FuzzCases.VENDOR.matches(r, PAYLOAD + CommLayout.NEXT_GUID));
            return walkStarts || foreign ? Optional.of(FIRMWARE_VARIABLES) : Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * Communicate alike, and one target's next name does not fit where another's did: its ReturnStatus is
     * EFI_BUFFER_TOO_SMALL with a NameSize no variable of the run has (so the next variable is not the run's), the
     * other's EFI_SUCCESS.
     */
    private static boolean walkMeetsAnotherName(Map<String, Observation> byTarget) {
        if (byTarget.values().stream().map(Observation::status).distinct().count() != 1) {
            return false;
        }
        boolean tooSmallForeign = false;
        boolean success = false;
        for (Observation o : byTarget.values()) {
            String rs = o.outputs().get(SmmMailbox.Keys.RETURN_STATUS);
            byte[] reply = reply(o);
            if ("EFI_BUFFER_TOO_SMALL".equals(rs) && reply.length >= PAYLOAD + CommLayout.NEXT_NAME) {
                long needed = Bytes.u64(reply, PAYLOAD + CommLayout.NEXT_NAME_SIZE);
                tooSmallForeign |= !FuzzCases.nameSizes().contains(needed);
            } else if ("EFI_SUCCESS".equals(rs)) {
                success = true;
            } else {
                return false;
            }
        }
        return tooSmallForeign && success;
    }

    private static boolean sameStatuses(Map<String, Observation> byTarget) {
        String status = null;
        String returnStatus = null;
        boolean first = true;
        for (Observation o : byTarget.values()) {
            String rs = o.outputs().get(SmmMailbox.Keys.RETURN_STATUS);
            if (first) {
                status = o.status();
                returnStatus = rs;
                first = false;
            } else if (!Objects.equals(status, o.status()) || !Objects.equals(returnStatus, rs)) {
                return false;
            }
        }
        return true;
    }

    private static String returnStatus(byte[] reply) {
        int at = CommLayout.MM_HEADER_SIZE + CommLayout.RETURN_STATUS;
        return reply.length >= at + 8 && Bytes.u64(reply, at) == 0 ? "EFI_SUCCESS" : "other";
    }

    private static byte[] reply(Observation o) {
        String hex = o.outputs().get(SmmMailbox.Keys.REPLY);
        return hex == null ? new byte[0] : Bytes.fromHex(hex);
    }

    private static byte[] masked(byte[] b, int from, int to) {
        byte[] copy = b.clone();
        for (int i = from; i < Math.min(to, copy.length); i++) {
            copy[i] = 0;
        }
        return copy;
    }
}
