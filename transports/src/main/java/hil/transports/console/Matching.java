package hil.transports.console;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Regex plumbing for the expect engine: searching from the read mark and snapshotting a match. */
final class Matching {

    /** Java 17 cannot list a pattern's group names, so they are read from its source. */
    private static final Pattern GROUP_NAME = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");

    private Matching() {
    }

    /**
     * A matcher over {@code text} that searches from {@code from} on but, with transparent and non-anchoring
     * bounds, still sees the text before it: {@code (?m)^} at the mark only matches after a real line end.
     */
    static Matcher from(Pattern pattern, CharSequence text, int from) {
        Matcher matcher = pattern.matcher(text);
        matcher.region(from, text.length());
        matcher.useTransparentBounds(true);
        matcher.useAnchoringBounds(false);
        return matcher;
    }

    static Match snapshot(Pattern pattern, Matcher matcher, CharSequence text, int from) {
        List<String> groups = new ArrayList<>(matcher.groupCount() + 1);
        for (int i = 0; i <= matcher.groupCount(); i++) {
            groups.add(matcher.group(i));
        }
        Map<String, String> named = new LinkedHashMap<>();
        for (String name : groupNames(pattern)) {
            String value = matcher.group(name);
            if (value != null) {
                named.put(name, value);
            }
        }
        return new Match(pattern, matcher.group(), Collections.unmodifiableList(groups),
                Collections.unmodifiableMap(named), text.subSequence(from, matcher.start()).toString(),
                matcher.start(), matcher.end());
    }

    static Set<String> groupNames(Pattern pattern) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = GROUP_NAME.matcher(pattern.pattern());
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
