package hil.cli;

import hil.auth.EfiTime;
import hil.auth.Pkcs7Signer;
import hil.auth.TestKey;
import hil.auth.TestKeyFactory;
import hil.auth.VariableAuthentication2;
import hil.simulator.Profile;
import hil.simulator.platform.SimulatedPlatform;
import hil.simulator.runtime.VariableRuntimeDxe;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import hil.simulator.uefi.Ucs2;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntConsumer;

/**
 * {@code hil bench}: simulator throughput through the full path (runtime DXE wrapper → communicate buffer → SMM
 * handler → variable store on flash), next to a plain in-memory map lookup measured in the same run, on one thread.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Measures simulator throughput of GetVariable and SetVariable through the full SMM buffer path,"
                + " as a ratio to a plain in-memory map lookup measured in the same run, and signed (time-based"
                + " authenticated) SetVariable as a ratio to the unsigned one; with --target, the start-up"
                + " and round-trip times of a firmware target.")
final class BenchCommand implements Callable<Integer> {

    private final Environment env;

    @Option(names = "--seconds", paramLabel = "S", defaultValue = "2",
            description = "measuring time per benchmark, after an equal warm-up (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--variables", paramLabel = "N", defaultValue = "32",
            description = "variables in the store (default: ${DEFAULT-VALUE})")
    int variables;

    @Option(names = "--profile", paramLabel = "NAME", defaultValue = "ovmf-4m",
            description = "simulator profile (default: ${DEFAULT-VALUE})")
    String profileName;

    @Option(names = "--target", paramLabel = "NAME",
            description = "Instead of the simulator's throughput: the start-up and round-trip times of this lab-config"
                    + " target (qemu-ovmf, a board), each min/median/max over --runs")
    String target;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "3",
            description = "with --target: how often each start-up is measured (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--lab-config", paramLabel = "DIR",
            description = "with --target: directory of target definitions (default: lab-config/ here, else the installation's)")
    java.nio.file.Path labConfig;

    BenchCommand(Environment env) {
        this.env = env;
    }

    private static final EfiGuid VENDOR = EfiGuid.parse("5E1A0000-0000-4000-8000-00000000BE9C");

    @Override
    public Integer call() {
        if (target != null) {
            return new FirmwareBench(env, target, labConfig, runs).run();
        }
        if (seconds <= 0 || seconds > 600) {
            throw new BadInputException("--seconds must be between 0 and 600, not " + seconds);
        }
        if (variables < 1 || variables > 1000) {
            throw new BadInputException("--variables must be between 1 and 1000, not " + variables);
        }
        Profile profile = Profile.byName(profileName).orElseThrow(() -> new BadInputException(
                "unknown profile '" + profileName + "' (known: " + String.join(", ", Profile.names()) + ")"));
        PrintWriter out = env.out();
        SimulatedPlatform machine = new SimulatedPlatform(profile);
        VariableRuntimeDxe dxe = machine.call(d -> d).result();
        byte[][] names = new byte[variables][];
        Map<String, byte[]> map = new HashMap<>();
        String[] keys = new String[variables];
        for (int i = 0; i < variables; i++) {
            String n = String.format(Locale.ROOT, "BenchVar%04d", i);
            names[i] = Ucs2.encode(n);
            byte[] data = new byte[16];
            data[0] = (byte) i;
            EfiStatus s = dxe.setVariable(names[i], VENDOR, Attributes.NV_BS_RT, data.length, data);
            if (s != EfiStatus.SUCCESS) {
                throw new IllegalStateException("setting up " + n + " failed: " + s.efiName());
            }
            keys[i] = VENDOR + ":" + n;
            map.put(keys[i], data);
        }
        out.printf(Locale.ROOT, "hil bench: profile %s, %d variables of 16 bytes, %.1f s per benchmark, one thread%n",
                profile.name(), variables, seconds);
        out.flush();

        long[] sink = new long[1];
        double mapRate = measure(out, "map lookup (baseline)", i -> {
            byte[] d = map.get(keys[i % variables]);
            sink[0] += d.length;
        });
        double getRate = measure(out, "GetVariable, 16-byte buffer", i -> {
            VariableRuntimeDxe.GetVariableResult r = dxe.getVariable(names[i % variables], VENDOR, 16L, 0, true);
            sink[0] += r.dataSize();
        });
        double getLargeRate = measure(out, "GetVariable, 0x8400-byte buffer", i -> {
            VariableRuntimeDxe.GetVariableResult r = dxe.getVariable(names[i % variables], VENDOR, 0x8400L, 0, true);
            sink[0] += r.dataSize();
        });
        byte[] a = new byte[16];
        byte[] b = new byte[16];
        b[15] = 1;
        double setRate = measure(out, "SetVariable, 16-byte update", i -> {
            EfiStatus s = dxe.setVariable(names[i % variables], VENDOR, Attributes.NV_BS_RT, 16, ((i / variables) & 1) == 0 ? a : b);
            sink[0] += s.ordinal();
        });
        SignedRun signed = measureSigned(out, dxe);
        out.println();
        out.printf(Locale.ROOT, "GetVariable (16-byte buffer)   %,12.0f calls/s   %.4f × map lookup%n", getRate, getRate / mapRate);
        out.printf(Locale.ROOT, "GetVariable (0x8400 buffer)    %,12.0f calls/s   %.4f × map lookup%n", getLargeRate, getLargeRate / mapRate);
        out.printf(Locale.ROOT, "SetVariable (16-byte update)   %,12.0f calls/s   %.4f × map lookup%n", setRate, setRate / mapRate);
        if (signed.refused() == null) {
            out.printf(Locale.ROOT, "SetVariable (signed, AUTH_2)   %,12.0f calls/s   %.4f × map lookup, %.4f × unsigned SetVariable%n",
                    signed.rate(), signed.rate() / mapRate, signed.rate() / setRate);
        } else {
            out.printf(Locale.ROOT, "SetVariable (signed, AUTH_2)   not measured: the simulator answered %s"
                    + " (it does not accept time-based authenticated writes)%n", signed.refused());
        }
        out.printf(Locale.ROOT, "map lookup                     %,12.0f calls/s   1 (baseline)%n", mapRate);
        out.printf(Locale.ROOT, "flash: %d program operations, %d block erases (reclaims during the SetVariable run)%n",
                machine.flash().programOperations(), machine.flash().eraseOperations());
        out.printf(Locale.ROOT, "(checksum %d)%n", sink[0] & 0xFF);
        out.flush();
        return Hil.OK;
    }

    /** Signed SetVariable calls measured: calls per second, or the status that refused them (then no rate). */
    private record SignedRun(double rate, String refused) {
    }

    /** Signed updates pre-signed per measured pass: each needs a newer timestamp, so blobs cannot be reused. */
    static final int SIGNED_CALLS = 400;

    /**
     * Time-based authenticated updates of a private variable (16-byte payload, NV|BS|RT|AT), every one with a newer
     * timestamp, signed beforehand: the rate is the firmware model's (descriptor checks, PKCS#7 verification,
     * certdb), not BouncyCastle's signing. A pass on one variable warms up, a pass on another is measured.
     */
    private SignedRun measureSigned(PrintWriter out, VariableRuntimeDxe dxe) {
        TestKey key = TestKeyFactory.selfSigned("BenchKey");
        byte[][] warm = signedUpdates("BenchAuthWarm", key);
        byte[][] measured = signedUpdates("BenchAuth", key);
        for (byte[] data : warm) {
            EfiStatus s = dxe.setVariable(Ucs2.encode("BenchAuthWarm"), VENDOR, NV_BS_RT_AT, data.length, data);
            if (s != EfiStatus.SUCCESS) {
                out.printf(Locale.ROOT, "  %-34s refused with %s%n", "SetVariable, signed (AUTH_2)", s.efiName());
                out.flush();
                return new SignedRun(0, s.efiName());
            }
        }
        byte[] name = Ucs2.encode("BenchAuth");
        long start = System.nanoTime();
        for (byte[] data : measured) {
            EfiStatus s = dxe.setVariable(name, VENDOR, NV_BS_RT_AT, data.length, data);
            if (s != EfiStatus.SUCCESS) {
                return new SignedRun(0, s.efiName());
            }
        }
        double rate = SIGNED_CALLS * 1e9 / (System.nanoTime() - start);
        out.printf(Locale.ROOT, "  %-34s %,12.0f calls/s (%d calls)%n", "SetVariable, signed (AUTH_2)", rate, SIGNED_CALLS);
        out.flush();
        return new SignedRun(rate, null);
    }

    private static final int NV_BS_RT_AT = Attributes.NV_BS_RT | Attributes.AT;

    private static byte[][] signedUpdates(String name, TestKey key) {
        byte[][] blobs = new byte[SIGNED_CALLS][];
        for (int i = 0; i < SIGNED_CALLS; i++) {
            EfiTime stamp = EfiTime.of(java.time.LocalDateTime.of(2024, 1, 1, 0, 0).plusSeconds(i + 1));
            byte[] payload = new byte[16];
            payload[15] = (byte) i;
            byte[] content = VariableAuthentication2.signedContent(name, VENDOR.toBytes(), NV_BS_RT_AT & 0xFFFFFFFFL,
                    stamp, payload);
            blobs[i] = VariableAuthentication2.build(stamp, Pkcs7Signer.sign(content, key), payload);
        }
        return blobs;
    }

    /** Warms up, then counts calls for the measuring time; prints one progress line. */
    private double measure(PrintWriter out, String label, IntConsumer op) {
        run(op, (long) (seconds * 1e9));
        long[] result = run(op, (long) (seconds * 1e9));
        double rate = result[0] * 1e9 / result[1];
        out.printf(Locale.ROOT, "  %-34s %,12.0f calls/s%n", label, rate);
        out.flush();
        return rate;
    }

    private static long[] run(IntConsumer op, long nanos) {
        long start = System.nanoTime();
        long end = start + nanos;
        int i = 0;
        long now;
        do {
            for (int k = 0; k < 1024; k++) {
                op.accept(i++);
            }
            now = System.nanoTime();
        } while (now < end);
        return new long[] {i, now - start};
    }
}
