package hil.simulator.runtime;

import hil.simulator.platform.SimulatedPlatform;
import hil.simulator.Profile;
import hil.simulator.Machine;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import hil.simulator.uefi.Ucs2;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static hil.simulator.Machine.VENDOR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The DXE wrapper's own checks before any SMI and its handling of the reply (reference 1.9, 2.1, 2.6, 8.13, 8.14).
 * "No SMI was sent" shows as a CommSize of 0 on a freshly booted machine.
 */
class VariableRuntimeDxeTest {

    /** mVariableBufferPayloadSize of OVMF 4 MB. */
    private static final long P = 0x83F4;

    /** The reference's size tables are those of a build without TLS (payload 0x83F4). */
    private final Machine machine = new Machine(new SimulatedPlatform(Profile.OVMF_4M_NO_TLS.withBareStore()));

    private long lastCommSize() {
        return machine.dxe(VariableRuntimeDxe::lastCommSize);
    }

    private static byte[] name(String s) {
        return Ucs2.encode(s);
    }

    @Test
    void thePayloadSizeComesFromSmmAndTheBufferIsSizedForTheV1Header() {
        assertEquals(P, machine.dxe(VariableRuntimeDxe::payloadSize));
        assertEquals(0x841C, (int) machine.dxe(d -> d.commBuffer().length), "24 + 16 + 0x83F4 (reference 2.1 table)");
    }

    @Nested
    @DisplayName("GetVariable")
    class GetVariable {

        @Test
        void nullNameVendorOrDataSizeIsInvalidParameterWithoutAnSmi() {
            assertEquals(EfiStatus.INVALID_PARAMETER, machine.dxe(d -> d.getVariable(null, VENDOR, 8L, 0, true)).status());
            assertEquals(EfiStatus.INVALID_PARAMETER, machine.dxe(d -> d.getVariable(name("T"), null, 8L, 0, true)).status());
            assertEquals(EfiStatus.INVALID_PARAMETER, machine.dxe(d -> d.getVariable(name("T"), VENDOR, null, 0, true)).status());
            assertEquals(0, lastCommSize());
        }

        @Test
        void anEmptyNameIsNotFoundWithoutAnSmi() {
            assertEquals(EfiStatus.NOT_FOUND, machine.dxe(d -> d.getVariable(name(""), VENDOR, 8L, 0, true)).status());
            assertEquals(0, lastCommSize());
        }

        @Test
        void aNameLongerThanThePayloadAllowsIsInvalidParameterWithoutAnSmi() {
            byte[] longName = name("N".repeat((int) (P - 36) / 2)); // StrSize = P - 36 + 2

            assertEquals(EfiStatus.INVALID_PARAMETER, machine.dxe(d -> d.getVariable(longName, VENDOR, 8L, 0, true)).status());
            assertEquals(0, lastCommSize());
        }

        @Test
        void aDataSizeLargerThanTheBufferIsTrimmedNotRejected() {
            machine.set("T", Attributes.NV_BS_RT, (byte) 1);

            VariableRuntimeDxe.GetVariableResult r = machine.dxe(d -> d.getVariable(name("T"), VENDOR, -1L, 0, true));

            assertEquals(EfiStatus.SUCCESS, r.status());
            assertEquals(1L, r.dataSize());
            assertEquals(24 + 16 + P, lastCommSize(), "payload = 36 + 4 + (P − 36 − 4)");
        }

        @Test
        @DisplayName("With Data NULL and a large enough DataSize: INVALID_PARAMETER, but DataSize and Attributes are updated")
        void dataNullWithLargeDataSizeStillUpdatesSizeAndAttributes() {
            machine.set("T", Attributes.NV_BS, new byte[10]);

            VariableRuntimeDxe.GetVariableResult r = machine.dxe(d -> d.getVariable(name("T"), VENDOR, 100L, 0, false));

            assertEquals(new VariableRuntimeDxe.GetVariableResult(EfiStatus.INVALID_PARAMETER, 10L, Attributes.NV_BS, null), r);
        }

