package hil.cli;

import io.cucumber.tagexpressions.Expression;
import io.cucumber.tagexpressions.TagExpressionParser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.discovery.DirectorySelector;
import org.junit.platform.engine.discovery.FilePosition;
import org.junit.platform.engine.discovery.FileSelector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FeatureSelectionTest {

    // Line numbers matter: the tests below select by them.
    private static final String OUTLINE_FEATURE = """
            @variables
            Feature: Outlines and rules

              @smoke
              Scenario: Plain
                Given the firmware is in the boot phase

              Scenario Outline: Sizes <size>
                When I get the variable "A" of vendor TestVendor with a buffer of <size> bytes

                @small
                Examples: small
                  | size |
                  | 0    |
                  | 1    |

                Examples: large
                  | size |
                  | 4096 |

              Rule: Deletion
                Scenario: Delete
                  When I delete the variable "A" of vendor TestVendor

                Scenario: Delete twice
                  When I delete the variable "A" of vendor TestVendor
            """;

    private static final Expression ALL = TagExpressionParser.parse("");

    @TempDir
    Path dir;

    private Path feature;

    @BeforeEach
    void write() throws IOException {
        feature = Files.writeString(dir.resolve("outlines.feature"), OUTLINE_FEATURE);
    }

    private int count(String tags, String... paths) {
        return FeatureSelection.of(List.of(paths), TagExpressionParser.parse(tags)).scenarioCount();
    }

    private int countAt(int... lines) {
        StringBuilder path = new StringBuilder(feature.toString());
        for (int line : lines) {
            path.append(':').append(line);
        }
        return count("", path.toString());
    }

    @Test
    void counts_each_scenario_and_each_example_row() {
        assertEquals(6, count("", feature.toString()));
    }

    @Test
    void counts_only_scenarios_matching_the_tag_expression_including_inherited_tags() {
        assertEquals(1, count("@smoke", feature.toString()));
        assertEquals(2, count("@small", feature.toString()), "example tags apply to their rows");
        assertEquals(6, count("@variables", feature.toString()), "feature tags apply to every scenario");
        assertEquals(4, count("not @small", feature.toString()));
    }

    @Test
    void a_line_selects_what_starts_there() {
        assertEquals(6, countAt(2), "the feature line selects the whole feature");
        assertEquals(1, countAt(5), "a scenario line selects that scenario");
        assertEquals(3, countAt(8), "an outline line selects all its rows");
        assertEquals(2, countAt(12), "an examples line selects its rows");
        assertEquals(1, countAt(15), "a row line selects that row");
        assertEquals(2, countAt(21), "a rule line selects the rule's scenarios");
        assertEquals(2, countAt(5, 19));
    }

    @Test
    void a_line_inside_a_scenario_is_rejected() {
        BadInputException e = assertThrows(BadInputException.class, () -> countAt(6));
        assertEquals(feature + ":6: no feature, rule, scenario, examples or example row starts on this line",
                e.getMessage());
    }

    @Test
    void walks_directories_for_feature_files_and_counts_a_scenario_selected_twice_once() throws IOException {
        Path sub = Files.createDirectories(dir.resolve("sub"));
        Files.writeString(sub.resolve("one.feature"), "Feature: One\n  Scenario: A\n    Given x\n");
        Files.writeString(sub.resolve("notes.txt"), "Feature: not a feature file\n  Scenario: B\n");

        assertEquals(7, count("", dir.toString()));
        assertEquals(7, count("", dir.toString(), feature.toString(), feature + ":5"));
    }

    @Test
    void a_syntax_error_names_file_line_and_column() throws IOException {
        Path broken = Files.writeString(dir.resolve("broken.feature"), "Feature: X\n  Scenario: Y\n  Given z\n"
                + "  | a |\n  | b | c |\n");

        BadInputException e = assertThrows(BadInputException.class, () -> count("", broken.toString()));

        assertEquals(broken + ":5:3: inconsistent cell count within the table", e.getMessage());
    }

    @Test
    void a_file_that_is_not_a_feature_is_rejected() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.txt"), "hello");

        BadInputException e = assertThrows(BadInputException.class, () -> count("", text.toString()));

        assertEquals(text + ": not a .feature file or a directory", e.getMessage());
    }

    @Test
    void gives_the_cucumber_engine_a_selector_per_directory_file_and_line() {
        FeatureSelection selection = FeatureSelection.of(
                List.of(dir.toString(), feature.toString(), feature + ":5:8"), ALL);

        List<DiscoverySelector> selectors = selection.selectors();

        assertEquals(4, selectors.size());
        assertEquals(dir.toAbsolutePath().toFile(), ((DirectorySelector) selectors.get(0)).getDirectory());
        assertEquals(feature.toAbsolutePath().toFile(), ((FileSelector) selectors.get(1)).getFile());
        assertEquals(Optional.empty(), ((FileSelector) selectors.get(1)).getPosition());
        assertEquals(Optional.of(FilePosition.from(5)), ((FileSelector) selectors.get(2)).getPosition());
        assertEquals(Optional.of(FilePosition.from(8)), ((FileSelector) selectors.get(3)).getPosition());
        assertTrue(selectors.stream().allMatch(s -> s instanceof FileSelector || s instanceof DirectorySelector));
    }

    @Test
    void selects_the_whole_file_for_the_feature_line_since_the_engine_matches_nothing_there() {
        List<DiscoverySelector> selectors = FeatureSelection.of(List.of(feature + ":5:2"), ALL).selectors();

        assertEquals(1, selectors.size());
        assertEquals(Optional.empty(), ((FileSelector) selectors.get(0)).getPosition());
    }
}
