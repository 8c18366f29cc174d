package hil.auth;

import java.io.IOException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * Makes the PKCS#7 SignedData of a time-based authenticated write the way EDK II 2022.11 accepts
 * it (facts §4, measured on Debian's OVMF): detached, SHA-256 with RSA PKCS#1 v1.5, the signer
 * identified by issuer and serial number, the signer's certificate and its issuers included, and
 * emitted as the bare SignedData in DER. A ContentInfo wrapping or BouncyCastle's default BER
 * (indefinite lengths, {@code 30 80}) are refused by VerifyTimeBasedPayload's byte checks.
 *
 * <p>No signed attributes (a direct signature, as {@code openssl smime -noattr}, efitools and
 * Microsoft's published updates have it): RSA PKCS#1 v1.5 is deterministic, so the same key and
 * content give the same bytes on every target of a run; a signingTime attribute would not.
 */
public final class Pkcs7Signer {

    private Pkcs7Signer() {
    }

    /** The DER SignedData (not wrapped in a ContentInfo) of {@code content}, signed by {@code signer}. */
    public static byte[] sign(byte[] content, TestKey signer) {
        try {
            ContentSigner contentSigner = new JcaContentSignerBuilder("SHA256withRSA").build(signer.privateKey());
            CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
            generator.addSignerInfoGenerator(
                    new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                            .setDirectSignature(true)
                            .build(contentSigner, signer.certificate()));
            List<X509Certificate> certificates = new ArrayList<>();
            certificates.add(signer.certificate());
            certificates.addAll(signer.issuers());
            generator.addCertificates(new JcaCertStore(certificates));
            CMSSignedData signed = generator.generate(new CMSProcessableByteArray(content), false);
            return signed.toASN1Structure().getContent().toASN1Primitive().getEncoded(ASN1Encoding.DER);
        } catch (OperatorCreationException | CMSException | CertificateEncodingException | IOException e) {
            throw new IllegalStateException("cannot sign with " + signer + ": " + e.getMessage(), e);
        }
    }
}
