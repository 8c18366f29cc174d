package hil.reports.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One runtime-service call (or platform event) as a target performed it: what was asked, what came back.
 *
 * <p>Observations are the unit of cross-target comparison: two targets running the same step must produce
 * observations with the same operation and inputs; their status and outputs are then compared. Values are
 * strings in a canonical form (statuses by EFI name, numbers in decimal, byte strings as lower-case hex
 * without spaces) so that a textual comparison is a semantic one.
 *
 * @param operation  the service or event, e.g. {@code GetVariable}, {@code ExitBootServices}
 * @param inputs     the call's inputs, in call order
 * @param status     the EFI status name the target returned, or {@code null} where the call has no status
 * @param outputs    every output the target returned, by {@link Keys} name
 * @param phase      the boot phase the call was made in ({@code boot}, {@code runtime}, {@code virtual})
 * @param target     the target's name from lab-config
 * @param durationNanos how long the call took on the target
 * @param transcript console excerpt belonging to the call, or {@code null}
 */
public record Observation(
        String operation,
        Map<String, String> inputs,
        String status,
        Map<String, String> outputs,
        String phase,
        String target,
        long durationNanos,
        String transcript) {

    public Observation {
        Objects.requireNonNull(operation, "operation");
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(target, "target");
    }

    /** The canonical keys used in {@link #inputs()} and {@link #outputs()}. */
    public static final class Keys {
        public static final String NAME = "name";
        public static final String VENDOR = "vendor";
        public static final String ATTRIBUTES = "attributes";
        public static final String DATA = "data";
        public static final String DATA_SIZE = "dataSize";
        public static final String NAME_SIZE = "nameSize";
        public static final String MAX_STORAGE = "maximumVariableStorageSize";
        public static final String REMAINING_STORAGE = "remainingVariableStorageSize";
        public static final String MAX_VARIABLE_SIZE = "maximumVariableSize";
        public static final String COUNT = "count";
        public static final String VARIABLES = "variables";
        /** Input of a time-based authenticated SetVariable: the EFI_TIME it carries, {@code YYYY-MM-DD hh:mm:ss}. */
        public static final String AUTH_TIMESTAMP = "authTimestamp";
        /** Input of a time-based authenticated SetVariable: the test key that signed it, or {@code none}. */
        public static final String AUTH_SIGNER = "authSigner";
        /**
         * Given instead of an exact status by targets that see only a class of it: the errno name an OS saw
         * ({@code not-found}, …) or the UEFI Shell's status ({@code shell-access-denied}, …).
         */
        public static final String STATUS_CLASS = "statusClass";
        /**
         * The status class of a platform event that the target's firmware signalled itself before anything of the
         * test could run (OVMF signals EndOfDxe and ReadyToBoot before its Shell starts): the event happened, once,
         * but no call returned a status to the test.
         */
        public static final String ALREADY_SIGNALLED = "already-signalled";

        private Keys() {
        }
    }
}
