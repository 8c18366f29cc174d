package hil.targets.firmware;

import hil.targets.HilException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The minimal Linux of the OS phase: Debian's kernel started from the UEFI Shell, in the same boot as the
 * boot-phase calls, with an initramfs the project writes itself. The kernel's EFI stub calls ExitBootServices and
 * the kernel calls SetVirtualAddressMap while it boots; its {@code /init} loads efivarfs and hands the serial console
 * to the guest agent, which reaches the variable services through efivarfs as any OS program does.
 *
 * <p>The initramfs holds busybox with the few applets {@code /init} uses, {@code efivarfs.ko} from the kernel's own
 * package, the guest agent, {@code /dev/console}, and the script {@link #initScript()}.
 */
public final class LinuxGuest {

    /** File names on the FAT drive. */
    public static final String KERNEL_FILE = "vmlinuz.efi";
    public static final String INITRD_FILE = "initrd.gz";
    /** The runtime driver of the raw calls ({@link OsCalls#RAW}), loaded by the Shell before the kernel starts. */
    public static final String RTCALL_FILE = "hilrtcall.efi";

    /** The {@code os-calls} setting: how OS-phase variable calls reach the firmware. */
    public static final String OS_CALLS_SETTING = "os-calls";
    public static final List<String> OS_CALLS_CHOICES = List.of("auto", "raw", "efivarfs");
    public static final String OS_CALLS_HELP = "OS-phase variable calls: raw (the runtime driver hilrtcall.efi makes"
            + " them for the guest, exact EFI statuses), efivarfs (Linux's own calls, errno only), auto: raw when the"
            + " driver can be built here (gnu-efi)";

    /** How the OS phase reaches the variable services. */
    public enum OsCalls {
        /** Raw calls made by the runtime driver {@value #RTCALL_FILE} on the guest's request ({@link GuestRawCalls}). */
        RAW,
        /** Linux's efivarfs ({@link GuestVariables}). */
        EFIVARFS
    }

    /**
     * The kernel command line. {@code efi_no_storage_paranoia} turns off the x86 kernel's own refusal of writes
     * that would leave under 5 KiB of variable storage (and its trick of writing a dummy variable to make the
     * firmware reclaim space), so the firmware alone decides. {@code panic=0}: a panic stops the machine instead
     * of rebooting it into the firmware, so it is reported, not mistaken for a new boot.
     */
    static final String KERNEL_ARGUMENTS = "console=ttyS0 efi_no_storage_paranoia panic=0";

    /** The line /init prints when a step fails, before it starts the agent anyway (which then reports efivarfs=0). */
    static final String FAILED_MARKER = "@HIL GUEST FAILED";

    /** Applets of busybox that /init uses, linked to it. */
    private static final List<String> APPLETS = List.of("sh", "mount", "insmod", "dmesg", "cat", "ls");

    /** Where to find the guest's parts. */
    public record Settings(Path cache, String kernelPackage, Path agentSource, String osCalls) {

        /** The settings of a lab-config entry, with the defaults for what it leaves out (null). */
        public static Settings of(Path cache, String kernelPackage, Path agentSource) {
            return of(cache, kernelPackage, agentSource, null);
        }

        /** As {@link #of(Path, String, Path)}, with the {@code os-calls} setting (auto, raw, efivarfs; null: auto). */
        public static Settings of(Path cache, String kernelPackage, Path agentSource, String osCalls) {
            if (osCalls != null && !OS_CALLS_CHOICES.contains(osCalls)) {
                throw new IllegalArgumentException(OS_CALLS_SETTING + " must be one of " + OS_CALLS_CHOICES + ", not '"
                        + osCalls + "'");
            }
            return new Settings(cache != null ? cache : GuestComponents.defaultCache(),
                    kernelPackage != null ? kernelPackage : GuestComponents.DEFAULT_KERNEL_PACKAGE, agentSource,
                    osCalls != null ? osCalls : "auto");
        }

        /** raw and efivarfs as set; auto: raw when the runtime driver can be built here. */
        public OsCalls resolvedOsCalls() {
            return switch (osCalls) {
                case "raw" -> OsCalls.RAW;
                case "efivarfs" -> OsCalls.EFIVARFS;
                default -> RtCallBuild.missing(agentSource).isEmpty() ? OsCalls.RAW : OsCalls.EFIVARFS;
            };
        }
    }

    private final Path kernel;
    private final Path initrd;
    private final String kernelRelease;
    private final String origin;
    /** The runtime driver of the raw calls, or null when the OS phase uses efivarfs. */
    private final Path rtcallDriver;

    private LinuxGuest(Path kernel, Path initrd, String kernelRelease, String origin, Path rtcallDriver) {
        this.kernel = kernel;
        this.initrd = initrd;
        this.kernelRelease = kernelRelease;
        this.origin = origin;
        this.rtcallDriver = rtcallDriver;
    }

    /** What is missing to make the guest on this machine; empty when it can be made. */
    public static List<String> missing(Settings s) {
        List<String> missing = new ArrayList<>(GuestBuild.missing(s.agentSource()));
        missing.addAll(GuestComponents.missing(s.cache(), s.kernelPackage()));
        if ("raw".equals(s.osCalls())) {
            for (String m : RtCallBuild.missing(s.agentSource())) {
                missing.add(m + " (needed by " + OS_CALLS_SETTING + ": raw; efivarfs needs no driver)");
            }
        }
        return missing;
    }

    /**
     * Fetches the packages (first time only), builds the guest agent if needed and writes the initramfs into
     * {@code workDir}.
     */
    public static LinuxGuest prepare(Settings s, Path workDir) {
        List<String> missing = missing(s);
        if (!missing.isEmpty()) {
            throw new HilException(String.join("; ", missing));
        }
        GuestComponents.Parts parts = GuestComponents.ensure(s.cache(), s.kernelPackage());
        Path agent = GuestBuild.ensureBuilt(s.agentSource());
        Path driver = s.resolvedOsCalls() == OsCalls.RAW ? RtCallBuild.ensureBuilt(s.agentSource()) : null;
        Path initrd = workDir.resolve(INITRD_FILE);
        try (OutputStream out = Files.newOutputStream(initrd)) {
            writeInitramfs(out, parts, agent);
        } catch (IOException e) {
            throw new HilException("cannot write the initramfs " + initrd + ": " + e.getMessage(), e);
        }
        return new LinuxGuest(parts.kernel(), initrd, parts.kernelRelease(),
                parts.kernelPackage() + ", " + parts.busyboxPackage(), driver);
    }

    /** The initramfs: directories, busybox and its applet links, the module, the agent, /dev/console, /init. */
    static void writeInitramfs(OutputStream out, GuestComponents.Parts parts, Path agent) throws IOException {
        try (InitramfsWriter w = new InitramfsWriter(out)) {
            for (String dir : List.of("bin", "dev", "proc", "sys", "lib", "lib/modules")) {
                w.directory(dir, 0755);
            }
            w.characterDevice("dev/console", 0600, 5, 1);
            w.file("bin/busybox", 0755, Files.readAllBytes(parts.busybox()));
            for (String applet : APPLETS) {
                w.symlink("bin/" + applet, "busybox");
            }
            w.file("lib/modules/" + GuestComponents.MODULE, 0644, Files.readAllBytes(parts.efivarfsModule()));
            w.file("bin/" + GuestBuild.BINARY, 0755, Files.readAllBytes(agent));
            w.file("init", 0755, initScript().getBytes(StandardCharsets.US_ASCII));
        }
    }

    /**
     * {@code /init}: mount proc, sysfs and devtmpfs, load efivarfs.ko, mount efivarfs, then quieten the kernel's
     * console messages (they would interleave with replies) and start the agent on the serial port. efivarfs is
     * mounted before the console is quietened, so that the kernel's warnings about its variable walk reach the
     * transcript too.
     */
    static String initScript() {
        return "#!/bin/sh\n"
                + "mount -t proc proc /proc\n"
                + "mount -t sysfs sysfs /sys\n"
                + "mount -t devtmpfs devtmpfs /dev\n"
                + "insmod /lib/modules/" + GuestComponents.MODULE + " || echo '" + FAILED_MARKER + " insmod "
                + GuestComponents.MODULE + "'\n"
                + "mount -t efivarfs efivarfs /sys/firmware/efi/efivars || echo '" + FAILED_MARKER + " mount efivarfs'\n"
                + "dmesg -n 1\n"
                + "exec /bin/" + GuestBuild.BINARY + " /dev/ttyS0\n";
    }

    /** The files to put on the FAT drive (or to fetch over TFTP): name → source. */
    public Map<String, Path> bootFiles() {
        Map<String, Path> files = new LinkedHashMap<>();
        files.put(KERNEL_FILE, kernel);
        files.put(INITRD_FILE, initrd);
        if (rtcallDriver != null) {
            files.put(RTCALL_FILE, rtcallDriver);
        }
        return files;
    }

    /** How the OS phase reaches the variable services with this guest. */
    public OsCalls osCalls() {
        return rtcallDriver != null ? OsCalls.RAW : OsCalls.EFIVARFS;
    }

    /** The Shell command that loads the runtime driver from the kernel's directory. */
    static String loadDriverCommand() {
        return "load " + RTCALL_FILE;
    }

    /** The Shell command that starts the kernel from the FAT drive (the current directory after startup.nsh). */
    static String shellCommand() {
        return KERNEL_FILE + " initrd=\\" + INITRD_FILE + " " + KERNEL_ARGUMENTS;
    }

    String kernelRelease() {
        return kernelRelease;
    }

    /** The Debian packages the guest was made from. */
    public String origin() {
        return origin;
    }
}
