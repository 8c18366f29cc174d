package hil.cli;

import hil.reports.model.Observation;
import hil.simulator.platform.MemoryType;
import hil.simulator.smm.CommLayout;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.steps.SmmMessages;
import hil.targets.SmmMailbox;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which differences between targets a fuzz run explains: only those the store's contents make. */
class FuzzExplanationsTest {

    private static final int PAYLOAD = 40;

    private static FuzzCases.Case query() {
        byte[] b = SmmMessages.variable(EfiGuid.SMM_VARIABLE_PROTOCOL, CommLayout.FN_QUERY_VARIABLE_INFO, 32);
        return new FuzzCases.Case(0, "query", b, b.length, MemoryType.RUNTIME_SERVICES_DATA);
    }

    private static Observation answered(byte[] sent, String status, long returnStatus, int at, long value) {
        byte[] reply = sent.clone();
        Bytes.put64(reply, 32, returnStatus);
        Bytes.put64(reply, at, value);
        return new Observation("SmmCommunicate", SmmMailbox.inputs(sent, sent.length, MemoryType.RUNTIME_SERVICES_DATA),
                status, SmmMailbox.outputs(reply, reply.length), "boot", "t", 0, null);
    }

    private static Optional<String> explain(FuzzCases.Case c, Observation a, Observation b) {
        Map<String, Observation> m = new LinkedHashMap<>();
        m.put("sim", a);
        m.put("fw", b);
        return FuzzExplanations.explain(c, m);
    }

    @Test
    void onlyTheRemainingStorageOfAQueryIsExplained() {
        FuzzCases.Case q = query();
        int remaining = PAYLOAD + CommLayout.QUERY_REMAINING_STORAGE;
        assertEquals(Optional.of(FuzzExplanations.REMAINING_STORAGE), explain(q,
                answered(q.buffer(), "EFI_SUCCESS", 0, remaining, 0x3ff9c),
                answered(q.buffer(), "EFI_SUCCESS", 0, remaining, 0x3d340)));
        int maximum = PAYLOAD + CommLayout.QUERY_MAX_STORAGE;
        assertEquals(Optional.empty(), explain(q,
                answered(q.buffer(), "EFI_SUCCESS", 0, maximum, 0x40000),
                answered(q.buffer(), "EFI_SUCCESS", 0, maximum, 0x20000)), "the maximum storage must agree");
        assertEquals(Optional.empty(), explain(q,
                answered(q.buffer(), "EFI_SUCCESS", 0, remaining, 1),
                answered(q.buffer(), "EFI_SUCCESS", 0x8000000000000002L, remaining, 2)), "statuses must agree");
    }

    @Test
    void aWalkIsExplainedWhereItStartsOrMeetsAVariableNotTheRunsOwn() {
        byte[] start = SmmMessages.named(CommLayout.FN_GET_NEXT_VARIABLE_NAME, "", FuzzCases.VENDOR, 32, 32);
        FuzzCases.Case first = new FuzzCases.Case(0, "walk", start, start.length, MemoryType.RUNTIME_SERVICES_DATA);
        assertEquals(Optional.of(FuzzExplanations.FIRMWARE_VARIABLES), explain(first,
                answered(start, "EFI_SUCCESS", 0, PAYLOAD, 1), answered(start, "EFI_SUCCESS", 0, PAYLOAD, 2)));

        byte[] after = SmmMessages.named(CommLayout.FN_GET_NEXT_VARIABLE_NAME, "HilFuzz1", FuzzCases.VENDOR, 32, 32);
        FuzzCases.Case next = new FuzzCases.Case(1, "walk", after, after.length, MemoryType.RUNTIME_SERVICES_DATA);
        Observation own = answered(after, "EFI_SUCCESS", 0, PAYLOAD + CommLayout.NEXT_NAME, 0x48);
        Observation foreign = answered(after, "EFI_SUCCESS", 0, PAYLOAD, 0x8BE4DF61L);
        assertEquals(Optional.of(FuzzExplanations.FIRMWARE_VARIABLES), explain(next, own, foreign));
        Observation ownToo = answered(after, "EFI_SUCCESS", 0, PAYLOAD + CommLayout.NEXT_NAME, 0x49);
        assertEquals(Optional.empty(), explain(next, own, ownToo), "two of the run's own variables must agree");

        int nameSize = PAYLOAD + CommLayout.NEXT_NAME_SIZE;
        Observation longer = answered(after, "EFI_SUCCESS", 0x8000000000000005L, nameSize, 44);
        assertEquals(Optional.of(FuzzExplanations.FIRMWARE_VARIABLES), explain(next, own, longer),
                "the firmware's next name needs 44 bytes, which no name of the run does");
        Observation runsOwnLonger = answered(after, "EFI_SUCCESS", 0x8000000000000005L, nameSize, 38);
        assertEquals(Optional.empty(), explain(next, own, runsOwnLonger),
                "a NameSize of one of the run's own names must agree");
    }
}
