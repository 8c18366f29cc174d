package hil.targets.board;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Run in a child JVM by {@link BoardLeaseTest}: another process trying the lease.
 * Arguments: lease directory, board, ttl in ms, and {@code try} (acquire, report, release) or {@code hold} (acquire,
 * report, hold until stdin closes or the process is killed).
 * Prints one line: {@code ACQUIRED <token> <pid>}, {@code BUSY <message>} (exit 3) or {@code ERROR <exception>}
 * (exit 4).
 */
public final class LeaseProbe {

    private LeaseProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String board = args[1];
        Duration ttl = Duration.ofMillis(Long.parseLong(args[2]));
        boolean hold = "hold".equals(args[3]);
        BoardLease lease;
        try {
            lease = BoardLease.acquire(dir, board, ttl);
        } catch (BoardBusyException e) {
            System.out.println("BUSY " + e.getMessage());
            System.out.flush();
            System.exit(3);
            return;
        } catch (RuntimeException e) {
            System.out.println("ERROR " + e);
            System.out.flush();
            System.exit(4);
            return;
        }
        System.out.println("ACQUIRED " + lease.token() + " " + ProcessHandle.current().pid());
        System.out.flush();
        if (hold) {
            while (System.in.read() >= 0) {
                // hold until stdin closes or the process is killed
            }
        }
        lease.close();
    }
}
