package hil.simulator.auth;

import hil.auth.MalformedAuthDataException;
import hil.auth.Pkcs7Verifier;

import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.util.List;
import java.util.Optional;

/**
 * {@link Pkcs7} on the project's auth module ({@link Pkcs7Verifier}: BouncyCastle with EDK II's Pkcs7Verify
 * semantics — no time check, partial chains, any key usage). Two things of Debian's CryptoPkg are added here:
 * OpenSSL is built with {@code OPENSSL_NO_EC}, so a signer whose key is not RSA never verifies; and only the first
 * SignerInfo's certificate is reported as the signer (SignedData with several SignerInfos is not modelled: EDK II
 * would take the last signer's common name for certdb).
 */
public final class AuthModulePkcs7 implements Pkcs7 {

    @Override
    public Optional<Signers> signers(byte[] signedData) {
        try {
            byte[] first = Pkcs7Verifier.signerChain(signedData).get(0);
            return Optional.of(new Signers(first, first));
        } catch (MalformedAuthDataException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean verify(byte[] signedData, byte[] trustedCert, byte[] content) {
        Optional<Signers> signers = signers(signedData);
        if (signers.isEmpty() || !hasRsaPublicKey(signers.get().signer())) {
            return false;
        }
        return Pkcs7Verifier.verify(signedData, content, List.of(trustedCert));
    }

    @Override
    public Optional<byte[]> commonName(byte[] certificate) {
        try {
            return Pkcs7Verifier.commonName(certificate).map(cn -> cn.getBytes(StandardCharsets.UTF_8));
        } catch (MalformedAuthDataException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<byte[]> tbsCertificate(byte[] certificate) {
        try {
            return Optional.of(Pkcs7Verifier.tbsCertificate(certificate));
        } catch (MalformedAuthDataException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean hasRsaPublicKey(byte[] certificate) {
        try {
            return Pkcs7Verifier.certificate(certificate).getPublicKey() instanceof RSAPublicKey;
        } catch (MalformedAuthDataException e) {
            return false;
        }
    }
}
