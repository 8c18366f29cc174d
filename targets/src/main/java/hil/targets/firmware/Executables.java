package hil.targets.firmware;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finding the programs a target runs (QEMU, gcc, mtools, apt-get). */
public final class Executables {

    private Executables() {
    }

    /** A bare name is looked up on PATH; a path must be an executable file. */
    public static Optional<Path> resolve(Path program) {
        if (program.getNameCount() > 1 || program.isAbsolute()) {
            return Files.isExecutable(program) ? Optional.of(program) : Optional.empty();
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir).resolve(program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
