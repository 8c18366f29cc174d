package hil.auth;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * PKCS#7 verification with the semantics of EDK II's CryptoPkg (facts §1.3, [P7]), which calls
 * OpenSSL {@code PKCS7_verify(..., PKCS7_BINARY)} with X509_V_FLAG_PARTIAL_CHAIN and
 * X509_V_FLAG_NO_CHECK_TIME and purpose ANY:
 * <ul>
 *   <li>wrapped (ContentInfo) or bare SignedData is accepted, as WrapPkcs7Data makes both one;</li>
 *   <li>every signer's certificate must be among the SignedData's certificates, its signature over
 *       the detached content must verify, and a chain through the embedded certificates must reach
 *       one of the trusted certificates (a trusted certificate anywhere in the chain suffices:
 *       partial chain);</li>
 *   <li>no time is checked: an expired certificate verifies (measured with FWTS's key, expired
 *       2014). BouncyCastle's certificate-bearing verifier would compare signingTime with the
 *       validity, so the signature is checked with the bare public key;</li>
 *   <li>no extended key usage is required; issuers must be CAs as OpenSSL's X509_check_ca has it.</li>
 * </ul>
 * Malformed input gives false from {@link #verify} (EDK II: verification fails) and a
 * {@link MalformedAuthDataException} from the inspection methods.
 */
public final class Pkcs7Verifier {

    /** Chains longer than this are not followed (OpenSSL's default depth is 100; tests need 3). */
    private static final int MAX_DEPTH = 32;
    /** DER of the signedData OID, 1.2.840.113549.1.7.2, with its tag and length. */
    private static final byte[] SIGNED_DATA_OID = {0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7,
            0x0D, 0x01, 0x07, 0x02};

    private Pkcs7Verifier() {
    }

    /**
     * Pkcs7Verify: true when {@code signedData} (bare or wrapped) is a valid signature over
     * {@code content} by signers chaining to one of {@code trustedCertificatesDer}.
     */
    public static boolean verify(byte[] signedData, byte[] content, Collection<byte[]> trustedCertificatesDer) {
        try {
            List<X509Certificate> trusted = new ArrayList<>();
            for (byte[] der : trustedCertificatesDer) {
                trusted.add(certificate(der));
            }
            CMSSignedData signed = new CMSSignedData(new CMSProcessableByteArray(content), contentInfo(signedData));
            List<X509Certificate> embedded = embeddedCertificates(signed);
            Collection<SignerInformation> signers = signed.getSignerInfos().getSigners();
            if (signers.isEmpty()) {
                return false;
            }
            for (SignerInformation signer : signers) {
                Optional<X509Certificate> certificate = signerCertificate(signed, signer);
                if (certificate.isEmpty()
                        || !signer.verify(new JcaSimpleSignerInfoVerifierBuilder().build(certificate.get().getPublicKey()))
                        || !chainsToTrusted(certificate.get(), embedded, trusted)) {
                    return false;
                }
            }
            return true;
        } catch (CMSException | OperatorCreationException | MalformedAuthDataException | IllegalArgumentException
                 | ClassCastException e) {
            return false;
        }
    }

    /**
     * The first signer's certificate followed by the chain it builds through the embedded
     * certificates, up to the top certificate. DER of each. (EDK II's Pkcs7GetSigners returns less:
     * one certificate per SignerInfo, PKCS7_get0_signers, so with one signer its TrustedCert is the
     * signer's own certificate, element 0 here.)
     *
     * @throws MalformedAuthDataException when the bytes are no SignedData or the signer's
     *         certificate is not among its certificates
     */
    public static List<byte[]> signerChain(byte[] signedData) {
        CMSSignedData signed;
        try {
            signed = new CMSSignedData(contentInfo(signedData));
        } catch (CMSException | IllegalArgumentException | ClassCastException e) {
            throw new MalformedAuthDataException("PKCS#7 SignedData", 0, "does not parse: " + e.getMessage());
        }
        Collection<SignerInformation> signers = signed.getSignerInfos().getSigners();
        if (signers.isEmpty()) {
            throw new MalformedAuthDataException("PKCS#7 SignedData", 0, "has no SignerInfo");
        }
        X509Certificate current = signerCertificate(signed, signers.iterator().next())
                .orElseThrow(() -> new MalformedAuthDataException("PKCS#7 SignedData", 0,
                        "the signer's certificate is not among its certificates"));
        List<X509Certificate> embedded = embeddedCertificates(signed);
        List<byte[]> chain = new ArrayList<>();
        chain.add(der(current));
        for (int depth = 0; depth < MAX_DEPTH && !isSelfIssued(current); depth++) {
            Optional<X509Certificate> issuer = issuerAmong(current, embedded);
            if (issuer.isEmpty()) {
                break;
            }
            current = issuer.get();
            chain.add(der(current));
        }
        return chain;
    }

    /** The subject CN of a DER certificate, if it has one (EDK II X509GetCommonName). */
    public static Optional<String> commonName(byte[] certificateDer) {
        X500Name subject = X500Name.getInstance(certificate(certificateDer).getSubjectX500Principal().getEncoded());
        RDN[] names = subject.getRDNs(BCStyle.CN);
        return names.length == 0 ? Optional.empty()
                : Optional.of(IETFUtils.valueToString(names[0].getFirst().getValue()));
    }

    /** The DER tbsCertificate of a DER certificate. */
    public static byte[] tbsCertificate(byte[] certificateDer) {
        try {
            return certificate(certificateDer).getTBSCertificate();
        } catch (GeneralSecurityException e) {
            throw new MalformedAuthDataException("X.509 certificate", 0, "no tbsCertificate: " + e.getMessage());
        }
    }

    /**
     * The digest EDK II keeps in certdb for a private authenticated variable ([AS]
     * CalculatePrivAuthVarSignChainSHA256Digest): SHA-256 of the signer's subject CN (its ASCII
     * characters, no NUL) followed by the tbsCertificate of Pkcs7GetSigners' TrustedCert — with one
     * SignerInfo the signer's own certificate (CryptoPkg builds the stack from PKCS7_get0_signers,
     * not from the embedded chain), so a key's issuer does not enter the digest. Empty when the
     * signer has no CN (EDK II: SECURITY_VIOLATION).
     */
    public static Optional<byte[]> privateVariableDigest(byte[] signedData) {
        List<byte[]> chain = signerChain(signedData);
        Optional<String> commonName = commonName(chain.get(0));
        if (commonName.isEmpty()) {
            return Optional.empty();
        }
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(commonName.get().getBytes(StandardCharsets.US_ASCII));
            sha256.update(tbsCertificate(chain.get(0)));
            return Optional.of(sha256.digest());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JRE has no SHA-256", e);
        }
    }

    /** A DER certificate. @throws MalformedAuthDataException when it does not parse */
    public static X509Certificate certificate(byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw new MalformedAuthDataException("X.509 certificate", 0, "does not parse: " + e.getMessage());
        }
    }

    /**
     * The ContentInfo of bare or wrapped SignedData. Like EDK II's WrapPkcs7Data, input is taken
     * as already wrapped when bytes 4..14 are the signedData OID and byte 15 opens [0].
     */
    private static ContentInfo contentInfo(byte[] signedData) {
        boolean wrapped = signedData.length > 16
                && Arrays.equals(signedData, 4, 15, SIGNED_DATA_OID, 0, SIGNED_DATA_OID.length)
                && (signedData[15] & 0xFF) == 0xA0;
        try {
            if (wrapped) {
                return ContentInfo.getInstance(ASN1Primitive.fromByteArray(signedData));
            }
            return new ContentInfo(CMSObjectIdentifiers.signedData, ASN1Primitive.fromByteArray(signedData));
        } catch (IOException | IllegalArgumentException e) {
            throw new MalformedAuthDataException("PKCS#7 SignedData", 0, "not DER/BER: " + e.getMessage());
        }
    }

    private static List<X509Certificate> embeddedCertificates(CMSSignedData signed) {
        List<X509Certificate> certificates = new ArrayList<>();
        for (X509CertificateHolder holder : signed.getCertificates().getMatches(null)) {
            certificates.add(convert(holder));
        }
        return certificates;
    }

    private static Optional<X509Certificate> signerCertificate(CMSSignedData signed, SignerInformation signer) {
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> matches = signed.getCertificates().getMatches(signer.getSID());
        return matches.stream().findFirst().map(Pkcs7Verifier::convert);
    }

    private static boolean chainsToTrusted(X509Certificate signer, List<X509Certificate> embedded,
                                           List<X509Certificate> trusted) {
        X509Certificate current = signer;
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            for (X509Certificate anchor : trusted) {
                if (Arrays.equals(der(anchor), der(current))) {
                    return true;
                }
            }
            for (X509Certificate anchor : trusted) {
                if (issued(anchor, current)) {
                    return true;
                }
            }
            if (isSelfIssued(current)) {
                return false;
            }
            Optional<X509Certificate> issuer = issuerAmong(current, embedded);
            if (issuer.isEmpty()) {
                return false;
            }
            current = issuer.get();
        }
        return false;
    }

    private static Optional<X509Certificate> issuerAmong(X509Certificate subject, List<X509Certificate> candidates) {
        return candidates.stream().filter(candidate -> issued(candidate, subject)).findFirst();
    }

    /** OpenSSL's check_issued plus X509_check_ca: names match, the signature verifies, the issuer is a CA. */
    private static boolean issued(X509Certificate issuer, X509Certificate subject) {
        if (!issuer.getSubjectX500Principal().equals(subject.getIssuerX500Principal()) || !isCa(issuer)) {
            return false;
        }
        try {
            subject.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean isCa(X509Certificate certificate) {
        if (certificate.getBasicConstraints() >= 0) {
            return true;
        }
        boolean hasBasicConstraints = certificate.getExtensionValue("2.5.29.19") != null;
        if (hasBasicConstraints) {
            return false;
        }
        boolean[] keyUsage = certificate.getKeyUsage();
        if (keyUsage != null) {
            return keyUsage.length > 5 && keyUsage[5];
        }
        return certificate.getVersion() == 1 && isSelfIssued(certificate);
    }

    private static boolean isSelfIssued(X509Certificate certificate) {
        return certificate.getSubjectX500Principal().equals(certificate.getIssuerX500Principal());
    }

    private static X509Certificate convert(X509CertificateHolder holder) {
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertificateException e) {
            throw new MalformedAuthDataException("X.509 certificate", 0, "does not convert: " + e.getMessage());
        }
    }

    private static byte[] der(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("certificate does not encode", e);
        }
    }
}
