package hil.steps;

import hil.auth.TestKeyStore;
import hil.targets.HilException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The test-key store of this run. {@code hil run} names the run directory in the system property
 * {@value #PROPERTY} (its report directory), so every target of the run — all in this JVM, or a JVM started for the
 * same report — signs with the same keys. Without it (Cucumber run from Maven) the keys live in a temporary
 * directory of this JVM.
 */
final class RunKeys {

    /** System property: the directory holding the run's {@value TestKeyStore#FILE_NAME}. */
    static final String PROPERTY = "hil.test-keys";

    private static TestKeyStore store;
    private static Path storeDirectory;
    /** The directory used when {@value #PROPERTY} is not set, made once per JVM. */
    private static Path temporary;

    private RunKeys() {
    }

    static synchronized TestKeyStore store() {
        String configured = System.getProperty(PROPERTY);
        if (configured == null && temporary == null) {
            temporary = temporaryDirectory();
        }
        Path directory = configured != null ? Path.of(configured) : temporary;
        if (store == null || !directory.equals(storeDirectory)) {
            store = TestKeyStore.inDirectory(directory);
            storeDirectory = directory;
        }
        return store;
    }

    private static Path temporaryDirectory() {
        try {
            Path dir = Files.createTempDirectory("hil-test-keys");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new HilException("cannot make a directory for the test keys: " + e.getMessage()
                    + " (set -D" + PROPERTY + "=DIR)");
        }
    }
}
