package hil.simulator.auth;

import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.Ucs2;

import java.util.Arrays;
import java.util.List;

/** Names and GUIDs of the Secure Boot variables and the signature types of EDK II 2022.11. */
public final class SecureBootNames {

    public static final EfiGuid GLOBAL = EfiGuid.GLOBAL_VARIABLE;
    public static final EfiGuid IMAGE_SECURITY_DATABASE = EfiGuid.IMAGE_SECURITY_DATABASE;
    /** gEfiSecureBootEnableDisableGuid: SecureBootEnable. */
    public static final EfiGuid SECURE_BOOT_ENABLE_DISABLE = EfiGuid.parse("F0A30BC7-AF08-4556-99C4-001009C93A44");
    /** gEfiCustomModeEnableGuid: CustomMode. */
    public static final EfiGuid CUSTOM_MODE_ENABLE = EfiGuid.parse("C076EC0C-7028-4399-A072-71EE5C448B9F");
    /** gEfiCertDbGuid: certdb and certdbv. */
    public static final EfiGuid CERT_DB = EfiGuid.parse("D9BEE56E-75DC-49D9-B4D7-B534210F637A");
    /** gEfiVendorKeysNvGuid: VendorKeysNv. */
    public static final EfiGuid VENDOR_KEYS_NV = EfiGuid.parse("9073E4E0-60EC-4B6E-9903-4C223C260F3C");
    /** EFI_CERT_TYPE_PKCS7_GUID: the CertType of EFI_VARIABLE_AUTHENTICATION_2. */
    public static final EfiGuid CERT_TYPE_PKCS7 = EfiGuid.parse("4AAFD29D-68DF-49EE-8AA9-347D375665A7");

    public static final EfiGuid CERT_SHA256 = EfiGuid.parse("C1C41626-504C-4092-ACA9-41F936934328");
    public static final EfiGuid CERT_RSA2048 = EfiGuid.parse("3C5766E8-269C-4E34-AA14-ED776E85B3B6");
    public static final EfiGuid CERT_RSA2048_SHA256 = EfiGuid.parse("E2B36190-879B-4A3D-AD8D-F2E7BBA32784");
    public static final EfiGuid CERT_SHA1 = EfiGuid.parse("826CA512-CF10-4AC9-B187-BE01496631BD");
    public static final EfiGuid CERT_RSA2048_SHA1 = EfiGuid.parse("67F8444F-8743-48F1-A328-1EAAB8736080");
    public static final EfiGuid CERT_X509 = EfiGuid.parse("A5C059A1-94E4-4AA7-87B5-AB155C2BF072");
    public static final EfiGuid CERT_SHA224 = EfiGuid.parse("0B6E5233-A65C-44C9-9407-D9AB83BFC8BD");
    public static final EfiGuid CERT_SHA384 = EfiGuid.parse("FF3E5307-9FD0-48C9-85F1-8AD56C701E01");
    public static final EfiGuid CERT_SHA512 = EfiGuid.parse("093E0FAE-A6C4-4F50-9F1B-D41E2B89C19A");
    public static final EfiGuid CERT_X509_SHA256 = EfiGuid.parse("3BD2A492-96C0-4079-B420-FCF98EF103ED");
    public static final EfiGuid CERT_X509_SHA384 = EfiGuid.parse("7076876E-80C2-4EE6-AAD2-28B349A6865B");
    public static final EfiGuid CERT_X509_SHA512 = EfiGuid.parse("446DBF63-2502-4CDA-BCFA-2465D2B0FE9D");

    public static final byte[] PK = Ucs2.encode("PK");
    public static final byte[] KEK = Ucs2.encode("KEK");
    public static final byte[] DB = Ucs2.encode("db");
    public static final byte[] DBX = Ucs2.encode("dbx");
    public static final byte[] DBT = Ucs2.encode("dbt");
    public static final byte[] SETUP_MODE = Ucs2.encode("SetupMode");
    public static final byte[] SECURE_BOOT = Ucs2.encode("SecureBoot");
    public static final byte[] SECURE_BOOT_ENABLE = Ucs2.encode("SecureBootEnable");
    public static final byte[] CUSTOM_MODE = Ucs2.encode("CustomMode");
    public static final byte[] SIGNATURE_SUPPORT = Ucs2.encode("SignatureSupport");
    public static final byte[] VENDOR_KEYS = Ucs2.encode("VendorKeys");
    public static final byte[] VENDOR_KEYS_NV_NAME = Ucs2.encode("VendorKeysNv");
    public static final byte[] CERTDB = Ucs2.encode("certdb");
    public static final byte[] CERTDBV = Ucs2.encode("certdbv");

    /** mSignatureSupport: the four types AuthVariableLib advertises, in its order. */
    public static final List<EfiGuid> SIGNATURE_SUPPORT_TYPES = List.of(CERT_SHA1, CERT_SHA256, CERT_RSA2048, CERT_X509);

    private SecureBootNames() {
    }

    static boolean isPk(byte[] name, EfiGuid vendor) {
        return vendor.equals(GLOBAL) && Arrays.equals(name, PK);
    }

    static boolean isKek(byte[] name, EfiGuid vendor) {
        return vendor.equals(GLOBAL) && Arrays.equals(name, KEK);
    }

    /** db, dbx or dbt under EFI_IMAGE_SECURITY_DATABASE_GUID. */
    static boolean isImageDb(byte[] name, EfiGuid vendor) {
        return vendor.equals(IMAGE_SECURITY_DATABASE)
                && (Arrays.equals(name, DB) || Arrays.equals(name, DBX) || Arrays.equals(name, DBT));
    }
}
