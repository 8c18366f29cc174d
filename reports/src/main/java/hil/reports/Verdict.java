package hil.reports;

/**
 * How a report counts a Cucumber status. PENDING and AMBIGUOUS are failures (the scenario did not run as
 * written); a status this module does not know is a failure too, so that nothing unexpected reads as a pass.
 */
enum Verdict {
    PASSED, FAILED, SKIPPED, UNDEFINED;

    static Verdict of(String status) {
        if (status == null) {
            return FAILED;
        }
        return switch (status) {
            case "PASSED" -> PASSED;
            case "SKIPPED" -> SKIPPED;
            case "UNDEFINED" -> UNDEFINED;
            default -> FAILED;
        };
    }
}
