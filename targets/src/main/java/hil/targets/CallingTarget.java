package hil.targets;

import java.util.Set;

/**
 * A target that is its own {@link VariableServices} and {@link Platform}: one object that holds the connection to
 * the system under test and makes every call itself. Holds the name and capabilities from lab-config.
 */
public abstract class CallingTarget implements Target, VariableServices, Platform {

    private final String name;
    private final Set<Capability> capabilities;

    protected CallingTarget(String name, Set<Capability> capabilities) {
        this.name = name;
        this.capabilities = Set.copyOf(capabilities);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public final VariableServices variables() {
        return this;
    }

    @Override
    public final Platform platform() {
        return this;
    }
}
