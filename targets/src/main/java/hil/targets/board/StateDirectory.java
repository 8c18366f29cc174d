package hil.targets.board;

import hil.targets.InfrastructureException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A private directory per board and run, handed to power commands as {@code HIL_STATE_DIR} (pid files, sockets,
 * logs of a process a power-on command started). Created 0700 under {@code java.io.tmpdir}, named
 * {@code hil-board-<name>-<random>}.
 */
public final class StateDirectory {

    private StateDirectory() {
    }

    /**
     * Creates a fresh directory readable by this user only.
     *
     * @throws InfrastructureException when it cannot be created
     */
    public static Path create(String board) {
        String prefix = "hil-board-" + safe(board) + "-";
        try {
            try {
                return Files.createTempDirectory(prefix, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the platform's default temp-directory permissions apply
                return Files.createTempDirectory(prefix);
            }
        } catch (IOException e) {
            throw new InfrastructureException("cannot create a state directory for board " + board + " under "
                    + System.getProperty("java.io.tmpdir") + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the directory and everything in it, best effort (a file a lingering process removed is fine). */
    public static void delete(Path dir) {
        hil.targets.firmware.Trees.delete(dir);
    }


    /** The board name as a file-name fragment: anything but letters, digits, '.', '_' and '-' becomes '_'. */
    static String safe(String board) {
        String s = board == null || board.isEmpty() ? "unnamed" : board.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.length() > 40 ? s.substring(0, 40) : s;
    }
}
