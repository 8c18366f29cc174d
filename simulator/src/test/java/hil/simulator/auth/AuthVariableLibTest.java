package hil.simulator.auth;

import hil.auth.EfiTime;
import hil.auth.Pkcs7Signer;
import hil.auth.SignatureList;
import hil.auth.TestKey;
import hil.auth.TestKeyFactory;
import hil.auth.VariableAuthentication2;
import hil.simulator.Machine;
import hil.simulator.Profile;
import hil.simulator.platform.SimulatedPlatform;
import hil.simulator.runtime.VariableRuntimeDxe.GetVariableResult;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * AuthVariableLib behind the simulator's variable core, through gRT as a UEFI application calls it. Every expected
 * status is the one measured on Debian's OVMF 2022.11 or stated by EDK II 2022.11 in
 * authenticated-variables-facts.md (section and probe named on each test).
 */
class AuthVariableLibTest {

    private static final EfiGuid GLOBAL = EfiGuid.GLOBAL_VARIABLE;
    private static final EfiGuid DB_GUID = EfiGuid.IMAGE_SECURITY_DATABASE;
    private static final EfiGuid PRIV_GUID = EfiGuid.parse("7F5C5D52-2F14-4F12-967C-DB60DB05A0FD");
    private static final byte[] OWNER = hil.auth.Guids.bytes(hil.auth.Guids.TEST_OWNER);
    private static final int KEY_ATTRS = 0x27;
    private static final int APPEND = 0x40;

    private static final TestKey PK_KEY = TestKeyFactory.selfSigned("hil PK");
    private static final TestKey KEK_CA = TestKeyFactory.selfSigned("hil KEK CA");
    private static final TestKey KEK_LEAF = TestKeyFactory.issuedBy("hil KEK leaf", KEK_CA);
    private static final TestKey PK_LEAF = TestKeyFactory.issuedBy("hil PK leaf", PK_KEY);
    private static final TestKey OTHER = TestKeyFactory.selfSigned("hil other");
    private static final TestKey PRIV_A = TestKeyFactory.selfSigned("test-key");
    /** Another key with the same CN (as FWTS's keys A and B): test keys are made from their definition, so it differs in validity. */
    private static final TestKey PRIV_B = TestKeyFactory.create("test-key", true, null,
            java.time.Instant.parse("2014-08-12T00:00:00Z"), TestKeyFactory.NOT_AFTER);
    private static final TestKey NO_CN = TestKeyFactory.withoutCommonName("no cn");

    private final Machine machine = new Machine(new SimulatedPlatform(Profile.OVMF_4M));

    private static EfiTime at(String text) {
        return EfiTime.parse(text);
    }

    private static byte[] x509(TestKey key) {
        return key.certificateList(OWNER).toBytes();
    }

    private static byte[] sha256List(int fill) {
        return SignatureList.sha256(OWNER, Machine.bytes(32, fill)).toBytes();
    }

    /** A signed write: AUTH_2 over name ‖ GUID ‖ attributes ‖ stamp ‖ payload, by {@code signer}. */
    private static byte[] signed(String name, EfiGuid vendor, int attributes, EfiTime stamp, byte[] payload,
                                 TestKey signer) {
        byte[] content = VariableAuthentication2.signedContent(name, vendor.toBytes(), attributes, stamp, payload);
        return VariableAuthentication2.build(stamp, Pkcs7Signer.sign(content, signer), payload);
    }

    private static byte[] unsigned(EfiTime stamp, byte[] payload) {
        return VariableAuthentication2.buildUnsigned(stamp, payload);
    }

    private EfiStatus set(String name, EfiGuid vendor, int attributes, byte[] data) {
        return machine.set(name, vendor, attributes, data);
    }

    private GetVariableResult get(String name, EfiGuid vendor) {
        return machine.get(name, vendor);
    }

    private byte[] value(String name, EfiGuid vendor) {
        GetVariableResult r = get(name, vendor);
        return r.status() == EfiStatus.SUCCESS ? r.data() : null;
    }

