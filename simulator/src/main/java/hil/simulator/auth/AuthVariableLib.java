package hil.simulator.auth;

import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;

import static hil.simulator.auth.SecureBootNames.CERTDB;
import static hil.simulator.auth.SecureBootNames.CERTDBV;
import static hil.simulator.auth.SecureBootNames.CERT_DB;
import static hil.simulator.auth.SecureBootNames.CUSTOM_MODE;
import static hil.simulator.auth.SecureBootNames.CUSTOM_MODE_ENABLE;
import static hil.simulator.auth.SecureBootNames.GLOBAL;
import static hil.simulator.auth.SecureBootNames.KEK;
import static hil.simulator.auth.SecureBootNames.PK;
import static hil.simulator.auth.SecureBootNames.SECURE_BOOT;
import static hil.simulator.auth.SecureBootNames.SECURE_BOOT_ENABLE;
import static hil.simulator.auth.SecureBootNames.SECURE_BOOT_ENABLE_DISABLE;
import static hil.simulator.auth.SecureBootNames.SETUP_MODE;
import static hil.simulator.auth.SecureBootNames.SIGNATURE_SUPPORT;
import static hil.simulator.auth.SecureBootNames.VENDOR_KEYS;
import static hil.simulator.auth.SecureBootNames.VENDOR_KEYS_NV;
import static hil.simulator.auth.SecureBootNames.VENDOR_KEYS_NV_NAME;

/**
 * EDK II's AuthVariableLib (SecurityPkg, tag edk2-stable202211, the one Debian's OVMF 2022.11 builds) behind the
 * variable core: its variables and modes at start-up, and the processing of every SetVariable that reaches it —
 * PK and KEK through ProcessVarWithPk, db/dbx/dbt through ProcessVarWithPk then ProcessVarWithKek, everything else
 * through ProcessVariable (private authenticated variables and the unsigned delete). Time-based writes are checked
 * by VerifyTimeBasedPayload: the EFI_TIME rules, the descriptor's type fields, the byte checks that admit only
 * unwrapped DER SignedData with SHA-256 first, and the signer check of the variable's type. Statuses were measured
 * on Debian's OVMF (reference: authenticated-variables-facts.md).
 *
 * <p>The core has already checked the descriptor's length fields (SECURITY_VIOLATION), the size limit on the
 * payload, VarCheck and the stored attributes; everything here works on the full Data (descriptor and payload).
 */
public final class AuthVariableLib {

