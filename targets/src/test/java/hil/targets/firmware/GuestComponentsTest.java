package hil.targets.firmware;

import hil.targets.HilException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GuestComponentsTest {

    @Test
    void theMetaPackagesPinnedKernelDependencyIsFollowed() {
        assertEquals("linux-image-6.1.0-56-cloud-amd64=6.1.192-2",
                GuestComponents.kernelDependency("linux-image-6.1.0-56-cloud-amd64 (= 6.1.192-2)"));
        assertEquals("linux-image-6.1.0-56-cloud-amd64", GuestComponents.kernelDependency(
                "initramfs-tools | linux-initramfs-tool, linux-image-6.1.0-56-cloud-amd64"));
        HilException e = assertThrows(HilException.class, () -> GuestComponents.kernelDependency("kmod, busybox"));
        assertTrue(e.getMessage().contains("kmod, busybox"), e.getMessage());
    }

    private static void fill(Path entry, boolean withModule) throws IOException {
        Files.createDirectories(entry);
        Files.writeString(entry.resolve(GuestComponents.KERNEL), "kernel");
        Files.writeString(entry.resolve(GuestComponents.BUSYBOX), "busybox");
        if (withModule) {
            Files.writeString(entry.resolve(GuestComponents.MODULE), "module");
        }
        Files.writeString(entry.resolve("components.properties"),
                "kernel.release=6.1.0-56-cloud-amd64\nkernel.package=linux-image-cloud-amd64 6.1.192-2\n"
                        + "busybox.package=busybox-static 1\\:1.35.0-4\n");
    }

    @Test
    void aCompleteCacheEntryIsUsedAsItIsAndNeedsNoTools(@TempDir Path cache) throws IOException {
        fill(GuestComponents.entry(cache, "linux-image-cloud-amd64"), true);

        GuestComponents.Parts parts = GuestComponents.cached(cache, "linux-image-cloud-amd64").orElseThrow();
        assertEquals("6.1.0-56-cloud-amd64", parts.kernelRelease());
        assertEquals("busybox-static 1:1.35.0-4", parts.busyboxPackage());
        assertEquals(parts, GuestComponents.ensure(cache, "linux-image-cloud-amd64"));
        assertEquals(List.of(), GuestComponents.missing(cache, "linux-image-cloud-amd64"));
    }

    @Test
    void anIncompleteOrOtherPackagesEntryIsNotUsed(@TempDir Path cache) throws IOException {
        fill(GuestComponents.entry(cache, "linux-image-cloud-amd64"), false);

        assertTrue(GuestComponents.cached(cache, "linux-image-cloud-amd64").isEmpty());
        assertTrue(GuestComponents.cached(cache, "linux-image-amd64").isEmpty());
    }

    @Test
    void theDefaultCacheIsUnderTheUsersCacheDirectory() {
        assertTrue(GuestComponents.defaultCache().endsWith(Path.of("hil", "guest")));
    }
}