        @Test
        void notFoundEchoesTheCallersAttributesAndLeavesDataSize() {
            VariableRuntimeDxe.GetVariableResult r = machine.dxe(d -> d.getVariable(name("Missing"), VENDOR, 8L, 0x1234, true));

            assertEquals(new VariableRuntimeDxe.GetVariableResult(EfiStatus.NOT_FOUND, 8L, 0x1234, null), r);
        }

        @Test
        void withoutAnAttributesPointerNoAttributesComeBack() {
            machine.set("T", Attributes.NV_BS_RT, (byte) 1);

            VariableRuntimeDxe.GetVariableResult r = machine.dxe(d -> d.getVariable(name("T"), VENDOR, 8L, null, true));

            assertEquals(EfiStatus.SUCCESS, r.status());
            assertNull(r.attributes());
        }
    }

    @Nested
    @DisplayName("GetNextVariableName")
    class GetNext {

        @Test
        void nullPointersAreInvalidParameter() {
            assertEquals(EfiStatus.INVALID_PARAMETER, machine.dxe(d -> d.getNextVariableName(null, new byte[2], VENDOR)).status());
            assertEquals(EfiStatus.INVALID_PARAMETER, machine.dxe(d -> d.getNextVariableName(2L, null, VENDOR)).status());
            assertEquals(EfiStatus.INVALID_PARAMETER, machine.dxe(d -> d.getNextVariableName(2L, new byte[2], null)).status());
            assertEquals(0, lastCommSize());
        }

        @Test
        void aSizeBelowOneChar16IsInvalidParameter() {
            assertEquals(EfiStatus.INVALID_PARAMETER, machine.dxe(d -> d.getNextVariableName(1L, new byte[2], VENDOR)).status());
            assertEquals(0, lastCommSize());
        }

        @Test
        void noNulWithinVariableNameSizeIsInvalidParameter() {
            byte[] buffer = {'A', 0, 'B', 0, 0, 0};

            assertEquals(EfiStatus.INVALID_PARAMETER, machine.dxe(d -> d.getNextVariableName(4L, buffer, VENDOR)).status());
            assertEquals(0, lastCommSize());
        }

        @Test
        void anInputNameLongerThanThePayloadAllowsIsInvalidParameter() {
            byte[] longName = name("N".repeat((int) (P - 24) / 2));

            assertEquals(EfiStatus.INVALID_PARAMETER,
                    machine.dxe(d -> d.getNextVariableName((long) longName.length, longName, VENDOR)).status());
            assertEquals(0, lastCommSize());
        }

        @Test
        void theOutputCapacityIsTrimmedToThePayload() {
            machine.set("T", Attributes.NV_BS_RT, (byte) 1);

            VariableRuntimeDxe.NextNameResult r = machine.dxe(d -> d.getNextVariableName(1L << 40, new byte[2], EfiGuid.ZERO));

            assertEquals(EfiStatus.SUCCESS, r.status());
            assertEquals(24 + 16 + P, lastCommSize());
        }

        @Test
        void bufferTooSmallLeavesTheNameAndGuidUntouchedAndGivesTheRequiredSize() {
            machine.set("Longer", Attributes.NV_BS_RT, (byte) 1);
            byte[] buffer = new byte[4];
            byte[] before = buffer.clone();

            VariableRuntimeDxe.NextNameResult r = machine.dxe(d -> d.getNextVariableName(4L, buffer, EfiGuid.ZERO));

            assertEquals(new VariableRuntimeDxe.NextNameResult(EfiStatus.BUFFER_TOO_SMALL, 14L, null, null), r);
            assertArrayEquals(before, buffer);
        }

        @Test
        void successCopiesOutExactlyNameSizeBytes() {
            machine.set("T", Attributes.NV_BS_RT, (byte) 1);

            VariableRuntimeDxe.NextNameResult r = machine.dxe(d -> d.getNextVariableName(64L, new byte[64], EfiGuid.ZERO));

            assertArrayEquals(name("T"), r.name());
            assertEquals(4L, r.nameSize());
        }
    }

    @Nested
    @DisplayName("SetVariable")
    class SetVariable {

