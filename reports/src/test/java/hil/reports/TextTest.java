package hil.reports;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TextTest {

    @Test
    @DisplayName("characters XML forbids are replaced, the rest kept")
    void xmlReplacesForbiddenCharacters() {
        assertEquals("a\uFFFDb\tc\n\uFFFD\uD83D\uDE00", Text.xml("a\u0001b\tc\n\uD800\uD83D\uDE00"));
    }

    @Test
    @DisplayName("HTML escaping covers markup, both quotes and ampersands")
    void htmlEscapes() {
        assertEquals("&lt;b a=&quot;1&quot; c=&#39;2&#39;&gt;x &amp; y&lt;/b&gt;",
                Text.html("<b a=\"1\" c='2'>x & y</b>"));
    }

    @Test
    @DisplayName("a target name becomes a safe file name")
    void fileName() {
        assertEquals("qemu-ovmf", Text.fileName("qemu-ovmf"));
        assertEquals("board_1_lab_a", Text.fileName("board 1/lab:a"));
    }

    @Test
    @DisplayName("the first line is the first non-empty one, trimmed")
    void firstLine() {
        assertEquals("first", Text.firstLine("\n  first  \nsecond"));
    }
}
