package hil.cli;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code PATH} argument of {@code hil run}: a directory, a feature file, or a feature file with lines
 * ({@code features/x.feature:12} or {@code features/x.feature:12:30}) that select the feature, rule, scenario,
 * examples block or example row starting there.
 *
 * @param text  the argument as given
 * @param path  the file or directory
 * @param lines the selected lines; empty for the whole file or directory
 */
record FeatureArgument(String text, Path path, List<Integer> lines) {

    static final String SUFFIX = ".feature";
    private static final Pattern WITH_LINES = Pattern.compile("(.+?)((?::\\d+)+)");

    FeatureArgument {
        lines = List.copyOf(lines);
    }

    /** Reads an argument, checking that it names an existing directory or feature file. */
    static FeatureArgument parse(String text) {
        Path path = path(text);
        if (!Files.exists(path)) {
            Matcher m = WITH_LINES.matcher(text);
            if (m.matches() && Files.exists(path(m.group(1)))) {
                List<Integer> lines = Arrays.stream(m.group(2).substring(1).split(":"))
                        .map(FeatureArgument::line)
                        .toList();
                return checked(new FeatureArgument(text, path(m.group(1)), lines));
            }
            throw new BadInputException(text + ": no such file or directory (give feature files or directories of"
                    + " them)");
        }
        return checked(new FeatureArgument(text, path, List.of()));
    }

    private static FeatureArgument checked(FeatureArgument argument) {
        Path path = argument.path;
        if (Files.isDirectory(path) && argument.lines.isEmpty()) {
            return argument;
        }
        if (!Files.isRegularFile(path) || !path.getFileName().toString().endsWith(SUFFIX)) {
            throw new BadInputException(argument.text + ": not a " + SUFFIX + " file"
                    + (argument.lines.isEmpty() ? " or a directory" : ""));
        }
        return argument;
    }

    private static Path path(String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new BadInputException(text + ": not a valid path (" + e.getReason() + ")");
        }
    }

    private static int line(String digits) {
        try {
            int line = Integer.parseInt(digits);
            if (line > 0) {
                return line;
            }
        } catch (NumberFormatException e) {
            // too large: reported below like any other impossible line
        }
        throw new BadInputException("line " + digits + " does not exist (lines start at 1)");
    }

    boolean isDirectory() {
        return Files.isDirectory(path);
    }
}
