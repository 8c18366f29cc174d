package hil.simulator.flash;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** NOR semantics the variable store relies on (reference 4.3): program only clears bits, erase is per block. */
class NorFlashTest {

    private final NorFlash flash = new NorFlash(4 * 256, 256);

    @Test
    void aNewDeviceIsErased() {
        assertArrayEquals(filled(1024, 0xFF), flash.read(0, 1024));
    }

    @Test
    void programmingClearsBitsButNeverSetsThem() {
        flash.program(10, new byte[] {(byte) 0xF0});
        flash.program(10, new byte[] {(byte) 0x3C});

        assertEquals((byte) 0x30, flash.readByte(10), "0xF0 AND 0x3C");
    }

    @Test
    void stateTransitionsOfTheVariableHeaderOnlyClearBits() {
        flash.program(0, new byte[] {(byte) 0x3F});
        flash.program(0, new byte[] {(byte) (0x3F & 0xFE)});
        assertEquals((byte) 0x3E, flash.readByte(0));
        flash.program(0, new byte[] {(byte) (0x3E & 0xFD)});
        assertEquals((byte) 0x3C, flash.readByte(0));
    }

    @Test
    void eraseSetsEveryByteOfTheCoveredBlocksTo0xFFAndLeavesOthers() {
        flash.program(0, filled(1024, 0x00));

        flash.erase(256, 512);

        assertArrayEquals(filled(256, 0x00), flash.read(0, 256));
        assertArrayEquals(filled(512, 0xFF), flash.read(256, 512));
        assertArrayEquals(filled(256, 0x00), flash.read(768, 256));
    }

    @Test
    void eraseMustBeBlockAligned() {
        assertThrows(IllegalArgumentException.class, () -> flash.erase(10, 256));
        assertThrows(IllegalArgumentException.class, () -> flash.erase(0, 100));
    }

    @Test
    void wearCountsErasesPerBlockAndOperationsAreCounted() {
        flash.erase(0, 256);
        flash.erase(0, 512);
        flash.program(0, new byte[3]);

        assertEquals(2, flash.wear(0));
        assertEquals(1, flash.wear(1));
        assertEquals(0, flash.wear(2));
        assertEquals(3, flash.eraseOperations(), "one per block erased");
        assertEquals(1, flash.programOperations(), "one program call is one operation");
    }

    @Test
    void aPowerCutDuringAProgramKeepsTheBytesBeforeItAndTearsTheNextByteWithTheMask() {
        flash.program(0, new byte[] {0x11}); // operation 1
        flash.arm(PowerCut.during(2, 2, 0x0F));

        PowerLossException e = assertThrows(PowerLossException.class,
                () -> flash.program(100, new byte[] {0x00, 0x00, 0x00, 0x00}));

        assertEquals(2, e.operation());
        assertEquals(102, e.offset(), "first byte not fully programmed");
        assertArrayEquals(new byte[] {0x00, 0x00, (byte) 0xF0, (byte) 0xFF}, flash.read(100, 4),
                "two bytes programmed, the third got only its low nibble (mask 0x0F), the fourth none");
        assertFalse(flash.isPowered());
        assertFalse(flash.isArmed(), "a cut fires once");
    }

    @Test
    void theFlashRefusesAccessWhileThePowerIsOffUntilPowerOn() {
        flash.arm(PowerCut.after(1));
        assertThrows(PowerLossException.class, () -> flash.program(0, new byte[] {0x00}));
        assertEquals((byte) 0x00, flash.readByte(0), "a cut after the operation keeps all of it");

        assertThrows(IllegalStateException.class, () -> flash.program(1, new byte[] {0x00}));

        flash.powerOn();
        flash.program(1, new byte[] {0x00});
        assertEquals((byte) 0x00, flash.readByte(1));
    }

    @Test
    void aCutAimedAtTheNextLongWriteIgnoresShorterOnes() {
        flash.arm(PowerCut.halfwayThroughNextWriteOf(32));
        flash.program(0, new byte[] {0x00}); // a one-byte State write is not the target

        PowerLossException e = assertThrows(PowerLossException.class, () -> flash.program(64, new byte[40]));

        assertEquals(64 + 20, e.offset(), "halfway through the 40-byte write");
        assertEquals((byte) 0x00, flash.readByte(64 + 19));
        assertEquals((byte) 0xF0, flash.readByte(64 + 20), "torn byte keeps the default 0x0F mask's bits");
        assertEquals((byte) 0xFF, flash.readByte(64 + 21));
    }

    @Test
    @DisplayName("A cut during a block erase leaves that block half erased, earlier blocks erased and later ones untouched")
    void aCutDuringAnEraseLeavesTheBlockHalfErased() {
        flash.program(0, filled(1024, 0x00));
        flash.arm(PowerCut.duringErase(2));

        PowerLossException e = assertThrows(PowerLossException.class, () -> flash.erase(0, 768));

        assertEquals(2, e.operation(), "the second block erase");
        assertEquals(256 + 128, e.offset(), "first byte of the block not erased");
        assertArrayEquals(filled(256 + 128, 0xFF), flash.read(0, 384));
        assertArrayEquals(filled(128 + 512, 0x00), flash.read(384, 640));
        assertFalse(flash.isPowered());
        assertEquals(2, flash.eraseOperations());
    }

    @Test
    void anEraseCutIgnoresProgramOperationsAndAProgramCutIgnoresErases() {
        flash.arm(PowerCut.duringErase(1));
        flash.program(0, new byte[] {0x00});
        assertTrue(flash.isArmed());
        flash.arm(PowerCut.after(2));
        flash.erase(0, 256);

        assertTrue(flash.isArmed());
        assertThrows(PowerLossException.class, () -> flash.program(0, new byte[] {0x00}));
    }

    @Test
    void wearByBlockIsACopyOfTheEraseCountsPerBlock() {
        flash.erase(256, 512);
        long[] wear = flash.wearByBlock();
        wear[0] = 99;

        assertArrayEquals(new long[] {0, 1, 1, 0}, flash.wearByBlock());
    }

    @Test
    void accessOutsideTheDeviceIsRefused() {
        assertThrows(IndexOutOfBoundsException.class, () -> flash.read(1000, 100));
        assertThrows(IndexOutOfBoundsException.class, () -> flash.program(1023, new byte[2]));
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }
}
