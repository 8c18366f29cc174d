package hil.transports.console;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What an expect found in the cleaned transcript.
 *
 * @param pattern     the pattern that matched (with {@code expectAny}, which one)
 * @param text        the matched text (group 0)
 * @param groups      groups 0..n; an unmatched optional group is {@code null}
 * @param namedGroups named groups of the pattern that took part in the match
 * @param before      the text between the read mark and the match, e.g. a command's output before a prompt
 * @param start       position of the match in the cleaned transcript
 * @param end         position just after the match; the read mark is moved here
 */
public record Match(Pattern pattern, String text, List<String> groups, Map<String, String> namedGroups,
                    String before, int start, int end) {

    /** Group {@code index}; 0 is the whole match. */
    public String group(int index) {
        return groups.get(index);
    }

    /** A named group, or {@code null} if it did not take part. */
    public String group(String name) {
        if (!namedGroups.containsKey(name) && !Matching.groupNames(pattern).contains(name)) {
            throw new IllegalArgumentException("no group <" + name + "> in /" + pattern + "/");
        }
        return namedGroups.get(name);
    }
}
