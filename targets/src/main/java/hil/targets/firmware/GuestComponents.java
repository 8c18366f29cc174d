package hil.targets.firmware;

import hil.targets.HilException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The parts of the Linux guest that come from Debian packages: the kernel (an EFI application through its EFI
 * stub) and {@code efivarfs.ko} from the kernel package ({@code linux-image-cloud-amd64} by default, a
 * meta-package whose dependency is the real kernel package), and a static busybox from {@code busybox-static}.
 *
 * <p>They are fetched with {@code apt-get download} (no installation, no root needed for that) and unpacked with
 * {@code dpkg-deb -x} into a cache directory, once: a complete cache entry is used as it is, without asking apt,
 * so runs after the first work offline. The module must come from the same package as the kernel, since the kernel
 * loads only modules built with it. A lock file keeps two processes from filling one cache entry at a time.
 */
public final class GuestComponents {

    public static final String DEFAULT_KERNEL_PACKAGE = "linux-image-cloud-amd64";
    static final String BUSYBOX_PACKAGE = "busybox-static";
    static final String KERNEL = "vmlinuz";
    static final String MODULE = "efivarfs.ko";
    static final String BUSYBOX = "busybox";
    private static final String MANIFEST = "components.properties";
    private static final long APT_TIMEOUT_SECONDS = 600;

    /** The unpacked parts, and where they came from. */
    record Parts(Path kernel, Path efivarfsModule, Path busybox, String kernelRelease, String kernelPackage,
                 String busyboxPackage) {
    }

    private GuestComponents() {
    }

