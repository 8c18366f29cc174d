package hil.simulator.runtime;

import hil.simulator.Machine;
import hil.simulator.Profile;
import hil.simulator.platform.SimulatedPlatform;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiStatus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** QueryVariableInfo at boot time through gRT (reference 3.6 and the OVMF numbers of 4.9). */
class QueryVariableInfoRulesTest {

    private final Machine machine = new Machine();

    private static VariableRuntimeDxe.QueryResult ok(long max, long remaining, long maxVar) {
        return new VariableRuntimeDxe.QueryResult(EfiStatus.SUCCESS, max, remaining, maxVar);
    }

    @Test
    @DisplayName("A fresh 4 MB store reports 262044 bytes of storage, all remaining, and 33732 as the largest variable")
    void fresh4MbNonVolatileNumbers() {
        assertEquals(ok(262044, 262044, 33732), machine.query(Attributes.NV_BS_RT));
    }

    @Test
    @DisplayName("Debian's 4 MB build (TLS) reports a 512 KiB volatile store and 262084 per volatile variable, as the real firmware does")
    void fresh4MbVolatileNumbers() {
        assertEquals(ok(524260, 524260, 262084), machine.query(Attributes.BS_RT));
    }

    @Test
    @DisplayName("A 4 MB build without TLS reports a volatile store of 0x3FFE4 bytes and 33732 per variable")
    void fresh4MbVolatileNumbersWithoutTls() {
        Machine noTls = new Machine(new SimulatedPlatform(Profile.OVMF_4M_NO_TLS.withBareStore()));
        assertEquals(ok(0x3FFE4, 0x3FFE4, 33732), noTls.query(Attributes.BS_RT));
        assertEquals(ok(262044, 262044, 33732), noTls.query(Attributes.NV_BS_RT));
    }

    @Test
    @DisplayName("A fresh 2 MB store reports 57244 bytes, 8132 per variable, 10180 for time-based authenticated ones, 0xDFE4 volatile")
    void fresh2MbNumbers() {
        // ovmf-2m has no measured platform data, so its bare store still holds what AuthVariableLib writes at start:
        // NV CustomMode (60 + 22 + 1 → 84), certdb (60 + 14 + 4 → 80), VendorKeysNv (60 + 26 + 1 → 88) = 252;
        // volatile SetupMode (60 + 20 + 1 → 84), SignatureSupport (60 + 34 + 64 → 160), SecureBoot (60 + 22 + 1 → 84),
        // certdbv (60 + 16 + 4 → 80), VendorKeys (60 + 22 + 1 → 84) = 492 (records 4-byte aligned).
        Machine small = new Machine(new SimulatedPlatform(Profile.OVMF_2M.withBareStore()));

        assertEquals(ok(57244, 57244 - 252, 8132), small.query(Attributes.NV_BS_RT));
        assertEquals(ok(57244, 57244 - 252, 10180), small.query(Attributes.NV_BS_RT | Attributes.AT));
        assertEquals(ok(0xDFE4, 0xDFE4 - 492, 8132), small.query(Attributes.BS_RT));
    }

    @ParameterizedTest(name = "attributes 0x{0} -> {1}")
    @CsvSource({
            "17, UNSUPPORTED",       // AW, checked first among the attribute tests
            "10, UNSUPPORTED",       // AW alone
            "80, UNSUPPORTED",       // only reserved bits
            "01, INVALID_PARAMETER", // NV alone
            "04, INVALID_PARAMETER", // RT without BS
            "05, INVALID_PARAMETER", // NV|RT: RT without BS
            "0A, INVALID_PARAMETER", // HR without NV
            "0F, UNSUPPORTED",       // HR with NV, but no HwErr storage
    })
    void attributeChecksInOrder(String hexAttributes, EfiStatus expected) {
        assertEquals(expected, machine.query(Integer.parseInt(hexAttributes, 16)).status());
    }

    /**
     * EDK II tests the attributes in one else-if chain, where the AT|AW branch comes before the hardware-error one:
     * with AT the missing hardware-error store is not noticed, and VariableServiceQueryVariableInfoInternal reports
     * PcdHwErrStorageSize (0) as the storage, 0 - 0 remaining and so no room for a variable.
     */
    @Test
    void hardwareErrorWithAuthenticatedWriteIsAnsweredFromAnEmptyHardwareErrorStore() {
        assertEquals(ok(0, 0, 0), machine.query(Attributes.NV | Attributes.BS | Attributes.HR | Attributes.AT));
        assertEquals(EfiStatus.INVALID_PARAMETER, machine.query(Attributes.BS | Attributes.HR | Attributes.AT).status());
    }

    @Test
    void reservedBitsAlongsideValidOnesAreNotRejected() {
        assertEquals(EfiStatus.SUCCESS, machine.query(0x87).status());
    }

    @Test
    void atBootTimeRemainingCountsOnlyLiveRecords() {
        machine.set("A", Attributes.NV_BS_RT, new byte[100]); // 60 + 4 + 100 = 164
        machine.set("B", Attributes.NV_BS_RT, new byte[101]); // 165 -> 168
        machine.set("A", Attributes.NV_BS_RT, new byte[99]); // old A dead; new 163 -> 164
        machine.set("B", Attributes.NV_BS_RT); // B dead

        assertEquals(262044 - 164, machine.query(Attributes.NV_BS_RT).remainingVariableStorageSize());
    }

    @Test
    void theMaximumVariableSizeIsCappedByWhatRemainsMinusOneHeader() {
        for (int i = 0; i < 7; i++) {
            assertEquals(EfiStatus.SUCCESS, machine.set("F" + i, Attributes.NV_BS_RT, new byte[33732 - 6])); // 33792 each
        }
        assertEquals(EfiStatus.SUCCESS, machine.set("F7", Attributes.NV_BS_RT, new byte[24500 - 60 - 6]));

        assertEquals(ok(262044, 1000, 940), machine.query(Attributes.NV_BS_RT));
    }
}