    private int byteOf(String name, EfiGuid vendor) {
        return value(name, vendor)[0] & 0xFF;
    }

    /** Enrols PK (self-signed, setup mode) and a KEK holding the KEK CA: user mode. */
    private void enrol() {
        assertEquals(EfiStatus.SUCCESS, set("KEK", GLOBAL, KEY_ATTRS, unsigned(at("2024-01-01 00:00:00"), x509(KEK_CA))));
        assertEquals(EfiStatus.SUCCESS, set("PK", GLOBAL, KEY_ATTRS,
                signed("PK", GLOBAL, KEY_ATTRS, at("2024-01-01 00:00:00"), x509(PK_KEY), PK_KEY)));
    }

    @Nested
    @DisplayName("start-up (facts 1.5)")
    class StartUp {

        @Test
        void aFreshStoreStartsInSetupModeWithTheLibrarysVariables() {
            assertEquals(1, byteOf("SetupMode", GLOBAL));
            assertEquals(0x06, get("SetupMode", GLOBAL).attributes());
            assertEquals(0, byteOf("SecureBoot", GLOBAL));
            assertEquals(64, value("SignatureSupport", GLOBAL).length);
            assertEquals(0, byteOf("CustomMode", SecureBootNames.CUSTOM_MODE_ENABLE));
            assertEquals(0x03, get("CustomMode", SecureBootNames.CUSTOM_MODE_ENABLE).attributes());
            assertArrayEquals(Bytes.fromHex("04000000"), value("certdb", SecureBootNames.CERT_DB));
            assertEquals(0x27, get("certdb", SecureBootNames.CERT_DB).attributes());
            assertArrayEquals(Bytes.fromHex("04000000"), value("certdbv", SecureBootNames.CERT_DB));
            assertEquals(0x26, get("certdbv", SecureBootNames.CERT_DB).attributes());
            assertEquals(1, byteOf("VendorKeys", GLOBAL));
            assertEquals(1, byteOf("VendorKeysNv", SecureBootNames.VENDOR_KEYS_NV));
            assertEquals(0x23, get("VendorKeysNv", SecureBootNames.VENDOR_KEYS_NV).attributes());
            assertEquals(EfiStatus.NOT_FOUND, get("SecureBootEnable", SecureBootNames.SECURE_BOOT_ENABLE_DISABLE).status());
        }

        @Test
        void signatureSupportListsSha1Sha256Rsa2048X509() {
            byte[] expected = Bytes.fromHex(
                    "12a56c8210cfc94ab187be01496631bd" + "2616c4c14c509240aca941f936934328"
                            + "e866573c9c26344eaa14ed776e85b3b6" + "a159c0a5e494a74a87b5ab155c2bf072");
            assertArrayEquals(expected, value("SignatureSupport", GLOBAL));
        }

        @Test
        void customModeIsRewrittenToZeroAtEveryBoot() {
            // [PROBE R3]
            assertEquals(EfiStatus.SUCCESS, set("CustomMode", SecureBootNames.CUSTOM_MODE_ENABLE, 0x03, new byte[] {1}));
            machine.platform().reset();
            assertEquals(0, byteOf("CustomMode", SecureBootNames.CUSTOM_MODE_ENABLE));
        }

        @Test
        void aStoreWithPkStartsInUserModeWithSecureBootOn() {
            enrol();
            machine.platform().reset();
            assertEquals(0, byteOf("SetupMode", GLOBAL));
            assertEquals(1, byteOf("SecureBoot", GLOBAL));
            assertEquals(1, byteOf("SecureBootEnable", SecureBootNames.SECURE_BOOT_ENABLE_DISABLE));
        }

        @Test
        void secureBootEnableZeroTurnsSecureBootOffFromTheNextBoot() {
            // [PROBE R2/R3]
            enrol();
            assertEquals(EfiStatus.SUCCESS, set("SecureBootEnable", SecureBootNames.SECURE_BOOT_ENABLE_DISABLE, 0x03,
                    new byte[] {0}));
            assertEquals(1, byteOf("SecureBoot", GLOBAL));
            machine.platform().reset();
            assertEquals(0, byteOf("SecureBoot", GLOBAL));
            assertEquals(0, byteOf("SetupMode", GLOBAL));
        }
    }

