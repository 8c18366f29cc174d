package hil.steps;

import hil.reports.model.Observation;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.Map;

/**
 * What the runtime-driver steps of one scenario share besides {@link ScenarioState}: the test drivers it loaded, the
 * memory-map key the OS read, and the most recent observation of each runtime call ({@code SetVirtualAddressMap}, {@code ConvertPointer}, …),
 * which the "returns" assertions refer to.
 */
public final class RuntimeDriverState {

    private record Recorded(long sequence, Observation observation) {
    }

    private final Map<String, Recorded> lastByOperation = new HashMap<>();
    private final Set<String> loadedDrivers = new HashSet<>();
    private long sequence;
    private Long mapKey;

    void loaded(String driver) {
        loadedDrivers.add(driver);
    }

    /** Whether the scenario loaded a test driver of this name. */
    boolean isLoaded(String driver) {
        return loadedDrivers.contains(driver);
    }

    void remember(Observation o) {
        lastByOperation.put(o.operation(), new Recorded(sequence++, o));
    }

    /** The most recent call of any of {@code operations}, or an assertion error saying there was none. */
    Observation last(String what, String... operations) {
        Recorded latest = null;
        for (String op : operations) {
            Recorded r = lastByOperation.get(op);
            if (r != null && (latest == null || r.sequence() > latest.sequence())) {
                latest = r;
            }
        }
        if (latest == null) {
            throw new AssertionError("no " + what + " call has been made in this scenario yet");
        }
        return latest.observation();
    }

    void mapKey(long key) {
        this.mapKey = key;
    }

    long mapKey() {
        if (mapKey == null) {
            throw new AssertionError("the OS has not read the memory map yet (use: When the OS reads the memory map)");
        }
        return mapKey;
    }
}
