package hil.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code hil bench --target}: the table of start-up and round-trip times, here of a simulator target. */
class FirmwareBenchTest {

    @TempDir
    Path dir;

    @Test
    void everyMeasurementIsPrintedWithMinMedianAndMaxInOrder() throws IOException {
        TwoProfileRun lab = new TwoProfileRun(dir);
        int status = lab.hil("bench", "--lab-config", lab.labConfig.toString(), "--target", "sim-4m", "--runs", "3");
        assertEquals(0, status, lab.err::toString);
        String out = lab.out.toString();
        for (String row : new String[] {"cold start", "fresh-store start on a running machine", "GetVariable round trip",
                "Linux guest start"}) {
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(row) + ".*?([0-9.]+)s +([0-9.]+)s +([0-9.]+)s$")
                    .matcher(out);
            assertTrue(m.find(), row + " in:\n" + out);
            double min = Double.parseDouble(m.group(1));
            double median = Double.parseDouble(m.group(2));
            double max = Double.parseDouble(m.group(3));
            assertTrue(min <= median && median <= max, row + ": " + m.group());
        }
    }

    @Test
    void anUnknownTargetOrABadRunCountIsBadInput() throws IOException {
        TwoProfileRun lab = new TwoProfileRun(dir);
        assertEquals(2, lab.hil("bench", "--lab-config", lab.labConfig.toString(), "--target", "nosuch"));
        assertTrue(lab.err.toString().contains("unknown target 'nosuch'"), lab.err.toString());
        assertEquals(2, lab.hil("bench", "--lab-config", lab.labConfig.toString(), "--target", "sim-4m", "--runs", "0"));
        assertTrue(lab.err.toString().contains("--runs must be between 1 and 50"), lab.err.toString());
    }
}
