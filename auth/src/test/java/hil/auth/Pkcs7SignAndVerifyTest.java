package hil.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signing per facts §4 and verification with EDK II Pkcs7Verify semantics. Keys are made once for
 * the class: RSA-2048 generation takes a fraction of a second each.
 */
class Pkcs7SignAndVerifyTest {

    private static TestKey root;
    private static TestKey intermediate;
    private static TestKey leaf;
    private static TestKey other;
    private static TestKey expired;
    private static TestKey withoutCn;

    private static final byte[] CONTENT = VariableAuthentication2.signedContent("db",
            Guids.bytes(Guids.IMAGE_SECURITY_DATABASE), 0x27, EfiTime.parse("2024-01-01 00:00:01"),
            "payload".getBytes(StandardCharsets.US_ASCII));

    @BeforeAll
    static void makeKeys() {
        root = TestKeyFactory.selfSigned("Root");
        intermediate = TestKeyFactory.issuedBy("Intermediate", root);
        leaf = TestKeyFactory.issuedBy("Leaf", intermediate);
        other = TestKeyFactory.selfSigned("Other");
        expired = TestKeyFactory.create("Expired", true, null, Instant.parse("2014-08-12T00:00:00Z"),
                Instant.parse("2014-09-11T00:00:00Z"));
        withoutCn = TestKeyFactory.withoutCommonName("NoCn");
    }

    @Test
    void theSignatureIsBareDerSignedDataThatPassesEdkIisByteChecks() {
        byte[] signed = Pkcs7Signer.sign(CONTENT, root);
        // VerifyTimeBasedPayload (facts §1.3 d): SigData[1] & 0x82 == 0x82 (a two-byte definite
        // length, so 256..65535 bytes) and bytes 13..21 = the SHA-256 OID 2.16.840.1.101.3.4.2.1.
        assertEquals(0x30, signed[0] & 0xFF, "a SEQUENCE, not a ContentInfo's OID first");
        assertEquals(0x82, signed[1] & 0xFF, "definite two-byte length, not BER 0x80");
        assertEquals(signed.length - 4, ((signed[2] & 0xFF) << 8) | (signed[3] & 0xFF));
        assertArrayEquals(HexFormat.of().parseHex("608648016503040201"), Arrays.copyOfRange(signed, 13, 22));
    }

    @Test
    void signingTheSameContentWithTheSameKeyGivesTheSameBytes() {
        assertArrayEquals(Pkcs7Signer.sign(CONTENT, root), Pkcs7Signer.sign(CONTENT, root));
    }

    @Test
    void aCorrectSignatureVerifiesAgainstTheSignersCertificate() {
        assertTrue(Pkcs7Verifier.verify(Pkcs7Signer.sign(CONTENT, root), CONTENT, List.of(root.certificateDer())));
    }

    @Test
    void aTamperedPayloadDoesNotVerify() {
        byte[] tampered = CONTENT.clone();
        tampered[tampered.length - 1] ^= 1;
        assertFalse(Pkcs7Verifier.verify(Pkcs7Signer.sign(CONTENT, root), tampered, List.of(root.certificateDer())));
    }

    @Test
    void aSignatureByAnotherKeyDoesNotVerify() {
        assertFalse(Pkcs7Verifier.verify(Pkcs7Signer.sign(CONTENT, other), CONTENT, List.of(root.certificateDer())));
        assertTrue(Pkcs7Verifier.verify(Pkcs7Signer.sign(CONTENT, other), CONTENT,
                List.of(root.certificateDer(), other.certificateDer())), "any of the trusted certificates");
    }

    @Test
    void anExpiredCertificateIsAcceptedBecauseEdkIiChecksNoTime() {
        assertTrue(expired.certificate().getNotAfter().toInstant().isBefore(Instant.now()));
        assertTrue(Pkcs7Verifier.verify(Pkcs7Signer.sign(CONTENT, expired), CONTENT,
                List.of(expired.certificateDer())));
    }

    @Test
    void aChainThroughTheEmbeddedCertificatesReachesAnyTrustedLevel() {
        byte[] signed = Pkcs7Signer.sign(CONTENT, leaf);
        assertTrue(Pkcs7Verifier.verify(signed, CONTENT, List.of(root.certificateDer())), "to the root");
        assertTrue(Pkcs7Verifier.verify(signed, CONTENT, List.of(intermediate.certificateDer())), "partial chain");
        assertTrue(Pkcs7Verifier.verify(signed, CONTENT, List.of(leaf.certificateDer())), "the leaf itself");
        assertFalse(Pkcs7Verifier.verify(signed, CONTENT, List.of(other.certificateDer())));
    }

    @Test
    void wrappedSignedDataVerifiesLikeBareAsWrapPkcs7DataMakesItOne() {
        byte[] bare = Pkcs7Signer.sign(CONTENT, root);
        byte[] wrapped = wrap(bare);
        assertEquals(0x06, wrapped[4]);
        assertTrue(Pkcs7Verifier.verify(wrapped, CONTENT, List.of(root.certificateDer())));
    }