        @Test
        void nullOrEmptyNameOrNullVendorIsInvalidParameterWithoutAnSmi() {
            assertEquals(EfiStatus.INVALID_PARAMETER, machine.dxe(d -> d.setVariable(null, VENDOR, 7, 0, null)));
            assertEquals(EfiStatus.INVALID_PARAMETER, machine.dxe(d -> d.setVariable(name(""), VENDOR, 7, 0, null)));
            assertEquals(EfiStatus.INVALID_PARAMETER, machine.dxe(d -> d.setVariable(name("T"), null, 7, 0, null)));
            assertEquals(0, lastCommSize());
        }

        @Test
        void aDataSizeWithoutDataIsInvalidParameterWithoutAnSmi() {
            assertEquals(EfiStatus.INVALID_PARAMETER, machine.dxe(d -> d.setVariable(name("T"), VENDOR, 7, 4, null)));
            assertEquals(0, lastCommSize());
        }

        @Test
        @DisplayName("name + data of 33745 bytes is rejected by DXE before any SMI")
        void aboveTheDxeLimitNoSmiIsSent() {
            byte[] data = new byte[33745 - 4];

            assertEquals(EfiStatus.INVALID_PARAMETER, machine.dxe(d -> d.setVariable(name("V"), VENDOR, 7, data.length, data)));
            assertEquals(0, lastCommSize());
        }

        @Test
        @DisplayName("name + data of 33744 bytes passes DXE (a full 0x841C-byte SMI) and fails in SMM, also INVALID_PARAMETER")
        void inTheTwelveByteGapTheSmiIsSentAndSmmRejectsIt() {
            byte[] data = new byte[33744 - 4];

            assertEquals(EfiStatus.INVALID_PARAMETER, machine.dxe(d -> d.setVariable(name("V"), VENDOR, 7, data.length, data)));
            assertEquals(0x841C, lastCommSize());
            assertEquals(EfiStatus.INVALID_PARAMETER.value(), Bytes.u64(machine.dxe(VariableRuntimeDxe::commBuffer), 32),
                    "the status was written by SMM into ReturnStatus");
            assertNull(machine.value("V"));
        }

        @Test
        void theSmmLimitItselfIsAccepted() {
            byte[] data = new byte[33732 - 4];

            assertEquals(EfiStatus.SUCCESS, machine.dxe(d -> d.setVariable(name("V"), VENDOR, 7, data.length, data)));
            assertArrayEquals(data, machine.value("V"));
        }
    }

    @Nested
    @DisplayName("QueryVariableInfo and RequestToLock")
    class QueryAndLock {

        @Test
        void missingOutputPointersOrZeroAttributesAreInvalidParameterWithoutAnSmi() {
            assertEquals(EfiStatus.INVALID_PARAMETER, machine.dxe(d -> d.queryVariableInfo(7, false)).status());
            assertEquals(EfiStatus.INVALID_PARAMETER, machine.dxe(d -> d.queryVariableInfo(0, true)).status());
            assertEquals(0, lastCommSize());
        }

        @Test
        void requestToLockWithAnEmptyNameIsInvalidParameter() {
            assertEquals(EfiStatus.INVALID_PARAMETER, machine.dxe(d -> d.requestToLock(name(""), VENDOR)));
            assertEquals(0, lastCommSize());
        }

        @Test
        void requestToLockAfterEndOfDxeIsAccessDenied() {
            machine.platform().signalEndOfDxe();

            assertEquals(EfiStatus.ACCESS_DENIED, machine.dxe(d -> d.requestToLock(name("T"), VENDOR)));
        }
    }

    @Test
    void everyMessageZeroFillsTheBufferFirst() {
        machine.set("A-long-name", Attributes.NV_BS_RT, Machine.bytes(40, 0x77));

        machine.query(Attributes.NV_BS_RT);

        byte[] buffer = machine.dxe(VariableRuntimeDxe::commBuffer);
        byte[] afterQuery = Arrays.copyOfRange(buffer, 24 + 16 + 32, buffer.length);
        assertArrayEquals(new byte[afterQuery.length], afterQuery, "nothing of the earlier SetVariable is left");
    }
}
