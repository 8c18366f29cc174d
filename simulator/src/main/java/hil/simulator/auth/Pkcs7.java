package hil.simulator.auth;

import java.util.Optional;

/**
 * The BaseCryptLib operations AuthVariableLib uses (EDK II {@code CryptoPkg/Library/BaseCryptLib}, OpenSSL 1.1.1
 * built with {@code OPENSSL_NO_EC} in 2022.11). AuthVariableLib only hands bytes through them; what they accept is
 * the implementation's business, which must keep EDK II's quirks: expired certificates and partial chains accepted,
 * any extended key usage, no elliptic curves.
 */
public interface Pkcs7 {

    /**
     * Pkcs7GetSigners: OpenSSL's PKCS7_get0_signers (the certificate of each SignerInfo, looked up among
     * {@code SignedData.certificates}) popped into EDK II's certificate stack. The stack starts with the last
     * signer's certificate ({@code signer}, whose common name keys a private variable) and the "trusted certificate"
     * it returns is the first signer's ({@code topLevel}: the certificate compared with the PK, and the trust anchor
     * of private variables). With one SignerInfo both are the signer's certificate. Empty when the data does not
     * parse as SignedData or a signer's certificate is missing.
     *
     * @param signedData the DER SignedData as it follows the descriptor (unwrapped or wrapped in a ContentInfo)
     */
    Optional<Signers> signers(byte[] signedData);

    /** The two ends of the certificate stack Pkcs7GetSigners returns. */
    record Signers(byte[] signer, byte[] topLevel) {
    }

    /**
     * Pkcs7Verify: whether {@code signedData} carries a valid signature over the detached {@code content} by a
     * certificate that chains, within the SignedData's certificates, to {@code trustedCert} (which may itself be a
     * leaf or an intermediate: partial chains are accepted). Validity periods are not checked.
     */
    boolean verify(byte[] signedData, byte[] trustedCert, byte[] content);

    /**
     * X509GetCommonName: the subject common name as UTF-8 bytes, empty when the certificate has none or does not
     * parse.
     */
    Optional<byte[]> commonName(byte[] certificate);

    /** X509GetTBSCert: the DER tbsCertificate, empty when the certificate does not parse. */
    Optional<byte[]> tbsCertificate(byte[] certificate);

    /** RsaGetPublicKeyFromX509: whether the certificate parses and carries an RSA public key. */
    boolean hasRsaPublicKey(byte[] certificate);
}