    @Nested
    @DisplayName("setup mode (facts 1.4)")
    class SetupMode {

        @Test
        void kekAndDbNeedNoSignatureAndAnyStampIsStored() {
            // [PROBE E1]: the unsigned path skips checks a-d, so a non-zero Nanosecond passes.
            assertEquals(EfiStatus.SUCCESS, set("KEK", GLOBAL, KEY_ATTRS,
                    unsigned(at("2024-01-01 00:00:00").withNanosecond(5), x509(KEK_CA))));
            assertEquals(EfiStatus.SUCCESS, set("db", DB_GUID, KEY_ATTRS, unsigned(at("2020-01-01 00:00:00"), sha256List(1))));
            assertArrayEquals(x509(KEK_CA), value("KEK", GLOBAL));
            assertEquals(1, byteOf("VendorKeys", GLOBAL));
        }

        @Test
        void anUnsignedPkIsASecurityViolation() {
            // [PROBE E8]
            assertEquals(EfiStatus.SECURITY_VIOLATION, set("PK", GLOBAL, KEY_ATTRS, unsigned(at("2024-01-01 00:00:00"), x509(PK_KEY))));
        }

        @Test
        void aPkSignedByAnotherKeyThanItsPayloadIsASecurityViolation() {
            assertEquals(EfiStatus.SECURITY_VIOLATION, set("PK", GLOBAL, KEY_ATTRS,
                    signed("PK", GLOBAL, KEY_ATTRS, at("2024-01-01 00:00:00"), x509(PK_KEY), OTHER)));
        }

        @Test
        void aSelfSignedPkEntersUserModeAndTurnsSecureBootOnAtBootTime() {
            // [PROBE E10]
            enrol();
            assertEquals(0, byteOf("SetupMode", GLOBAL));
            assertEquals(1, byteOf("SecureBoot", GLOBAL));
            assertEquals(1, byteOf("SecureBootEnable", SecureBootNames.SECURE_BOOT_ENABLE_DISABLE));
        }

        @Test
        void aPkEnrolledAtRuntimeChangesSetupModeButNotSecureBoot() {
            // facts 1.5: at runtime UpdatePlatformMode returns before touching SecureBoot.
            machine.platform().signalEndOfDxe();
            assertEquals(EfiStatus.SUCCESS, set("KEK", GLOBAL, KEY_ATTRS, unsigned(at("2024-01-01 00:00:00"), x509(KEK_CA))));
            machine.exitBootServices();
            assertEquals(EfiStatus.SUCCESS, set("PK", GLOBAL, KEY_ATTRS,
                    signed("PK", GLOBAL, KEY_ATTRS, at("2024-01-01 00:00:00"), x509(PK_KEY), PK_KEY)));
            assertEquals(0, byteOf("SetupMode", GLOBAL));
            assertEquals(0, byteOf("SecureBoot", GLOBAL));
        }
    }

    @Nested
    @DisplayName("user mode (facts 1.3 e, 1.4)")
    class UserMode {

        @Test
        void kekNeedsThePk() {
            enrol();
            assertEquals(EfiStatus.SECURITY_VIOLATION, set("KEK", GLOBAL, KEY_ATTRS, unsigned(at("2025-01-01 00:00:00"), x509(OTHER))));
            assertEquals(EfiStatus.SECURITY_VIOLATION, set("KEK", GLOBAL, KEY_ATTRS,
                    signed("KEK", GLOBAL, KEY_ATTRS, at("2025-01-01 00:00:00"), x509(OTHER), OTHER)));
            assertEquals(EfiStatus.SUCCESS, set("KEK", GLOBAL, KEY_ATTRS,
                    signed("KEK", GLOBAL, KEY_ATTRS, at("2025-01-01 00:00:00"), x509(OTHER), PK_KEY)));
        }

