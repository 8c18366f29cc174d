package hil.simulator.smm;

import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import hil.simulator.uefi.Ucs2;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * SetVariable vetoes that apply only after EndOfDxe (VarCheckLib with VarCheckUefiLib, as OVMF links them into the
 * SMM variable driver): variable properties such as the read-only VarErrorFlag, and the rule that only
 * specification-defined names may be created under the UEFI-owned GUIDs.
 */
public final class VarCheck {

    /** Names defined by the UEFI specification under EFI_GLOBAL_VARIABLE. */
    private static final Set<String> GLOBAL_NAMES = new HashSet<>(List.of(
            "LangCodes", "Lang", "Timeout", "PlatformLangCodes", "PlatformLang", "ConIn", "ConOut", "ErrOut",
            "ConInDev", "ConOutDev", "ErrOutDev", "BootOrder", "BootNext", "BootCurrent", "BootOptionSupport",
            "DriverOrder", "SysPrepOrder", "HwErrRecSupport", "SetupMode", "KEK", "PK", "SignatureSupport",
            "SecureBoot", "KEKDefault", "PKDefault", "dbDefault", "dbxDefault", "dbtDefault", "dbrDefault",
            "OsIndicationsSupported", "OsIndications", "VendorKeys", "AuditMode", "DeployedMode", "OsRecoveryOrder"));
    /** Name patterns with four hex digits under EFI_GLOBAL_VARIABLE. */
    private static final List<String> GLOBAL_NUMBERED = List.of("Boot", "Driver", "SysPrep", "Key", "PlatformRecovery");
    private static final Set<String> IMAGE_SECURITY_NAMES = Set.of("db", "dbx", "dbt", "dbr");

    private static final byte[] VAR_ERROR_FLAG = Ucs2.encode("VarErrorFlag");

    /** VAR_CHECK_VARIABLE_PROPERTY.Property bit 0. */
    public static final int READ_ONLY = 0x1;

    /** A registered VAR_CHECK_VARIABLE_PROPERTY (revision 1). */
    public record Property(int property, int attributes, long minSize, long maxSize) {
    }

    private record Key(EfiGuid vendor, String nameHex) {
        static Key of(byte[] name, EfiGuid vendor) {
            return new Key(vendor, hil.simulator.uefi.Bytes.hex(name));
        }
    }

    private final java.util.Map<Key, Property> properties = new java.util.HashMap<>();
    private final Set<Key> locked = new HashSet<>();

    VarCheck() {
        properties.put(Key.of(VAR_ERROR_FLAG, EfiGuid.VAR_ERROR_FLAG), new Property(READ_ONLY, Attributes.NV_BS_RT, 1, 1));
    }

    /** RequestToLock before EndOfDxe: a LOCK_NOW policy on exactly this name and vendor. */
    void requestToLock(byte[] name, EfiGuid vendor) {
        locked.add(Key.of(name, vendor));
    }

    void setProperty(byte[] name, EfiGuid vendor, Property property) {
        properties.put(Key.of(name, vendor), property);
    }

    Property property(byte[] name, EfiGuid vendor) {
        return properties.get(Key.of(name, vendor));
    }

    /**
     * Checks an untrusted or trusted request after EndOfDxe.
     *
     * @return {@link EfiStatus#SUCCESS} when nothing vetoes it
     */
    EfiStatus check(byte[] name, EfiGuid vendor, int attributes, long dataSize, boolean trusted) {
        boolean delete = ((attributes & Attributes.AP) == 0 && dataSize == 0) || (attributes & (Attributes.BS | Attributes.RT)) == 0;
        Property p = properties.get(Key.of(name, vendor));
        if (p != null) {
            if ((p.property() & READ_ONLY) != 0 && !trusted) {
                return EfiStatus.WRITE_PROTECTED;
            }
            if (!delete) {
                if (p.attributes() != 0 && (attributes & ~Attributes.AP) != p.attributes()) {
                    return EfiStatus.INVALID_PARAMETER;
                }
                if (dataSize != 0 && (dataSize < p.minSize() || Long.compareUnsigned(dataSize, p.maxSize()) > 0)) {
                    return EfiStatus.INVALID_PARAMETER;
                }
            }
        }
        if (!trusted && locked.contains(Key.of(name, vendor))) {
            return EfiStatus.WRITE_PROTECTED;
        }
        if (delete) {
            return EfiStatus.SUCCESS;
        }
        String text = Ucs2.decode(name, 0, name.length);
        if ((attributes & Attributes.HR) != 0) {
            if (!vendor.equals(EfiGuid.HARDWARE_ERROR_VARIABLE) || !isNumbered(text, "HwErrRec", true)) {
                return EfiStatus.INVALID_PARAMETER;
            }
        }
        if (vendor.equals(EfiGuid.GLOBAL_VARIABLE)) {
            boolean known = GLOBAL_NAMES.contains(text) || GLOBAL_NUMBERED.stream().anyMatch(prefix -> isNumbered(text, prefix, false));
            if (!known) {
                return EfiStatus.INVALID_PARAMETER;
            }
        } else if (vendor.equals(EfiGuid.IMAGE_SECURITY_DATABASE) && !IMAGE_SECURITY_NAMES.contains(text)) {
            return EfiStatus.INVALID_PARAMETER;
        } else if (vendor.equals(EfiGuid.HARDWARE_ERROR_VARIABLE) && !isNumbered(text, "HwErrRec", true)) {
            return EfiStatus.INVALID_PARAMETER;
        }
        return EfiStatus.SUCCESS;
    }

    /** {@code prefix} followed by exactly four hex digits (upper case only when {@code upperOnly}). */
    private static boolean isNumbered(String name, String prefix, boolean upperOnly) {
        if (name.length() != prefix.length() + 4 || !name.startsWith(prefix)) {
            return false;
        }
        for (int i = prefix.length(); i < name.length(); i++) {
            char c = name.charAt(i);
            boolean hex = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (!upperOnly && c >= 'a' && c <= 'f');
            if (!hex) {
                return false;
            }
        }
        return true;
    }
}
