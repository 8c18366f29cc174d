package hil.simulator.smm;

import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;

import java.util.List;

/**
 * VarCheckUefiLib as OVMF links it into the SMM variable driver: the properties (attributes, size range, read-only)
 * of every variable the UEFI specification defines under its own GUIDs, registered with VarCheckLib when the driver
 * loads, and the format checks its SetVariable handler applies after EndOfDxe (reference 3.7.2): ASCII language
 * codes, device paths, UINT16 lists, load options and key options.
 */
final class UefiDefinedVariables {

    /** MAX_UINTN: no upper size bound. */
    private static final long ANY = -1L;
    private static final int BS_RT = Attributes.BS_RT;
    private static final int NV_BS_RT = Attributes.NV_BS_RT;
    private static final int NV_BS_RT_AT = Attributes.NV_BS_RT | Attributes.AT;
    private static final int NV_BS_RT_HR = Attributes.NV_BS_RT | Attributes.HR;
    private static final int RO = VarCheck.READ_ONLY;
    /** sizeof (EFI_DEVICE_PATH_PROTOCOL): Type, SubType and a UINT16 Length. */
    static final int DEVICE_PATH_NODE = 4;
    /** sizeof (UINT32) + sizeof (UINT16): a load option's Attributes and FilePathListLength. */
    private static final int LOAD_OPTION_FIXED = 6;
    /** sizeof (EFI_KEY_OPTION), packed: KeyData, BootOptionCrc, BootOption. */
    private static final int KEY_OPTION = 10;
    /** sizeof (EFI_INPUT_KEY): ScanCode and UnicodeChar. */
    private static final int INPUT_KEY = 4;

    /** The data check of a variable, after its property's checks. */
    enum Format { NONE, ASCII_STRING, DEVICE_PATH, SIZE_ARRAY, LOAD_OPTION, KEY_OPTION }

    /** One defined variable; a name ending in {@code ####} stands for four hexadecimal digits. */
    record Entry(EfiGuid vendor, String name, VarCheck.Property property, Format format) {
    }

    private static Entry global(String name, int readOnly, int attributes, long min, long max, Format format) {
        return new Entry(EfiGuid.GLOBAL_VARIABLE, name, new VarCheck.Property(readOnly, attributes, min, max), format);
    }

    /**
     * The table of edk2 2022.11, in its order: EFI_GLOBAL_VARIABLE, numbered names, image security, HwErrRec.
     * AuditMode and DeployedMode are not in it (measured on Debian's OVMF 2022.11: neither exists, and a write of
     * either is EFI_INVALID_PARAMETER as for any undefined name), nor are names of later specifications such as
     * OsRecoveryOrder, dbrDefault or dbr.
     */
    static final List<Entry> ENTRIES = List.of(
            global("LangCodes", 0, BS_RT, 1, ANY, Format.ASCII_STRING),
            global("Lang", 0, NV_BS_RT, 1, ANY, Format.ASCII_STRING),
            global("Timeout", 0, NV_BS_RT, 2, 2, Format.NONE),
            global("PlatformLangCodes", 0, BS_RT, 1, ANY, Format.ASCII_STRING),
            global("PlatformLang", 0, NV_BS_RT, 1, ANY, Format.ASCII_STRING),
            global("ConIn", 0, NV_BS_RT, DEVICE_PATH_NODE, ANY, Format.DEVICE_PATH),
            global("ConOut", 0, NV_BS_RT, DEVICE_PATH_NODE, ANY, Format.DEVICE_PATH),
            global("ErrOut", 0, NV_BS_RT, DEVICE_PATH_NODE, ANY, Format.DEVICE_PATH),
            global("ConInDev", 0, BS_RT, DEVICE_PATH_NODE, ANY, Format.DEVICE_PATH),
            global("ConOutDev", 0, BS_RT, DEVICE_PATH_NODE, ANY, Format.DEVICE_PATH),
            global("ErrOutDev", 0, BS_RT, DEVICE_PATH_NODE, ANY, Format.DEVICE_PATH),
            global("BootOrder", 0, NV_BS_RT, 2, ANY, Format.SIZE_ARRAY),
            global("BootNext", 0, NV_BS_RT, 2, 2, Format.NONE),
            global("BootCurrent", 0, BS_RT, 2, 2, Format.NONE),
            global("BootOptionSupport", 0, BS_RT, 4, 4, Format.NONE),
            global("DriverOrder", 0, NV_BS_RT, 2, ANY, Format.SIZE_ARRAY),
            global("SysPrepOrder", 0, NV_BS_RT, 2, ANY, Format.SIZE_ARRAY),
            global("HwErrRecSupport", 0, NV_BS_RT, 2, 2, Format.NONE),
            global("SetupMode", RO, BS_RT, 1, 1, Format.NONE),
            global("KEK", 0, NV_BS_RT_AT, 1, ANY, Format.NONE),
            global("PK", 0, NV_BS_RT_AT, 1, ANY, Format.NONE),
            global("SignatureSupport", RO, BS_RT, 16, ANY, Format.SIZE_ARRAY),
            global("SecureBoot", RO, BS_RT, 1, 1, Format.NONE),
            global("KEKDefault", RO, BS_RT, 1, ANY, Format.NONE),
            global("PKDefault", RO, BS_RT, 1, ANY, Format.NONE),
            global("dbDefault", RO, BS_RT, 1, ANY, Format.NONE),
            global("dbxDefault", RO, BS_RT, 1, ANY, Format.NONE),
            global("dbtDefault", RO, BS_RT, 1, ANY, Format.NONE),
            global("OsIndicationsSupported", 0, BS_RT, 8, 8, Format.NONE),
            global("OsIndications", 0, NV_BS_RT, 8, 8, Format.NONE),
            global("VendorKeys", RO, BS_RT, 1, 1, Format.NONE),
            global("Boot####", 0, NV_BS_RT, LOAD_OPTION_FIXED, ANY, Format.LOAD_OPTION),
            global("Driver####", 0, NV_BS_RT, LOAD_OPTION_FIXED, ANY, Format.LOAD_OPTION),
            global("SysPrep####", 0, NV_BS_RT, LOAD_OPTION_FIXED, ANY, Format.LOAD_OPTION),
            global("Key####", 0, NV_BS_RT, KEY_OPTION, KEY_OPTION + 3 * INPUT_KEY, Format.KEY_OPTION),
            global("PlatformRecovery####", 0, BS_RT, LOAD_OPTION_FIXED, ANY, Format.LOAD_OPTION),
            new Entry(EfiGuid.IMAGE_SECURITY_DATABASE, "db", new VarCheck.Property(0, NV_BS_RT_AT, 1, ANY), Format.NONE),
            new Entry(EfiGuid.IMAGE_SECURITY_DATABASE, "dbx", new VarCheck.Property(0, NV_BS_RT_AT, 1, ANY), Format.NONE),
            new Entry(EfiGuid.IMAGE_SECURITY_DATABASE, "dbt", new VarCheck.Property(0, NV_BS_RT_AT, 1, ANY), Format.NONE),
            new Entry(EfiGuid.HARDWARE_ERROR_VARIABLE, "HwErrRec####", new VarCheck.Property(0, NV_BS_RT_HR, 1, ANY),
                    Format.NONE));

