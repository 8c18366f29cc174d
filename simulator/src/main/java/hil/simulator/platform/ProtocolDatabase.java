package hil.simulator.platform;

import hil.simulator.uefi.EfiGuid;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The DXE protocol database, reduced to what start-up ordering needs: installing a protocol (an interface
 * address under a GUID) and protocol notifications. A notification registered the way drivers do it
 * (EfiCreateProtocolNotifyEvent) is also signalled once at registration, so a protocol installed earlier is seen.
 */
public final class ProtocolDatabase {

    public static final EfiGuid MM_COMMUNICATION2 = EfiGuid.parse("378DAEDC-F06B-4446-8314-40AB933C87A3");
    public static final EfiGuid VARIABLE_LOCK = EfiGuid.parse("CD3D0A05-9E24-437C-A891-1EE053DB7638");

    /** Names of the protocols of the variable start-up (reference 1.1, 5.1, 5.2, 5.4). */
    private static final Map<EfiGuid, String> NAMES = new LinkedHashMap<>();

    static {
        NAMES.put(EfiGuid.SMM_VARIABLE_PROTOCOL, "gEfiSmmVariableProtocolGuid");
        NAMES.put(EfiGuid.SMM_VARIABLE_WRITE, "gSmmVariableWriteGuid");
        NAMES.put(EfiGuid.VARIABLE_ARCH_PROTOCOL, "gEfiVariableArchProtocolGuid");
        NAMES.put(EfiGuid.VARIABLE_WRITE_ARCH_PROTOCOL, "gEfiVariableWriteArchProtocolGuid");
        NAMES.put(MM_COMMUNICATION2, "gEfiMmCommunication2ProtocolGuid");
        NAMES.put(VARIABLE_LOCK, "gEdkiiVariableLockProtocolGuid");
    }

    private final Map<EfiGuid, Long> installed = new LinkedHashMap<>();
    private final Map<EfiGuid, List<Runnable>> notifies = new LinkedHashMap<>();

    /** InstallProtocolInterface, then the notifications registered for the GUID, in registration order. */
    public void install(EfiGuid protocol, long interfaceAddress) {
        if (installed.containsKey(protocol)) {
            throw new IllegalStateException(name(protocol) + " is already installed");
        }
        installed.put(protocol, interfaceAddress);
        for (Runnable notify : List.copyOf(notifies.getOrDefault(protocol, List.of()))) {
            notify.run();
        }
    }

    /** Registers a protocol notification; runs it at once when the protocol is already there. */
    public void registerProtocolNotify(EfiGuid protocol, Runnable notify) {
        notifies.computeIfAbsent(protocol, p -> new ArrayList<>()).add(notify);
        if (installed.containsKey(protocol)) {
            notify.run();
        }
    }

    public boolean installed(EfiGuid protocol) {
        return installed.containsKey(protocol);
    }

    /** LocateProtocol: the interface address, if installed (a NULL interface is 0). */
    public OptionalLong locate(EfiGuid protocol) {
        Long address = installed.get(protocol);
        return address == null ? OptionalLong.empty() : OptionalLong.of(address);
    }

    /** The installed protocols in installation order. */
    public List<EfiGuid> installedInOrder() {
        return List.copyOf(installed.keySet());
    }

    /** {@code gEfiVariableArchProtocolGuid} for a known protocol, else the GUID. */
    public static String name(EfiGuid protocol) {
        return NAMES.getOrDefault(protocol, protocol.toString());
    }
}
