package hil.reports.compare;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Differences a scenario declares with {@code @differs:<target>} or {@code @differs:<target>:<reason-in-dashes>}:
 * the named target is known to behave differently in this scenario. Its divergences are shown and kept in
 * {@code comparison.json}, marked expected with the reason, and not counted. A tag on the feature applies to
 * every scenario of it, as Cucumber passes feature tags down.
 */
final class ExpectedDifferences {

    static final String TAG = "@differs:";

    /** Target → reason, in tag order. */
    private final Map<String, String> reasons;

    private ExpectedDifferences(Map<String, String> reasons) {
        this.reasons = reasons;
    }

    static ExpectedDifferences from(Collection<String> tags) {
        Map<String, String> reasons = new LinkedHashMap<>();
        for (String tag : tags) {
            if (!tag.startsWith(TAG) || tag.length() == TAG.length()) {
                continue;
            }
            String rest = tag.substring(TAG.length());
            int colon = rest.indexOf(':');
            String target = colon < 0 ? rest : rest.substring(0, colon);
            String reason = colon < 0 || colon == rest.length() - 1
                    ? "marked " + TAG + target
                    : rest.substring(colon + 1).replace('-', ' ');
            reasons.putIfAbsent(target, reason);
        }
        return new ExpectedDifferences(reasons);
    }

    /** The reason a target differs, or {@code null} if the scenario does not expect it to. */
    String reason(String target) {
        return reasons.get(target);
    }

    Set<String> targets() {
        return reasons.keySet();
    }
}
