package hil.auth;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Test keys are reproducible: the same definition gives the same key and certificate on every machine and run. */
class TestKeyFactoryTest {

    @Test
    void theSameDefinitionGivesTheSameKeyAndCertificate() throws Exception {
        TestKey a = TestKeyFactory.selfSigned("PK1");
        TestKey b = TestKeyFactory.selfSigned("PK1");
        assertArrayEquals(a.certificate().getEncoded(), b.certificate().getEncoded());
        assertArrayEquals(a.privateKey().getEncoded(), b.privateKey().getEncoded());
        TestKey issuedA = TestKeyFactory.issuedBy("DB1", a);
        TestKey issuedB = TestKeyFactory.issuedBy("DB1", b);
        assertArrayEquals(issuedA.certificate().getEncoded(), issuedB.certificate().getEncoded());
    }

    @Test
    void anotherDefinitionGivesAnotherKey() throws Exception {
        TestKey a = TestKeyFactory.selfSigned("PK1");
        assertFalse(java.util.Arrays.equals(a.certificate().getPublicKey().getEncoded(),
                TestKeyFactory.selfSigned("PK2").certificate().getPublicKey().getEncoded()));
        assertFalse(java.util.Arrays.equals(a.certificate().getPublicKey().getEncoded(),
                TestKeyFactory.withoutCommonName("PK1").certificate().getPublicKey().getEncoded()));
        assertFalse(java.util.Arrays.equals(a.certificate().getPublicKey().getEncoded(),
                TestKeyFactory.issuedBy("PK1", TestKeyFactory.selfSigned("CA")).certificate().getPublicKey()
                        .getEncoded()));
    }
}
