package hil.simulator.store;

import hil.simulator.Machine;
import hil.simulator.Profile;
import hil.simulator.platform.SimulatedPlatform;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiStatus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bytes of an OVMF_VARS.fd image (reference 4.1, 4.8, 4.9) and of a committed record in it (worked example
 * 7.2). Expected bytes are written out from the reference, each field decoded in a comment.
 */
class VarsImageTest {

    private static String hex(String fixture) {
        return Bytes.hex(Bytes.fromHex(fixture.replaceAll("#[^\n]*", "")));
    }

    private static String hex(byte[] image, int offset, int length) {
        return Bytes.hex(image, offset, length);
    }

    private static void assertErased(byte[] image, int from, int to) {
        for (int i = from; i < to; i++) {
            if (image[i] != (byte) 0xFF) {
                throw new AssertionError(String.format("byte 0x%X is 0x%02X, expected erased 0xFF", i, image[i] & 0xFF));
            }
        }
    }

    private static final String STORE_HEADER_PREFIX = """
            78 2C F3 AA 7B 94 9A 43 A1 80 2E 14 4E C3 77 92   # Signature gEfiAuthenticatedVariableGuid
            """;

    private static final String WORKING_BLOCK_HEADER = """
            2B 29 58 9E 68 7C 7D 49 A0 CE 65 00 FD 9F 1B 95   # Signature gEdkiiWorkingBlockSignatureGuid
            2C AF 2C 64                                       # Crc 0x642CAF2C
            FE FF FF FF                                       # WorkingBlockValid cleared, Invalid set; Reserved3
            E0 0F 00 00 00 00 00 00                           # WriteQueueSize 0xFE0 = 0x1000 - 32
            """;

    @Test
    @DisplayName("A fresh 4 MB varstore has OVMF's FV header with checksum 0xB8AF, a 0x3FFB8-byte store at 0x48 and the FTW working block at 0x41000")
    void fresh4MbImage() {
        byte[] image = VarsImage.fresh(Profile.OVMF_4M);

        assertEquals(0x84000, image.length);
        assertEquals(hex("""
                00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00   # 0x00 ZeroVector
                8D 2B F1 FF 96 76 8B 4C A9 85 27 47 07 5B 4F 50   # 0x10 FileSystemGuid gEfiSystemNvDataFvGuid
                00 40 08 00 00 00 00 00                           # 0x20 FvLength 0x84000 (whole VARS)
                5F 46 56 48                                       # 0x28 Signature "_FVH"
                FF FE 04 00                                       # 0x2C Attributes 0x0004FEFF
                48 00                                             # 0x30 HeaderLength 0x48
                AF B8                                             # 0x32 Checksum 0xB8AF
                00 00                                             # 0x34 ExtHeaderOffset 0
                00                                                # 0x36 Reserved
                02                                                # 0x37 Revision 2
                84 00 00 00 00 10 00 00                           # 0x38 BlockMap: 0x84 blocks of 0x1000
                00 00 00 00 00 00 00 00                           # 0x40 BlockMap terminator
                """), hex(image, 0, 0x48));
        assertEquals(0, VarsImage.sum16(image, 0x48), "Sum16 over the FV header is 0");
        assertEquals(hex(STORE_HEADER_PREFIX + """
                B8 FF 03 00                                       # Size 0x3FFB8 = 0x40000 - 0x48
                5A                                                # Format VARIABLE_STORE_FORMATTED
                FE                                                # State VARIABLE_STORE_HEALTHY
                00 00                                             # Reserved
                00 00 00 00                                       # Reserved1
                """), hex(image, 0x48, 28));
        assertErased(image, 0x64, 0x41000); // first variable header slot at 0x64, event log, all erased
        assertEquals(hex(WORKING_BLOCK_HEADER), hex(image, 0x41000, 32));
        assertErased(image, 0x41020, 0x84000); // rest of the working block and the whole spare
    }

    @Test
    @DisplayName("A fresh 2 MB varstore has checksum 0xF919, a 0xDFB8-byte store at 0x48 and the FTW working block at 0xF000")
    void fresh2MbImage() {
        byte[] image = VarsImage.fresh(Profile.OVMF_2M);

        assertEquals(0x20000, image.length);
        assertEquals(hex("""
                00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00   # 0x00 ZeroVector
                8D 2B F1 FF 96 76 8B 4C A9 85 27 47 07 5B 4F 50   # 0x10 FileSystemGuid gEfiSystemNvDataFvGuid
                00 00 02 00 00 00 00 00                           # 0x20 FvLength 0x20000
                5F 46 56 48                                       # 0x28 Signature "_FVH"
                FF FE 04 00                                       # 0x2C Attributes 0x0004FEFF
                48 00                                             # 0x30 HeaderLength 0x48
                19 F9                                             # 0x32 Checksum 0xF919
                00 00 00 02                                       # 0x34 ExtHeaderOffset, Reserved, Revision 2
                20 00 00 00 00 10 00 00                           # 0x38 BlockMap: 0x20 blocks of 0x1000
                00 00 00 00 00 00 00 00                           # 0x40 terminator
                """), hex(image, 0, 0x48));
        assertEquals(hex(STORE_HEADER_PREFIX + """
                B8 DF 00 00                                       # Size 0xDFB8 = 0xE000 - 0x48
                5A FE 00 00 00 00 00 00                           # Format, State, reserved
                """), hex(image, 0x48, 28));
        assertErased(image, 0x64, 0xF000);
        assertEquals(hex(WORKING_BLOCK_HEADER), hex(image, 0xF000, 32));
        assertErased(image, 0xF020, 0x20000);
    }

    @Test
    @DisplayName("SetVariable(\"Test\", NV|BS|RT, 01 02 03 04) lands at 0x64 as the 74-byte record of worked example 7.2 with erased padding")
    void committedRecordOnFlash() {
        Machine machine = new Machine(new SimulatedPlatform(Profile.OVMF_4M.withBareStore()));

        assertEquals(EfiStatus.SUCCESS, machine.set("Test", Attributes.NV_BS_RT, (byte) 1, (byte) 2, (byte) 3, (byte) 4));

        byte[] flash = machine.platform().flash().snapshot();
        assertEquals(hex("""
                AA 55                                             # 0x00 StartId 0x55AA
                3F                                                # 0x02 State VAR_ADDED
                00                                                # 0x03 Reserved
                07 00 00 00                                       # 0x04 Attributes NV|BS|RT
                00 00 00 00 00 00 00 00                           # 0x08 MonotonicCount
                00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00   # 0x10 TimeStamp
                00 00 00 00                                       # 0x20 PubKeyIndex
                0A 00 00 00                                       # 0x24 NameSize 10
                04 00 00 00                                       # 0x28 DataSize 4
                78 56 34 12 34 12 78 56 9A BC DE F0 12 34 56 78   # 0x2C VendorGuid
                54 00 65 00 73 00 74 00 00 00                     # 0x3C Name "Test" + NUL
                01 02 03 04                                       # 0x46 Data
                FF FF                                             # 0x4A alignment padding, left erased
                """), hex(flash, 0x64, 0x4C));
        assertTrue(Arrays.equals(Machine.bytes(0x40000 - 0xB0, 0xFF), Arrays.copyOfRange(flash, 0xB0, 0x40000)),
                "the next record slot at 0x64 + 0x4C and everything after it stays erased");
    }
}
