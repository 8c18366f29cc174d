package hil.simulator.uefi;

import java.util.ArrayList;
import java.util.List;

/** Variable attribute bits (UefiMultiPhase.h) and the masks EDK II derives from them. */
public final class Attributes {

    public static final int NV = 0x01;
    public static final int BS = 0x02;
    public static final int RT = 0x04;
    public static final int HR = 0x08;
    /** Deprecated counter-based authenticated write access. */
    public static final int AW = 0x10;
    public static final int AT = 0x20;
    public static final int AP = 0x40;

    /** EFI_VARIABLE_ATTRIBUTES_MASK: NV|BS|RT|HR|AT|AP (AW excluded). */
    public static final int MASK = 0x6F;
    /** Bits SetVariable lets through before its reserved-bit test (MASK plus AW). */
    public static final int SET_VARIABLE_VALID = 0x7F;

    public static final int NV_BS = NV | BS;
    public static final int BS_RT = BS | RT;
    public static final int NV_BS_RT = NV | BS | RT;

    private static final String[] TOKENS = {"NV", "BS", "RT", "HR", "AW", "AT", "AP"};

    private Attributes() {
    }

    /** {@code NV|BS|RT}; unknown bits are appended in hex; 0 is {@code 0}. */
    public static String format(long attributes) {
        if (attributes == 0) {
            return "0";
        }
        List<String> parts = new ArrayList<>();
        long rest = attributes;
        for (int i = 0; i < TOKENS.length; i++) {
            if ((attributes & (1L << i)) != 0) {
                parts.add(TOKENS[i]);
                rest &= ~(1L << i);
            }
        }
        if (rest != 0) {
            parts.add(String.format("0x%X", rest));
        }
        return String.join("|", parts);
    }

    /**
     * The attributes {@link #format} wrote: {@code NV|BS|RT}, {@code 0}, hex parts such as {@code 0x80}.
     *
     * @throws IllegalArgumentException for a part that is neither a token nor hex
     */
    public static long parse(String text) {
        long attributes = 0;
        for (String part : text.strip().split("\\|")) {
            String p = part.strip();
            int bit = tokenBit(p);
            if (bit >= 0) {
                attributes |= bit;
            } else if (p.startsWith("0x") || p.startsWith("0X")) {
                try {
                    attributes |= Long.parseUnsignedLong(p.substring(2), 16);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not an attribute: '" + p + "' in '" + text + "'");
                }
            } else if (!p.equals("0")) {
                throw new IllegalArgumentException("not an attribute: '" + p + "' in '" + text + "'");
            }
        }
        return attributes;
    }

    /** The bit of a token such as {@code NV}, or -1. */
    public static int tokenBit(String token) {
        for (int i = 0; i < TOKENS.length; i++) {
            if (TOKENS[i].equals(token)) {
                return 1 << i;
            }
        }
        return -1;
    }
}