        @Test
        void aPkWriteSignedByACertificateIssuedByThePkIsRefused() {
            // [PROBE F12]: the signer must be the PK certificate itself, no chaining.
            enrol();
            assertEquals(EfiStatus.SECURITY_VIOLATION, set("PK", GLOBAL, KEY_ATTRS,
                    signed("PK", GLOBAL, KEY_ATTRS, at("2025-01-01 00:00:00"), x509(OTHER), PK_LEAF)));
        }

        @Test
        void dbMayBeSignedByThePkOrByAKekCertificateThroughAChain() {
            // [PROBE F1] PK-signed db; [PROBE F2] a leaf chaining to the KEK's CA.
            enrol();
            assertEquals(EfiStatus.SUCCESS, set("db", DB_GUID, KEY_ATTRS,
                    signed("db", DB_GUID, KEY_ATTRS, at("2025-01-01 00:00:00"), sha256List(1), PK_KEY)));
            assertEquals(EfiStatus.SUCCESS, set("db", DB_GUID, KEY_ATTRS,
                    signed("db", DB_GUID, KEY_ATTRS, at("2025-01-02 00:00:00"), sha256List(2), KEK_LEAF)));
            assertEquals(EfiStatus.SECURITY_VIOLATION, set("db", DB_GUID, KEY_ATTRS,
                    signed("db", DB_GUID, KEY_ATTRS, at("2025-01-03 00:00:00"), sha256List(3), OTHER)));
            assertArrayEquals(sha256List(2), value("db", DB_GUID));
        }

        @Test
        void anUnsignedDbInUserModeIsASecurityViolation() {
            enrol();
            assertEquals(EfiStatus.SECURITY_VIOLATION, set("dbx", DB_GUID, KEY_ATTRS, unsigned(at("2025-01-01 00:00:00"), sha256List(1))));
        }

        @Test
        void withoutKekADbWriteNotSignedByThePkIsNotFound() {
            // facts 1.3 e: a missing KEK returns NOT_FOUND.
            assertEquals(EfiStatus.SUCCESS, set("PK", GLOBAL, KEY_ATTRS,
                    signed("PK", GLOBAL, KEY_ATTRS, at("2024-01-01 00:00:00"), x509(PK_KEY), PK_KEY)));
            assertEquals(EfiStatus.NOT_FOUND, set("db", DB_GUID, KEY_ATTRS,
                    signed("db", DB_GUID, KEY_ATTRS, at("2025-01-01 00:00:00"), sha256List(1), OTHER)));
        }

        @Test
        void deletingThePkReturnsToSetupModeAndKeepsKekAndDb() {
            // [PROBE H2]
            enrol();
            assertEquals(EfiStatus.SUCCESS, set("db", DB_GUID, KEY_ATTRS,
                    signed("db", DB_GUID, KEY_ATTRS, at("2025-01-01 00:00:00"), sha256List(1), PK_KEY)));
            assertEquals(EfiStatus.SUCCESS, set("PK", GLOBAL, KEY_ATTRS,
                    signed("PK", GLOBAL, KEY_ATTRS, at("2025-02-01 00:00:00"), new byte[0], PK_KEY)));
            assertEquals(EfiStatus.NOT_FOUND, get("PK", GLOBAL).status());
            assertEquals(1, byteOf("SetupMode", GLOBAL));
            assertEquals(0, byteOf("SecureBoot", GLOBAL));
            assertEquals(EfiStatus.NOT_FOUND, get("SecureBootEnable", SecureBootNames.SECURE_BOOT_ENABLE_DISABLE).status());
            assertArrayEquals(x509(KEK_CA), value("KEK", GLOBAL));
            assertArrayEquals(sha256List(1), value("db", DB_GUID));
        }

        @Test
        void aPkDeleteWithAttributesZeroIsInvalidParameter() {
            // [PROBE F10]
            enrol();
            assertEquals(EfiStatus.INVALID_PARAMETER, set("PK", GLOBAL, 0, new byte[0]));
        }

        @Test
        void keysWithoutAtAreInvalidParameterBeforeEndOfDxeToo() {
            // facts 1.2 #4: ProcessVarWithPk refuses a request lacking NV or AT.
            assertEquals(EfiStatus.INVALID_PARAMETER, set("KEK", GLOBAL, 0x07, x509(KEK_CA)));
        }
    }

