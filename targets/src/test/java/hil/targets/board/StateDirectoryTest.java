package hil.targets.board;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StateDirectoryTest {

    @Test
    void aStateDirectoryIsPrivateAndNamedAfterTheBoard() throws IOException {
        Path dir = StateDirectory.create("virtual-board");
        try {
            assertTrue(Files.isDirectory(dir));
            assertTrue(dir.getFileName().toString().startsWith("hil-board-virtual-board-"), dir.toString());
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        } finally {
            StateDirectory.delete(dir);
        }
    }

    @Test
    void eachRunGetsItsOwnDirectory() {
        Path a = StateDirectory.create("b");
        Path b = StateDirectory.create("b");
        try {
            assertNotEquals(a, b);
        } finally {
            StateDirectory.delete(a);
            StateDirectory.delete(b);
        }
    }

    @Test
    void aNameThatIsNoFileNameIsMadeSafe() {
        Path dir = StateDirectory.create("../lab/board 1");
        try {
            assertEquals(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath(),
                    dir.getParent().toAbsolutePath());
            assertTrue(dir.getFileName().toString().startsWith("hil-board-.._lab_board_1-"), dir.toString());
        } finally {
            StateDirectory.delete(dir);
        }
    }

    @Test
    void deleteRemovesTheDirectoryWithItsContents() throws IOException {
        Path dir = StateDirectory.create("b");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/qemu.pid"), "42");
        Files.writeString(dir.resolve("log"), "x");
        StateDirectory.delete(dir);
        assertFalse(Files.exists(dir));
        StateDirectory.delete(dir); // already gone: nothing to do
        StateDirectory.delete(null);
    }
}
