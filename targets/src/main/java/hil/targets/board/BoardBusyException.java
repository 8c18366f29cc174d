package hil.targets.board;

import hil.targets.InfrastructureException;

import java.nio.file.Path;
import java.util.Optional;

/** A board is leased by someone else (another process, or another target of this run): fail at once, say who. */
public class BoardBusyException extends InfrastructureException {

    private final String board;
    private final Path leaseFile;
    private final transient BoardLease.Holder holder;

    public BoardBusyException(String message, String board, Path leaseFile, BoardLease.Holder holder) {
        super(message);
        this.board = board;
        this.leaseFile = leaseFile;
        this.holder = holder;
    }

    public String board() {
        return board;
    }

    public Path leaseFile() {
        return leaseFile;
    }

    /** Who holds the lease, if its record could be read. */
    public Optional<BoardLease.Holder> holder() {
        return Optional.ofNullable(holder);
    }
}