    @Nested
    @DisplayName("custom mode (facts 1.4, 1.5)")
    class CustomMode {

        @Test
        void customModeAllowsUnsignedKeyWritesAndDropsVendorKeysForGood() {
            // [PROBE G1, G2]
            enrol();
            assertEquals(EfiStatus.SUCCESS, set("CustomMode", SecureBootNames.CUSTOM_MODE_ENABLE, 0x03, new byte[] {1}));
            assertEquals(EfiStatus.SUCCESS, set("db", DB_GUID, KEY_ATTRS, unsigned(at("2000-01-01 00:00:00"), sha256List(4))));
            assertEquals(0, byteOf("VendorKeys", GLOBAL));
            assertEquals(0, byteOf("VendorKeysNv", SecureBootNames.VENDOR_KEYS_NV));
            machine.platform().reset();
            assertEquals(0, byteOf("VendorKeys", GLOBAL));
        }

        @Test
        void customModeAndSecureBootEnableTakeExactlyNvBsAndOneByteAfterEndOfDxe() {
            machine.platform().signalEndOfDxe();
            assertEquals(EfiStatus.INVALID_PARAMETER,
                    set("CustomMode", SecureBootNames.CUSTOM_MODE_ENABLE, 0x07, new byte[] {1}));
            assertEquals(EfiStatus.INVALID_PARAMETER,
                    set("SecureBootEnable", SecureBootNames.SECURE_BOOT_ENABLE_DISABLE, 0x03, new byte[] {1, 0}));
            assertEquals(EfiStatus.SUCCESS, set("CustomMode", SecureBootNames.CUSTOM_MODE_ENABLE, 0x03, new byte[] {1}));
        }
    }

    @Nested
    @DisplayName("VerifyTimeBasedPayload checks (facts 1.3 a-d)")
    class Checks {

        @Test
        void equalAndOlderStampsAreReplaysButAppendIsNotCheckedAndKeepsTheLaterStamp() {
            // [PROBE F3b]; facts 1.3 b.
            enrol();
            assertEquals(EfiStatus.SUCCESS, set("db", DB_GUID, KEY_ATTRS,
                    signed("db", DB_GUID, KEY_ATTRS, at("2025-06-01 00:00:00"), sha256List(1), PK_KEY)));
            assertEquals(EfiStatus.SECURITY_VIOLATION, set("db", DB_GUID, KEY_ATTRS,
                    signed("db", DB_GUID, KEY_ATTRS, at("2025-06-01 00:00:00"), sha256List(2), PK_KEY)));
            assertEquals(EfiStatus.SECURITY_VIOLATION, set("db", DB_GUID, KEY_ATTRS,
                    signed("db", DB_GUID, KEY_ATTRS, at("2025-05-01 00:00:00"), sha256List(2), PK_KEY)));
            assertEquals(EfiStatus.SUCCESS, set("db", DB_GUID, KEY_ATTRS | APPEND,
                    signed("db", DB_GUID, KEY_ATTRS | APPEND, at("2010-03-06 19:17:21"), sha256List(3), PK_KEY)));
            // The stored stamp stayed 2025-06-01: an update stamped 2025-05-31 is still a replay.
            assertEquals(EfiStatus.SECURITY_VIOLATION, set("db", DB_GUID, KEY_ATTRS,
                    signed("db", DB_GUID, KEY_ATTRS, at("2025-05-31 00:00:00"), sha256List(4), PK_KEY)));
        }

        @Test
        void aNonZeroNanosecondOnTheSignedPathIsASecurityViolation() {
            // [PROBE D3]
            enrol();
            EfiTime stamp = at("2025-01-01 00:00:00").withNanosecond(1);
            assertEquals(EfiStatus.SECURITY_VIOLATION, set("db", DB_GUID, KEY_ATTRS,
                    signed("db", DB_GUID, KEY_ATTRS, stamp, sha256List(1), PK_KEY)));
        }

