package hil.targets.board;

import hil.targets.HilException;
import hil.targets.InfrastructureException;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A board leased for one run, so two runs (or two targets of one run) never drive the same board at once.
 *
 * <p>The lease is {@code <leaseDir>/<board>.lease}, locked with {@link FileChannel#tryLock()} (an fcntl lock on
 * Linux) for as long as the lease is held. The lock is the authority: the operating system drops it when the holder
 * process dies, so a file left by a crashed run is simply taken over. The file's contents only say who holds it —
 * owner, host, pid, a random token, start and {@code expiresAt} — for the message another run gets; a daemon thread
 * moves {@code expiresAt} forward every ttl/3 while the lease is held, so an expiry in the past while the lock is
 * still held means the holder is alive but hung. (labgrid's reservations work alike: a token and a 60 s timeout
 * refreshed while held.)
 *
 * <p>Acquiring never waits: a held lease is a {@link BoardBusyException} naming the holder.
 *
 * <p>Within one JVM the leases are also kept in a table, consulted before the file is opened. Besides catching two
 * targets naming the same board, this matters because POSIX record locks belong to the process: closing
 * <em>any</em> descriptor of the file in this process would silently drop the lock a lease holds. So nothing in
 * this JVM should open a held lease file (use {@link #holder()} instead).
 *
 * <p>The file is never deleted (a delete racing another run's open would let two runs lock two different files);
 * {@link #close()} empties it.
 */
public final class BoardLease implements AutoCloseable {

    /** Who holds a lease, as written in the lease file. */
    public record Holder(String board, String owner, String host, long pid, String token, Instant start,
                         Instant expiresAt) {

        Holder withExpiresAt(Instant when) {
            return new Holder(board, owner, host, pid, token, start, when);
        }

        String format() {
            return "# hil board lease: held while this file is locked by the process below\n"
                    + "board=" + board + "\n"
                    + "owner=" + owner + "\n"
                    + "host=" + host + "\n"
                    + "pid=" + pid + "\n"
                    + "token=" + token + "\n"
                    + "start=" + start + "\n"
                    + "expiresAt=" + expiresAt + "\n";
        }

        /** Parses {@link #format()}; empty when the text is not a complete record (an emptied or foreign file). */
        static Optional<Holder> parse(String text) {
            Map<String, String> kv = new HashMap<>();
            for (String line : text.split("\n")) {
                int eq = line.indexOf('=');
                if (!line.startsWith("#") && eq > 0) {
                    kv.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
                }
            }
            try {
                return Optional.of(new Holder(kv.getOrDefault("board", ""), require(kv, "owner"), require(kv, "host"),
                        Long.parseLong(require(kv, "pid")), kv.getOrDefault("token", ""),
                        Instant.parse(require(kv, "start")), Instant.parse(require(kv, "expiresAt"))));
            } catch (IllegalArgumentException | DateTimeParseException e) {
                return Optional.empty();
            }
        }

        private static String require(Map<String, String> kv, String key) {
            String v = kv.get(key);
            if (v == null || v.isEmpty()) {
                throw new IllegalArgumentException("missing " + key);
            }
            return v;
        }

        /** "alice@lab1 (pid 4242, since 2026-12-05T13:40:00Z, expires 13:41:00Z". */
        String describe(Instant now) {
            String expiry = start.atOffset(ZoneOffset.UTC).toLocalDate()
                    .equals(expiresAt.atOffset(ZoneOffset.UTC).toLocalDate())
                    ? TIME_OF_DAY.format(expiresAt.atOffset(ZoneOffset.UTC)) : expiresAt.toString();
            return owner + "@" + host + " (pid " + pid + ", since " + start + ", "
                    + (expiresAt.isBefore(now)
                    ? "expired " + expiry + " but still locked: the holder is alive and no longer refreshing it"
                    : "expires " + expiry);
        }
    }

    private static final DateTimeFormatter TIME_OF_DAY = DateTimeFormatter.ofPattern("HH:mm:ss'Z'");
    private static final Pattern BOARD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String TOKEN_CHARS = "abcdefghijkmnpqrstuvwxyz23456789";

    /** The leases this JVM holds, by lease file (real path); guards acquiring and releasing. */
    private static final Map<Path, BoardLease> HELD = new HashMap<>();

    private final String board;
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final Duration ttl;
    private final ScheduledExecutorService refresher;
    private volatile Holder holder;
    private volatile IOException refreshFailure;
    private boolean closed;

    private BoardLease(String board, Path file, FileChannel channel, FileLock lock, Duration ttl, Holder holder) {
        this.board = board;
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.ttl = ttl;
        this.holder = holder;
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hil-lease-" + board);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Leases a board, or fails at once.
     *
     * @param leaseDir where lease files live, created (0700 where the file system allows) if missing; every run that
     *                 may use the board must use the same directory, see {@link #defaultLeaseDir()}
     * @param board    the board's name, as a file name: letters, digits, '.', '_', '-'
     * @param ttl      how far ahead {@code expiresAt} is set; refreshed every ttl/3
     * @throws BoardBusyException      when another process, or this one, holds the lease
     * @throws InfrastructureException when the lease directory or file cannot be used
     */
    public static BoardLease acquire(Path leaseDir, String board, Duration ttl) {
        Objects.requireNonNull(leaseDir, "leaseDir");
        if (board == null || !BOARD.matcher(board).matches()) {
            throw new HilException("cannot lease board '" + board + "': a board name for a lease file is letters,"
                    + " digits, '.', '_' and '-'");
        }
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new HilException("a board lease needs a positive time-to-live, not " + ttl);
        }
        Path file = ensureDirectory(leaseDir).resolve(board + ".lease");
        synchronized (HELD) {
            BoardLease mine = HELD.get(file);
            if (mine != null) {
                throw busy(board, file, mine.holder, true);
            }
            FileChannel channel;
            try {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw new InfrastructureException("cannot open lease file " + file + " for board " + board + ": "
                        + e, e);
            }
            FileLock lock;
            boolean inThisJvm = false;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                // Locked through another channel of this JVM, not by a BoardLease (the table above says so).
                lock = null;
                inThisJvm = true;
            } catch (IOException e) {
                closeQuietly(channel);
                throw new InfrastructureException("cannot lock lease file " + file + " for board " + board + ": "
                        + e, e);
            }
            if (lock == null) {
                Holder other = readHolder(channel);
                closeQuietly(channel);
                throw busy(board, file, other, inThisJvm);
            }
            Instant now = now();
            Holder me = new Holder(board, currentUser(), HostName.VALUE, ProcessHandle.current().pid(), newToken(),
                    now, now.plus(ttl));
            try {
                write(channel, me);
            } catch (IOException e) {
                closeQuietly(lock);
                closeQuietly(channel);
                throw new InfrastructureException("cannot write lease file " + file + " for board " + board + ": "
                        + e, e);
            }
            BoardLease lease = new BoardLease(board, file, channel, lock, ttl, me);
            HELD.put(file, lease);
            long period = Math.max(1, ttl.toMillis() / 3);
            lease.refresher.scheduleWithFixedDelay(lease::refresh, period, period, TimeUnit.MILLISECONDS);
            return lease;
        }
    }

    /** Whether this process already holds a lease of {@code board} (a running target of this run). */
    public static boolean heldHere(String board) {
        synchronized (HELD) {
            return HELD.values().stream().anyMatch(l -> l.board().equals(board));
        }
    }

    /**
     * Where leases live unless the lab configures a directory: {@code $XDG_RUNTIME_DIR/hil/leases} when
     * {@code XDG_RUNTIME_DIR} is set (a per-user tmpfs, emptied at logout and reboot), else
     * {@code ${java.io.tmpdir}/hil-leases-<user>}. Both are per user: runs of different users on one host see each
     * other's leases only if the lab config names a shared directory.
     */
    public static Path defaultLeaseDir() {
        return defaultLeaseDir(System.getenv(), System.getProperty("java.io.tmpdir"), currentUser());
    }

    static Path defaultLeaseDir(Map<String, String> env, String tmpdir, String user) {
        String runtime = env.get("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank()) {
            return Path.of(runtime, "hil", "leases");
        }
        return Path.of(tmpdir, "hil-leases-" + StateDirectory.safe(user));
    }

    public String board() {
        return board;
    }

    public Path leaseFile() {
        return file;
    }

    /** This lease's record as last written (its {@code expiresAt} moves forward while held). */
    public Holder holder() {
        return holder;
    }

    public String token() {
        return holder.token();
    }

    /** The last failure to refresh the lease file, if any (the lock itself is unaffected). */
    public Optional<IOException> refreshFailure() {
        return Optional.ofNullable(refreshFailure);
    }

    /** Reads the lease file through the locked channel (opening the file again would drop the lock); for tests. */
    synchronized Optional<Holder> readFile() {
        return closed ? Optional.empty() : Optional.ofNullable(readHolder(channel));
    }

    private synchronized void refresh() {
        if (closed) {
            return;
        }
        Holder next = holder.withExpiresAt(now().plus(ttl));
        try {
            write(channel, next);
            holder = next;
        } catch (IOException e) {
            refreshFailure = e;
        }
    }

    /** Stops refreshing, empties the file, releases the lock and closes it; repeated calls do nothing. */
    @Override
    public void close() {
        synchronized (HELD) {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                // shutdown, not shutdownNow: interrupting a thread in FileChannel I/O would close the channel
                refresher.shutdown();
                try {
                    channel.truncate(0);
                } catch (IOException e) {
                    // the lock goes below either way; a stale record without a lock is taken over
                }
                closeQuietly(lock);
                closeQuietly(channel);
                HELD.remove(file, this);
            }
        }
    }

    private static BoardBusyException busy(String board, Path file, Holder holder, boolean inThisJvm) {
        String who = holder == null
                ? "another process (its holder record could not be read"
                : holder.describe(now());
        String message = "board " + board + " is leased by " + who + "; lease file " + file + ")"
                + (inThisJvm ? " — by this hil process itself: do two targets name the same board?" : "");
        return new BoardBusyException(message, board, file, holder);
    }

    /**
     * Writes the record over the old one and then cuts the file to its length: a reader in another process never
     * sees an empty file (truncating first would open that window), and timestamps are whole seconds, so records
     * rarely change length.
     */
    private static void write(FileChannel channel, Holder holder) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(holder.format().getBytes(StandardCharsets.UTF_8));
        int length = buf.remaining();
        while (buf.hasRemaining()) {
            channel.write(buf, buf.position());
        }
        channel.truncate(length);
    }

    /** Reads a holder record; retries briefly in case the holder was writing just then. */
    private static Holder readHolder(FileChannel channel) {
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                long size = Math.min(channel.size(), 64 * 1024);
                ByteBuffer buf = ByteBuffer.allocate((int) size);
                while (buf.hasRemaining() && channel.read(buf, buf.position()) > 0) {
                    // until the size seen above
                }
                Optional<Holder> h = Holder.parse(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
                if (h.isPresent()) {
                    return h.get();
                }
                Thread.sleep(20);
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    private static Path ensureDirectory(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                try {
                    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rwx------")));
                } catch (UnsupportedOperationException e) {
                    Files.createDirectories(dir);
                }
            }
            // One key per file in the table of this JVM's leases, however the directory was spelled.
            return dir.toRealPath();
        } catch (IOException e) {
            throw new InfrastructureException("cannot create the board lease directory " + dir + ": " + e, e);
        }
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }

    private static String newToken() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            sb.append(TOKEN_CHARS.charAt(RANDOM.nextInt(TOKEN_CHARS.length())));
        }
        return sb.toString();
    }

    private static String currentUser() {
        String user = System.getProperty("user.name");
        return user == null || user.isBlank() ? "unknown" : user;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // releasing; nothing more to do
        }
    }

    /** This host's name, looked up once: the kernel's name first, as a DNS lookup may be slow or fail. */
    private static final class HostName {
        static final String VALUE = lookup();

        private static String lookup() {
            try {
                Path kernel = Path.of("/proc/sys/kernel/hostname");
                if (Files.isReadable(kernel)) {
                    String name = Files.readString(kernel).strip();
                    if (!name.isEmpty()) {
                        return name;
                    }
                }
            } catch (IOException e) {
                // fall back below
            }
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                return "unknown-host";
            }
        }
    }
}
