package hil.targets;

import hil.reports.model.Observation;
import hil.simulator.uefi.EfiGuid;

/**
 * The four UEFI variable services as a target performs them. Each call is one real runtime-service call and
 * returns its observation; outputs use the keys of {@link Observation.Keys}.
 *
 * <p>Methods throw {@link NotObservableException} when the target cannot make the call as asked.
 */
public interface VariableServices {

    /** A buffer size that fits any variable. */
    long LARGE_BUFFER = -1;

    /** GetVariable. {@code dataSize} is the DataSize passed, or {@link #LARGE_BUFFER}; 0 passes a NULL Data pointer. */
    Observation getVariable(String name, EfiGuid vendor, long dataSize);

    /** GetNextVariableName with the given VariableNameSize (bytes), or {@link #LARGE_BUFFER}. */
    Observation getNextVariableName(String name, EfiGuid vendor, long nameSize);

    /** SetVariable. */
    Observation setVariable(String name, EfiGuid vendor, int attributes, byte[] data);

    /** QueryVariableInfo. */
    Observation queryVariableInfo(int attributes);

    /**
     * Every variable at once, for a phase in which the target cannot make single GetNextVariableName calls (an OS
     * lists its variables through its own walk). The observation is a {@code ListVariables} with the walk's last
     * status and the outputs {@link Observation.Keys#COUNT} and {@link Observation.Keys#VARIABLES} (one
     * {@code vendor:name} per line, in walk order). Empty when the caller should walk with
     * {@link #getNextVariableName}.
     */
    default java.util.Optional<Observation> listVariables() {
        return java.util.Optional.empty();
    }
}