        @Test
        void aWrongCertificateTypeIsASecurityViolation() {
            // [PROBE D9]
            enrol();
            byte[] data = signed("db", DB_GUID, KEY_ATTRS, at("2025-01-01 00:00:00"), sha256List(1), PK_KEY);
            data[22] = 0x02; // wCertificateType WIN_CERT_TYPE_PKCS_SIGNED_DATA
            assertEquals(EfiStatus.SECURITY_VIOLATION, set("db", DB_GUID, KEY_ATTRS, data));
        }

        @Test
        void berIndefiniteLengthOrAnotherDigestFirstIsASecurityViolation() {
            // [PROBE D4, E9b]: SigData[1] & 0x82 must be 0x82; bytes 13..21 the SHA-256 OID.
            enrol();
            byte[] indefinite = signed("db", DB_GUID, KEY_ATTRS, at("2025-01-01 00:00:00"), sha256List(1), PK_KEY);
            indefinite[41] = (byte) 0x80;
            assertEquals(EfiStatus.SECURITY_VIOLATION, set("db", DB_GUID, KEY_ATTRS, indefinite));
            byte[] otherOid = signed("db", DB_GUID, KEY_ATTRS, at("2025-01-01 00:00:00"), sha256List(1), PK_KEY);
            otherOid[40 + 21] = 0x02; // ...04 02 02: SHA-384
            assertEquals(EfiStatus.SECURITY_VIOLATION, set("db", DB_GUID, KEY_ATTRS, otherOid));
        }

        @Test
        void aSignatureOverOtherAttributesIsASecurityViolation() {
            // The signed content includes the attributes, APPEND too.
            enrol();
            assertEquals(EfiStatus.SECURITY_VIOLATION, set("db", DB_GUID, KEY_ATTRS | APPEND,
                    signed("db", DB_GUID, KEY_ATTRS, at("2025-01-01 00:00:00"), sha256List(1), PK_KEY)));
        }
    }

    @Nested
    @DisplayName("CheckSignatureListFormat and the APPEND filter (facts 1.7)")
    class SignatureListFormat {

        @Test
        void aPkWithTwoEntriesIsInvalidParameter() {
            // [PROBE E9]
            byte[] two = SignatureList.concat(List.of(PK_KEY.certificateList(OWNER), OTHER.certificateList(OWNER)));
            assertEquals(EfiStatus.INVALID_PARAMETER, set("PK", GLOBAL, KEY_ATTRS,
                    signed("PK", GLOBAL, KEY_ATTRS, at("2024-01-01 00:00:00"), two, PK_KEY)));
        }

        @Test
        void aWrongDataSizeOrListsThatDoNotTileThePayloadAreInvalidParameter() {
            // [PROBE E3, E4]
            byte[] badSize = sha256List(1);
            Bytes.put32(badSize, 16, badSize.length + 1);
            Bytes.put32(badSize, 24, 49);
            badSize = java.util.Arrays.copyOf(badSize, badSize.length + 1);
            assertEquals(EfiStatus.INVALID_PARAMETER, set("KEK", GLOBAL, KEY_ATTRS, unsigned(at("2024-01-01 00:00:00"), badSize)));
            byte[] trailing = java.util.Arrays.copyOf(sha256List(1), sha256List(1).length + 3);
            assertEquals(EfiStatus.INVALID_PARAMETER, set("db", DB_GUID, KEY_ATTRS, unsigned(at("2024-01-01 00:00:00"), trailing)));
        }

        @Test
        void anAppendMadeOnlyOfStoredEntriesChangesNothing() {
            // [PROBE F4, F7b]
            enrol();
            byte[] list = sha256List(7);
            assertEquals(EfiStatus.SUCCESS, set("dbx", DB_GUID, KEY_ATTRS,
                    signed("dbx", DB_GUID, KEY_ATTRS, at("2025-01-01 00:00:00"), list, PK_KEY)));
            assertEquals(EfiStatus.SUCCESS, set("dbx", DB_GUID, KEY_ATTRS | APPEND,
                    signed("dbx", DB_GUID, KEY_ATTRS | APPEND, at("2025-01-02 00:00:00"), list, PK_KEY)));
            assertArrayEquals(list, value("dbx", DB_GUID));
            byte[] more = sha256List(8);
            assertEquals(EfiStatus.SUCCESS, set("dbx", DB_GUID, KEY_ATTRS | APPEND,
                    signed("dbx", DB_GUID, KEY_ATTRS | APPEND, at("2025-01-03 00:00:00"), more, PK_KEY)));
            assertEquals(list.length + more.length, value("dbx", DB_GUID).length);
        }
    }

