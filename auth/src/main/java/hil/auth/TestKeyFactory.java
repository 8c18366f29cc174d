package hil.auth;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes RSA-2048 keys with X.509 v3 certificates signed with SHA256withRSA, the kind EDK II
 * 2022.11 verifies (no EC: its OpenSSL is built with OPENSSL_NO_EC, facts preamble).
 *
 * <p>Every certificate is a CA (basicConstraints CA:TRUE, keyUsage digitalSignature|keyCertSign)
 * so that any test key can also issue another one: OpenSSL, which EDK II's Pkcs7Verify uses,
 * refuses an issuer that is not a CA while building a chain.
 */
public final class TestKeyFactory {

    /** Validity of ordinary test certificates; EDK II ignores time, this only keeps tools quiet. */
    public static final Instant NOT_BEFORE = Instant.parse("2024-01-01T00:00:00Z");
    public static final Instant NOT_AFTER = Instant.parse("2049-12-31T23:59:59Z");

    /**
     * The randomness of one key: a generator seeded with everything that defines the key (its name, the kind of
     * subject, its issuer, its validity), so the same key comes out on every machine and in every run — shards of a
     * run on different hosts and the jobs of one run send the same bytes, and their reports merge into the one an
     * unsharded run writes. These are test keys: being reproducible is the point, secrecy is not.
     */
    private static SecureRandom randomFor(String name, boolean withCommonName, TestKey issuer, Instant notBefore,
                                          Instant notAfter) throws GeneralSecurityException {
        SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
        random.setSeed(("hil test key 1|" + name + "|" + withCommonName + "|"
                + (issuer == null ? "" : issuer.name() + "/" + issuer.certificate().getSerialNumber()) + "|"
                + notBefore + "|" + notAfter).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return random;
    }

    private TestKeyFactory() {
    }

    /** A key whose self-signed certificate has subject CN = {@code name}. */
    public static TestKey selfSigned(String name) {
        return create(name, true, null, NOT_BEFORE, NOT_AFTER);
    }

    /** A key whose certificate (subject CN = {@code name}) is signed by {@code issuer}. */
    public static TestKey issuedBy(String name, TestKey issuer) {
        return create(name, true, issuer, NOT_BEFORE, NOT_AFTER);
    }

    /** A self-signed key whose subject has no CN (O = hil test keys, OU = {@code name}). */
    public static TestKey withoutCommonName(String name) {
        return create(name, false, null, NOT_BEFORE, NOT_AFTER);
    }

    /**
     * The general form.
     *
     * @param name          CN of the subject, or its OU when {@code withCommonName} is false
     * @param issuer        the signing key, or null for a self-signed certificate
     * @param notBefore     start of validity
     * @param notAfter      end of validity (a past one makes an expired certificate)
     */
    public static TestKey create(String name, boolean withCommonName, TestKey issuer, Instant notBefore,
                                 Instant notAfter) {
        try {
            SecureRandom random = randomFor(name, withCommonName, issuer, notBefore, notAfter);
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, random);
            KeyPair pair = generator.generateKeyPair();
            X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "hil test keys");
            if (withCommonName) {
                subject.addRDN(BCStyle.CN, name);
            } else {
                subject.addRDN(BCStyle.OU, name);
            }
            X500Name subjectName = subject.build();
            X500Name issuerName = issuer == null ? subjectName
                    : X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName,
                    new BigInteger(63, random).add(BigInteger.ONE), Date.from(notBefore), Date.from(notAfter),
                    subjectName, pair.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    extensions.createSubjectKeyIdentifier(pair.getPublic()));
            builder.addExtension(Extension.authorityKeyIdentifier, false, issuer == null
                    ? extensions.createAuthorityKeyIdentifier(pair.getPublic())
                    : extensions.createAuthorityKeyIdentifier(issuer.certificate()));
            X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder("SHA256withRSA")
                    .build(issuer == null ? pair.getPrivate() : issuer.privateKey()));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(holder);
            List<X509Certificate> issuers = new ArrayList<>();
            if (issuer != null) {
                issuers.add(issuer.certificate());
                issuers.addAll(issuer.issuers());
            }
            return new TestKey(name, pair.getPrivate(), certificate, issuers);
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException("cannot make test key " + name + ": " + e.getMessage(), e);
        }
    }
}
