package hil.targets.firmware;

import hil.reports.model.Observation;
import hil.simulator.uefi.EfiStatus;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinuxErrnoTest {

    @Test
    void theKernelMapsEightStatusesByNameAndEveryOtherToEinval() {
        assertEquals("OK", LinuxErrno.statusClass("GetVariable", EfiStatus.SUCCESS));
        assertEquals("EINVAL", LinuxErrno.statusClass("GetVariable", EfiStatus.INVALID_PARAMETER));
        assertEquals("ENOSPC", LinuxErrno.statusClass("GetVariable", EfiStatus.OUT_OF_RESOURCES));
        assertEquals("EIO", LinuxErrno.statusClass("GetVariable", EfiStatus.DEVICE_ERROR));
        assertEquals("EROFS", LinuxErrno.statusClass("GetVariable", EfiStatus.WRITE_PROTECTED));
        assertEquals("EACCES", LinuxErrno.statusClass("GetVariable", EfiStatus.SECURITY_VIOLATION));
        assertEquals("ENOENT", LinuxErrno.statusClass("GetVariable", EfiStatus.NOT_FOUND));
        assertEquals("EINTR", LinuxErrno.statusClass("GetVariable", EfiStatus.ABORTED));
        assertEquals("EINVAL", LinuxErrno.statusClass("GetVariable", EfiStatus.UNSUPPORTED));
        assertEquals("EINVAL", LinuxErrno.statusClass("GetVariable", EfiStatus.BUFFER_TOO_SMALL));
        assertEquals("EINVAL", LinuxErrno.statusClass("SetVariable", EfiStatus.ACCESS_DENIED));
    }

    @Test
    void aWriteReportsNotFoundAsEioLikeADeviceError() {
        assertEquals("EIO", LinuxErrno.statusClass("SetVariable", EfiStatus.NOT_FOUND));
        assertEquals(Set.of(EfiStatus.NOT_FOUND, EfiStatus.DEVICE_ERROR), LinuxErrno.statuses("SetVariable", "EIO"));
        assertEquals(Optional.empty(), LinuxErrno.exactStatus("SetVariable", "EIO"));
        assertEquals(Optional.of(EfiStatus.DEVICE_ERROR), LinuxErrno.exactStatus("GetVariable", "EIO"));
        assertEquals(Set.of(), LinuxErrno.statuses("SetVariable", "ENOENT"));
    }

    @Test
    void anErrnoNamesTheStatusOnlyWhenItLeavesOne() {
        assertEquals(Optional.of(EfiStatus.SUCCESS), LinuxErrno.exactStatus("SetVariable", "OK"));
        assertEquals(Optional.of(EfiStatus.WRITE_PROTECTED), LinuxErrno.exactStatus("SetVariable", "EROFS"));
        assertEquals(Optional.of(EfiStatus.NOT_FOUND), LinuxErrno.exactStatus("GetVariable", "ENOENT"));
        assertEquals(Optional.of(EfiStatus.OUT_OF_RESOURCES), LinuxErrno.exactStatus("SetVariable", "ENOSPC"));
        assertEquals(Optional.empty(), LinuxErrno.exactStatus("SetVariable", "EINVAL"));
        assertEquals(Optional.empty(), LinuxErrno.exactStatus("SetVariable", "EPERM"));
        Set<EfiStatus> einval = LinuxErrno.statuses("SetVariable", "EINVAL");
        assertTrue(einval.containsAll(Set.of(EfiStatus.INVALID_PARAMETER, EfiStatus.UNSUPPORTED,
                EfiStatus.BUFFER_TOO_SMALL, EfiStatus.NOT_AVAILABLE_YET)));
        assertFalse(einval.contains(EfiStatus.WRITE_PROTECTED));
    }

    @Test
    void aFailedNonVolatileWriteMayCarryTheErrorOfTheQueryBeforeIt() {
        Map<String, String> nv = Map.of(Observation.Keys.ATTRIBUTES, "NV|BS");
        Map<String, String> volatileWrite = Map.of(Observation.Keys.ATTRIBUTES, "BS|RT");
        assertEquals(Optional.of("QueryVariableInfo(NV|BS)"), LinuxErrno.precedingCall("SetVariable", nv));
        assertEquals(Optional.empty(), LinuxErrno.precedingCall("SetVariable", volatileWrite));
        assertEquals(Optional.empty(), LinuxErrno.precedingCall("SetVariable", Map.of(Observation.Keys.ATTRIBUTES, "0")));
        assertEquals(Optional.empty(), LinuxErrno.precedingCall("GetVariable", nv));

        assertEquals(Optional.empty(), LinuxErrno.exactStatus("SetVariable", nv, "EROFS"));
        assertEquals(Optional.of(EfiStatus.SUCCESS), LinuxErrno.exactStatus("SetVariable", nv, "OK"));
        assertEquals(Optional.of(EfiStatus.WRITE_PROTECTED), LinuxErrno.exactStatus("SetVariable", volatileWrite, "EROFS"));
    }

    @Test
    void theAmbiguityNamesTheStatusesTheErrnoCannotTellApart() {
        assertEquals("errno EIO cannot tell EFI_NOT_FOUND from EFI_DEVICE_ERROR",
                LinuxErrno.ambiguity("SetVariable", "EIO", EfiStatus.NOT_FOUND));
        assertEquals("errno EINVAL cannot tell EFI_INVALID_PARAMETER from EFI_UNSUPPORTED, EFI_BUFFER_TOO_SMALL,"
                        + " EFI_ACCESS_DENIED, EFI_NOT_AVAILABLE_YET, any other status Linux does not map",
                LinuxErrno.ambiguity("SetVariable", "EINVAL", EfiStatus.INVALID_PARAMETER));
        assertEquals("EINVAL (22)", LinuxErrno.describe("EINVAL"));
        assertEquals("EWHATEVER", LinuxErrno.describe("EWHATEVER"));
    }
}
