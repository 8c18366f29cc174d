package hil.simulator.runtime;

import hil.simulator.Machine;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import hil.simulator.uefi.Ucs2;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static hil.simulator.Machine.VENDOR;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Golden communicate buffers (MM Communicate v1/v2 header, 24 bytes) as the runtime DXE wrapper fills them, taken
 * from the reference (sections 1.2, 1.4, 1.6, 1.7 and the worked example 7.1), not from the implementation. Each
 * buffer is compared after the SMI, so it also shows what SMM wrote back.
 */
class CommBufferGoldenTest {

    private static final byte[] DATA = {1, 2, 3, 4};

    private final Machine machine = new Machine();

    /** The first {@code lastCommSize()} bytes of the communicate buffer after a call. */
    private byte[] sent(VariableRuntimeDxe dxe) {
        return Arrays.copyOf(dxe.commBuffer(), (int) dxe.lastCommSize());
    }

    private static String hex(byte[] b) {
        return Bytes.hex(b);
    }

    private static String hex(String fixture) {
        return Bytes.hex(Bytes.fromHex(fixture));
    }

    @Test
    @DisplayName("SetVariable(\"Test\", NV|BS|RT, 01 02 03 04) sends the 90-byte buffer of worked example 7.1")
    void setVariableBufferMatchesWorkedExample() {
        byte[][] captured = new byte[1][];
        long[] commSize = new long[1];
        EfiStatus status = machine.dxe(d -> {
            EfiStatus s = d.setVariable(Ucs2.encode("Test"), VENDOR, Attributes.NV_BS_RT, 4, DATA);
            captured[0] = sent(d);
            commSize[0] = d.lastCommSize();
            return s;
        });

        assertEquals(EfiStatus.SUCCESS, status);
        assertEquals(90, commSize[0], "CommSize = 24 + 16 + 50");
        assertEquals(hex("""
                33 D5 32 ED E6 99 09 42 9C C0 2D 72 CD D9 98 A7   # 0x00 HeaderGuid gEfiSmmVariableProtocolGuid
                42 00 00 00 00 00 00 00                           # 0x10 MessageLength 66 = 16 + payload 50
                03 00 00 00 00 00 00 00                           # 0x18 Function 3 SET_VARIABLE
                00 00 00 00 00 00 00 00                           # 0x20 ReturnStatus EFI_SUCCESS
                78 56 34 12 34 12 78 56 9A BC DE F0 12 34 56 78   # 0x28 Guid 12345678-1234-5678-9ABC-DEF012345678
                04 00 00 00 00 00 00 00                           # 0x38 DataSize 4
                0A 00 00 00 00 00 00 00                           # 0x40 NameSize 10
                07 00 00 00                                       # 0x48 Attributes NV|BS|RT
                54 00 65 00 73 00 74 00 00 00                     # 0x4C Name "Test" + NUL
                01 02 03 04                                       # 0x56 Data
                """.replaceAll("#[^\n]*", "")), hex(captured[0]));
    }

    @Test
    @DisplayName("GetVariable of a missing variable sends DataSize, NameSize and Attributes at 0x38/0x40/0x48 and gets them back unchanged with EFI_NOT_FOUND")
    void getVariableRequestBuffer() {
        byte[][] captured = new byte[1][];
        VariableRuntimeDxe.GetVariableResult r = machine.dxe(d -> {
            VariableRuntimeDxe.GetVariableResult g = d.getVariable(Ucs2.encode("Test"), VENDOR, 8L, 0, true);
            captured[0] = sent(d);
            return g;
        });

        assertEquals(EfiStatus.NOT_FOUND, r.status());
        assertEquals(hex("""
                33 D5 32 ED E6 99 09 42 9C C0 2D 72 CD D9 98 A7   # 0x00 HeaderGuid
                46 00 00 00 00 00 00 00                           # 0x10 MessageLength 70 = 16 + 36 + 10 + 8
                01 00 00 00 00 00 00 00                           # 0x18 Function 1 GET_VARIABLE
                0E 00 00 00 00 00 00 80                           # 0x20 ReturnStatus EFI_NOT_FOUND
                78 56 34 12 34 12 78 56 9A BC DE F0 12 34 56 78   # 0x28 Guid
                08 00 00 00 00 00 00 00                           # 0x38 DataSize 8 (capacity)
                0A 00 00 00 00 00 00 00                           # 0x40 NameSize 10
                00 00 00 00                                       # 0x48 Attributes (the caller's *Attributes)
                54 00 65 00 73 00 74 00 00 00                     # 0x4C Name "Test" + NUL
                00 00 00 00 00 00 00 00                           # 0x56 data area, zero-filled by DXE
                """.replaceAll("#[^\n]*", "")), hex(captured[0]));
    }

