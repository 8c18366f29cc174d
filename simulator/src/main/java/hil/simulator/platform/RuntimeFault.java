package hil.simulator.platform;

/**
 * A fault the simulator detected in a driver at run time, such as a pointer that was never converted for virtual
 * mode. This is a harness finding, not an EFI status: real firmware would crash or corrupt the OS's memory here.
 *
 * @param driver  the driver (image) at fault
 * @param message what happened, naming the pointer, e.g. {@code mMmCommunication2 was not converted}
 */
public record RuntimeFault(String driver, String message) {

    @Override
    public String toString() {
        return driver + ": " + message;
    }
}
