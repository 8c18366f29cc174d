package hil.targets.qemu;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Decides whether KVM can run the machine. {@code /dev/kvm} existing is not enough: some hypervisors offer KVM
 * without System Management Mode, and QEMU then refuses {@code smm=on} — after its QMP greeting, when the machine
 * is completed. The probe starts QEMU paused with QMP on stdio and asks for its status: an answer means KVM can run
 * the machine, end of output means it was refused. Asked once per QEMU and machine type.
 */
final class AccelProbe {

    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

    private AccelProbe() {
    }

    /** {@code kvm} or {@code tcg} for the {@code accel} setting ({@code auto}, {@code kvm}, {@code tcg}). */
    static String choose(QemuSettings s) {
        if (!s.accel().equals("auto")) {
            return s.accel();
        }
        if (!Files.isWritable(Path.of("/dev/kvm"))) {
            return "tcg";
        }
        return CACHE.computeIfAbsent(s.qemu() + " " + s.machine(), k -> kvmWorks(s) ? "kvm" : "tcg");
    }

    private static boolean kvmWorks(QemuSettings s) {
        String qemu = QemuOvmfKind.resolveExecutable(s.qemu()).map(Path::toString).orElse(s.qemu().toString());
        Process p;
        try {
            p = new ProcessBuilder(List.of(qemu, "-machine", s.machine() + ",accel=kvm", "-nodefaults",
                    "-no-user-config", "-display", "none", "-S", "-qmp", "stdio", "-serial", "none"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return false;
        }
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            p.getOutputStream().write(("{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"query-status\"}\n")
                    .getBytes(StandardCharsets.US_ASCII));
            p.getOutputStream().flush();
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.contains("\"status\"")) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        } finally {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
