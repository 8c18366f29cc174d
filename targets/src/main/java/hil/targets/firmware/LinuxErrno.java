package hil.targets.firmware;

import hil.reports.model.Observation;
import hil.simulator.uefi.EfiStatus;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What an OS sees of an EFI status: Linux reports a firmware's answer through efivarfs as an errno, and several
 * statuses share one errno. The errno name is the observation's <em>status class</em> ({@code statusClass}
 * output); an observation names its EFI status only when the errno leaves exactly one.
 *
 * <p>The kernel's mapping ({@code efi_status_to_err}, Linux 6.1): SUCCESS → 0, INVALID_PARAMETER → EINVAL,
 * OUT_OF_RESOURCES → ENOSPC, DEVICE_ERROR → EIO, WRITE_PROTECTED → EROFS, SECURITY_VIOLATION → EACCES, NOT_FOUND →
 * ENOENT, ABORTED → EINTR, every other status → EINVAL. The paths differ a little, as observed on Debian's 6.1
 * kernel over OVMF 2022.11:
 * <ul>
 *   <li>{@code GetVariable}, a {@code read()} of the variable's file: the mapping as it is; NOT_FOUND ends the read
 *       at once (0 bytes), which is reported as ENOENT.</li>
 *   <li>{@code SetVariable}, a {@code write()} of attributes and data: as above, except that efivarfs turns ENOENT
 *       into EIO, so NOT_FOUND (deleting a variable that does not exist) and DEVICE_ERROR share EIO. For
 *       non-volatile attributes the kernel first calls QueryVariableInfo with the same attributes and returns its
 *       error instead, and it refuses attributes above 0x7F itself, with EINVAL.</li>
 *   <li>{@code QueryVariableInfo}, a {@code statfs()} of efivarfs: the status itself is not returned (see
 *       {@link GuestVariables}).</li>
 * </ul>
 * The class name for success is {@value #OK}.
 */
public final class LinuxErrno {

    /** The status class of a call that succeeded (errno 0). */
    public static final String OK = "OK";

    private static final Map<EfiStatus, String> KERNEL_MAPPING = Map.of(
            EfiStatus.SUCCESS, OK,
            EfiStatus.INVALID_PARAMETER, "EINVAL",
            EfiStatus.OUT_OF_RESOURCES, "ENOSPC",
            EfiStatus.DEVICE_ERROR, "EIO",
            EfiStatus.WRITE_PROTECTED, "EROFS",
            EfiStatus.SECURITY_VIOLATION, "EACCES",
            EfiStatus.NOT_FOUND, "ENOENT",
            EfiStatus.ABORTED, "EINTR");

    /** Statuses of the catch-all errno that variable calls return, named in messages. */
    private static final java.util.List<EfiStatus> CATCH_ALL_EXAMPLES = java.util.List.of(EfiStatus.INVALID_PARAMETER,
            EfiStatus.UNSUPPORTED, EfiStatus.BUFFER_TOO_SMALL, EfiStatus.ACCESS_DENIED, EfiStatus.NOT_AVAILABLE_YET);

    /** The errno of every status the kernel does not map by name. */
    private static final String OTHERS = "EINVAL";

    /** Errno numbers on x86-64, for messages. */
    private static final Map<String, Integer> NUMBERS = Map.ofEntries(
            Map.entry(OK, 0), Map.entry("EPERM", 1), Map.entry("ENOENT", 2), Map.entry("EINTR", 4),
            Map.entry("EIO", 5), Map.entry("ENOMEM", 12), Map.entry("EACCES", 13), Map.entry("EEXIST", 17),
            Map.entry("ENODEV", 19), Map.entry("EINVAL", 22), Map.entry("ENOSPC", 28), Map.entry("EROFS", 30),
            Map.entry("ENAMETOOLONG", 36), Map.entry("ENOSYS", 38), Map.entry("EOPNOTSUPP", 95));

    private LinuxErrno() {
    }

    /** The status class (errno name) Linux reports for {@code status} returned to {@code operation}. */
    public static String statusClass(String operation, EfiStatus status) {
        if (operation.equals("SetVariable") && status == EfiStatus.NOT_FOUND) {
            return "EIO";
        }
        return KERNEL_MAPPING.getOrDefault(status, OTHERS);
    }

    /** The statuses {@code operation} can have returned when Linux reports {@code statusClass}. */
    public static Set<EfiStatus> statuses(String operation, String statusClass) {
        Set<EfiStatus> out = EnumSet.noneOf(EfiStatus.class);
        Arrays.stream(EfiStatus.values()).filter(s -> statusClass(operation, s).equals(statusClass)).forEach(out::add);
        return out;
    }

    /** The status when the class leaves only one, e.g. EROFS → WRITE_PROTECTED; empty for EINVAL and the like. */
    public static Optional<EfiStatus> exactStatus(String operation, String statusClass) {
        Set<EfiStatus> candidates = statuses(operation, statusClass);
        return candidates.size() == 1 ? Optional.of(candidates.iterator().next()) : Optional.empty();
    }

    /**
     * The call Linux makes before this one and whose error it reports instead, when there is one: before a
     * SetVariable with the NV attribute the x86 kernel calls QueryVariableInfo with the same attributes (to keep
     * space in reserve) and returns its error without calling SetVariable. A failed non-volatile write therefore
     * says nothing certain about SetVariable's own status.
     */
    public static Optional<String> precedingCall(Observation o) {
        return precedingCall(o.operation(), o.inputs());
    }

    static Optional<String> precedingCall(String operation, Map<String, String> inputs) {
        if (!operation.equals("SetVariable")) {
            return Optional.empty();
        }
        String attributes = inputs.getOrDefault(Observation.Keys.ATTRIBUTES, "");
        if (!Arrays.asList(attributes.replace(" ", "").split("\\|")).contains("NV")) {
            return Optional.empty();
        }
        return Optional.of("QueryVariableInfo(" + attributes + ")");
    }

    /** The status a call with these inputs can be said to have returned for {@code statusClass}, if any. */
    static Optional<EfiStatus> exactStatus(String operation, Map<String, String> inputs, String statusClass) {
        if (!statusClass.equals(OK) && precedingCall(operation, inputs).isPresent()) {
            return Optional.empty();
        }
        return exactStatus(operation, statusClass);
    }

    /** Whether the class stands for every status the kernel does not map by name. */
    public static boolean isCatchAll(String statusClass) {
        return OTHERS.equals(statusClass);
    }

    /**
     * Why {@code statusClass} cannot confirm {@code expected}, e.g. "errno EINVAL cannot tell EFI_INVALID_PARAMETER
     * from EFI_UNSUPPORTED, EFI_BUFFER_TOO_SMALL and any other status Linux does not map".
     */
    public static String ambiguity(String operation, String statusClass, EfiStatus expected) {
        Set<EfiStatus> candidates = statuses(operation, statusClass);
        StringBuilder others = new StringBuilder();
        // For the catch-all errno name a few statuses a variable call really returns, not all forty.
        Iterable<EfiStatus> shown = isCatchAll(statusClass) ? CATCH_ALL_EXAMPLES : candidates;
        for (EfiStatus s : shown) {
            if (s != expected && candidates.contains(s)) {
                others.append(others.length() == 0 ? "" : ", ").append(s.efiName());
            }
        }
        String tail = isCatchAll(statusClass) ? (others.length() == 0 ? "" : ",") + " any other status Linux does not map" : "";
        return "errno " + statusClass + " cannot tell " + expected.efiName() + " from " + others + tail;
    }

    /** "EINVAL (22)", for messages; unknown names are shown as they are. */
    public static String describe(String statusClass) {
        Integer n = NUMBERS.get(statusClass);
        return n == null ? statusClass : statusClass + " (" + n + ")";
    }
}
