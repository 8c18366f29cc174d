package hil.auth;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The test keys of one run, kept in one PKCS#12 file so that every target of the run (each may
 * run in a JVM of its own) signs with the same keys and so sends the same bytes.
 *
 * <p>A key is identified by how it was declared: its name, and whether it is self-signed, issued
 * by another declared key (recursively), or made without a CN. The first request generates and
 * stores it; later requests, in this JVM or another one sharing the file, read it back. The
 * read-generate-write is held under an OS file lock on {@code <file>.lock}, so two JVMs cannot
 * both generate the same key.
 */
public final class TestKeyStore {

    /** File name of the key store inside a run directory. */
    public static final String FILE_NAME = "test-keys.p12";

    private static final char[] PASSWORD = "hil-test-keys".toCharArray();
    /** One lock object per file in this JVM: FileChannel locks are per process, not per thread. */
    private static final Map<Path, Object> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path file;
    private final Map<String, TestKey> loaded = new ConcurrentHashMap<>();

    private TestKeyStore(Path file) {
        this.file = file;
    }

    /** The key store {@value #FILE_NAME} in {@code runDirectory} (created on the first key). */
    public static TestKeyStore inDirectory(Path runDirectory) {
        return new TestKeyStore(runDirectory.resolve(FILE_NAME).toAbsolutePath().normalize());
    }

    /** The file holding the keys. */
    public Path file() {
        return file;
    }

    /** The self-signed key {@code name} (subject CN = name). */
    public TestKey selfSigned(String name) {
        return get("self:" + name, () -> TestKeyFactory.selfSigned(name));
    }

    /** The key {@code name} whose certificate is signed by {@code issuer}. */
    public TestKey issuedBy(String name, TestKey issuer) {
        String issuerId = issuer.certificate().getSerialNumber().toString(16);
        return get("issued:" + name + "<" + issuerId, () -> TestKeyFactory.issuedBy(name, issuer));
    }

    /** The self-signed key {@code name} whose subject has no CN. */
    public TestKey withoutCommonName(String name) {
        return get("nocn:" + name, () -> TestKeyFactory.withoutCommonName(name));
    }

    private TestKey get(String id, Supplier<TestKey> generator) {
        TestKey cached = loaded.get(id);
        if (cached != null) {
            return cached;
        }
        // PKCS#12 aliases are case-insensitive: hex keeps "PK" and "pk" apart.
        String alias = HexFormat.of().formatHex(id.getBytes(StandardCharsets.UTF_8));
        synchronized (JVM_LOCKS.computeIfAbsent(file, f -> new Object())) {
            try {
                Files.createDirectories(file.getParent());
                Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
                try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
                     FileLock ignored = channel.lock()) {
                    KeyStore store = read();
                    TestKey key = load(store, alias, nameOf(id));
                    if (key == null) {
                        key = generator.get();
                        List<Certificate> chain = new ArrayList<>();
                        chain.add(key.certificate());
                        chain.addAll(key.issuers());
                        store.setKeyEntry(alias, key.privateKey(), PASSWORD, chain.toArray(new Certificate[0]));
                        write(store);
                    }
                    loaded.put(id, key);
                    return key;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("test key store " + file + ": " + e.getMessage(), e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("test key store " + file + " is unreadable (" + e.getMessage()
                        + "); delete it to make new keys", e);
            }
        }
    }

    private static String nameOf(String id) {
        String afterKind = id.substring(id.indexOf(':') + 1);
        int issuer = afterKind.lastIndexOf('<');
        return issuer < 0 ? afterKind : afterKind.substring(0, issuer);
    }

    private KeyStore read() throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        if (Files.exists(file)) {
            store.load(new ByteArrayInputStream(Files.readAllBytes(file)), PASSWORD);
        } else {
            store.load(null, PASSWORD);
        }
        return store;
    }

    private void write(KeyStore store) throws IOException, GeneralSecurityException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.store(out, PASSWORD);
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(out.toByteArray()));
            channel.force(true);
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static TestKey load(KeyStore store, String alias, String name) throws GeneralSecurityException {
        if (!store.containsAlias(alias)) {
            return null;
        }
        PrivateKey privateKey = (PrivateKey) store.getKey(alias, PASSWORD);
        Certificate[] chain = store.getCertificateChain(alias);
        List<X509Certificate> issuers = new ArrayList<>();
        for (int i = 1; i < chain.length; i++) {
            issuers.add((X509Certificate) chain[i]);
        }
        return new TestKey(name, privateKey, (X509Certificate) chain[0], issuers);
    }
}
