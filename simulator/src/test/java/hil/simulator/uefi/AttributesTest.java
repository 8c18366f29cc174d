package hil.simulator.uefi;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AttributesTest {

    @Test
    void everyCombinationOfTheSevenBitsAndAnUnknownOneReadsBackAsWritten() {
        for (long a = 0; a < 0x100; a++) {
            String text = Attributes.format(a);
            assertEquals(a, Attributes.parse(text), text);
        }
        assertEquals(0x80000007L, Attributes.parse(Attributes.format(0x80000007L)));
    }

    @Test
    void tokensAreReadInAnyOrderWithSpaces() {
        assertEquals(Attributes.NV_BS_RT, Attributes.parse(" RT | NV|BS "));
    }

    @Test
    void anUnknownPartIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Attributes.parse("NV|XX"));
        assertEquals("not an attribute: 'XX' in 'NV|XX'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Attributes.parse("0xZZ"));
    }
}