    @Nested
    @DisplayName("private authenticated variables and certdb (facts 1.6, FWTS uefirtauthvar)")
    class Private {

        private byte[] priv(String stamp, byte[] payload, TestKey key, int attributes) {
            return signed("PrivA", PRIV_GUID, attributes, at(stamp), payload, key);
        }

        @Test
        void createIsTrustOnFirstUseAndAddsA70ByteCertdbNode() {
            assertEquals(EfiStatus.SUCCESS, set("PrivA", PRIV_GUID, KEY_ATTRS,
                    priv("2014-09-08 03:41:15", "1234567890abcdef".getBytes(), PRIV_A, KEY_ATTRS)));
            byte[] certdb = value("certdb", SecureBootNames.CERT_DB);
            assertEquals(74, certdb.length);
            assertEquals(74, Bytes.u32(certdb, 0));
        }

        @Test
        void theFwtsSequence() {
            assertEquals(EfiStatus.SUCCESS, set("PrivA", PRIV_GUID, KEY_ATTRS,
                    priv("2014-09-08 03:41:15", "1234567890abcdef".getBytes(), PRIV_A, KEY_ATTRS)));
            // 2: replay
            assertEquals(EfiStatus.SECURITY_VIOLATION, set("PrivA", PRIV_GUID, KEY_ATTRS,
                    priv("2014-09-08 03:41:15", "1234567890abcdef".getBytes(), PRIV_A, KEY_ATTRS)));
            // 3: another key with the same CN: another tbsCertificate, another digest
            assertEquals(EfiStatus.SECURITY_VIOLATION, set("PrivA", PRIV_GUID, KEY_ATTRS,
                    priv("2014-09-08 05:52:01", "1234567890abcdef".getBytes(), PRIV_B, KEY_ATTRS)));
            // 4: append
            assertEquals(EfiStatus.SUCCESS, set("PrivA", PRIV_GUID, KEY_ATTRS | APPEND,
                    priv("2014-09-08 06:06:46", "0123456789".getBytes(), PRIV_A, KEY_ATTRS | APPEND)));
            assertEquals(26, value("PrivA", PRIV_GUID).length);
            // 5: update
            assertEquals(EfiStatus.SUCCESS, set("PrivA", PRIV_GUID, KEY_ATTRS,
                    priv("2014-09-08 06:08:33", "0123456789".getBytes(), PRIV_A, KEY_ATTRS)));
            assertEquals(10, value("PrivA", PRIV_GUID).length);
            // 7: the unsigned delete (physical presence), a bare 40-byte header [PROBE D7]
            assertEquals(EfiStatus.SUCCESS, set("PrivA", PRIV_GUID, KEY_ATTRS, unsigned(at("2000-01-01 00:00:00"), new byte[0])));
            assertEquals(EfiStatus.NOT_FOUND, get("PrivA", PRIV_GUID).status());
            assertArrayEquals(Bytes.fromHex("04000000"), value("certdb", SecureBootNames.CERT_DB));
        }

        @Test
        void attributesZeroIsWriteProtectedAndOtherAttributesInvalid() {
            // [PROBE D8]
            assertEquals(EfiStatus.SUCCESS, set("PrivA", PRIV_GUID, KEY_ATTRS,
                    priv("2020-01-01 00:00:00", new byte[] {1}, PRIV_A, KEY_ATTRS)));
            assertEquals(EfiStatus.WRITE_PROTECTED, set("PrivA", PRIV_GUID, 0, new byte[0]));
            assertEquals(EfiStatus.INVALID_PARAMETER, set("PrivA", PRIV_GUID, 0x07, new byte[] {1}));
        }

