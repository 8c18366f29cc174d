package hil.simulator.smm;

import hil.simulator.smm.VariablePolicyEntry.LockType;
import hil.simulator.smm.VariablePolicyEntry.VarState;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Optional;

import static hil.simulator.Machine.OTHER_VENDOR;
import static hil.simulator.Machine.VENDOR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** VARIABLE_POLICY_ENTRY bytes and the structure check of RegisterVariablePolicy (reference 5.5). */
class VariablePolicyEntryTest {

    private static Optional<VariablePolicyEntry> decode(byte[] b) {
        return VariablePolicyEntry.decode(b, 0, b.length);
    }

    @Test
    void theRequestToLockPolicyIsLaidOutByteForByte() {
        byte[] expected = Bytes.fromHex(""
                + "00000100"                          // Version 0x00010000
                + "3200"                              // Size 50 = 44 + StrSize("Ab")
                + "2c00"                              // OffsetToName 44
                + "78563412341278569abcdef012345678"  // Namespace 12345678-1234-5678-9ABC-DEF012345678
                + "00000000"                          // MinSize: none
                + "ffffffff"                          // MaxSize: none
                + "00000000" + "00000000"             // AttributesMustHave, AttributesCantHave
                + "01" + "000000"                     // LockPolicyType LOCK_NOW, padding
                + "410062000000");                    // L"Ab"

        assertArrayEquals(expected, VariablePolicyEntry.lockNow(VENDOR, "Ab").encode());
    }

    @Test
    @DisplayName("a LOCK_ON_VAR_STATE entry puts the 18-byte state policy and its name before the protected name")
    void aVarStateEntryPutsTheStatePolicyBeforeTheName() {
        VariablePolicyEntry e = VariablePolicyEntry.onVarState(VENDOR, "X", 1, 8, 0, 0,
                new VarState(OTHER_VENDOR, 0x5A, "S"));
        byte[] b = e.encode();

        assertEquals(44 + 18 + 4 + 4, b.length);
        assertEquals(b.length, Bytes.u16(b, 4), "Size");
        assertEquals(44 + 18 + 4, Bytes.u16(b, 6), "OffsetToName: just past the state name");
        assertEquals(3, b[40], "LOCK_ON_VAR_STATE");
        assertEquals(OTHER_VENDOR, EfiGuid.read(b, 44), "state Namespace");
        assertEquals(0x5A, b[60] & 0xFF, "state Value");
        assertArrayEquals(Bytes.fromHex("53000000" + "58000000"), Arrays.copyOfRange(b, 62, 70), "L\"S\" then L\"X\"");
    }

    @Test
    void everyLockTypeAndANamespaceOnlyEntryDecodeToWhatWasEncoded() {
        for (VariablePolicyEntry e : new VariablePolicyEntry[] {
                VariablePolicyEntry.basic(VENDOR, "Boot####", 4, 8, 0x7, 0x40, LockType.NO_LOCK),
                VariablePolicyEntry.lockNow(VENDOR, "L"),
                VariablePolicyEntry.basic(VENDOR, "C", 0, VariablePolicyEntry.NO_MAX_SIZE, 0, 0, LockType.LOCK_ON_CREATE),
                VariablePolicyEntry.onVarState(VENDOR, "V", 0, 1, 0, 0, new VarState(VENDOR, 1, "State")),
                VariablePolicyEntry.basic(VENDOR, null, 0, 16, 0, 0, LockType.LOCK_NOW)}) {
            assertEquals(Optional.of(e), decode(e.encode()), e.toString());
        }
    }

    @Test
    void aNamespaceOnlyEntryEndsAtItsName() {
        byte[] b = VariablePolicyEntry.basic(VENDOR, null, 0, 16, 0, 0, LockType.LOCK_NOW).encode();

        assertEquals(44, b.length);
        assertEquals(44, Bytes.u16(b, 6));
    }

    private static byte[] valid() {
        return VariablePolicyEntry.lockNow(VENDOR, "Ab").encode();
    }

    @Test
    void aWrongVersionIsMalformed() {
        byte[] b = valid();
        Bytes.put32(b, 0, 0x00020000);
        assertTrue(decode(b).isEmpty());
    }

    @ParameterizedTest(name = "Size {0}")
    @ValueSource(ints = {0, 43})
    void aSizeBelowTheFixedPartIsMalformed(int size) {
        byte[] b = valid();
        Bytes.put16(b, 4, size);
        assertTrue(decode(b).isEmpty());
    }

    @Test
    void aMaxSizeOfZeroIsMalformed() {
        byte[] b = valid();
        Bytes.put32(b, 28, 0);
        assertTrue(decode(b).isEmpty());
    }

    @Test
    void anUnknownLockTypeIsMalformed() {
        byte[] b = valid();
        b[40] = 4;
        assertTrue(decode(b).isEmpty());
    }

    @Test
    void anOffsetToNameOtherThan44IsMalformedForLockTypesWithoutAState() {
        byte[] b = valid();
        Bytes.put16(b, 6, 46);
        assertTrue(decode(b).isEmpty());
    }

    @Test
    void aNameWhoseNulIsNotTheLastChar16OfTheEntryIsMalformed() {
        byte[] longer = Arrays.copyOf(valid(), 52);
        Bytes.put16(longer, 4, 52);
        assertTrue(decode(longer).isEmpty(), "two bytes after the NUL");

        byte[] odd = Arrays.copyOf(valid(), 51);
        Bytes.put16(odd, 4, 51);
        assertTrue(decode(odd).isEmpty(), "an odd Size");

        byte[] unterminated = valid();
        Bytes.put16(unterminated, 48, 'c'); // the NUL becomes 'c'; the CHAR16 after the entry does not exist
        assertTrue(decode(unterminated).isEmpty());
    }

    @Test
    @DisplayName("255 wildcards are allowed, 256 are malformed")
    void atMost255WildcardsAreAllowed() {
        assertTrue(decode(VariablePolicyEntry.lockNow(VENDOR, "#".repeat(255)).encode()).isPresent());
        assertTrue(decode(VariablePolicyEntry.lockNow(VENDOR, "#".repeat(256)).encode()).isEmpty());
    }

    @Test
    void aVarStateEntryWhoseOffsetToNameMissesTheStateNameIsMalformed() {
        byte[] b = VariablePolicyEntry.onVarState(VENDOR, "X", 0, 1, 0, 0, new VarState(VENDOR, 1, "S")).encode();
        Bytes.put16(b, 6, 44);
        assertTrue(decode(b).isEmpty());
    }

    @Test
    void aVarStateEntryWithNoRoomForTheStateNameIsMalformed() {
        byte[] b = VariablePolicyEntry.onVarState(VENDOR, null, 0, 1, 0, 0, new VarState(VENDOR, 1, "")).encode();
        assertTrue(decode(b).isPresent(), "an empty state name still has its NUL inside the entry");

        byte[] cut = Arrays.copyOf(b, 62);
        Bytes.put16(cut, 4, 62);
        assertTrue(decode(cut).isEmpty());
    }

    @Test
    void anEntryThatDoesNotFitItsMemoryIsMalformed() {
        byte[] b = valid();
        assertTrue(VariablePolicyEntry.decode(b, 0, 43).isEmpty());
        assertTrue(VariablePolicyEntry.decode(b, 0, b.length - 1).isEmpty());
    }
}