    @Test
    void garbageDoesNotVerifyAndDoesNotThrow() {
        assertFalse(Pkcs7Verifier.verify(new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}, CONTENT,
                List.of(root.certificateDer())));
        assertFalse(Pkcs7Verifier.verify(new byte[0], CONTENT, List.of(root.certificateDer())));
    }

    @Test
    void theSignerChainRunsFromTheSignerToTheTopCertificate() {
        List<byte[]> chain = Pkcs7Verifier.signerChain(Pkcs7Signer.sign(CONTENT, leaf));
        assertEquals(3, chain.size());
        assertArrayEquals(leaf.certificateDer(), chain.get(0));
        assertArrayEquals(intermediate.certificateDer(), chain.get(1));
        assertArrayEquals(root.certificateDer(), chain.get(2));
        List<byte[]> single = Pkcs7Verifier.signerChain(Pkcs7Signer.sign(CONTENT, other));
        assertEquals(1, single.size());
        assertThrows(MalformedAuthDataException.class, () -> Pkcs7Verifier.signerChain(new byte[] {1, 2, 3}));
    }

    @Test
    void theCommonNameIsTheKeyNameAndAbsentForAKeyWithoutOne() {
        assertEquals(Optional.of("Leaf"), Pkcs7Verifier.commonName(leaf.certificateDer()));
        assertEquals(Optional.empty(), Pkcs7Verifier.commonName(withoutCn.certificateDer()));
        assertEquals(Optional.empty(), Pkcs7Verifier.privateVariableDigest(Pkcs7Signer.sign(CONTENT, withoutCn)));
    }

    @Test
    void thePrivateVariableDigestIsSha256OfTheSignerCnAndTheSignersOwnTbsCertificate() throws Exception {
        // CryptoPkg's Pkcs7GetSigners returns the SignerInfos' certificates only: with one signer its TrustedCert is
        // the leaf itself, whatever chain the SignedData embeds (leaf, intermediate, root here).
        java.security.MessageDigest sha256 = java.security.MessageDigest.getInstance("SHA-256");
        sha256.update("Leaf".getBytes(StandardCharsets.US_ASCII));
        sha256.update(leaf.certificate().getTBSCertificate());
        assertArrayEquals(sha256.digest(), Pkcs7Verifier.privateVariableDigest(Pkcs7Signer.sign(CONTENT, leaf)).get());
        // The same key over other content gives the same digest (updates must reproduce it) ...
        assertArrayEquals(Pkcs7Verifier.privateVariableDigest(Pkcs7Signer.sign(CONTENT, other)).get(),
                Pkcs7Verifier.privateVariableDigest(Pkcs7Signer.sign(new byte[] {1}, other)).get());
        // ... and another key another one.
        assertNotEquals(HexFormat.of().formatHex(Pkcs7Verifier.privateVariableDigest(Pkcs7Signer.sign(CONTENT, root)).get()),
                HexFormat.of().formatHex(Pkcs7Verifier.privateVariableDigest(Pkcs7Signer.sign(CONTENT, other)).get()));
    }

    @Test
    void aKeyStoreReturnsTheSameKeyToEveryReaderOfItsFile(@TempDir Path directory) {
        TestKeyStore first = TestKeyStore.inDirectory(directory);
        TestKey pk = first.selfSigned("PK1");
        TestKey kek = first.issuedBy("KEK1", pk);
        TestKeyStore second = TestKeyStore.inDirectory(directory);
        assertArrayEquals(pk.certificateDer(), second.selfSigned("PK1").certificateDer());
        TestKey kekAgain = second.issuedBy("KEK1", second.selfSigned("PK1"));
        assertArrayEquals(kek.certificateDer(), kekAgain.certificateDer());
        assertEquals(1, kekAgain.issuers().size());
        assertArrayEquals(Pkcs7Signer.sign(CONTENT, kek), Pkcs7Signer.sign(CONTENT, kekAgain));
        assertNotEquals(HexFormat.of().formatHex(pk.certificateDer()),
                HexFormat.of().formatHex(second.selfSigned("pk1").certificateDer()), "names are case-sensitive");
        assertEquals(Optional.empty(), Pkcs7Verifier.commonName(second.withoutCommonName("PK1").certificateDer()));
    }

    /** ContentInfo { signedData OID, [0] EXPLICIT SignedData }, the form EDK II 2022.11 refuses on the wire. */
    private static byte[] wrap(byte[] bare) {
        try {
            return new org.bouncycastle.asn1.cms.ContentInfo(org.bouncycastle.asn1.cms.CMSObjectIdentifiers.signedData,
                    org.bouncycastle.asn1.ASN1Primitive.fromByteArray(bare)).getEncoded("DER");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
