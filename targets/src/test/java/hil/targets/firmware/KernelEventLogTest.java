package hil.targets.firmware;

import hil.simulator.uefi.EfiStatus;
import hil.targets.HilException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SetVirtualAddressMap's status as read from the Linux guest's kernel log. */
class KernelEventLogTest {

    /** The EFI lines of Debian's 6.1 cloud kernel on OVMF 2022.11, as the guest agent returned them. */
    private static final List<String> BOOTED = List.of(
            "<6>[    0.000000] efi: EFI v2.70 by EDK II",
            "<6>[    0.000000] efi: SMBIOS=0x1e5d4000 ACPI=0x1e77d000 ACPI 2.0=0x1e77d014 MEMATTR=0x1d69b018",
            "<6>[    0.697967] efi: Freeing EFI boot services memory: 30608K",
            "<6>[    0.894342] Registered efivars operations");

    @Test
    void aKernelThatRegisteredEfivarsAndLoggedNoFailureGotSuccess() {
        Map<String, String> out = new LinkedHashMap<>();
        assertEquals(EfiStatus.SUCCESS, ConsoleFirmwareTarget.virtualMapStatus(BOOTED, out));
        assertTrue(out.get("observed").contains("Registered efivars operations"), out.toString());
    }

    @Test
    void theStatusTheKernelLoggedForAFailedSwitchIsTheObservation() {
        List<String> failed = List.of("<6>[    0.000000] efi: EFI v2.70 by EDK II",
                "<3>[    0.061000] efi: Unable to switch EFI into virtual mode (status=8000000000000002)!");
        Map<String, String> out = new LinkedHashMap<>();
        assertEquals(EfiStatus.INVALID_PARAMETER, ConsoleFirmwareTarget.virtualMapStatus(failed, out));
        assertTrue(out.get("observed").contains("status=8000000000000002"), out.toString());
    }

    @Test
    void aLogWithNeitherIsNoObservation() {
        List<String> silent = List.of("<6>[    0.000000] efi: EFI v2.70 by EDK II");
        HilException e = assertThrows(HilException.class,
                () -> ConsoleFirmwareTarget.virtualMapStatus(silent, new LinkedHashMap<>()));
        assertTrue(e.getMessage().contains("neither"), e.getMessage());
    }
}
