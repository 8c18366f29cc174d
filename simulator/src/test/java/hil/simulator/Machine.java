package hil.simulator;

import hil.simulator.platform.SimulatedPlatform;
import hil.simulator.runtime.VariableRuntimeDxe;
import hil.simulator.runtime.VariableRuntimeDxe.GetVariableResult;
import hil.simulator.runtime.VariableRuntimeDxe.NextNameResult;
import hil.simulator.runtime.VariableRuntimeDxe.QueryResult;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import hil.simulator.uefi.Ucs2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Test fixture: a booted simulated machine with one-line wrappers around the gRT variable services, so rule tests
 * read like the calls a firmware test application makes. Every call goes through {@link SimulatedPlatform#call}.
 */
public final class Machine {

    /** The vendor GUID of the worked examples (section 7 of the reference). */
    public static final EfiGuid VENDOR = EfiGuid.parse("12345678-1234-5678-9ABC-DEF012345678");
    public static final EfiGuid OTHER_VENDOR = EfiGuid.parse("0F0E0D0C-0B0A-0908-0706-050403020100");
    /** A DataSize capacity larger than any variable the tests create. */
    public static final long LARGE = 0x10000;

    private final SimulatedPlatform platform;

    public Machine() {
        this(new SimulatedPlatform(Profile.OVMF_4M.withBareStore()));
    }

    public Machine(SimulatedPlatform platform) {
        this.platform = platform;
    }

    public SimulatedPlatform platform() {
        return platform;
    }

    /** Runs one service call; a power loss here is a test bug. */
    public <T> T dxe(Function<VariableRuntimeDxe, T> call) {
        SimulatedPlatform.Outcome<T> outcome = platform.call(call);
        if (outcome.powerLost()) {
            throw new AssertionError("unexpected power loss", outcome.powerLoss());
        }
        return outcome.result();
    }

    public EfiStatus set(String name, int attributes, byte... data) {
        return set(name, VENDOR, attributes, data);
    }

    public EfiStatus set(String name, EfiGuid vendor, int attributes, byte[] data) {
        return dxe(d -> d.setVariable(Ucs2.encode(name), vendor, attributes, data.length, data));
    }

    /** GetVariable with a large buffer, a non-NULL Attributes pointer holding 0 and a non-NULL Data pointer. */
    public GetVariableResult get(String name) {
        return get(name, VENDOR);
    }

    public GetVariableResult get(String name, EfiGuid vendor) {
        return dxe(d -> d.getVariable(Ucs2.encode(name), vendor, LARGE, 0, true));
    }

    /** The variable's data, or null when GetVariable does not return EFI_SUCCESS. */
    public byte[] value(String name) {
        GetVariableResult r = get(name);
        return r.status() == EfiStatus.SUCCESS ? r.data() : null;
    }

    /** GetNextVariableName with a caller buffer of {@code nameSize} bytes holding {@code previous}. */
    public NextNameResult next(String previous, EfiGuid vendor, long nameSize) {
        byte[] encoded = Ucs2.encode(previous);
        byte[] buffer = Arrays.copyOf(encoded, (int) Math.max(nameSize, encoded.length));
        return dxe(d -> d.getNextVariableName(nameSize, buffer, vendor));
    }

    /** Every name GetNextVariableName returns from the start, in order. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        String previous = "";
        EfiGuid vendor = EfiGuid.ZERO;
        for (int guard = 0; guard < 10_000; guard++) {
            NextNameResult r = next(previous, vendor, 1024);
            if (r.status() == EfiStatus.NOT_FOUND) {
                return names;
            }
            if (r.status() != EfiStatus.SUCCESS) {
                throw new AssertionError("GetNextVariableName after '" + previous + "' returned " + r.status());
            }
            previous = Ucs2.decode(r.name(), 0, r.name().length);
            vendor = r.vendor();
            names.add(previous);
        }
        throw new AssertionError("GetNextVariableName never returned EFI_NOT_FOUND");
    }

    /**
     * Creates NV|BS|RT variables "F00", "F01", … with {@code dataSize} bytes each until one is refused.
     *
     * @return how many were created
     * @throws AssertionError if the refusal is not EFI_OUT_OF_RESOURCES
     */
    public int fillNv(int dataSize) {
        for (int i = 0; i < 1000; i++) {
            EfiStatus s = set(String.format("F%02d", i), VENDOR, 0x07, new byte[dataSize]);
            if (s != EfiStatus.SUCCESS) {
                if (s != EfiStatus.OUT_OF_RESOURCES) {
                    throw new AssertionError("filling the store: F" + i + " returned " + s);
                }
                return i;
            }
        }
        throw new AssertionError("the store never filled up");
    }

    public QueryResult query(int attributes) {
        return dxe(d -> d.queryVariableInfo(attributes, true));
    }

    public long programOperations() {
        return platform.flash().programOperations();
    }

    public long eraseOperations() {
        return platform.flash().eraseOperations();
    }

    public void exitBootServices() {
        EfiStatus s = platform.exitBootServices();
        if (s != EfiStatus.SUCCESS) {
            throw new AssertionError("ExitBootServices returned " + s);
        }
    }

    /** {@code n} bytes of {@code fill}. */
    public static byte[] bytes(int n, int fill) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) fill);
        return b;
    }
}
