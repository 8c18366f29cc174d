package hil.reports.compare;

import hil.reports.model.Observation;
import hil.reports.model.Observation.Keys;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * What is compared between targets, in one table.
 *
 * <p>Every observation contributes its <em>status</em>, and its <em>status class</em> when it carries a
 * {@value Observation.Keys#STATUS_CLASS} output (an OS phase through efivarfs sees errno, not the EFI status, and
 * classifies it; such an observation names the EFI status only when the errno leaves one). Each of the two is
 * compared among the targets that give it: a target with raw calls in the OS phase gives the exact status and no
 * class, one through efivarfs the class and perhaps no status, the simulator both. Which of its
 * outputs are compared depends on the operation, as {@link #RULES} lists: the firmware creates variables of its
 * own at boot (Boot####, Lang, ConOut, …) that a fresh simulator store lacks, so only variables the scenario
 * itself named ({@link Touched}) are compared where such variables would show up.
 *
 * <p>A call made through the UEFI Shell that failed has no EFI status, only the Shell's ({@value #SHELL_PREFIX}…
 * status classes, e.g. {@code shell-access-denied}): it stands for "some EFI error", so where one target's status is
 * such a class, statuses are compared as success or error ({@link #comparable}). An event a target's firmware
 * signalled by itself before the test could act ({@value Observation.Keys#ALREADY_SIGNALLED}) agrees with the same event
 * signalled successfully by another target.
 */
final class ComparisonRules {

    /** The compared field holding an observation's EFI status. */
    static final String STATUS = "status";
    /** The compared field holding a step's outcome: passed, failed, skipped or undefined. */
    static final String RESULT = "result";
    /** The compared field holding the operation of an observation (differs only when steps made other calls). */
    static final String OPERATION = "operation";
    /** The prefix of the status classes of calls made through the UEFI Shell. */
    static final String SHELL_PREFIX = "shell-";
    /** The Shell's own status number, an output of such calls; never compared (other targets have none). */
    static final String SHELL_STATUS = "shellStatus";
    /** What a status is compared as when the Shell hides which error it was. */
    static final String SOME_ERROR = "an EFI error";
    /** How a missing status (a platform event that returns none) is shown. */
    static final String NO_STATUS = "none";

    /** Which outputs of an observation are compared, and why. */
    record Rule(String operation, String compared, BiFunction<Map<String, String>, Touched, Map<String, String>> select) {
    }

    private static final String EVENT = "status only: targets describe their boots and events differently";

    /** The rules by operation; an operation not listed has every output compared. */
    static final List<Rule> RULES = List.of(
            new Rule("BootFresh", EVENT, ComparisonRules::none),
            new Rule("EndOfDxe", EVENT, ComparisonRules::none),
            new Rule("ReadyToBoot", EVENT, ComparisonRules::none),
            new Rule("ExitBootServices", EVENT, ComparisonRules::none),
            new Rule("SetVirtualAddressMap", EVENT, ComparisonRules::none),
            new Rule("ResetSystem", EVENT, ComparisonRules::none),
            new Rule("GetMemoryMap", "status, descriptorSize and descriptorVersion; not the key, the count or the"
                    + " descriptors (each platform has its own map)",
                    (outputs, touched) -> only(outputs, "descriptorSize", "descriptorVersion")),
            new Rule("ArmPowerLoss", EVENT, ComparisonRules::none),
            new Rule("QueryVariableInfo", "status, " + Keys.MAX_STORAGE + " and " + Keys.MAX_VARIABLE_SIZE + "; not "
                    + Keys.REMAINING_STORAGE + " (the firmware's own variables use space); after ExitBootServices only "
                    + Keys.MAX_STORAGE + " (an OS answers through statfs)",
                    (outputs, touched) -> only(outputs, Keys.MAX_STORAGE, Keys.MAX_VARIABLE_SIZE)),
            new Rule("ListVariables", "the end status and the entries of " + Keys.VARIABLES
                    + " for variables the scenario named; not " + Keys.COUNT,
                    ComparisonRules::touchedEntries),
            new Rule("Notifications", "the notify functions of the drivers the scenario named, in the order they ran;"
                    + " not the firmware's own drivers' (the simulator lists VariableSmmRuntimeDxe's, which real"
                    + " firmware cannot show a test) nor their count", ComparisonRules::touchedDrivers),
            new Rule("GetNextVariableName", "status and every output when the returned name is one the scenario"
                    + " named on some target; else — and always for the first name of a walk, which real firmware"
                    + " takes from its own variables — the status only", ComparisonRules::whenReturnedTouched));

    /** For operations without a rule. */
    static final String DEFAULT_COMPARED = "status and every output";

    private static final Map<String, Rule> BY_OPERATION = RULES.stream()
            .collect(Collectors.toUnmodifiableMap(Rule::operation, r -> r));

    private ComparisonRules() {
    }

    /**
     * The fields of one observation that are compared with the other targets', field name to canonical value,
     * status (or status class) first.
     */
    static Map<String, String> fields(Observation o, Touched touched) {
        Map<String, String> fields = new LinkedHashMap<>();
        String statusClass = o.outputs().get(Keys.STATUS_CLASS);
        if (statusClass != null && (statusClass.startsWith(SHELL_PREFIX) || statusClass.equals(Keys.ALREADY_SIGNALLED))) {
            // Compared with other targets' EFI statuses: see comparable().
            fields.put(STATUS, statusClass);
        } else if (statusClass != null) {
            // An OS-phase call seen as errno: its class is compared, and its EFI status too where it names one, with
            // the targets that observe statuses (raw calls, the simulator); see ScenarioComparer.compareCall.
            fields.put(Keys.STATUS_CLASS, statusClass);
            if (o.status() != null && o.status().startsWith("EFI_")) {
                fields.put(STATUS, o.status());
            }
        } else {
            fields.put(STATUS, o.status() == null ? NO_STATUS : o.status());
        }
        Map<String, String> outputs = new LinkedHashMap<>(o.outputs());
        outputs.remove(Keys.STATUS_CLASS);
        outputs.remove(SHELL_STATUS);
        Rule rule = BY_OPERATION.get(o.operation());
        if ("QueryVariableInfo".equals(o.operation()) && !"boot".equals(o.phase())) {
            // In the OS phase a target may answer through statfs, which reports the storage but no maximum
            // variable size: compare what every target can report.
            fields.putAll(only(outputs, Keys.MAX_STORAGE));
            return fields;
        }
        if ("GetNextVariableName".equals(o.operation()) && o.inputs().getOrDefault(Keys.NAME, "").isEmpty()) {
            // A walk's first name depends on what the firmware created at boot (volatile variables come first).
            return fields;
        }
        fields.putAll(rule == null ? outputs : rule.select().apply(outputs, touched));
        return fields;
    }

    /**
     * The values of one field as they are compared: unchanged, except statuses when some target's is a Shell
     * status class — then each status is compared only as success or {@value #SOME_ERROR} — or is
     * {@value Keys#ALREADY_SIGNALLED}: an event the firmware signalled itself agrees with one a target signalled
     * with EFI_SUCCESS (both platforms are past it), not with a refused signal.
     */
    static Map<String, String> comparable(String field, Map<String, String> values) {
        if (!STATUS.equals(field)) {
            return values;
        }
        if (values.values().stream().anyMatch(Keys.ALREADY_SIGNALLED::equals)) {
            Map<String, String> signalled = new LinkedHashMap<>();
            values.forEach((target, v) -> signalled.put(target, "EFI_SUCCESS".equals(v) ? Keys.ALREADY_SIGNALLED : v));
            return signalled;
        }
        if (values.values().stream().noneMatch(v -> v != null && v.startsWith(SHELL_PREFIX))) {
            return values;
        }
        Map<String, String> coarse = new LinkedHashMap<>();
        values.forEach((target, v) -> coarse.put(target, v == null || v.equals("EFI_SUCCESS") || v.equals(NO_STATUS)
                ? v : SOME_ERROR));
        return coarse;
    }

    /** A step's outcome as compared: only whether it passed, failed, was skipped or undefined. */
    static String outcome(String status) {
        if (status == null) {
            return "failed";
        }
        return switch (status) {
            case "PASSED" -> "passed";
            case "SKIPPED" -> "skipped";
            case "UNDEFINED" -> "undefined";
            default -> "failed";
        };
    }

    private static Map<String, String> none(Map<String, String> outputs, Touched touched) {
        return Map.of();
    }

    private static Map<String, String> only(Map<String, String> outputs, String... keys) {
        Map<String, String> kept = new LinkedHashMap<>();
        for (String key : keys) {
            if (outputs.containsKey(key)) {
                kept.put(key, outputs.get(key));
            }
        }
        return kept;
    }

    /** The list's entries the scenario named, in the order the target listed them. */
    private static Map<String, String> touchedEntries(Map<String, String> outputs, Touched touched) {
        String list = outputs.get(Keys.VARIABLES);
        if (list == null) {
            return Map.of();
        }
        String entries = list.lines()
                .filter(touched::containsListEntry)
                .map(line -> Touched.canonicalListEntry(line) + "\n")
                .collect(Collectors.joining());
        return Map.of(Keys.VARIABLES, entries);
    }

    /** The notifications lines ({@code driver group at TPL}) of the drivers the scenario named. */
    private static Map<String, String> touchedDrivers(Map<String, String> outputs, Touched touched) {
        Map<String, String> kept = new LinkedHashMap<>(outputs);
        kept.remove("count");
        String lines = outputs.get("notifications");
        if (lines != null) {
            kept.put("notifications", lines.lines()
                    .filter(line -> touched.containsDriver(line.split(" ", 2)[0]))
                    .collect(Collectors.joining("\n")));
        }
        return kept;
    }

    private static Map<String, String> whenReturnedTouched(Map<String, String> outputs, Touched touched) {
        return touched.contains(outputs.get(Keys.VENDOR), outputs.get(Keys.NAME)) ? outputs : Map.of();
    }
}
