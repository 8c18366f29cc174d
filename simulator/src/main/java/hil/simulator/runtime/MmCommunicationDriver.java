package hil.simulator.runtime;

import hil.simulator.platform.DxeCore;
import hil.simulator.platform.LoadedImage;
import hil.simulator.platform.MemoryType;
import hil.simulator.platform.ProtocolDatabase;

/**
 * The runtime side of the SMM IPL: it produces EFI_MM_COMMUNICATION2_PROTOCOL, whose interface (one function
 * pointer, Communicate) lives in the IPL's runtime image. The variable wrapper keeps a pointer to that interface
 * ({@code mMmCommunication2}) and must convert it.
 */
public final class MmCommunicationDriver {

    public static final String NAME = "PiSmmIpl";

    private MmCommunicationDriver() {
    }

    /** Loads the IPL image and installs the protocol; returns the interface address. */
    public static long load(DxeCore dxe) {
        LoadedImage image = dxe.loadImage(NAME, MemoryType.RUNTIME_SERVICES_CODE);
        long protocolInterface = image.global(0);
        dxe.memory().writeU64Physical(protocolInterface, image.entryPoint(1));
        dxe.protocols().install(ProtocolDatabase.MM_COMMUNICATION2, protocolInterface);
        return protocolInterface;
    }
}
