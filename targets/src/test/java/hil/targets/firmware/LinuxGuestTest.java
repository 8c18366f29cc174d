package hil.targets.firmware;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinuxGuestTest {

    @Test
    void initLoadsAndMountsEfivarfsBeforeItQuietensTheConsoleAndStartsTheAgent() {
        List<String> lines = LinuxGuest.initScript().lines().toList();
        assertEquals("#!/bin/sh", lines.get(0));
        int insmod = index(lines, "insmod /lib/modules/efivarfs.ko");
        int mount = index(lines, "mount -t efivarfs efivarfs /sys/firmware/efi/efivars");
        int quiet = index(lines, "dmesg -n 1");
        assertTrue(index(lines, "mount -t devtmpfs devtmpfs /dev") < insmod);
        assertTrue(insmod < mount && mount < quiet, LinuxGuest.initScript());
        assertEquals("exec /bin/hilguest /dev/ttyS0", lines.get(lines.size() - 1));
        assertTrue(lines.get(insmod).contains(LinuxGuest.FAILED_MARKER));
    }

    private static int index(List<String> lines, String start) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(start)) {
                return i;
            }
        }
        throw new AssertionError("no line starts with '" + start + "'");
    }

    @Test
    void theShellStartsTheKernelFromTheFatDriveWithTheInitrdAndTheSerialConsole() {
        assertEquals("vmlinuz.efi initrd=\\initrd.gz console=ttyS0 efi_no_storage_paranoia panic=0",
                LinuxGuest.shellCommand());
    }

    @Test
    void theInitramfsHoldsBusyboxTheModuleTheAgentTheConsoleAndInit(@TempDir Path dir) throws IOException {
        Path busybox = Files.writeString(dir.resolve("busybox"), "BB");
        Path module = Files.writeString(dir.resolve("efivarfs.ko"), "KO");
        Path agent = Files.writeString(dir.resolve("hilguest"), "AGENT");
        GuestComponents.Parts parts = new GuestComponents.Parts(dir.resolve("vmlinuz"), module, busybox,
                "6.1.0-56-cloud-amd64", "k", "b");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        LinuxGuest.writeInitramfs(out, parts, agent);

        byte[] cpio;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            cpio = in.readAllBytes();
        }
        Map<String, InitramfsWriterTest.Entry> entries = InitramfsWriterTest.read(cpio).stream()
                .collect(Collectors.toMap(InitramfsWriterTest.Entry::name, Function.identity()));
        assertEquals("BB", text(entries.get("bin/busybox")));
        for (String applet : List.of("sh", "mount", "insmod", "dmesg")) {
            assertEquals("busybox", text(entries.get("bin/" + applet)), applet);
        }
        assertEquals("KO", text(entries.get("lib/modules/efivarfs.ko")));
        assertEquals("AGENT", text(entries.get("bin/hilguest")));
        assertEquals(InitramfsWriter.S_IFREG | 0755, entries.get("bin/hilguest").mode());
        assertEquals(LinuxGuest.initScript(), text(entries.get("init")));
        assertEquals(InitramfsWriter.S_IFREG | 0755, entries.get("init").mode());
        assertEquals(InitramfsWriter.S_IFCHR | 0600, entries.get("dev/console").mode());
        assertEquals(5, entries.get("dev/console").rdevMajor());
        for (String d : List.of("proc", "sys", "dev")) {
            assertEquals(InitramfsWriter.S_IFDIR | 0755, entries.get(d).mode(), d);
        }
    }

    private static String text(InitramfsWriterTest.Entry e) {
        return new String(e.data(), StandardCharsets.UTF_8);
    }
}
