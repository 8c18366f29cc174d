package hil.targets.qemu;

import hil.targets.HilException;
import hil.targets.firmware.AgentBuild;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The FAT drive given to the firmware: the agent application and a {@code startup.nsh} that starts it, in a disk
 * image made with mtools (no root, no loop devices).
 */
final class BootMedia {

    /** Image size: room for the agent and, later, a Linux kernel and initramfs. */
    static final long IMAGE_SECTORS = 131072; // 64 MiB

    private BootMedia() {
    }

    /**
     * The startup script the Shell runs after its countdown: start the agent from the first file system, telling it
     * that it runs on QEMU so it may deepen the emulated UART's receive FIFO (typed requests arrive faster).
     */
    static String startupScript() {
        return "@echo -off\r\nfs0:\r\n" + AgentBuild.BINARY + " qemu-uart-fifo direct-serial\r\n";
    }

    /** Writes a FAT image holding {@code files} (name in the root directory → source file). */
    static void create(Path image, Map<String, Path> files) {
        try {
            Files.deleteIfExists(image);
            run(List.of("mformat", "-i", image.toString(), "-C", "-T", Long.toString(IMAGE_SECTORS), "-h", "64",
                    "-s", "32", "-v", "HIL", "::"));
            for (Map.Entry<String, Path> f : files.entrySet()) {
                run(List.of("mcopy", "-i", image.toString(), f.getValue().toString(), "::/" + f.getKey()));
            }
        } catch (IOException e) {
            throw new HilException("cannot create the FAT boot image " + image + ": " + e.getMessage(), e);
        }
    }

    /** Writes the startup script next to the image and returns its path. */
    static Path writeStartupScript(Path dir) {
        Path script = dir.resolve("startup.nsh");
        try {
            Files.writeString(script, startupScript(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new HilException("cannot write " + script + ": " + e.getMessage(), e);
        }
        return script;
    }

    private static void run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new IOException(String.join(" ", command) + " did not finish in 60 s");
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed with exit " + p.exitValue() + ": "
                        + new String(out, StandardCharsets.UTF_8).strip());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
    }
}
