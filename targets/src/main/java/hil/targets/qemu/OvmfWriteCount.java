package hil.targets.qemu;

import hil.simulator.uefi.Attributes;

/**
 * How many byte writes Debian's OVMF 2022.11 makes to the variable flash for one non-volatile SetVariable, known
 * before the call; a power cut "during the next variable write" is aimed at the middle one.
 *
 * <p>OVMF's flash driver programs one byte per flash command, and its variable driver (edk2 up to
 * edk2-stable202311) writes a new record in four steps: the 60-byte authenticated header with State 0xFF, State
 * 0x7F, then name and data (no padding between them on x64, where the variable ALIGNMENT is 1), then State 0x3F; an update first marks the old copy IN_DELETED_TRANSITION
 * and afterwards DELETED (one byte each), and a delete is the one byte of the old copy's State. So the count
 * follows from the name, the data and whether (and how large) the variable exists. It is an estimate where the
 * firmware does more than that — a reclaim, a fault-tolerant write — and the cut then lands earlier in the call
 * than its middle; the cut records the writes the call really made.
 */
final class OvmfWriteCount {

    /** AUTHENTICATED_VARIABLE_HEADER: the secure-boot build's store is authenticated. */
    static final int HEADER = 60;

    private OvmfWriteCount() {
    }

    /**
     * The expected writes, 0 when the call writes nothing to the flash (a volatile variable, or deleting one that
     * does not exist).
     *
     * @param storedSize the variable's DataSize before the call, -1 when it does not exist
     */
    static int expected(String name, int attributes, int dataSize, int storedSize) {
        if ((attributes & Attributes.NV) == 0 && storedSize < 0) {
            return 0;
        }
        boolean append = (attributes & Attributes.AP) != 0;
        boolean exists = storedSize >= 0;
        if (!append && (dataSize == 0 || attributes == 0)) {
            return exists ? 1 : 0;
        }
        int nameSize = 2 * (name.length() + 1);
        int data = append && exists ? storedSize + dataSize : dataSize;
        return (exists ? 2 : 0) + HEADER + 1 + nameSize + data + 1;
    }

    /** The write a cut in the middle of {@code expected} writes is aimed at (from 1). */
    static int middle(int expected) {
        return Math.max(1, (expected + 1) / 2);
    }
}
