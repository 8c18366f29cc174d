package hil.auth;

import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A test signing key: an RSA-2048 private key, its X.509 v3 certificate, and the certificates of
 * its issuers (nearest first, empty for a self-signed key). Signatures made with the key carry
 * the certificate and its issuers, so a verifier can build the chain (facts §4).
 *
 * @param name        the key's name in the feature (the subject CN unless made without one)
 * @param privateKey  RSA private key
 * @param certificate the key's certificate
 * @param issuers     issuer certificates, nearest first
 */
public record TestKey(String name, PrivateKey privateKey, X509Certificate certificate, List<X509Certificate> issuers) {

    public TestKey {
        issuers = List.copyOf(issuers);
    }

    /** DER of the key's certificate, the bytes an X509 EFI_SIGNATURE_LIST holds. */
    public byte[] certificateDer() {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("certificate of test key " + name + " does not encode", e);
        }
    }

    /** One EFI_SIGNATURE_LIST of type X509 holding this key's certificate, owned by {@code owner}. */
    public SignatureList certificateList(byte[] owner) {
        return SignatureList.x509(owner, certificateDer());
    }

    /** The subject of the certificate in RFC 2253 form, for reports. */
    public String subject() {
        return certificate.getSubjectX500Principal().getName();
    }

    @Override
    public String toString() {
        return "test key " + name + " (" + subject() + ", serial " + certificate.getSerialNumber().toString(16) + ")";
    }
}
