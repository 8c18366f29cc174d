package hil.simulator.platform;

import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ExitBootServices (reference 6.2), image loading and unloading. */
class DxeCoreTest {

    private final DxeCore dxe = new DxeCore();
    private final LoadedImage driver = dxe.loadImage("Driver", MemoryType.RUNTIME_SERVICES_CODE);
    private final List<String> ran = new ArrayList<>();

    private void listen(EfiGuid group, String label, int entry) {
        dxe.events().createEventEx(EventTypes.EVT_NOTIFY_SIGNAL, Tpl.NOTIFY, e -> ran.add(label), group, driver,
                driver.entryPoint(entry));
    }

    @Test
    @DisplayName("A stale map key is INVALID_PARAMETER: ExitBootServicesFailed is signalled, boot services stay")
    void aStaleMapKeyFails() {
        listen(EventGroups.BEFORE_EXIT_BOOT_SERVICES, "before", 1);
        listen(EventGroups.EXIT_BOOT_SERVICES_FAILED, "failed", 2);
        listen(EventGroups.EXIT_BOOT_SERVICES, "exit", 3);
        long key = dxe.memory().mapKey();
        dxe.memory().allocatePool(MemoryType.BOOT_SERVICES_DATA, 8, "late allocation");

        assertEquals(EfiStatus.INVALID_PARAMETER, dxe.exitBootServices(key));

        assertEquals(List.of("before", "failed"), ran);
        assertTrue(dxe.bootServicesAvailable());
        assertFalse(dxe.runtime().atRuntime());
    }

    @Test
    @DisplayName("Retried with the current key it succeeds; BeforeExitBootServices was signalled only the first time")
    void theRetryWithTheCurrentKeySucceeds() {
        listen(EventGroups.BEFORE_EXIT_BOOT_SERVICES, "before", 1);
        listen(EventGroups.EXIT_BOOT_SERVICES, "exit", 3);
        dxe.exitBootServices(dxe.memory().mapKey() - 1);

        assertEquals(EfiStatus.SUCCESS, dxe.exitBootServices(dxe.memory().mapKey()));

        assertEquals(List.of("before", "exit"), ran);
        assertFalse(dxe.bootServicesAvailable());
        assertTrue(dxe.runtime().atRuntime());
    }

    @Test
    void afterExitBootServicesThereIsNothingToCall() {
        dxe.exitBootServices(dxe.memory().mapKey());

        assertEquals(EfiStatus.INVALID_PARAMETER, dxe.exitBootServices(dxe.memory().mapKey()));
        assertThrows(IllegalStateException.class, () -> dxe.loadImage("Late", MemoryType.RUNTIME_SERVICES_CODE));
        assertEquals(EfiStatus.UNSUPPORTED, dxe.unloadImage(driver));
    }

    @Test
    void exitBootServicesFreesBootServicesMemory() {
        long bs = dxe.memory().allocatePool(MemoryType.BOOT_SERVICES_DATA, 8, "bs");

        dxe.exitBootServices(dxe.memory().mapKey());

        MemoryFault f = assertThrows(MemoryFault.class, () -> dxe.memory().readU64(bs));
        assertEquals(MemoryFault.Kind.FREED_AT_EXIT_BOOT_SERVICES, f.kind());
    }

    @Test
    void unloadRunsTheUnloadFunctionAndFreesTheImage() {
        List<String> unloads = new ArrayList<>();
        driver.setUnload(() -> {
            unloads.add("unload");
            return EfiStatus.SUCCESS;
        });

        assertEquals(EfiStatus.SUCCESS, dxe.unloadImage(driver));

        assertEquals(List.of("unload"), unloads);
        assertTrue(driver.unloaded());
        assertFalse(dxe.memory().typeAt(driver.base()).isPresent());
        assertEquals(EfiStatus.UNSUPPORTED, dxe.unloadImage(driver), "it is gone");
    }

    @Test
    void anImageWithoutUnloadCannotBeUnloaded() {
        assertEquals(EfiStatus.UNSUPPORTED, dxe.unloadImage(driver));
        assertFalse(driver.unloaded());
    }
}
