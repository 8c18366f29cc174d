package hil.reports.compare;

/** Scenario identities that hold between reports made in different checkouts of the same features. */
public final class ScenarioKeys {

    private static final String FEATURES = "/features/";

    private ScenarioKeys() {
    }

    /**
     * {@code features/variables/get.feature:12} for a feature under a {@code features/} directory, wherever the
     * checkout was; the URI and line otherwise.
     */
    public static String portable(String featureUri, int line) {
        int at = featureUri.lastIndexOf(FEATURES);
        String feature = at < 0 ? featureUri : featureUri.substring(at + 1);
        return feature + ":" + line;
    }
}