    /** The GUIDs under which only defined names may be created. */
    static final List<EfiGuid> UEFI_DEFINED_GUIDS = List.of(EfiGuid.GLOBAL_VARIABLE, EfiGuid.IMAGE_SECURITY_DATABASE,
            EfiGuid.HARDWARE_ERROR_VARIABLE);

    private UefiDefinedVariables() {
    }

    /** The entry whose format applies to {@code name} under EFI_GLOBAL_VARIABLE (exact names first), or null. */
    static Entry formatEntry(String name, EfiGuid vendor) {
        if (!vendor.equals(EfiGuid.GLOBAL_VARIABLE)) {
            return null;
        }
        for (Entry e : ENTRIES) {
            if (e.vendor().equals(vendor) && !e.name().endsWith("####") && e.name().equals(name)) {
                return e;
            }
        }
        for (Entry e : ENTRIES) {
            if (e.vendor().equals(vendor) && e.name().endsWith("####") && matchesNumbered(name, e.name())) {
                return e;
            }
        }
        return null;
    }

    /** {@code pattern} is {@code Prefix####}: the same length, the same prefix, four hex digits of either case. */
    static boolean matchesNumbered(String name, String pattern) {
        return isNumbered(name, pattern.substring(0, pattern.length() - 4), false);
    }

    /** {@code prefix} followed by exactly four hex digits (upper case only when {@code upperOnly}). */
    static boolean isNumbered(String name, String prefix, boolean upperOnly) {
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

    /** The data check of {@code format}; SUCCESS or INVALID_PARAMETER. {@code data} is the payload. */
    static EfiStatus checkFormat(Entry entry, byte[] data) {
        boolean valid = switch (entry.format()) {
            case NONE -> true;
            case ASCII_STRING -> hasNul(data);
            case DEVICE_PATH -> isDevicePathValid(data, 0, data.length);
            case SIZE_ARRAY -> data.length % entry.property().minSize() == 0;
            case LOAD_OPTION -> isLoadOption(data);
            case KEY_OPTION -> (data.length - KEY_OPTION) % INPUT_KEY == 0;
        };
        return valid ? EfiStatus.SUCCESS : EfiStatus.INVALID_PARAMETER;
    }

    /** InternalVarCheckAsciiString: some byte is NUL. */
    private static boolean hasNul(byte[] data) {
        for (byte b : data) {
            if (b == 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * InternalVarCheckLoadOption: a NUL-terminated CHAR16 description after the fixed part, then FilePathListLength
     * bytes (at least one node) that lie within the data and form a valid device path.
     */
    private static boolean isLoadOption(byte[] data) {
        int filePathListLength = Bytes.u16(data, 4);
        int p = LOAD_OPTION_FIXED;
        while (p + 1 < data.length && Bytes.u16(data, p) != 0) {
            p += 2;
        }
        if (p + 1 >= data.length) {
            return false;
        }
        int filePath = p + 2;
        return (long) filePath + filePathListLength <= data.length && filePathListLength >= DEVICE_PATH_NODE
                && isDevicePathValid(data, filePath, filePathListLength);
    }

    /**
     * IsDevicePathValid (DevicePathLib): nodes of at least 4 bytes, each followed by room for an end node within
     * {@code maxSize}; a file path node's text ends in NUL; the path ends with an End Entire node of exactly 4 bytes.
     */
    static boolean isDevicePathValid(byte[] data, int offset, int maxSize) {
        if (maxSize < DEVICE_PATH_NODE) {
            return false;
        }
        long size = 0;
        int node = offset;
        while (true) {
            int type = data[node] & 0xFF;
            int subType = data[node + 1] & 0xFF;
            int length = Bytes.u16(data, node + 2);
            if (type == 0x7F && subType == 0xFF) {
                return length == DEVICE_PATH_NODE;
            }
            if (length < DEVICE_PATH_NODE) {
                return false;
            }
            size += length;
            if (size > maxSize - DEVICE_PATH_NODE) {
                return false;
            }
            if (type == 0x04 && subType == 0x04 && Bytes.u16(data, node + length - 2) != 0) {
                return false;
            }
            node += length;
        }
    }
}
