package hil.targets.labconfig;

import hil.targets.TargetKind;
import hil.targets.VariableStoreFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The targets of a lab: a directory of {@code *.yaml} files, one target per file.
 *
 * <pre>
 * name: simulator            # required, [a-z0-9][a-z0-9-]*, unique across the directory
 * kind: simulator            # required, one of the known target kinds
 * description: free text     # optional
 * settings:                  # optional, the keys the kind accepts
 *   profile: ovmf-4m
 * </pre>
 *
 * <p>Files are read in name order. Everything is validated on load; the first problem found is thrown as a
 * {@link LabConfigException} naming file, line and key.
 */
public final class LabConfig {

    /** The file name suffix of target definitions. */
    public static final String SUFFIX = ".yaml";

    /** The file of the lab's variable stores (not a target); see {@link #stores()}. */
    public static final String STORES_FILE = "stores" + SUFFIX;

    private final Path dir;
    private final List<TargetConfig> targets;
    private final List<VariableStoreFile> stores;

    private LabConfig(Path dir, List<TargetConfig> targets, List<VariableStoreFile> stores) {
        this.dir = dir;
        this.targets = List.copyOf(targets);
        this.stores = List.copyOf(stores);
    }

    /**
     * Loads and validates every {@code *.yaml} file of {@code dir}.
     *
     * @param dir   the lab-config directory; error messages name files through it as given
     * @param kinds the target kinds a file may name in {@code kind:}
     * @throws LabConfigException if the directory is missing or empty, or any file is invalid
     */
    public static LabConfig load(Path dir, List<TargetKind> kinds) {
        if (!Files.isDirectory(dir)) {
            throw new LabConfigException(Files.exists(dir)
                    ? "lab-config " + dir + " is not a directory (expected a directory of <target>.yaml files)"
                    : "lab-config directory " + dir + " not found (expected a directory of <target>.yaml files;"
                            + " pass another one with --lab-config DIR)");
        }
        List<Path> files = new ArrayList<>(yamlFiles(dir));
        Path storesFile = dir.resolve(STORES_FILE);
        List<VariableStoreFile> stores = files.remove(storesFile)
                ? new TargetFile(storesFile, kinds).parseStores(dir) : List.of();
        if (files.isEmpty()) {
            throw new LabConfigException("lab-config directory " + dir + " has no *" + SUFFIX
                    + " files (add one file per target, e.g. simulator.yaml with name: and kind:)");
        }
        Map<String, TargetFile.Parsed> byName = new LinkedHashMap<>();
        for (Path file : files) {
            TargetFile.Parsed parsed = new TargetFile(file, kinds).parse();
            TargetFile.Parsed earlier = byName.putIfAbsent(parsed.config().name(), parsed);
            if (earlier != null) {
                throw new LabConfigException(file + ":" + parsed.nameLine() + ": name: target '"
                        + parsed.config().name() + "' is already defined in " + earlier.config().file() + ":"
                        + earlier.nameLine() + " (target names must be unique; rename one of them)");
            }
        }
        List<TargetConfig> targets = new ArrayList<>();
        byName.values().forEach(p -> targets.add(p.config()));
        return new LabConfig(dir, targets, stores);
    }

    private static List<Path> yamlFiles(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries
                    .filter(p -> p.getFileName().toString().endsWith(SUFFIX) && Files.isRegularFile(p))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new LabConfigException("cannot read lab-config directory " + dir + ": " + e.getMessage());
        }
    }

    /** The directory this configuration was loaded from. */
    public Path dir() {
        return dir;
    }

    /** All targets, in file-name order. */
    public List<TargetConfig> targets() {
        return targets;
    }

    /** The target called {@code name}. */
    public Optional<TargetConfig> target(String name) {
        return targets.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** The variable stores of {@value #STORES_FILE} a scenario can start from, in file order. */
    public List<VariableStoreFile> stores() {
        return stores;
    }

    /** The variable store called {@code name}. */
    public Optional<VariableStoreFile> store(String name) {
        return stores.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The names of all targets, in file-name order. */
    public List<String> names() {
        return targets.stream().map(TargetConfig::name).toList();
    }
}
