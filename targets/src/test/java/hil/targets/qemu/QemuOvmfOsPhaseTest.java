package hil.targets.qemu;

import hil.targets.firmware.*;
import hil.reports.model.Observation;
import hil.reports.model.Observation.Keys;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiGuid;
import hil.targets.NotObservableException;
import hil.targets.Phase;
import hil.targets.TargetKind;
import hil.targets.VariableServices;
import hil.targets.labconfig.TargetConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OS phase on real QEMU, OVMF and Debian's Linux: variables set in the boot phase, then Linux started in the
 * same boot, then what efivarfs shows of the firmware's runtime rules. Two boots in all. Skipped when QEMU, OVMF or
 * the guest's parts are missing, except under CI=true, where that fails. Uses {@code os-calls: efivarfs}; the
 * raw calls are {@link QemuOvmfRawOsPhaseTest}'s.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QemuOvmfOsPhaseTest {

    private static final EfiGuid VENDOR = EfiGuid.parse("12345678-1234-1234-1234-123456789abc");
    private static final byte[] TEXT = "visible".getBytes(StandardCharsets.US_ASCII);
    private static QemuOvmfTarget target;

    @BeforeAll
    static void start() {
        TargetConfig config = QemuTestTargets.config("qemu-os", Map.of(QemuOvmfKind.CALLS, "agent",
                LinuxGuest.OS_CALLS_SETTING, "efivarfs"));
        TargetKind.Availability availability = new QemuOvmfKind().availability(config);
        QemuTestTargets.require(availability.available() ? QemuOvmfKind.osPhaseMissing(config)
                : List.of(availability.reason()), "the OS phase");
        target = (QemuOvmfTarget) new QemuOvmfKind().create(config);
    }

    @AfterAll
    static void stop() {
        QemuTestTargets.stop(target);
    }

    private static Observation get(String name) {
        return QemuTestTargets.read(target, name, VENDOR);
    }

    @Test
    @Order(1)
    void linuxStartsInTheSameBootAfterTheBootPhaseCalls() {
        target.bootFresh();
        assertEquals("EFI_SUCCESS", target.setVariable("HilNvRt", VENDOR, Attributes.NV_BS_RT, TEXT).status());
        assertEquals("EFI_SUCCESS", target.setVariable("HilVol", VENDOR, Attributes.BS_RT, TEXT).status());
        assertEquals("EFI_SUCCESS", target.setVariable("HilNvBs", VENDOR, Attributes.NV_BS, TEXT).status());
        assertEquals("EFI_SUCCESS", target.setVariable("HilBs", VENDOR, Attributes.BS, TEXT).status());

        Observation ebs = target.exitBootServices();

        assertEquals("EFI_SUCCESS", ebs.status());
        assertEquals("boot", ebs.phase());
        assertEquals(Phase.VIRTUAL, target.phase());
        assertTrue(ebs.transcript().contains("Registered efivars operations"), ebs.transcript());
        assertTrue(Long.parseLong(ebs.outputs().get("guestReadyAfterStartMillis")) > 0);
        assertEquals("EFI_SUCCESS", target.setVirtualAddressMap().status());
        assertThrows(NotObservableException.class, () -> target.setVirtualAddressMap());
        assertThrows(NotObservableException.class, () -> target.exitBootServices());
        // The agent that made SMM calls is gone: the mailbox says why instead of calling.
        var smm = target.extension(hil.targets.SmmMailbox.class).orElseThrow();
        var e = assertThrows(NotObservableException.class, () -> smm.requestToLock("HilLate", VENDOR));
        assertTrue(e.getMessage().contains("exited when Linux started"), e.getMessage());
    }

    @Test
    @Order(2)
    void runtimeVariablesAreReadableAndBootServiceOnlyOnesAreNotFound() {
        Observation nv = get("HilNvRt");
        assertEquals("EFI_SUCCESS", nv.status());
        assertEquals("76697369626c65", nv.outputs().get(Keys.DATA));
        assertEquals("NV|BS|RT", nv.outputs().get(Keys.ATTRIBUTES));
        assertEquals("virtual", nv.phase());
        assertEquals("BS|RT", get("HilVol").outputs().get(Keys.ATTRIBUTES));
        assertEquals("EFI_NOT_FOUND", get("HilNvBs").status());
        assertEquals("EFI_NOT_FOUND", get("HilBs").status());
    }

    @Test
    @Order(3)
    void volatileAndBootServiceOnlyVariablesAreWriteProtected() {
        assertEquals("EFI_WRITE_PROTECTED", target.setVariable("HilVol", VENDOR, Attributes.BS_RT, new byte[] {1}).status());
        assertEquals("EFI_WRITE_PROTECTED",
                target.setVariable("HilVol", VENDOR, Attributes.BS_RT | Attributes.AP, new byte[] {1}).status());
        assertEquals("EFI_WRITE_PROTECTED", target.setVariable("HilVol", VENDOR, 0, new byte[0]).status());
        assertEquals("EFI_WRITE_PROTECTED", target.setVariable("HilBs", VENDOR, Attributes.BS, new byte[] {1}).status());
        assertEquals("EFI_WRITE_PROTECTED", target.setVariable("HilNvBs", VENDOR, 0, new byte[0]).status());
        assertEquals("76697369626c65", get("HilVol").outputs().get(Keys.DATA), "data unchanged");
    }

    @Test
    @Order(4)
    void aNonVolatileWriteWithoutRuntimeAccessIsRefusedBeforeSetVariableIsCalled() {
        // The kernel asks QueryVariableInfo(NV|BS) first, which the firmware refuses at runtime; SetVariable
        // (which would answer EFI_WRITE_PROTECTED for this existing variable) is never called.
        Observation o = target.setVariable("HilNvBs", VENDOR, Attributes.NV_BS, new byte[] {1});
        assertNull(o.status());
        assertEquals("EINVAL", o.outputs().get("statusClass"));
    }

    @Test
    @Order(5)
    void onlyNonVolatileRuntimeVariablesAreCreatedAppendedAndDeleted() {
        Observation volatileCreate = target.setVariable("HilNew", VENDOR, Attributes.BS_RT, new byte[] {1});
        assertNull(volatileCreate.status());
        assertEquals("EINVAL", volatileCreate.outputs().get("statusClass"));
        assertEquals("EFI_NOT_FOUND", get("HilNew").status());

        assertEquals("EFI_SUCCESS", target.setVariable("HilNew", VENDOR, Attributes.NV_BS_RT, new byte[] {1, 2}).status());
        assertEquals("EFI_SUCCESS",
                target.setVariable("HilNew", VENDOR, Attributes.NV_BS_RT | Attributes.AP, new byte[] {3}).status());
        assertEquals("010203", get("HilNew").outputs().get(Keys.DATA));
        assertEquals("EFI_SUCCESS", target.setVariable("HilNew", VENDOR, 0, new byte[0]).status());
        assertEquals("EFI_NOT_FOUND", get("HilNew").status());
        Observation again = target.setVariable("HilNew", VENDOR, 0, new byte[0]);
        assertNull(again.status(), "deleting a missing variable: EIO, as a device error would be");
        assertEquals("EIO", again.outputs().get("statusClass"));
    }

    @Test
    @Order(6)
    void unlinkingAVariablesFileReportsEveryFailureAsEinval() {
        GuestReply r = target.guestChannelForTest().call(GuestRequest.delete("HilVol", VENDOR));
        assertEquals("EINVAL", r.errname());
        assertEquals("unlink", r.failedCall());
        assertEquals("76697369626c65", get("HilVol").outputs().get(Keys.DATA));
    }

    @Test
    @Order(7)
    void storageAndTheListComeFromTheKernelsOwnCalls() {
        Observation q = target.queryVariableInfo(Attributes.NV_BS_RT);
        assertEquals("EFI_SUCCESS", q.status());
        assertEquals("262044", q.outputs().get(Keys.MAX_STORAGE));
        assertFalse(q.outputs().containsKey(Keys.MAX_VARIABLE_SIZE));
        assertThrows(NotObservableException.class, () -> target.queryVariableInfo(Attributes.NV_BS));

        Observation list = target.listVariables().orElseThrow();
        String vars = list.outputs().get(Keys.VARIABLES);
        String g = VENDOR.toString();
        assertEquals("EFI_NOT_FOUND", list.status());
        assertTrue(vars.contains(g + ":HilNvRt\n") && vars.contains(g + ":HilVol\n"), vars);
        assertFalse(vars.contains(":HilNvBs\n") || vars.contains(":HilBs\n") || vars.contains(":HilNew\n"), vars);
        assertTrue(vars.indexOf(g + ":HilVol\n") < vars.indexOf(g + ":HilNvRt\n"), "volatile variables come first");
        assertThrows(NotObservableException.class,
                () -> target.getNextVariableName("", EfiGuid.ZERO, VariableServices.LARGE_BUFFER));
    }

    @Test
    @Order(8)
    void theNextScenarioBootsAFreshMachine() {
        long boots = target.boots();
        assertTrue(target.bootFresh().outputs().get("boot").startsWith("fresh"));
        assertEquals(boots + 1, target.boots());
        assertEquals(Phase.BOOT, target.phase());
        assertEquals(java.util.Optional.empty(), target.listVariables());
        assertEquals("EFI_NOT_FOUND", get("HilNvRt").status());
    }
}
