package hil.transports.shell;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One variable as {@code dmpstore} printed it.
 *
 * @param name       the variable name
 * @param guid       the vendor GUID in upper case, e.g. {@code 8BE4DF61-93CA-11D2-AA0D-00E098032B8C}; the plain
 *                   format prints well-known GUIDs by name, which is mapped back where known and kept verbatim
 *                   otherwise (the {@code -sfo} format always prints the GUID)
 * @param attributes the attribute bits (NV 0x1, BS 0x2, RT 0x4, HR 0x8, AW 0x10, AT 0x20)
 * @param data       the variable's data
 */
public record DmpstoreEntry(String name, String guid, int attributes, byte[] data) {

    public DmpstoreEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(guid, "guid");
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DmpstoreEntry e && name.equals(e.name) && guid.equals(e.guid)
                && attributes == e.attributes && Arrays.equals(data, e.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, guid, attributes, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "DmpstoreEntry[" + guid + ":" + name + ", attributes 0x" + Integer.toHexString(attributes)
                + ", " + data.length + " bytes " + HexFormat.of().withUpperCase().formatHex(data) + "]";
    }
}
