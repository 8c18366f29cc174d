package hil.simulator.platform;

/** An event's notify function (EFI_EVENT_NOTIFY). */
@FunctionalInterface
public interface NotifyFunction {

    void notify(EfiEvent event);
}