    @Test
    @DisplayName("GetVariable of an existing variable reads DataSize, Attributes and the data back from the payload SMM copied back")
    void getVariableReplyBuffer() {
        machine.set("Test", Attributes.NV_BS_RT, DATA);
        byte[][] captured = new byte[1][];
        VariableRuntimeDxe.GetVariableResult r = machine.dxe(d -> {
            VariableRuntimeDxe.GetVariableResult g = d.getVariable(Ucs2.encode("Test"), VENDOR, 8L, 0, true);
            captured[0] = sent(d);
            return g;
        });

        assertEquals(EfiStatus.SUCCESS, r.status());
        assertEquals(4L, r.dataSize());
        assertEquals(Attributes.NV_BS_RT, r.attributes());
        assertEquals(hex("01020304"), hex(r.data()));
        assertEquals(hex("""
                33 D5 32 ED E6 99 09 42 9C C0 2D 72 CD D9 98 A7   # 0x00 HeaderGuid
                46 00 00 00 00 00 00 00                           # 0x10 MessageLength 70
                01 00 00 00 00 00 00 00                           # 0x18 Function 1 GET_VARIABLE
                00 00 00 00 00 00 00 00                           # 0x20 ReturnStatus EFI_SUCCESS
                78 56 34 12 34 12 78 56 9A BC DE F0 12 34 56 78   # 0x28 Guid
                04 00 00 00 00 00 00 00                           # 0x38 DataSize 4 (actual size)
                0A 00 00 00 00 00 00 00                           # 0x40 NameSize 10
                07 00 00 00                                       # 0x48 Attributes NV|BS|RT
                54 00 65 00 73 00 74 00 00 00                     # 0x4C Name
                01 02 03 04 00 00 00 00                           # 0x56 data, then the rest of the capacity
                """.replaceAll("#[^\n]*", "")), hex(captured[0]));
    }

    @Test
    @DisplayName("GetNextVariableName from \"\" with a 2-byte buffer sends NameSize 2 and gets BUFFER_TOO_SMALL with the required size")
    void getNextVariableNameTooSmallBuffer() {
        machine.set("Test", Attributes.NV_BS_RT, DATA);
        byte[][] captured = new byte[1][];
        long[] commSize = new long[1];
        VariableRuntimeDxe.NextNameResult r = machine.dxe(d -> {
            VariableRuntimeDxe.NextNameResult n = d.getNextVariableName(2L, new byte[2], EfiGuid.ZERO);
            captured[0] = sent(d);
            commSize[0] = d.lastCommSize();
            return n;
        });

        assertEquals(EfiStatus.BUFFER_TOO_SMALL, r.status());
        assertEquals(10L, r.nameSize());
        assertEquals(66, commSize[0], "CommSize = 24 + 16 + 24 + 2");
        assertEquals(hex("""
                33 D5 32 ED E6 99 09 42 9C C0 2D 72 CD D9 98 A7   # 0x00 HeaderGuid
                2A 00 00 00 00 00 00 00                           # 0x10 MessageLength 42 = 16 + 24 + 2
                02 00 00 00 00 00 00 00                           # 0x18 Function 2 GET_NEXT_VARIABLE_NAME
                05 00 00 00 00 00 00 80                           # 0x20 ReturnStatus EFI_BUFFER_TOO_SMALL
                00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00   # 0x28 Guid (input, not modified)
                0A 00 00 00 00 00 00 00                           # 0x38 NameSize 10 (required)
                00 00                                             # 0x40 Name "" (not modified)
                """.replaceAll("#[^\n]*", "")), hex(captured[0]));
    }

