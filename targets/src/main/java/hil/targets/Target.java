package hil.targets;

import java.util.Optional;
import java.util.Set;

/**
 * A system under test: the simulator, a QEMU+OVMF instance or a physical board. Steps reach its functions only
 * through the small capability interfaces ({@link VariableServices}, {@link Platform}).
 */
public interface Target extends AutoCloseable {

    /** The target's name from lab-config. */
    String name();

    /** What this target can do. */
    Set<Capability> capabilities();

    /** The variable services, available on every target. */
    VariableServices variables();

    /** Phase events, reset and power loss. */
    Platform platform();

    /** Extra capability interfaces a target may offer, by type. */
    default <T> Optional<T> extension(Class<T> type) {
        return Optional.empty();
    }

    /** Called when a scenario starts on this target, before its first step. */
    default void scenarioStarted(String scenarioName) {
    }

    /**
     * Called when a scenario starts, with the texts of all its steps (Background included), before the first one:
     * for a target that has to choose up front how it will run what comes later. By default as
     * {@link #scenarioStarted(String)}.
     */
    default void scenarioStarted(String scenarioName, java.util.List<String> steps) {
        scenarioStarted(scenarioName);
    }

    /**
     * Called when a scenario ends: evidence to attach to it, such as the console transcript of the scenario and, when
     * it failed, a screenshot.
     */
    default java.util.List<Artifact> scenarioFinished(boolean failed) {
        return java.util.List.of();
    }

    /** Evidence a target attaches to a scenario. */
    record Artifact(String name, String mediaType, byte[] content) {
    }

    /** Releases everything the target holds (processes, ports). */
    @Override
    void close();
}
