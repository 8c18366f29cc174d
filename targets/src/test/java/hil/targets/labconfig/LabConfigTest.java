package hil.targets.labconfig;

import hil.targets.Capability;
import hil.targets.Target;
import hil.targets.TargetKind;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabConfigTest {

    /** A kind with one choice setting, shaped like the simulator. */
    private static final TargetKind SIMULATOR = new FakeKind("simulator", List.of(
            SettingSpec.choice("profile", "ovmf-4m", List.of("ovmf-4m", "ovmf-2m", "edk2-defaults"),
                    "variable-store geometry")));

    /** A kind with one setting of every type. */
    private static final TargetKind BOARD = new FakeKind("board", List.of(
            SettingSpec.required("serial-port", SettingSpec.Type.STRING, "the console's serial device"),
            SettingSpec.optional("baud", SettingSpec.Type.INTEGER, 115200L, "console speed"),
            SettingSpec.optional("boot-timeout", SettingSpec.Type.DURATION, Duration.ofSeconds(60), "boot budget"),
            SettingSpec.optional("image", SettingSpec.Type.PATH, null, "firmware image to deploy"),
            SettingSpec.optional("power-cycle", SettingSpec.Type.BOOLEAN, false, "cycle power before each run")));

    private static final List<TargetKind> KINDS = List.of(SIMULATOR, BOARD);

    private static final String SIMULATOR_YAML = """
            # The built-in software simulator.
            name: simulator
            kind: simulator
            description: Built-in model
            settings:
              profile: ovmf-2m   # a comment
            """;

    @TempDir
    Path dir;

    private Path write(String fileName, String text) throws IOException {
        return Files.writeString(dir.resolve(fileName), text);
    }

    private String loadError() {
        return assertThrows(LabConfigException.class, () -> LabConfig.load(dir, KINDS)).getMessage();
    }

    private String errorFor(String text) throws IOException {
        write("t.yaml", text);
        return loadError();
    }

    private String at(int line) {
        return dir.resolve("t.yaml") + ":" + line + ": ";
    }

    @Nested
    @DisplayName("a valid directory")
    class Valid {

        @Test
        void yields_one_target_per_file_with_its_name_kind_description_settings_and_file() throws IOException {
            Path file = write("simulator.yaml", SIMULATOR_YAML);

            LabConfig config = LabConfig.load(dir, KINDS);

            assertEquals(List.of(new TargetConfig("simulator", "simulator", "Built-in model",
                    Map.of("profile", "ovmf-2m"), file)), config.targets());
            assertEquals(dir, config.dir());
        }

        @Test
        void fills_in_defaults_for_settings_that_are_not_given() throws IOException {
            write("sim.yaml", "name: sim\nkind: simulator\n");

            TargetConfig sim = LabConfig.load(dir, KINDS).target("sim").orElseThrow();

            assertEquals(Map.of("profile", "ovmf-4m"), sim.settings());
            assertEquals("", sim.description());
        }

        @Test
        void converts_each_setting_type_to_its_java_value() throws IOException {
            write("bench.yaml", """
                    name: bench-1
                    kind: board
                    settings:
                      serial-port: /dev/ttyUSB0
                      baud: 0x1C200
                      boot-timeout: 90s
                      image: images/OVMF.fd
                      power-cycle: yes
                    """);

            Map<String, Object> settings = LabConfig.load(dir, KINDS).targets().get(0).settings();

            assertEquals("/dev/ttyUSB0", settings.get("serial-port"));
            assertEquals(115200L, settings.get("baud"));
            assertEquals(Duration.ofSeconds(90), settings.get("boot-timeout"));
            assertEquals(dir.toAbsolutePath().resolve("images/OVMF.fd"), settings.get("image"),
                    "relative paths are resolved against the file's directory");
            assertEquals(true, settings.get("power-cycle"));
        }

        @Test
        void accepts_millisecond_minute_and_iso_durations_and_underscored_integers() throws IOException {
            write("a.yaml", "name: a\nkind: board\nsettings: {serial-port: x, boot-timeout: 500ms, baud: 9_600}\n");
            write("b.yaml", "name: b\nkind: board\nsettings: {serial-port: x, boot-timeout: 2m}\n");
            write("c.yaml", "name: c\nkind: board\nsettings: {serial-port: x, boot-timeout: PT1M30S}\n");

            LabConfig config = LabConfig.load(dir, KINDS);

            assertEquals(Duration.ofMillis(500), config.target("a").orElseThrow().settings().get("boot-timeout"));
            assertEquals(9600L, config.target("a").orElseThrow().settings().get("baud"));
            assertEquals(Duration.ofMinutes(2), config.target("b").orElseThrow().settings().get("boot-timeout"));
            assertEquals(Duration.ofSeconds(90), config.target("c").orElseThrow().settings().get("boot-timeout"));
        }

        @Test
        void lists_targets_in_file_name_order_and_finds_them_by_name() throws IOException {
            write("b.yaml", "name: zeta\nkind: simulator\n");
            write("a.yaml", "name: alpha\nkind: simulator\n");
            write("notes.txt", "not a target");

            LabConfig config = LabConfig.load(dir, KINDS);

            assertEquals(List.of("alpha", "zeta"), config.names());
            assertTrue(config.target("zeta").isPresent());
            assertTrue(config.target("nosuch").isEmpty());
        }

        @Test
        void treats_an_empty_settings_key_as_no_settings() throws IOException {
            write("sim.yaml", "name: sim\nkind: simulator\nsettings:\n");

            assertEquals(Map.of("profile", "ovmf-4m"), LabConfig.load(dir, KINDS).targets().get(0).settings());
        }
    }

    @Nested
    @DisplayName("an error names file, line and key, what is wrong and what is accepted")
    class Errors {

        @Test
        void for_an_unknown_setting_key() throws IOException {
            write("simulator.yaml", SIMULATOR_YAML.replace("  profile:", "  profil:"));

            assertEquals(dir.resolve("simulator.yaml") + ":6: settings.profil: unknown key (accepted: profile)",
                    loadError());
        }

        @Test
        void for_an_unknown_top_level_key() throws IOException {
            assertEquals(at(3) + "kindd: unknown key (accepted: name, kind, description, settings)",
                    errorFor("name: a\nkind: simulator\nkindd: x\n"));
        }

        @Test
        void for_a_missing_name_or_kind() throws IOException {
            assertEquals(at(2) + "name: missing (required: a target name such as simulator)",
                    errorFor("# comment\nkind: simulator\n"));
            assertEquals(at(1) + "kind: missing (required: one of simulator, board)", errorFor("name: a\n"));
        }

        @Test
        void for_a_key_without_a_value() throws IOException {
            assertEquals(at(2) + "kind: no value given (expected one of simulator, board)",
                    errorFor("name: a\nkind:\n"));
        }

        @Test
        void for_an_invalid_target_name() throws IOException {
            assertEquals(at(1) + "name: 'My_Board' is not a valid target name (accepted: lower-case letters,"
                    + " digits and '-', starting with a letter or digit)", errorFor("name: My_Board\nkind: board\n"));
        }

        @Test
        void for_an_unknown_kind() throws IOException {
            assertEquals(at(2) + "kind: unknown kind 'qemu' (accepted: simulator, board)",
                    errorFor("name: a\nkind: qemu\n"));
        }

        @Test
        void for_a_value_that_is_not_among_the_choices() throws IOException {
            assertEquals(at(4) + "settings.profile: 'ovmf-8m' is not accepted (expected one of ovmf-4m, ovmf-2m,"
                    + " edk2-defaults)", errorFor("name: a\nkind: simulator\nsettings:\n  profile: ovmf-8m\n"));
        }

        @Test
        void for_values_of_the_wrong_type() throws IOException {
            String board = "name: b\nkind: board\nsettings:\n  serial-port: /dev/ttyS0\n";
            assertEquals(at(5) + "settings.baud: 'fast' is not accepted (expected an integer (decimal or 0x hex))",
                    errorFor(board + "  baud: fast\n"));
            assertEquals(at(5) + "settings.power-cycle: 'maybe' is not accepted (expected true or false)",
                    errorFor(board + "  power-cycle: maybe\n"));
            assertEquals(at(5) + "settings.boot-timeout: '10 parsecs' is not accepted (expected a duration such as"
                    + " 500ms, 30s, 2m or 1h)", errorFor(board + "  boot-timeout: 10 parsecs\n"));
            assertEquals(at(5) + "settings.serial-port: expected text, found a list",
                    errorFor("name: b\nkind: board\nsettings:\n  serial-port:\n  - a\n"));
        }

        @Test
        void for_a_missing_required_setting() throws IOException {
            assertEquals(at(3) + "settings.serial-port: missing (required: the console's serial device; expected"
                    + " text)", errorFor("name: b\nkind: board\nsettings:\n  baud: 9600\n"));
            assertEquals(at(1) + "settings.serial-port: missing (required: the console's serial device; expected"
                    + " text)", errorFor("name: b\nkind: board\n"));
        }

        @Test
        void for_settings_that_are_not_a_mapping() throws IOException {
            assertEquals(at(3) + "settings: expected a mapping of key: value (accepted keys: profile), found"
                    + " 'ovmf-4m'", errorFor("name: a\nkind: simulator\nsettings: ovmf-4m\n"));
        }

        @Test
        void for_a_duplicate_key() throws IOException {
            assertEquals(at(3) + "name: duplicate key (first given at line 1; keep one)",
                    errorFor("name: a\nkind: simulator\nname: b\n"));
        }

        @Test
        void for_a_yaml_syntax_error_at_its_line() throws IOException {
            String message = errorFor("name: a\nkind: simulator\nsettings:\n  profile: [ovmf-4m\n");
            assertTrue(message.startsWith(at(5) + "YAML syntax error: "), message);
        }

        @Test
        void for_a_bad_indentation_at_its_line() throws IOException {
            String message = errorFor("name: a\n  kind: simulator\n");
            assertTrue(message.startsWith(at(2) + "YAML syntax error: mapping values are not allowed"), message);
        }

        @Test
        void for_an_empty_file() throws IOException {
            assertEquals(at(1) + "the file is empty (expected the keys name, kind, description, settings)",
                    errorFor("# nothing here\n"));
        }

        @Test
        void for_a_file_that_is_not_a_mapping() throws IOException {
            assertEquals(at(1) + "expected a mapping with the keys name, kind, description, settings, found a list",
                    errorFor("- name: a\n"));
        }

        @Test
        void for_two_files_defining_the_same_target_naming_both_files() throws IOException {
            write("a.yaml", "name: sim\nkind: simulator\n");
            write("b.yaml", "kind: simulator\nname: sim\n");

            assertEquals(dir.resolve("b.yaml") + ":2: name: target 'sim' is already defined in "
                    + dir.resolve("a.yaml") + ":1 (target names must be unique; rename one of them)", loadError());
        }

        @Test
        void for_a_missing_directory() {
            Path missing = dir.resolve("nope");
            String message = assertThrows(LabConfigException.class, () -> LabConfig.load(missing, KINDS))
                    .getMessage();
            assertTrue(message.startsWith("lab-config directory " + missing + " not found"), message);
        }

        @Test
        void for_a_directory_without_yaml_files() throws IOException {
            write("simulator.yml", "name: a\nkind: simulator\n");
            assertTrue(loadError().startsWith("lab-config directory " + dir + " has no *.yaml files"));
        }
    }

    /** A target kind that only describes its settings. */
    private record FakeKind(String name, List<SettingSpec> settings) implements TargetKind {

        @Override
        public Set<Capability> capabilities() {
            return Set.of();
        }

        @Override
        public Availability availability(TargetConfig config) {
            return Availability.yes();
        }

        @Override
        public Target create(TargetConfig config) {
            throw new UnsupportedOperationException("not needed by lab-config tests");
        }
    }

    @Nested
    @DisplayName("stores.yaml")
    class Stores {

        private String storesError(String text) throws IOException {
            write("simulator.yaml", SIMULATOR_YAML);
            write("stores.yaml", text);
            return loadError();
        }

        private String storesAt(int line) {
            return dir.resolve("stores.yaml") + ":" + line + ": ";
        }

        @Test
        void names_stores_with_their_file_resolved_against_the_directory_and_is_not_a_target() throws IOException {
            write("simulator.yaml", SIMULATOR_YAML);
            write("stores.yaml", """
                    stores:
                      OVMF_VARS_4M.ms.fd:
                        file: /usr/share/OVMF/OVMF_VARS_4M.ms.fd
                        description: Microsoft's keys
                      mine:
                        file: images/mine.fd
                    """);

            LabConfig config = LabConfig.load(dir, KINDS);

            assertEquals(List.of("simulator"), config.names());
            assertEquals(List.of(
                    new hil.targets.VariableStoreFile("OVMF_VARS_4M.ms.fd", Path.of("/usr/share/OVMF/OVMF_VARS_4M.ms.fd"),
                            "Microsoft's keys", "stores.yaml:2"),
                    new hil.targets.VariableStoreFile("mine", dir.resolve("images/mine.fd"), "", "stores.yaml:5")),
                    config.stores());
            assertEquals("mine", config.store("mine").orElseThrow().name());
            assertTrue(config.store("other").isEmpty());
        }

        @Test
        void a_directory_without_stores_yaml_has_no_stores() throws IOException {
            write("simulator.yaml", SIMULATOR_YAML);
            assertEquals(List.of(), LabConfig.load(dir, KINDS).stores());
        }

        @Test
        void an_entry_without_a_file_is_an_error_naming_its_line() throws IOException {
            assertEquals(storesAt(2) + "stores.mine.file: missing (required: the path of a variable-store image)",
                    storesError("stores:\n  mine:\n    description: no file\n"));
        }

        @Test
        void an_unknown_key_is_an_error_listing_the_accepted_ones() throws IOException {
            assertEquals(storesAt(3) + "stores.mine.size: unknown key (accepted: file, description)",
                    storesError("stores:\n  mine:\n    size: 4M\n"));
            assertEquals(storesAt(1) + "targets: unknown key (accepted: stores)",
                    storesError("targets:\n  mine: x\n"));
        }

        @Test
        void a_name_with_a_space_or_a_repeated_name_is_an_error() throws IOException {
            assertTrue(storesError("stores:\n  my store:\n    file: a.fd\n").startsWith(storesAt(2)
                    + "stores.my store: 'my store' is not a valid store name"));
            assertTrue(storesError("stores:\n  a:\n    file: a.fd\n  a:\n    file: b.fd\n").startsWith(storesAt(4)));
        }

        @Test
        void an_entry_that_is_not_a_mapping_is_an_error() throws IOException {
            assertEquals(storesAt(2) + "stores.mine: expected the keys file and description, found 'a.fd'",
                    storesError("stores:\n  mine: a.fd\n"));
        }
    }
}