    @Test
    @DisplayName("GetNextVariableName from \"\" with a 20-byte buffer gets the first name, its GUID and NameSize back")
    void getNextVariableNameReplyBuffer() {
        machine.set("Test", Attributes.NV_BS_RT, DATA);
        byte[][] captured = new byte[1][];
        VariableRuntimeDxe.NextNameResult r = machine.dxe(d -> {
            VariableRuntimeDxe.NextNameResult n = d.getNextVariableName(20L, new byte[20], EfiGuid.ZERO);
            captured[0] = sent(d);
            return n;
        });

        assertEquals(EfiStatus.SUCCESS, r.status());
        assertEquals(VENDOR, r.vendor());
        assertEquals(hex("""
                33 D5 32 ED E6 99 09 42 9C C0 2D 72 CD D9 98 A7   # 0x00 HeaderGuid
                3C 00 00 00 00 00 00 00                           # 0x10 MessageLength 60 = 16 + 24 + 20
                02 00 00 00 00 00 00 00                           # 0x18 Function 2
                00 00 00 00 00 00 00 00                           # 0x20 ReturnStatus EFI_SUCCESS
                78 56 34 12 34 12 78 56 9A BC DE F0 12 34 56 78   # 0x28 Guid of the next variable
                0A 00 00 00 00 00 00 00                           # 0x38 NameSize 10
                54 00 65 00 73 00 74 00 00 00                     # 0x40 Name "Test" + NUL
                00 00 00 00 00 00 00 00 00 00                     # 0x4A rest of the 20-byte name area
                """.replaceAll("#[^\n]*", "")), hex(captured[0]));
    }

    @Test
    @DisplayName("QueryVariableInfo(NV|BS|RT) on a fresh 4 MB store sends Attributes at payload +24 and reads the three sizes at +0/+8/+16")
    void queryVariableInfoBuffer() {
        byte[][] captured = new byte[1][];
        long[] commSize = new long[1];
        VariableRuntimeDxe.QueryResult r = machine.dxe(d -> {
            VariableRuntimeDxe.QueryResult q = d.queryVariableInfo(Attributes.NV_BS_RT, true);
            captured[0] = sent(d);
            commSize[0] = d.lastCommSize();
            return q;
        });

        assertEquals(EfiStatus.SUCCESS, r.status());
        assertEquals(72, commSize[0], "CommSize = 24 + 16 + 32");
        assertEquals(hex("""
                33 D5 32 ED E6 99 09 42 9C C0 2D 72 CD D9 98 A7   # 0x00 HeaderGuid
                30 00 00 00 00 00 00 00                           # 0x10 MessageLength 48 = 16 + 32
                04 00 00 00 00 00 00 00                           # 0x18 Function 4 QUERY_VARIABLE_INFO
                00 00 00 00 00 00 00 00                           # 0x20 ReturnStatus EFI_SUCCESS
                9C FF 03 00 00 00 00 00                           # 0x28 MaximumVariableStorageSize 0x3FF9C = 262044
                9C FF 03 00 00 00 00 00                           # 0x30 RemainingVariableStorageSize (empty store)
                C4 83 00 00 00 00 00 00                           # 0x38 MaximumVariableSize 0x83C4 = 33732
                07 00 00 00                                       # 0x40 Attributes NV|BS|RT
                00 00 00 00                                       # 0x44 padding
                """.replaceAll("#[^\n]*", "")), hex(captured[0]));
    }
}
