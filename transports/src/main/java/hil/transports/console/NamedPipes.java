package hil.transports.console;

import hil.transports.TransportException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Creates named pipes (FIFOs) for consoles; Java has no API for it, so this runs {@code mkfifo}. */
public final class NamedPipes {

    private NamedPipes() {
    }

    /** Creates a FIFO at {@code path}, readable and writable by the owner only. */
    public static void create(Path path) {
        Process process;
        try {
            process = new ProcessBuilder("mkfifo", "-m", "600", path.toString())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new TransportException("fifo " + path, "cannot run mkfifo: " + e.getMessage(), e);
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new TransportException("fifo " + path, "mkfifo did not finish within 10 s");
            }
            String output = new String(process.getInputStream().readAllBytes()).trim();
            if (process.exitValue() != 0) {
                throw new TransportException("fifo " + path, "mkfifo failed (exit " + process.exitValue() + "): "
                        + output);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new TransportException("fifo " + path, "interrupted while creating", e);
        } catch (IOException e) {
            throw new TransportException("fifo " + path, "cannot read mkfifo output: " + e.getMessage(), e);
        }
    }
}
