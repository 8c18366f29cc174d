package hil.targets.labconfig;

import hil.targets.TargetKind;
import hil.targets.VariableStoreFile;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One lab-config file read into a {@link TargetConfig}. Works on the YAML node tree rather than on loaded objects
 * so that every error can name the line it is about.
 */
final class TargetFile {

    /** A parsed file and the line of its {@code name:} key, for the duplicate-name message. */
    record Parsed(TargetConfig config, int nameLine) {
    }

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private static final Pattern STORE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final List<String> TOP_LEVEL_KEYS = List.of("name", "kind", "description", "settings");

    private final Path file;
    private final List<TargetKind> kinds;

    TargetFile(Path file, List<TargetKind> kinds) {
        this.file = file;
        this.kinds = kinds;
    }

    Parsed parse() {
        Node root = compose();
        if (root == null || isNull(root)) {
            throw error(1, "", "the file is empty (expected the keys " + String.join(", ", TOP_LEVEL_KEYS) + ")");
        }
        if (!(root instanceof MappingNode top)) {
            throw error(root, "", "expected a mapping with the keys " + String.join(", ", TOP_LEVEL_KEYS)
                    + ", found " + describe(root));
        }
        Map<String, NodeTuple> entries = entries(top, "", TOP_LEVEL_KEYS);

        ScalarNode nameNode = requiredScalar(top, entries, "name", "a target name such as simulator");
        String name = nameNode.getValue();
        if (!NAME.matcher(name).matches()) {
            throw error(nameNode, "name", "'" + name + "' is not a valid target name (accepted: lower-case letters,"
                    + " digits and '-', starting with a letter or digit)");
        }

        ScalarNode kindNode = requiredScalar(top, entries, "kind", "one of " + kindNames());
        TargetKind kind = kinds.stream()
                .filter(k -> k.name().equals(kindNode.getValue()))
                .findFirst()
                .orElseThrow(() -> error(kindNode, "kind", "unknown kind '" + kindNode.getValue() + "' (accepted: "
                        + kindNames() + ")"));

        String description = optionalScalar(entries, "description").map(ScalarNode::getValue).orElse("");

        Map<String, Object> settings = settings(top, entries.get("settings"), kind);
        int nameLine = line(entries.get("name").getKeyNode());
        return new Parsed(new TargetConfig(name, kind.name(), description, settings, file), nameLine);
    }