    /** {@code $XDG_CACHE_HOME/hil/guest}, else {@code ~/.cache/hil/guest}. */
    public static Path defaultCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("hil").resolve("guest");
    }

    /** The cache entry of one kernel package. */
    static Path entry(Path cache, String kernelPackage) {
        return cache.resolve(kernelPackage);
    }

    /** The cached parts, if the entry is complete. */
    static Optional<Parts> cached(Path cache, String kernelPackage) {
        Path dir = entry(cache, kernelPackage);
        Path manifest = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(manifest)) {
            p.load(in);
        } catch (IOException e) {
            return Optional.empty();
        }
        Parts parts = new Parts(dir.resolve(KERNEL), dir.resolve(MODULE), dir.resolve(BUSYBOX),
                p.getProperty("kernel.release", ""), p.getProperty("kernel.package", ""),
                p.getProperty("busybox.package", ""));
        boolean complete = Files.isRegularFile(parts.kernel()) && Files.isRegularFile(parts.efivarfsModule())
                && Files.isRegularFile(parts.busybox()) && !parts.kernelRelease().isEmpty();
        return complete ? Optional.of(parts) : Optional.empty();
    }

    /** What is missing to get the parts: nothing when the cache is complete, else the tools that fetch them. */
    static List<String> missing(Path cache, String kernelPackage) {
        List<String> missing = new ArrayList<>();
        if (cached(cache, kernelPackage).isPresent()) {
            return missing;
        }
        for (String tool : List.of("apt-get", "dpkg-deb")) {
            if (Executables.resolve(Path.of(tool)).isEmpty()) {
                missing.add(tool + " not found: the Linux guest's kernel and busybox come from Debian packages "
                        + kernelPackage + " and " + BUSYBOX_PACKAGE + " (or fill the cache " + entry(cache, kernelPackage)
                        + " on a Debian machine)");
            }
        }
        return missing;
    }

    /** The parts, fetched and unpacked into the cache first when the cache has no complete entry. */
    static synchronized Parts ensure(Path cache, String kernelPackage) {
        Optional<Parts> ready = cached(cache, kernelPackage);
        if (ready.isPresent()) {
            return ready.get();
        }
        try {
            Files.createDirectories(cache);
            try (FileChannel lockFile = FileChannel.open(cache.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
                // Another process may have filled the entry while this one waited for the lock.
                ready = cached(cache, kernelPackage);
                if (ready.isPresent()) {
                    return ready.get();
                }
                return fetch(cache, kernelPackage);
            }
        } catch (IOException e) {
            throw new HilException("cannot fill the guest cache " + cache + ": " + e.getMessage(), e);
        }
    }

    private static Parts fetch(Path cache, String kernelPackage) throws IOException {
        Path work = Files.createTempDirectory(cache, "fetch-");
        try {
            Path kernelDeb = download(work, kernelPackage);
            Path busyboxDeb = download(work, BUSYBOX_PACKAGE);
            Path kernelTree = unpack(kernelDeb, work.resolve("kernel"));
            String kernelFrom = describe(kernelDeb);
            // A meta-package holds no kernel: follow its linux-image dependency (at most twice).
            for (int depth = 0; findKernel(kernelTree).isEmpty() && depth < 2; depth++) {
                String dependency = kernelDependency(kernelDeb);
                kernelDeb = download(work, dependency);
                kernelTree = unpack(kernelDeb, work.resolve("kernel" + depth));
                kernelFrom = kernelFrom + " -> " + describe(kernelDeb);
            }
            Path vmlinuz = findKernel(kernelTree).orElseThrow(() -> new HilException(
                    "package " + kernelPackage + " and its linux-image dependency hold no boot/vmlinuz-*"));
            String release = vmlinuz.getFileName().toString().substring("vmlinuz-".length());
            Path module = findModule(kernelTree, release);
            Path busyboxTree = unpack(busyboxDeb, work.resolve("busybox"));
            Path busybox = Stream.of("bin/busybox", "usr/bin/busybox").map(busyboxTree::resolve)
                    .filter(Files::isRegularFile).findFirst().orElseThrow(() -> new HilException(
                            "package " + BUSYBOX_PACKAGE + " holds no bin/busybox"));

            Path staging = Files.createTempDirectory(cache, "entry-");
            Files.copy(vmlinuz, staging.resolve(KERNEL));
            Files.copy(module, staging.resolve(MODULE));
            Files.copy(busybox, staging.resolve(BUSYBOX));
            Properties p = new Properties();
            p.setProperty("kernel.release", release);
            p.setProperty("kernel.package", kernelFrom);
            p.setProperty("busybox.package", describe(busyboxDeb));
            try (OutputStream out = Files.newOutputStream(staging.resolve(MANIFEST))) {
                p.store(out, "Linux guest parts, unpacked from Debian packages");
            }
            Path dir = entry(cache, kernelPackage);
            Trees.delete(dir);
            Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            return cached(cache, kernelPackage).orElseThrow(() -> new HilException("the guest cache entry " + dir
                    + " is incomplete right after it was written"));
        } finally {
            Trees.delete(work);
        }
    }

    /** {@code apt-get download <package>} into {@code dir}; returns the .deb. */
    private static Path download(Path dir, String pkg) throws IOException {
        String name = pkg.contains("=") ? pkg.substring(0, pkg.indexOf('=')) : pkg;
        Result r = run(List.of("apt-get", "download", "-q", pkg), dir, APT_TIMEOUT_SECONDS);
        Optional<Path> deb;
        try (Stream<Path> files = Files.list(dir)) {
            deb = files.filter(f -> f.getFileName().toString().startsWith(name + "_")
                    && f.getFileName().toString().endsWith(".deb")).findFirst();
        }
        if (r.exit() != 0 || deb.isEmpty()) {
            throw new HilException("'apt-get download " + pkg + "' failed (exit " + r.exit() + "): " + tail(r.output())
                    + " — the Linux guest of the OS phase is made from Debian packages; on Debian run"
                    + " 'apt-get update' if the package lists are missing");
        }
        return deb.get();
    }

    private static Path unpack(Path deb, Path into) throws IOException {
        Files.createDirectories(into);
        Result r = run(List.of("dpkg-deb", "-x", deb.toString(), into.toString()), into, 300);
        if (r.exit() != 0) {
            throw new HilException("'dpkg-deb -x " + deb.getFileName() + "' failed (exit " + r.exit() + "): "
                    + tail(r.output()));
        }
        return into;
    }

    /** "package version" of a .deb, from its control fields. */
    private static String describe(Path deb) throws IOException {
        Result r = run(List.of("dpkg-deb", "-f", deb.toString(), "Package", "Version"), deb.getParent(), 60);
        return r.output().lines().map(l -> l.replaceFirst("^[A-Za-z]+: ", "")).reduce((a, b) -> a + " " + b)
                .orElse(deb.getFileName().toString());
    }

    private static final Pattern DEPENDENCY = Pattern.compile("(linux-image-[A-Za-z0-9.+-]+)(?:\\s*\\(=\\s*([^)\\s]+)\\))?");

    /** The linux-image package a meta-package depends on, as {@code name=version} when it pins one. */
    static String kernelDependency(String depends) {
        for (String alternative : depends.split("[,|]")) {
            Matcher m = DEPENDENCY.matcher(alternative.strip());
            if (m.matches()) {
                return m.group(2) == null ? m.group(1) : m.group(1) + "=" + m.group(2);
            }
        }
        throw new HilException("the kernel package depends on no linux-image package (Depends: " + depends + ")");
    }

    private static String kernelDependency(Path deb) throws IOException {
        Result r = run(List.of("dpkg-deb", "-f", deb.toString(), "Depends"), deb.getParent(), 60);
        return kernelDependency(r.output().strip());
    }

    private static Optional<Path> findKernel(Path tree) throws IOException {
        Path boot = tree.resolve("boot");
        if (!Files.isDirectory(boot)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(boot)) {
            return files.filter(f -> f.getFileName().toString().startsWith("vmlinuz-")).findFirst();
        }
    }

    private static Path findModule(Path tree, String release) {
        for (String modules : List.of("lib/modules", "usr/lib/modules")) {
            Path dir = tree.resolve(modules).resolve(release).resolve("kernel/fs/efivarfs");
            if (Files.isRegularFile(dir.resolve(MODULE))) {
                return dir.resolve(MODULE);
            }
            if (Files.exists(dir.resolve(MODULE + ".xz")) || Files.exists(dir.resolve(MODULE + ".zst"))) {
                throw new HilException("the kernel package ships efivarfs.ko compressed (" + dir + "); busybox insmod"
                        + " needs it uncompressed: use a kernel package with uncompressed modules (Debian 12's)");
            }
        }
        throw new HilException("the kernel package holds no efivarfs.ko for " + release
                + " (efivarfs built in, or not built): the guest needs it as a module at kernel/fs/efivarfs/");
    }

    record Result(int exit, String output) {
    }

    /** Runs a command with a time limit; its output goes through a file, so a hung command cannot block the read. */
    static Result run(List<String> command, Path dir, long timeoutSeconds) throws IOException {
        Path output = Files.createTempFile("hil-command-", ".log");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            try {
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                    throw new HilException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new HilException("interrupted: " + String.join(" ", command), e);
            }
            return new Result(p.exitValue(), new String(Files.readAllBytes(output), StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static String tail(String output) {
        List<String> lines = output.strip().lines().filter(l -> !l.isBlank()).toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    }
}
