package hil.reports;

/** Text made safe for the report formats: XML 1.0, HTML, file names. */
final class Text {

    private Text() {
    }

    /**
     * The text with every character XML 1.0 forbids (control characters from console transcripts, unpaired
     * surrogates) replaced by U+FFFD; {@code null} becomes the empty string.
     */
    static String xml(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> out.appendCodePoint(allowedInXml(c) ? c : 0xFFFD));
        return out.toString();
    }

    /** The text escaped for HTML element content and quoted attribute values. */
    static String html(String text) {
        String safe = xml(text);
        StringBuilder out = new StringBuilder(safe.length() + 16);
        for (int i = 0; i < safe.length(); i++) {
            char c = safe.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A target name as part of a file name: letters, digits, {@code . _ -} kept, anything else {@code _}. */
    static String fileName(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** The first non-empty line, trimmed. */
    static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        String stripped = text.strip();
        int end = stripped.indexOf('\n');
        return (end < 0 ? stripped : stripped.substring(0, end)).strip();
    }

    private static boolean allowedInXml(int c) {
        return c == 0x9 || c == 0xA || c == 0xD
                || (c >= 0x20 && c <= 0xD7FF)
                || (c >= 0xE000 && c <= 0xFFFD)
                || (c >= 0x10000 && c <= 0x10FFFF);
    }
}
