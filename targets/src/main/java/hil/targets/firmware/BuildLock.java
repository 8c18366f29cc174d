package hil.targets.firmware;

import hil.targets.HilException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Supplier;

/**
 * Builds of the agent binaries are made under a lock file in their output directory, so two hil processes (two
 * {@code hil run}s, or test JVMs side by side) never run a build script into the same directory at once, and the
 * second finds the first's binary up to date instead of reading it half-written. Callers also hold their class's
 * monitor: a JVM takes the file lock once at a time.
 */
final class BuildLock {

    private BuildLock() {
    }

    static <T> T holding(Path outDir, Supplier<T> build) {
        try {
            Files.createDirectories(outDir);
            try (FileChannel channel = FileChannel.open(outDir.resolve(".hil-build.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
                return build.get();
            }
        } catch (IOException e) {
            throw new HilException("cannot lock " + outDir + " for a build: " + e.getMessage(), e);
        }
    }
}