    /**
     * Parses the lab's {@code stores.yaml}: variable stores a scenario can start from.
     *
     * <pre>
     * stores:
     *   OVMF_VARS_4M.ms.fd:                        # the name scenarios use
     *     file: /usr/share/OVMF/OVMF_VARS_4M.ms.fd  # absolute, or relative to the lab-config directory
     *     description: Microsoft's keys enrolled    # optional
     * </pre>
     *
     * Whether the files exist is checked when a scenario uses one (a lab-config stays loadable on a machine without
     * them).
     */
    List<VariableStoreFile> parseStores(Path dir) {
        Node root = compose();
        List<VariableStoreFile> stores = new java.util.ArrayList<>();
        if (root == null || isNull(root)) {
            return stores;
        }
        if (!(root instanceof MappingNode top)) {
            throw error(root, "", "expected a mapping with the key stores, found " + describe(root));
        }
        NodeTuple entry = entries(top, "", List.of("stores")).get("stores");
        if (entry == null || isNull(entry.getValueNode())) {
            return stores;
        }
        if (!(entry.getValueNode() instanceof MappingNode byName)) {
            throw error(entry.getValueNode(), "stores", "expected a mapping of store names to their file and"
                    + " description, found " + describe(entry.getValueNode()));
        }
        for (NodeTuple tuple : byName.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode nameNode)) {
                throw error(tuple.getKeyNode(), "stores", "expected a store name, found " + describe(tuple.getKeyNode()));
            }
            String name = nameNode.getValue();
            String key = "stores." + name;
            if (!STORE_NAME.matcher(name).matches()) {
                throw error(nameNode, key, "'" + name + "' is not a valid store name (accepted: letters, digits, '.',"
                        + " '_' and '-', starting with a letter or digit)");
            }
            if (stores.stream().anyMatch(s -> s.name().equals(name))) {
                throw error(nameNode, key, "duplicate store name (keep one)");
            }
            if (!(tuple.getValueNode() instanceof MappingNode fields)) {
                throw error(tuple.getValueNode(), key, "expected the keys file and description, found "
                        + describe(tuple.getValueNode()));
            }
            Map<String, NodeTuple> given = entries(fields, key + ".", List.of("file", "description"));
            NodeTuple fileEntry = given.get("file");
            if (fileEntry == null || isNull(fileEntry.getValueNode())) {
                throw error(nameNode, key + ".file", "missing (required: the path of a variable-store image)");
            }
            ScalarNode fileNode = scalar(fileEntry.getValueNode(), key + ".file", "the path of a variable-store image");
            String description = optionalScalar(given, "description").map(ScalarNode::getValue).orElse("");
            Path image;
            try {
                image = dir.resolve(fileNode.getValue()).normalize();
            } catch (java.nio.file.InvalidPathException e) {
                throw error(fileNode, key + ".file", "'" + fileNode.getValue() + "' is not a path: " + e.getReason());
            }
            stores.add(new VariableStoreFile(name, image, description,
                    file.getFileName() + ":" + line(nameNode)));
        }
        return stores;
    }

    private Node compose() {
        try (Reader reader = Files.newBufferedReader(file)) {
            return new Yaml().compose(reader);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            int line = mark == null ? 1 : mark.getLine() + 1;
            String problem = e.getContext() == null ? e.getProblem()
                    : e.getProblem() == null ? e.getContext()
                    : e.getContext() + ": " + e.getProblem();
            throw error(line, "", "YAML syntax error: " + oneLine(problem));
        } catch (YAMLException | IOException e) {
            throw new LabConfigException(file + ": cannot read: " + readProblem(e));
        }
    }

    /** The entries of a mapping by key, rejecting non-scalar keys, duplicates and keys not in {@code accepted}. */
    private Map<String, NodeTuple> entries(MappingNode mapping, String prefix, List<String> accepted) {
        Map<String, NodeTuple> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode scalarKey)) {
                throw error(keyNode, prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1),
                        "expected a plain key, found " + describe(keyNode));
            }
            String key = scalarKey.getValue();
            if (!accepted.contains(key)) {
                throw error(keyNode, prefix + key, "unknown key (accepted: "
                        + (accepted.isEmpty() ? "none" : String.join(", ", accepted)) + ")");
            }
            NodeTuple first = entries.putIfAbsent(key, tuple);
            if (first != null) {
                throw error(keyNode, prefix + key, "duplicate key (first given at line " + line(first.getKeyNode())
                        + "; keep one)");
            }
        }
        return entries;
    }

    private ScalarNode requiredScalar(MappingNode top, Map<String, NodeTuple> entries, String key, String expected) {
        NodeTuple tuple = entries.get(key);
        if (tuple == null) {
            throw error(top, key, "missing (required: " + expected + ")");
        }
        if (isNull(tuple.getValueNode())) {
            throw error(tuple.getKeyNode(), key, "no value given (expected " + expected + ")");
        }
        return scalar(tuple.getValueNode(), key, expected);
    }

    private Optional<ScalarNode> optionalScalar(Map<String, NodeTuple> entries, String key) {
        NodeTuple tuple = entries.get(key);
        if (tuple == null || isNull(tuple.getValueNode())) {
            return Optional.empty();
        }
        return Optional.of(scalar(tuple.getValueNode(), key, "a single line of text"));
    }

    private ScalarNode scalar(Node node, String key, String expected) {
        if (node instanceof ScalarNode scalar) {
            return scalar;
        }
        throw error(node, key, "expected " + expected + ", found " + describe(node));
    }

    private Map<String, Object> settings(MappingNode top, NodeTuple settingsEntry, TargetKind kind) {
        List<SettingSpec> specs = kind.settings();
        List<String> accepted = specs.stream().map(SettingSpec::key).toList();
        Map<String, NodeTuple> given = Map.of();
        Node at = top;
        if (settingsEntry != null && !isNull(settingsEntry.getValueNode())) {
            Node value = settingsEntry.getValueNode();
            if (!(value instanceof MappingNode mapping)) {
                throw error(value, "settings", "expected a mapping of key: value (accepted keys: "
                        + (accepted.isEmpty() ? "none for kind " + kind.name() : String.join(", ", accepted))
                        + "), found " + describe(value));
            }
            given = entries(mapping, "settings.", accepted);
            at = settingsEntry.getKeyNode();
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        for (SettingSpec spec : specs) {
            String key = "settings." + spec.key();
            NodeTuple tuple = given.get(spec.key());
            if (tuple != null) {
                Node value = tuple.getValueNode();
                if (isNull(value)) {
                    throw error(tuple.getKeyNode(), key, "no value given (expected " + SettingValues.expected(spec)
                            + ")");
                }
                ScalarNode scalar = scalar(value, key, SettingValues.expected(spec));
                Object converted = SettingValues.convert(spec, scalar.getValue(), file)
                        .orElseThrow(() -> error(scalar, key, "'" + scalar.getValue() + "' is not accepted"
                                + " (expected " + SettingValues.expected(spec) + ")"));
                settings.put(spec.key(), converted);
            } else if (spec.required()) {
                throw error(at, key, "missing (required: " + spec.description() + "; expected "
                        + SettingValues.expected(spec) + ")");
            } else if (spec.defaultValue() != null) {
                settings.put(spec.key(), spec.defaultValue());
            }
        }
        for (SettingProblem problem : kind.check(settings)) {
            NodeTuple tuple = given.get(problem.key());
            throw error(tuple != null ? tuple.getValueNode() : at, "settings." + problem.key(), problem.message());
        }
        return settings;
    }

    private String kindNames() {
        return kinds.isEmpty() ? "none" : String.join(", ", kinds.stream().map(TargetKind::name).toList());
    }

    private LabConfigException error(Node at, String key, String what) {
        return error(line(at), key, what);
    }

    private LabConfigException error(int line, String key, String what) {
        return new LabConfigException(file + ":" + line + ": " + (key.isEmpty() ? "" : key + ": ") + what);
    }

    private static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    private static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return "'" + ((ScalarNode) node).getValue() + "'";
    }

    private static String readProblem(Exception e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof CharacterCodingException) {
            return "the file is not UTF-8 text (save it as UTF-8)";
        }
        return oneLine(t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName());
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