        @Test
        void aSignedEmptyPayloadForAMissingVariableIsNotFound() {
            // [PROBE C12, D10]
            assertEquals(EfiStatus.NOT_FOUND, set("PrivA", PRIV_GUID, KEY_ATTRS,
                    priv("2020-01-01 00:00:00", new byte[0], PRIV_A, KEY_ATTRS)));
            assertArrayEquals(Bytes.fromHex("04000000"), value("certdb", SecureBootNames.CERT_DB));
        }

        @Test
        void aSignerWithoutCommonNameIsASecurityViolation() {
            // facts 1.6: X509GetCommonName fails (Debian's snakeoil certificate has no CN).
            assertEquals(EfiStatus.SECURITY_VIOLATION, set("PrivA", PRIV_GUID, KEY_ATTRS,
                    priv("2020-01-01 00:00:00", new byte[] {1}, NO_CN, KEY_ATTRS)));
            assertEquals(EfiStatus.NOT_FOUND, get("PrivA", PRIV_GUID).status());
        }

        @Test
        void aVolatilePrivateVariableIsKeyedInCertdbv() {
            assertEquals(EfiStatus.SUCCESS, set("PrivA", PRIV_GUID, 0x26,
                    priv("2020-01-01 00:00:00", new byte[] {1}, PRIV_A, 0x26)));
            assertEquals(74, value("certdbv", SecureBootNames.CERT_DB).length);
            assertEquals(4, value("certdb", SecureBootNames.CERT_DB).length);
        }
    }

    @Nested
    @DisplayName("VarCheck properties after EndOfDxe (facts 1.2 #2)")
    class Properties {

        @Test
        void theLibrarysStateVariablesAreReadOnly() {
            // [PROBE B]
            machine.platform().signalEndOfDxe();
            assertEquals(EfiStatus.WRITE_PROTECTED, set("SetupMode", GLOBAL, 0x06, new byte[] {0}));
            assertEquals(EfiStatus.WRITE_PROTECTED, set("SecureBoot", GLOBAL, 0x06, new byte[] {1}));
            assertEquals(EfiStatus.WRITE_PROTECTED, set("VendorKeys", GLOBAL, 0x06, new byte[] {0}));
            assertEquals(EfiStatus.WRITE_PROTECTED, set("SignatureSupport", GLOBAL, 0x06, new byte[16]));
            // A well-formed descriptor: a malformed one would stop at check 6b (SECURITY_VIOLATION) before VarCheck.
            byte[] emptyDb = unsigned(at("2024-01-01 00:00:00"), Bytes.fromHex("04000000"));
            assertEquals(EfiStatus.WRITE_PROTECTED, set("certdb", SecureBootNames.CERT_DB, 0x27, emptyDb));
            assertEquals(EfiStatus.WRITE_PROTECTED, set("certdbv", SecureBootNames.CERT_DB, 0x26, emptyDb));
            assertEquals(EfiStatus.WRITE_PROTECTED, set("VendorKeysNv", SecureBootNames.VENDOR_KEYS_NV, 0, new byte[0]));
        }

        @Test
        void keysNeedExactlyNvBsRtAtAfterEndOfDxe() {
            machine.platform().signalEndOfDxe();
            assertEquals(EfiStatus.INVALID_PARAMETER, set("db", DB_GUID, 0x07, sha256List(1)));
            assertEquals(EfiStatus.INVALID_PARAMETER, set("KEK", GLOBAL, 0x25, unsigned(at("2024-01-01 00:00:00"), x509(KEK_CA))));
        }

        @Test
        void auditModeAndDeployedModeDoNotExist() {
            // [PROBE A, B]
            machine.platform().signalEndOfDxe();
            assertEquals(EfiStatus.NOT_FOUND, get("AuditMode", GLOBAL).status());
            assertEquals(EfiStatus.INVALID_PARAMETER, set("DeployedMode", GLOBAL, 0x06, new byte[] {1}));
        }
    }
}
