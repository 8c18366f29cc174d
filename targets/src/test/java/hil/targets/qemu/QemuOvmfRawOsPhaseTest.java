package hil.targets.qemu;

import hil.reports.model.Observation;
import hil.reports.model.Observation.Keys;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiGuid;
import hil.targets.Phase;
import hil.targets.TargetKind;
import hil.targets.firmware.LinuxGuest;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Raw calls in the OS phase on real QEMU, OVMF and Linux ({@code os-calls: raw}): the runtime driver loaded from the
 * Shell makes each call for the guest after ExitBootServices and SetVirtualAddressMap, so the statuses are the
 * firmware's own, including those efivarfs hides (a DataSize too small, a single GetNextVariableName, a
 * QueryVariableInfo without RT, SetVariable's answer where the kernel would query first). One boot.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QemuOvmfRawOsPhaseTest {

    private static final EfiGuid VENDOR = EfiGuid.parse("12345678-1234-1234-1234-123456789abc");
    private static final byte[] TEXT = "visible".getBytes(StandardCharsets.US_ASCII);
    private static QemuOvmfTarget target;

    @BeforeAll
    static void start() {
        TargetConfig config = QemuTestTargets.config("qemu-raw-os", Map.of(QemuOvmfKind.CALLS, "agent",
                LinuxGuest.OS_CALLS_SETTING, "raw"));
        TargetKind.Availability availability = new QemuOvmfKind().availability(config);
        QemuTestTargets.require(availability.available() ? QemuOvmfKind.osPhaseMissing(config)
                : List.of(availability.reason()), "the OS phase with raw calls");
        target = (QemuOvmfTarget) new QemuOvmfKind().create(config);
    }

    @AfterAll
    static void stop() {
        QemuTestTargets.stop(target);
    }

    @Test
    @Order(1)
    void theDriverSeesTheOsStart() {
        target.bootFresh();
        assertEquals("EFI_SUCCESS", target.setVariable("HilNvRt", VENDOR, Attributes.NV_BS_RT, TEXT).status());
        assertEquals("EFI_SUCCESS", target.setVariable("HilNvBs", VENDOR, Attributes.NV_BS, TEXT).status());
        Observation ebs = target.exitBootServices();
        assertEquals(Phase.VIRTUAL, target.phase());
        assertTrue(ebs.outputs().get("osCalls").startsWith("raw"), ebs.outputs().toString());
    }

    @Test
    @Order(2)
    void getVariableWithExactSizes() {
        Observation small = target.getVariable("HilNvRt", VENDOR, 0);
        assertEquals("EFI_BUFFER_TOO_SMALL", small.status());
        assertEquals("7", small.outputs().get(Keys.DATA_SIZE));
        assertFalse(small.outputs().containsKey(Keys.STATUS_CLASS), "a raw call has no errno");
        Observation whole = target.getVariable("HilNvRt", VENDOR, 7);
        assertEquals("EFI_SUCCESS", whole.status());
        assertEquals("76697369626c65", whole.outputs().get(Keys.DATA));
        assertEquals("NV|BS|RT", whole.outputs().get(Keys.ATTRIBUTES));
        assertEquals("virtual", whole.phase());
        assertEquals("EFI_NOT_FOUND", target.getVariable("HilNvBs", VENDOR, 64).status());
    }

    @Test
    @Order(3)
    void statusesEfivarfsHides() {
        // Through efivarfs the kernel would query QueryVariableInfo(NV|BS) first and report its EINVAL.
        assertEquals("EFI_WRITE_PROTECTED",
                target.setVariable("HilNvBs", VENDOR, Attributes.NV_BS, new byte[] {1}).status());
        assertEquals("EFI_INVALID_PARAMETER", target.queryVariableInfo(Attributes.NV_BS).status());
        Observation query = target.queryVariableInfo(Attributes.NV_BS_RT);
        assertEquals("EFI_SUCCESS", query.status());
        assertTrue(Long.parseLong(query.outputs().get(Keys.MAX_VARIABLE_SIZE)) > 0, query.outputs().toString());
        assertEquals("EFI_INVALID_PARAMETER", target.getNextVariableName("HilNvBs", VENDOR, 1024).status());
        Observation next = target.getNextVariableName("", VENDOR, 2);
        assertEquals("EFI_BUFFER_TOO_SMALL", next.status());
        assertTrue(Long.parseLong(next.outputs().get(Keys.NAME_SIZE)) > 2, next.outputs().toString());
    }

    @Test
    @Order(4)
    void aNonVolatileRuntimeVariableIsCreatedAndDeleted() {
        assertEquals("EFI_SUCCESS", target.setVariable("HilRawOs", VENDOR, Attributes.NV_BS_RT, TEXT).status());
        assertEquals("EFI_SUCCESS", target.getVariable("HilRawOs", VENDOR, 64).status());
        assertEquals("EFI_SUCCESS", target.setVariable("HilRawOs", VENDOR, 0, new byte[0]).status());
        assertEquals("EFI_NOT_FOUND", target.getVariable("HilRawOs", VENDOR, 64).status());
    }
}
