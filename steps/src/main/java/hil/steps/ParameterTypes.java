package hil.steps;

import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiStatus;
import hil.auth.EfiTime;
import hil.auth.Guids;
import hil.auth.SignatureList;
import hil.auth.TestKey;
import io.cucumber.java.ParameterType;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The parameter types of the feature language: {@code {name}}, {@code {vendor}}, {@code {attrs}}, {@code {data}},
 * {@code {status}}, {@code {key}}, {@code {time}} and {@code {size}} (a decimal or 0x hex integer; the language documents it as {@code {int}}).
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

    /** The base {@code {data}} forms, without capturing groups, for the forms that contain one. */
    private static final String BASE_DATA = "hex \"[^\"]*\"|text \"[^\"]*\"|(?:\\d+|0[xX][0-9a-fA-F]+) bytes of 0[xX][0-9a-fA-F]{2}"
            + "|(?:\\d+|0[xX][0-9a-fA-F]+) sequential bytes|no data";
    private static final java.util.regex.Pattern BASE_DATA_PARTS = java.util.regex.Pattern.compile(
            "hex \"([^\"]*)\"|text \"([^\"]*)\"|(\\d+|0[xX][0-9a-fA-F]+) bytes of 0[xX]([0-9a-fA-F]{2})"
                    + "|(\\d+|0[xX][0-9a-fA-F]+) sequential bytes|(no data)");

    private final ScenarioState state;

    public ParameterTypes(ScenarioState state) {
        this.state = state;
    }

    /**
     * {@code {data}}: the base forms, and the Secure Boot forms {@code the certificate list of {key}} (one
     * EFI_SIGNATURE_LIST of type X509 holding the key's DER certificate) and {@code the SHA-256 list of {data}} (one
     * of type SHA256 holding SHA-256 of the base-form data); both owned by {@link Guids#TEST_OWNER}.
     */
    @ParameterType(name = "data", value = "hex \"([^\"]*)\"|text \"([^\"]*)\"|(\\d+|0[xX][0-9a-fA-F]+) bytes of 0[xX]([0-9a-fA-F]{2})"
            + "|(\\d+|0[xX][0-9a-fA-F]+) sequential bytes|(no data)"
            + "|the certificate list of \"([^\"]*)\"|the SHA-256 list of (" + BASE_DATA + ")")
    public DataSpec data(String hex, String text, String count, String fill, String seqCount, String none,
                         String certificateKey, String hashed) {
        if (certificateKey != null) {
            TestKey key = state.key(certificateKey);
            return new DataSpec(key.certificateList(Guids.bytes(Guids.TEST_OWNER)).toBytes(),
                    "the certificate list of \"" + certificateKey + "\"");
        }
        if (hashed != null) {
            java.util.regex.Matcher m = BASE_DATA_PARTS.matcher(hashed);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a data form: " + hashed);
            }
            DataSpec inner = data(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), m.group(6));
            return new DataSpec(SignatureList.sha256Of(Guids.bytes(Guids.TEST_OWNER), inner.bytes()).toBytes(),
                    "the SHA-256 list of " + inner.text());
        }
        return data(hex, text, count, fill, seqCount, none);
    }

    /** The base {@code {data}} forms. */
    DataSpec data(String hex, String text, String count, String fill, String seqCount, String none) {
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

    /** {@code {key}}: the double-quoted name of a test key declared earlier in the scenario or its Background. */
    @ParameterType(name = "key", value = "\"([^\"]*)\"")
    public String key(String name) {
        return name;
    }

    /**
     * {@code {time}}: {@code YYYY-MM-DD hh:mm:ss}, an EFI_TIME whose other fields are 0; a fraction of a second
     * ({@code .000000001}) sets Nanosecond, to send a stamp EDK II refuses on its signed path.
     */
    @ParameterType(name = "time", value = "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?")
    public EfiTime time(String text) {
        return EfiTime.parse(text);
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
