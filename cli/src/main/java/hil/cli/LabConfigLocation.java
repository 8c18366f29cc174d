package hil.cli;

import hil.targets.labconfig.LabConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where lab-config is read from, in order: the {@code --lab-config} option; {@code lab-config/} in the working
 * directory; {@code lab-config/} in the installation directory, so {@code hil} also works from elsewhere.
 */
final class LabConfigLocation {

    static final String DEFAULT_DIR = "lab-config";

    private LabConfigLocation() {
    }

    /** The directory to load, as the user will want to see it in messages. */
    static Path resolve(Path option, Environment env) {
        if (option != null) {
            return option;
        }
        Path local = Path.of(DEFAULT_DIR);
        if (Files.isDirectory(local)) {
            return local;
        }
        Optional<Path> installed = env.home().map(home -> home.resolve(DEFAULT_DIR)).filter(Files::isDirectory);
        return installed.orElse(local);
    }

    static LabConfig load(Path option, Environment env) {
        return LabConfig.load(resolve(option, env), env.kinds().get());
    }
}
