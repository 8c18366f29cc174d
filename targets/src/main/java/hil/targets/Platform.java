package hil.targets;

import hil.reports.model.Observation;

/** Boot phases and platform events of a target. */
public interface Platform {

    /** Brings the target to a freshly booted state with its factory variable store. */
    Observation bootFresh();

    /**
     * As {@link #bootFresh}, for a scenario: a target may start its machine only at the scenario's first call that
     * needs it, so a scenario whose steps turn out not observable there starts none. By default {@link #bootFresh}.
     */
    default Observation bootFreshWhenNeeded() {
        return bootFresh();
    }

    /**
     * Brings the target to a freshly booted state whose variable flash held {@code store} at power-on, instead of the
     * factory store; the platform's drivers then start on it as they do on every boot.
     *
     * @throws NotObservableException when the target cannot start from another store
     */
    Observation bootFreshWithStore(VariableStoreFile store);

    Observation signalEndOfDxe();

    Observation signalReadyToBoot();

    Observation exitBootServices();

    Observation setVirtualAddressMap();

    /** Resets the platform: non-volatile variables survive, volatile ones do not. */
    Observation reset();

    /** Arms a power cut during the next variable write; the target restarts and recovers after it. */
    Observation losePowerDuringNextWrite();

    /** The phase the target is in now. */
    Phase phase();
}
