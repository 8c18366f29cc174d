package hil.steps;

import hil.auth.TestKey;
import hil.reports.model.Observation;
import hil.reports.model.ObservationCodec;
import hil.simulator.uefi.EfiGuid;
import hil.targets.Capability;
import hil.targets.NotObservableException;
import hil.targets.Target;
import io.cucumber.java.Scenario;
import org.opentest4j.TestAbortedException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the steps of one scenario share: the target, vendor aliases, test keys, the count of authenticated writes, the
 * most recent variable-service call and the most recent variable list. Every call is attached to the scenario as an observation.
 */
public final class ScenarioState {

    private static final Map<String, EfiGuid> WELL_KNOWN = Map.of(
            "EFI_GLOBAL_VARIABLE", EfiGuid.GLOBAL_VARIABLE,
            "EFI_HARDWARE_ERROR_VARIABLE", EfiGuid.HARDWARE_ERROR_VARIABLE,
            "EFI_IMAGE_SECURITY_DATABASE", EfiGuid.IMAGE_SECURITY_DATABASE);

    private final Map<String, EfiGuid> aliases = new HashMap<>();
    private Scenario scenario;
    private Target target;
    private Observation lastCall;
    private List<Listed> lastList;
    private String listEndStatus;
    /** The test keys declared in this scenario (and its Background), by name. */
    private final Map<String, TestKey> keys = new HashMap<>();
    /** Authenticated writes made so far in this scenario: the n-th is stamped 2024-01-01 00:00:00 + n s. */
    private int authenticatedWrites;

    /** One entry of a variable list. */
    record Listed(String name, EfiGuid vendor) {
    }

    void begin(Scenario scenario) {
        this.scenario = scenario;
    }

    Target target() {
        if (target == null) {
            target = TargetSession.current();
        }
        return target;
    }

    boolean targetStarted() {
        return target != null;
    }

    String targetName() {
        return TargetSession.targetName();
    }

    void requireCapability(Capability capability, String what) {
        if (!target().capabilities().contains(capability)) {
            throw notObservable(what + " needs capability " + capability.tag());
        }
    }

    TestAbortedException notObservable(String reason) {
        return new TestAbortedException("not observable on target " + targetName() + ": " + reason);
    }

    /** Runs a target call, turning "cannot observe" into a skip, and attaches the observation. */
    Observation record(Supplier<Observation> call) {
        Observation o;
        try {
            o = call.get();
        } catch (NotObservableException e) {
            throw new TestAbortedException(e.getMessage(), e);
        }
        if (scenario != null) {
            scenario.attach(ObservationCodec.encode(o), ObservationCodec.MEDIA_TYPE, o.operation());
        }
        return o;
    }

    /** Records a variable-service call that later "the status …" assertions refer to. */
    Observation call(Supplier<Observation> call) {
        Observation o = record(call);
        lastCall = o;
        return o;
    }

    Observation lastCall() {
        if (lastCall == null) {
            throw new AssertionError("no variable-service call has been made in this scenario yet");
        }
        return lastCall;
    }

    void alias(String name, EfiGuid guid) {
        aliases.put(name, guid);
    }

    EfiGuid resolve(VendorRef ref) {
        String token = ref.token();
        if (EfiGuid.isRegistryFormat(token)) {
            return EfiGuid.parse(token);
        }
        EfiGuid known = WELL_KNOWN.get(token.toUpperCase(Locale.ROOT));
        if (known != null) {
            return known;
        }
        EfiGuid alias = aliases.get(token);
        if (alias == null) {
            throw new IllegalArgumentException("unknown vendor '" + token + "': not a GUID, not a well-known name ("
                    + String.join(", ", WELL_KNOWN.keySet()) + "), and no alias step defined it"
                    + (aliases.isEmpty() ? "" : " (aliases: " + String.join(", ", aliases.keySet()) + ")"));
        }
        return alias;
    }

    /** Declares a test key under its name; a second declaration of the name replaces the first. */
    void declareKey(TestKey key) {
        keys.put(key.name(), key);
    }

    /** The key declared under {@code name}; an undeclared name is the feature's mistake, said with the fix. */
    TestKey key(String name) {
        TestKey key = keys.get(name);
        if (key == null) {
            throw new IllegalArgumentException("unknown test key \"" + name + "\": declare it first in the scenario or"
                    + " its Background (Given a test key \"" + name + "\")"
                    + (keys.isEmpty() ? "" : " (declared: " + String.join(", ", new java.util.TreeSet<>(keys.keySet())) + ")"));
        }
        return key;
    }

    /** Counts an authenticated write and returns its number in the scenario, from 1. */
    int nextAuthenticatedWrite() {
        return ++authenticatedWrites;
    }

    void list(List<Listed> entries, String endStatus) {
        this.lastList = new ArrayList<>(entries);
        this.listEndStatus = endStatus;
    }

    List<Listed> lastList() {
        if (lastList == null) {
            throw new AssertionError("no variable list has been made in this scenario yet (use: When I list all variables)");
        }
        return lastList;
    }

    String listEndStatus() {
        lastList();
        return listEndStatus;
    }
}
