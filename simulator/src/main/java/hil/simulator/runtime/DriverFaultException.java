package hil.simulator.runtime;

import hil.simulator.platform.RuntimeFault;

/**
 * Thrown out of a driver's code when the simulator detected a fault that stops the call (a pointer that names the
 * wrong memory, a buffer SMM refused): the fault is already in the DXE core's log; the caller turns it into the
 * call's outcome instead of a status.
 */
public final class DriverFaultException extends RuntimeException {

    private final RuntimeFault fault;

    public DriverFaultException(RuntimeFault fault) {
        super(fault.toString());
        this.fault = fault;
    }

    public RuntimeFault fault() {
        return fault;
    }
}