    /** SETUP_MODE / USER_MODE as SetupMode holds them. */
    static final int SETUP_MODE_VALUE = 1;
    static final int USER_MODE_VALUE = 0;
    static final int CUSTOM_SECURE_BOOT_MODE = 1;
    static final int VENDOR_KEYS_VALID = 1;
    static final int VENDOR_KEYS_MODIFIED = 0;
    static final int WIN_CERT_TYPE_EFI_GUID = 0x0EF1;
    /** OFFSET_OF (EFI_VARIABLE_AUTHENTICATION_2, AuthInfo.CertData): EFI_TIME 16 + WIN_CERTIFICATE_UEFI_GUID 24. */
    static final int CERT_DATA_OFFSET = 40;
    /** The DER of the SHA-256 OID's value, which must sit at SignedData offset 13 (mSha256OidValue). */
    private static final byte[] SHA256_OID_VALUE = {0x60, (byte) 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
    /** TWO_BYTE_ENCODE: the SignedData's outer length is in the long form with two bytes (0x82). */
    private static final int TWO_BYTE_ENCODE = 0x82;
    private static final int SHA256_DIGEST_SIZE = 32;
    /** VARIABLE_ATTRIBUTE_NV_BS_RT_AT and friends. */
    private static final int NV_BS = Attributes.NV_BS;
    private static final int BS_RT = Attributes.BS_RT;
    private static final int NV_BS_RT_AT = Attributes.NV_BS_RT | Attributes.AT;
    private static final int BS_RT_AT = Attributes.BS_RT | Attributes.AT;
    private static final long MAX_UINTN = -1L;

    /** The signer check VerifyTimeBasedPayload applies (AUTHVAR_TYPE). */
    enum AuthVarType { PK, KEK, PRIV, PAYLOAD }

    private final AuthVariableContext context;
    private final Pkcs7 crypto;
    /** mPlatformMode. */
    private int platformMode;
    /** mVendorKeyState. */
    private int vendorKeyState;
    /** mMaxCertDbSize: MaxAuthVariableSize − sizeof (L"certdbv"). */
    private long maxCertDbSize;

    public AuthVariableLib(AuthVariableContext context, Pkcs7 crypto) {
        this.context = context;
        this.crypto = crypto;
    }

    /** OVMF's PlatformSecureLib: UserPhysicalPresent() always answers TRUE. */
    static boolean userPhysicalPresent() {
        return true;
    }

    // ---- AuthVariableLibInitialize ----------------------------------------------------------------------

    /**
     * AuthVariableLibInitialize, run by the core when its write service starts: SetupMode from the presence of PK,
     * SignatureSupport, SecureBootEnable (created in user mode, deleted in setup mode), SecureBoot, CustomMode reset
     * to 0, certdb created or cleaned of orphans, certdbv, VendorKeysNv and VendorKeys; then the core registers the
     * library's VarCheck properties.
     */
    public EfiStatus initialize() {
        maxCertDbSize = context.maxAuthVariableSize() - CERTDBV.length;
        platformMode = context.find(PK, GLOBAL) == null ? SETUP_MODE_VALUE : USER_MODE_VALUE;
        EfiStatus s = context.update(SETUP_MODE, GLOBAL, new byte[] {(byte) platformMode}, BS_RT, null);
        if (s.isError()) {
            return s;
        }
        s = context.update(SIGNATURE_SUPPORT, GLOBAL, signatureSupport(), BS_RT, null);
        if (s.isError()) {
            return s;
        }
        int secureBootEnable = 0;
        AuthVariableContext.Variable sbe = context.find(SECURE_BOOT_ENABLE, SECURE_BOOT_ENABLE_DISABLE);
        if (sbe != null) {
            if (platformMode == SETUP_MODE_VALUE) {
                // PK was deleted at runtime, when SecureBootEnable could not follow; it goes now.
                context.update(SECURE_BOOT_ENABLE, SECURE_BOOT_ENABLE_DISABLE, new byte[0], NV_BS, null);
            } else {
                secureBootEnable = sbe.data().length > 0 ? sbe.data()[0] & 0xFF : 0;
            }
        } else if (platformMode == USER_MODE_VALUE) {
            secureBootEnable = 1;
            s = context.update(SECURE_BOOT_ENABLE, SECURE_BOOT_ENABLE_DISABLE, new byte[] {1}, NV_BS, null);
            if (s.isError()) {
                return s;
            }
        }
        int secureBoot = secureBootEnable == 1 && platformMode == USER_MODE_VALUE ? 1 : 0;
        s = context.update(SECURE_BOOT, GLOBAL, new byte[] {(byte) secureBoot}, BS_RT, null);
        if (s.isError()) {
            return s;
        }
        s = context.update(CUSTOM_MODE, CUSTOM_MODE_ENABLE, new byte[] {0}, NV_BS, null);
        if (s.isError()) {
            return s;
        }
        if (context.find(CERTDB, CERT_DB) == null) {
            s = context.update(CERTDB, CERT_DB, CertDb.empty(), NV_BS_RT_AT, null);
        } else {
            s = cleanCertsFromDb();
        }
        if (s.isError()) {
            return s;
        }
        s = context.update(CERTDBV, CERT_DB, CertDb.empty(), BS_RT_AT, null);
        if (s.isError()) {
            return s;
        }
        AuthVariableContext.Variable vendorKeysNv = context.find(VENDOR_KEYS_NV_NAME, VENDOR_KEYS_NV);
        if (vendorKeysNv != null && vendorKeysNv.data().length > 0) {
            vendorKeyState = vendorKeysNv.data()[0] & 0xFF;
        } else {
            vendorKeyState = VENDOR_KEYS_VALID;
            s = context.update(VENDOR_KEYS_NV_NAME, VENDOR_KEYS_NV, new byte[] {(byte) vendorKeyState},
                    NV_BS | Attributes.AT, null);
            if (s.isError()) {
                return s;
            }
        }
        s = context.update(VENDOR_KEYS, GLOBAL, new byte[] {(byte) vendorKeyState}, BS_RT, null);
        if (s.isError()) {
            return s;
        }
        // mAuthVarEntry: the properties the core registers with VarCheckLib for the library's variables.
        context.setProperty(SECURE_BOOT_ENABLE, SECURE_BOOT_ENABLE_DISABLE, 0, NV_BS, 1, 1);
        context.setProperty(CUSTOM_MODE, CUSTOM_MODE_ENABLE, 0, NV_BS, 1, 1);
        context.setProperty(VENDOR_KEYS_NV_NAME, VENDOR_KEYS_NV, READ_ONLY, NV_BS_RT_AT, 1, 1);
        context.setProperty(CERTDB, CERT_DB, READ_ONLY, NV_BS_RT_AT, 4, MAX_UINTN);
        context.setProperty(CERTDBV, CERT_DB, READ_ONLY, BS_RT_AT, 4, MAX_UINTN);
        return EfiStatus.SUCCESS;
    }

    /** VAR_CHECK_VARIABLE_PROPERTY_READ_ONLY. */
    private static final int READ_ONLY = 0x1;

    /** mSignatureSupport: four GUIDs, 64 bytes. */
    static byte[] signatureSupport() {
        byte[] out = new byte[SecureBootNames.SIGNATURE_SUPPORT_TYPES.size() * EfiGuid.SIZE];
        for (int i = 0; i < SecureBootNames.SIGNATURE_SUPPORT_TYPES.size(); i++) {
            SecureBootNames.SIGNATURE_SUPPORT_TYPES.get(i).write(out, i * EfiGuid.SIZE);
        }
        return out;
    }

    /** SETUP_MODE (1) or USER_MODE (0). */
    public int platformMode() {
        return platformMode;
    }

    /** VENDOR_KEYS_VALID (1) or VENDOR_KEYS_MODIFIED (0). */
    public int vendorKeyState() {
        return vendorKeyState;
    }

    // ---- AuthVariableLibProcessVariable -------------------------------------------------------------------

    /**
     * AuthVariableLibProcessVariable: routes PK and KEK to ProcessVarWithPk; db, dbx and dbt to ProcessVarWithPk and,
     * when that fails, ProcessVarWithKek (so the PK may sign db updates); any other variable to ProcessVariable.
     *
     * @param name NUL-terminated CHAR16 bytes
     * @param data the caller's full Data (for AT writes: EFI_VARIABLE_AUTHENTICATION_2 followed by the payload)
     */
    public EfiStatus process(byte[] name, EfiGuid vendor, byte[] data, int attributes) {
        if (SecureBootNames.isPk(name, vendor)) {
            return processVarWithPk(name, vendor, data, attributes, true);
        }
        if (SecureBootNames.isKek(name, vendor)) {
            return processVarWithPk(name, vendor, data, attributes, false);
        }
        if (SecureBootNames.isImageDb(name, vendor)) {
            EfiStatus s = processVarWithPk(name, vendor, data, attributes, false);
            return s.isError() ? processVarWithKek(name, vendor, data, attributes) : s;
        }
        return processVariable(name, vendor, data, attributes);
    }

    /** AUTHINFO2_SIZE: 16 + dwLength (the core has checked that it lies within Data). */
    private static int authInfo2Size(byte[] data) {
        return 16 + (int) Bytes.u32(data, 16);
    }

    private static byte[] payloadOf(byte[] data) {
        return Arrays.copyOfRange(data, authInfo2Size(data), data.length);
    }

    private static byte[] timeStampOf(byte[] data) {
        return Arrays.copyOfRange(data, 0, 16);
    }

    /** ProcessVarWithPk: PK (isPk) and KEK, and the first attempt for db/dbx/dbt. */
    private EfiStatus processVarWithPk(byte[] name, EfiGuid vendor, byte[] data, int attributes, boolean isPk) {
        if ((attributes & Attributes.NV) == 0 || (attributes & Attributes.AT) == 0) {
            // PK, KEK and db/dbx/dbt must be non-volatile, time-based authenticated variables.
            return EfiStatus.INVALID_PARAMETER;
        }
        boolean deleted;
        EfiStatus s;
        if ((inCustomMode() && userPhysicalPresent()) || (platformMode == SETUP_MODE_VALUE && !isPk)) {
            // No signature: checks a-d of VerifyTimeBasedPayload do not run, any stamp is stored.
            byte[] payload = payloadOf(data);
            deleted = payload.length == 0;
            s = SignatureLists.checkFormat(name, vendor, payload, crypto);
            if (s.isError()) {
                return s;
            }
            s = updateWithTimeStamp(name, vendor, payload, attributes, timeStampOf(data));
            if (s.isError()) {
                return s;
            }
            if (platformMode != SETUP_MODE_VALUE || isPk) {
                s = vendorKeyIsModified();
            }
        } else {
            boolean[] del = new boolean[1];
            s = verifyTimeBasedPayloadAndUpdate(name, vendor, data, attributes,
                    platformMode == USER_MODE_VALUE ? AuthVarType.PK : AuthVarType.PAYLOAD, del);
            deleted = del[0];
        }
        if (!s.isError() && isPk) {
            if (platformMode == SETUP_MODE_VALUE && !deleted) {
                s = updatePlatformMode(USER_MODE_VALUE);
            } else if (platformMode == USER_MODE_VALUE && deleted) {
                s = updatePlatformMode(SETUP_MODE_VALUE);
            }
        }
        return s;
    }

    /** ProcessVarWithKek: db/dbx/dbt signed by a KEK certificate in user mode, unsigned otherwise. */
    private EfiStatus processVarWithKek(byte[] name, EfiGuid vendor, byte[] data, int attributes) {
        if ((attributes & Attributes.NV) == 0 || (attributes & Attributes.AT) == 0) {
            return EfiStatus.INVALID_PARAMETER;
        }
        if (platformMode == USER_MODE_VALUE && !(inCustomMode() && userPhysicalPresent())) {
            return verifyTimeBasedPayloadAndUpdate(name, vendor, data, attributes, AuthVarType.KEK, null);
        }
        byte[] payload = payloadOf(data);
        EfiStatus s = SignatureLists.checkFormat(name, vendor, payload, crypto);
        if (s.isError()) {
            return s;
        }
        s = updateWithTimeStamp(name, vendor, payload, attributes, timeStampOf(data));
        if (s.isError()) {
            return s;
        }
        if (platformMode != SETUP_MODE_VALUE) {
            s = vendorKeyIsModified();
        }
        return s;
    }

    /**
     * ProcessVariable: the unsigned delete of an authenticated variable (identical attributes, empty payload, allowed
     * because physical presence is asserted), counter-based writes refused, time-based writes verified as private
     * variables, other writes to an authenticated variable refused, the rest passed to UpdateVariable.
     */
    private EfiStatus processVariable(byte[] name, EfiGuid vendor, byte[] data, int attributes) {
        AuthVariableContext.Variable org = context.find(name, vendor);
        if (org != null && isDeleteAuthVariable(org.attributes(), data, attributes) && userPhysicalPresent()) {
            EfiStatus s = context.update(name, vendor, new byte[0], 0, null);
            if (!s.isError() && (attributes & Attributes.AT) != 0) {
                s = deleteCertsFromDb(name, vendor, attributes);
            }
            return s;
        }
        // NeedPhysicallyPresent (CustomMode, SecureBootEnable) always passes on OVMF.
        if ((attributes & Attributes.AW) != 0) {
            // Counter-based authenticated variables are not processed any more.
            return EfiStatus.UNSUPPORTED;
        }
        if ((attributes & Attributes.AT) != 0) {
            return verifyTimeBasedPayloadAndUpdate(name, vendor, data, attributes, AuthVarType.PRIV, null);
        }
        if (org != null && (org.attributes() & (Attributes.AT | Attributes.AW)) != 0) {
            // An authenticated variable always needs authentication before an update.
            return EfiStatus.WRITE_PROTECTED;
        }
        return context.update(name, vendor, data, attributes, null);
    }

    /**
     * IsDeleteAuthVariable: the request's attributes equal the stored ones (APPEND therefore excluded), carry AT or
     * AW, and the payload after the descriptor is empty (for AW, Data is exactly AUTHINFO_SIZE).
     */
    private static boolean isDeleteAuthVariable(int orgAttributes, byte[] data, int attributes) {
        if (attributes != orgAttributes || (attributes & (Attributes.AT | Attributes.AW)) == 0) {
            return false;
        }
        if ((attributes & Attributes.AT) != 0) {
            return data.length == authInfo2Size(data);
        }
        return data.length == 560;
    }

    /** InCustomMode: CustomMode exists and is 1. */
    private boolean inCustomMode() {
        AuthVariableContext.Variable v = context.find(CUSTOM_MODE, CUSTOM_MODE_ENABLE);
        return v != null && v.data().length > 0 && (v.data()[0] & 0xFF) == CUSTOM_SECURE_BOOT_MODE;
    }

    /** VendorKeyIsModified: VendorKeysNv and VendorKeys drop to 0, once and for good. */
    private EfiStatus vendorKeyIsModified() {
        if (vendorKeyState == VENDOR_KEYS_MODIFIED) {
            return EfiStatus.SUCCESS;
        }
        vendorKeyState = VENDOR_KEYS_MODIFIED;
        EfiStatus s = context.update(VENDOR_KEYS_NV_NAME, VENDOR_KEYS_NV, new byte[] {(byte) vendorKeyState},
                NV_BS | Attributes.AT, null);
        if (s.isError()) {
            return s;
        }
        return context.update(VENDOR_KEYS, GLOBAL, new byte[] {(byte) vendorKeyState}, BS_RT, null);
    }

    /**
     * UpdatePlatformMode: SetupMode changes in place at once; at boot time SecureBoot follows (1 in user mode), and
     * SecureBootEnable is created as 1 with it or deleted when SecureBoot drops. At runtime nothing but SetupMode
     * changes.
     */
    private EfiStatus updatePlatformMode(int mode) {
        if (context.find(SETUP_MODE, GLOBAL) == null) {
            return EfiStatus.NOT_FOUND;
        }
        platformMode = mode;
        context.overwriteFirstByte(SETUP_MODE, GLOBAL, (byte) mode);
        if (context.atRuntime()) {
            return EfiStatus.SUCCESS;
        }
        int secureBoot;
        if (context.find(SECURE_BOOT, GLOBAL) == null) {
            secureBoot = 0;
        } else {
            secureBoot = mode == USER_MODE_VALUE ? 1 : 0;
        }
        EfiStatus s = context.update(SECURE_BOOT, GLOBAL, new byte[] {(byte) secureBoot}, BS_RT, null);
        if (s.isError()) {
            return s;
        }
        boolean enableExists = context.find(SECURE_BOOT_ENABLE, SECURE_BOOT_ENABLE_DISABLE) != null;
        if (secureBoot == 1) {
            return context.update(SECURE_BOOT_ENABLE, SECURE_BOOT_ENABLE_DISABLE, new byte[] {1}, NV_BS, null);
        }
        if (!enableExists) {
            return EfiStatus.SUCCESS;
        }
        return context.update(SECURE_BOOT_ENABLE, SECURE_BOOT_ENABLE_DISABLE, new byte[0], NV_BS, null);
    }

    // ---- VerifyTimeBasedPayload ---------------------------------------------------------------------------

    /**
     * VerifyTimeBasedPayloadAndUpdate: verification, then UpdateVariable with the descriptor's stamp; a private
     * variable deleted this way loses its certdb node. {@code deleted[0]} (if given) says whether an existing
     * variable was deleted.
     */
    private EfiStatus verifyTimeBasedPayloadAndUpdate(byte[] name, EfiGuid vendor, byte[] data, int attributes,
                                                      AuthVarType type, boolean[] deleted) {
        AuthVariableContext.Variable org = context.find(name, vendor);
        Verified v = verifyTimeBasedPayload(name, vendor, data, attributes, type, org == null ? null : org.timeStamp());
        if (v.status().isError()) {
            return v.status();
        }
        boolean isDel = org != null && v.payload().length == 0 && (attributes & Attributes.AP) == 0;
        EfiStatus s = updateWithTimeStamp(name, vendor, v.payload(), attributes, timeStampOf(data));
        if (isDel && type == AuthVarType.PRIV && !s.isError()) {
            s = deleteCertsFromDb(name, vendor, attributes);
        }
        if (deleted != null) {
            deleted[0] = isDel && !s.isError();
        }
        return s;
    }

    private record Verified(EfiStatus status, byte[] payload) {
        static Verified fail(EfiStatus status) {
            return new Verified(status, null);
        }
    }

    /** VerifyTimeBasedPayload (reference §1.3 a–f). */
    private Verified verifyTimeBasedPayload(byte[] name, EfiGuid vendor, byte[] data, int attributes,
                                            AuthVarType type, byte[] orgTimeStamp) {
        byte[] stamp = timeStampOf(data);
        // a. Pad1, Nanosecond, TimeZone, Daylight and Pad2 must be zero.
        if (stamp[7] != 0 || Bytes.u32(stamp, 8) != 0 || Bytes.u16(stamp, 12) != 0 || stamp[14] != 0 || stamp[15] != 0) {
            return Verified.fail(EfiStatus.SECURITY_VIOLATION);
        }
        // b. Replay: without APPEND the new stamp must be later than the stored one (equal fails).
        if (orgTimeStamp != null && (attributes & Attributes.AP) == 0 && notLater(stamp, orgTimeStamp)) {
            return Verified.fail(EfiStatus.SECURITY_VIOLATION);
        }
        // c. WIN_CERT_TYPE_EFI_GUID with EFI_CERT_TYPE_PKCS7_GUID.
        if (Bytes.u16(data, 22) != WIN_CERT_TYPE_EFI_GUID || !SecureBootNames.CERT_TYPE_PKCS7.matches(data, 24)) {
            return Verified.fail(EfiStatus.SECURITY_VIOLATION);
        }
        int sigDataSize = (int) Bytes.u32(data, 16) - 24;
        byte[] sigData = Arrays.copyOfRange(data, CERT_DATA_OFFSET, CERT_DATA_OFFSET + sigDataSize);
        // d. The outer length in two bytes, and the SHA-256 OID first in digestAlgorithms at byte 13.
        if ((attributes & Attributes.AT) != 0 && sigDataSize >= 13 + SHA256_OID_VALUE.length) {
            if ((sigData[1] & TWO_BYTE_ENCODE) != TWO_BYTE_ENCODE
                    || !Arrays.equals(sigData, 13, 13 + SHA256_OID_VALUE.length, SHA256_OID_VALUE, 0,
                    SHA256_OID_VALUE.length)) {
                return Verified.fail(EfiStatus.SECURITY_VIOLATION);
            }
        }
        byte[] payload = Arrays.copyOfRange(data, CERT_DATA_OFFSET + sigDataSize, data.length);
        byte[] content = serialization(name, vendor, attributes, stamp, payload);
        AuthVariableContext.Variable kek = type == AuthVarType.KEK ? context.find(KEK, GLOBAL) : null;
        if (type == AuthVarType.KEK && kek == null) {
            // A missing KEK ends the check with the lookup's status.
            return Verified.fail(EfiStatus.NOT_FOUND);
        }
        // e. The signer check of the variable's type.
        boolean verified = switch (type) {
            case PK -> verifyWithPk(sigData, content);
            case KEK -> {
                boolean ok = false;
                for (byte[] cert : SignatureLists.x509Certificates(kek.data())) {
                    if (crypto.verify(sigData, cert, content)) {
                        ok = true;
                        break;
                    }
                }
                yield ok;
            }
            case PRIV -> {
                Optional<EfiStatus> failure = verifyPrivate(name, vendor, attributes, sigData, content, payload,
                        orgTimeStamp != null);
                yield failure.isEmpty();
            }
            case PAYLOAD -> {
                byte[] anchor = SignatureLists.firstCertificate(payload);
                yield anchor != null && crypto.verify(sigData, anchor, content);
            }
        };
        // f. Any failure is a security violation; the list format can still be refused afterwards.
        if (!verified) {
            return Verified.fail(EfiStatus.SECURITY_VIOLATION);
        }
        EfiStatus format = SignatureLists.checkFormat(name, vendor, payload, crypto);
        if (format.isError()) {
            return Verified.fail(format);
        }
        return new Verified(EfiStatus.SUCCESS, payload);
    }

    /** AuthVarTypePk: the signer must be exactly the first certificate of PK's first list; no chaining. */
    private boolean verifyWithPk(byte[] sigData, byte[] content) {
        Optional<Pkcs7.Signers> signers = crypto.signers(sigData);
        if (signers.isEmpty()) {
            return false;
        }
        AuthVariableContext.Variable pk = context.find(PK, GLOBAL);
        if (pk == null) {
            return false;
        }
        byte[] pkCert = SignatureLists.firstCertificate(pk.data());
        byte[] root = signers.get().topLevel();
        return pkCert != null && Arrays.equals(pkCert, root) && crypto.verify(sigData, root, content);
    }

    /**
     * AuthVarTypePriv: for an existing variable the certdb digest must match; the signature must verify against
     * the signers' own top-level certificate (trust on first use); a new, non-empty variable gets its certdb node.
     * Empty when verified.
     */
    private Optional<EfiStatus> verifyPrivate(byte[] name, EfiGuid vendor, int attributes, byte[] sigData,
                                              byte[] content, byte[] payload, boolean exists) {
        Optional<Pkcs7.Signers> signers = crypto.signers(sigData);
        if (signers.isEmpty()) {
            return Optional.of(EfiStatus.SECURITY_VIOLATION);
        }
        if (exists) {
            CertDb.Node node = CertDb.find(certDbData(attributes), name, vendor);
            if (node == null) {
                return Optional.of(EfiStatus.SECURITY_VIOLATION);
            }
            if (node.certData().length == SHA256_DIGEST_SIZE) {
                Optional<byte[]> digest = signChainDigest(signers.get());
                if (digest.isEmpty() || !Arrays.equals(digest.get(), node.certData())) {
                    return Optional.of(EfiStatus.SECURITY_VIOLATION);
                }
            } else {
                // The pre-2016 format kept the signer's whole certificate stack; not produced here.
                return Optional.of(EfiStatus.SECURITY_VIOLATION);
            }
        }
        if (!crypto.verify(sigData, signers.get().topLevel(), content)) {
            return Optional.of(EfiStatus.SECURITY_VIOLATION);
        }
        if (!exists && payload.length != 0) {
            EfiStatus s = insertCertsToDb(name, vendor, attributes, signers.get());
            if (s.isError()) {
                return Optional.of(EfiStatus.SECURITY_VIOLATION);
            }
        }
        return Optional.empty();
    }

    /**
     * CalculatePrivAuthVarSignChainSHA256Digest: SHA-256 of the signer's subject CN (without NUL; at most 127
     * bytes fit X509GetCommonName's buffer) and the top-level certificate's tbsCertificate. Empty when either is
     * missing.
     */
    private Optional<byte[]> signChainDigest(Pkcs7.Signers signers) {
        Optional<byte[]> cn = crypto.commonName(signers.signer());
        Optional<byte[]> tbs = crypto.tbsCertificate(signers.topLevel());
        if (cn.isEmpty() || cn.get().length > 127 || tbs.isEmpty()) {
            return Optional.empty();
        }
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(cn.get());
            sha256.update(tbs.get());
            return Optional.of(sha256.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JRE has no SHA-256", e);
        }
    }

    // ---- certdb -------------------------------------------------------------------------------------------

    private static boolean nonVolatile(int attributes) {
        return (attributes & Attributes.NV) != 0;
    }

    private byte[] certDbData(int attributes) {
        AuthVariableContext.Variable db = nonVolatile(attributes) ? context.find(CERTDB, CERT_DB)
                : context.find(CERTDBV, CERT_DB);
        return db == null ? null : db.data();
    }

    /** InsertCertsToDb: ACCESS_DENIED when a node exists, OUT_OF_RESOURCES beyond mMaxCertDbSize. */
    private EfiStatus insertCertsToDb(byte[] name, EfiGuid vendor, int attributes, Pkcs7.Signers signers) {
        byte[] db = certDbData(attributes);
        if (db == null) {
            return EfiStatus.NOT_FOUND;
        }
        if (CertDb.find(db, name, vendor) != null) {
            return EfiStatus.ACCESS_DENIED;
        }
        Optional<byte[]> digest = signChainDigest(signers);
        if (digest.isEmpty()) {
            return EfiStatus.ABORTED;
        }
        byte[] merged = CertDb.insert(db, name, vendor, digest.get());
        if (merged.length > maxCertDbSize) {
            return EfiStatus.OUT_OF_RESOURCES;
        }
        return nonVolatile(attributes)
                ? context.update(CERTDB, CERT_DB, merged, NV_BS_RT_AT, null)
                : context.update(CERTDBV, CERT_DB, merged, BS_RT_AT, null);
    }

    /** DeleteCertsFromDb: NOT_FOUND when the variable has no node. */
    private EfiStatus deleteCertsFromDb(byte[] name, EfiGuid vendor, int attributes) {
        byte[] db = certDbData(attributes);
        CertDb.Node node = db == null ? null : CertDb.find(db, name, vendor);
        if (node == null) {
            return EfiStatus.NOT_FOUND;
        }
        byte[] reduced = CertDb.remove(db, node);
        return nonVolatile(attributes)
                ? context.update(CERTDB, CERT_DB, reduced, NV_BS_RT_AT, null)
                : context.update(CERTDBV, CERT_DB, reduced, BS_RT_AT, null);
    }

    /** CleanCertsFromDb: drops nodes whose variable is gone or no longer time-based authenticated. */
    private EfiStatus cleanCertsFromDb() {
        boolean cleaned;
        do {
            cleaned = false;
            AuthVariableContext.Variable db = context.find(CERTDB, CERT_DB);
            if (db == null) {
                return EfiStatus.SUCCESS;
            }
            for (CertDb.Entry e : CertDb.entries(db.data())) {
                AuthVariableContext.Variable v = context.find(e.name(), e.vendor());
                if (v == null || (v.attributes() & Attributes.AT) == 0) {
                    EfiStatus s = deleteCertsFromDb(e.name(), e.vendor(), Attributes.NV);
                    if (s.isError()) {
                        return s;
                    }
                    cleaned = true;
                    break;
                }
            }
        } while (cleaned);
        return EfiStatus.SUCCESS;
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    /**
     * AuthServiceInternalUpdateVariableWithTimeStamp: for an APPEND to an existing KEK, db, dbx or dbt, entries
     * already stored are filtered out first (FilterSignatureList); then the core's UpdateVariable with the stamp.
     */
    private EfiStatus updateWithTimeStamp(byte[] name, EfiGuid vendor, byte[] payload, int attributes, byte[] stamp) {
        byte[] data = payload;
        if ((attributes & Attributes.AP) != 0
                && (SecureBootNames.isKek(name, vendor) || SecureBootNames.isImageDb(name, vendor))) {
            AuthVariableContext.Variable org = context.find(name, vendor);
            if (org != null) {
                data = SignatureLists.filter(org.data(), payload);
            }
        }
        return context.update(name, vendor, data, attributes, stamp);
    }

    /**
     * The signed content: VariableName without its NUL ‖ VendorGuid ‖ Attributes (APPEND included) ‖ TimeStamp ‖
     * payload.
     */
    static byte[] serialization(byte[] name, EfiGuid vendor, int attributes, byte[] stamp, byte[] payload) {
        int nameBytes = name.length - 2;
        byte[] out = new byte[nameBytes + EfiGuid.SIZE + 4 + 16 + payload.length];
        System.arraycopy(name, 0, out, 0, nameBytes);
        vendor.write(out, nameBytes);
        Bytes.put32(out, nameBytes + EfiGuid.SIZE, attributes & 0xFFFFFFFFL);
        System.arraycopy(stamp, 0, out, nameBytes + EfiGuid.SIZE + 4, 16);
        System.arraycopy(payload, 0, out, nameBytes + EfiGuid.SIZE + 20, payload.length);
        return out;
    }

    /**
     * AuthServiceInternalCompareTimeStamp(first, second): true when {@code first} is not later than {@code second},
     * comparing Year, Month, Day, Hour, Minute and Second only.
     */
    public static boolean notLater(byte[] first, byte[] second) {
        int[] a = dateAndTime(first);
        int[] b = dateAndTime(second);
        for (int i = 0; i < 5; i++) {
            if (a[i] != b[i]) {
                return a[i] < b[i];
            }
        }
        return a[5] <= b[5];
    }

    private static int[] dateAndTime(byte[] t) {
        return new int[] {Bytes.u16(t, 0), t[2] & 0xFF, t[3] & 0xFF, t[4] & 0xFF, t[5] & 0xFF, t[6] & 0xFF};
    }
}
