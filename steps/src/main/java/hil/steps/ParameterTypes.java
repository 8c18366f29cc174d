package hil.steps;

import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiStatus;
import io.cucumber.java.ParameterType;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The parameter types of the feature language: {@code {name}}, {@code {vendor}}, {@code {attrs}}, {@code {data}},
 * {@code {status}}, and {@code {size}} (a decimal or 0x hex integer; the language documents it as {@code {int}}).
 */
public final class ParameterTypes {

    /** Upper bound on generated data, far above any variable size a firmware accepts. */
    static final int MAX_GENERATED = 16 * 1024 * 1024;

    @ParameterType(name = "name", value = "\"([^\"]*)\"")
    public String name(String text) {
        return text;
    }

    /** A GUID, a well-known name or an alias; an alias may also be written in double quotes. */
    @ParameterType(name = "vendor",
            value = "([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[A-Za-z_][A-Za-z0-9_]*)"
                    + "|\"([A-Za-z_][A-Za-z0-9_]*)\"")
    public VendorRef vendor(String bare, String quoted) {
        return new VendorRef(bare != null ? bare : quoted);
    }

    @ParameterType(name = "attrs",
            value = "(?:NV|BS|RT|HR|AW|AT|AP)(?:\\|(?:NV|BS|RT|HR|AW|AT|AP))*|0[xX][0-9a-fA-F]+|\\d+")
    public Integer attrs(String text) {
        return parseAttributes(text);
    }

    static int parseAttributes(String text) {
        if (text.matches("0[xX][0-9a-fA-F]+|\\d+")) {
            long v = parseNumber(text);
            if (v > 0xFFFFFFFFL) {
                throw new IllegalArgumentException("attributes " + text + " do not fit in 32 bits");
            }
            return (int) v;
        }
        int bits = 0;
        for (String token : text.split("\\|")) {
            bits |= Attributes.tokenBit(token);
        }
        return bits;
    }

    @ParameterType(name = "data", value = "hex \"([^\"]*)\"|text \"([^\"]*)\"|(\\d+|0[xX][0-9a-fA-F]+) bytes of 0[xX]([0-9a-fA-F]{2})"
            + "|(\\d+|0[xX][0-9a-fA-F]+) sequential bytes|(no data)")
    public DataSpec data(String hex, String text, String count, String fill, String seqCount, String none) {
        if (hex != null) {
            return new DataSpec(Bytes.fromHex(hex), "hex \"" + hex + "\"");
        }
        if (text != null) {
            return new DataSpec(text.getBytes(StandardCharsets.UTF_8), "text \"" + text + "\"");
        }
        if (count != null) {
            byte[] b = new byte[checkedCount(count)];
            Arrays.fill(b, (byte) Integer.parseInt(fill, 16));
            return new DataSpec(b, count + " bytes of 0x" + fill);
        }
        if (seqCount != null) {
            byte[] b = new byte[checkedCount(seqCount)];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) i;
            }
            return new DataSpec(b, seqCount + " sequential bytes");
        }
        return new DataSpec(new byte[0], "no data");
    }

    private static int checkedCount(String text) {
        long n = parseNumber(text);
        if (n > MAX_GENERATED) {
            throw new IllegalArgumentException("data of " + text + " bytes is larger than the " + MAX_GENERATED + "-byte limit of a step");
        }
        return (int) n;
    }

    @ParameterType(name = "status", value = "EFI_[A-Z_]+")
    public EfiStatus status(String text) {
        return EfiStatus.fromName(text).orElseThrow(() -> new IllegalArgumentException(
                "unknown EFI status '" + text + "' (use a name from the UEFI specification, e.g. EFI_NOT_FOUND)"));
    }

    @ParameterType(name = "size", value = "0[xX][0-9a-fA-F]+|\\d+")
    public Long size(String text) {
        return parseNumber(text);
    }

    static long parseNumber(String text) {
        try {
            return text.startsWith("0x") || text.startsWith("0X") ? Long.parseUnsignedLong(text.substring(2), 16) : Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number that fits in 64 bits: " + text, e);
        }
    }
}
