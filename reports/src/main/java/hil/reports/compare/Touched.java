package hil.reports.compare;

import hil.reports.model.Observation;
import hil.reports.model.ScenarioResult;
import hil.reports.model.StepResult;

import java.util.Collection;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The variables a scenario touched: every name and vendor that any call of the scenario named in its inputs, on
 * any of the compared targets; likewise the test drivers it named. Only these are compared where a firmware's own variables would otherwise show up
 * (variable lists, GetNextVariableName).
 */
final class Touched {

    /** The input key naming a test driver (the runtime-driver model's). */
    static final String DRIVER = "driver";

    private final Set<String> variables;
    private final Set<String> drivers;

    private Touched(Set<String> variables, Set<String> drivers) {
        this.variables = Set.copyOf(variables);
        this.drivers = Set.copyOf(drivers);
    }

    static Touched by(Collection<ScenarioResult> results) {
        Set<String> variables = new HashSet<>();
        Set<String> drivers = new HashSet<>();
        for (ScenarioResult result : results) {
            for (StepResult step : result.steps()) {
                for (Observation o : step.observations()) {
                    String name = o.inputs().get(Observation.Keys.NAME);
                    String vendor = o.inputs().get(Observation.Keys.VENDOR);
                    // The empty name starts a walk; it names no variable.
                    if (name != null && !name.isEmpty() && vendor != null) {
                        variables.add(key(vendor, name));
                    }
                    String driver = o.inputs().get(DRIVER);
                    if (driver != null) {
                        drivers.add(driver);
                    }
                }
            }
        }
        return new Touched(variables, drivers);
    }

    /** True for a test driver some call of the scenario named (loaded, used, unloaded, …). */
    boolean containsDriver(String driver) {
        return drivers.contains(driver);
    }

    /** True if the scenario named this variable. */
    boolean contains(String vendor, String name) {
        return vendor != null && name != null && variables.contains(key(vendor, name));
    }

    /** True for a {@code GUID:name} line of a variable list whose variable the scenario named. */
    boolean containsListEntry(String line) {
        int colon = line.indexOf(':');
        return colon > 0 && contains(line.substring(0, colon), line.substring(colon + 1));
    }

    /** A {@code GUID:name} list line with the GUID in upper case, so that lists compare whatever case they use. */
    static String canonicalListEntry(String line) {
        int colon = line.indexOf(':');
        return colon <= 0 ? line : key(line.substring(0, colon), line.substring(colon + 1));
    }

    /** GUIDs compare without regard to case; names are case-sensitive, as in UEFI. */
    private static String key(String vendor, String name) {
        return vendor.strip().toUpperCase(Locale.ROOT) + ":" + name;
    }
}
