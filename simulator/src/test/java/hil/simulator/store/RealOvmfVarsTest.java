package hil.simulator.store;

import hil.simulator.Machine;
import hil.simulator.Profile;
import hil.simulator.platform.SimulatedPlatform;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.Ucs2;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The varstore files of Debian's ovmf package (2022.11): the simulator parses them, boots from them and writes back
 * files that differ only where its writes went. Skipped where the package is not installed, except in CI.
 */
class RealOvmfVarsTest {

    private static final Path OVMF = Path.of("/usr/share/OVMF");
    private static final Path VARS_4M = OVMF.resolve("OVMF_VARS_4M.fd");
    private static final Path VARS_2M = OVMF.resolve("OVMF_VARS.fd");
    /** The 4 MB file with Microsoft's keys enrolled and a boot of OVMF behind it. */
    private static final Path VARS_4M_MS = OVMF.resolve("OVMF_VARS_4M.ms.fd");

    private static byte[] read(Path file) throws Exception {
        if (!Files.isRegularFile(file)) {
            if ("true".equals(System.getenv("CI"))) {
                fail(file + " is missing; CI images must have Debian's ovmf package installed");
            }
            assumeTrue(false, file + " is not installed (Debian package ovmf); skipped outside CI");
        }
        return Files.readAllBytes(file);
    }

    @Test
    @DisplayName("OVMF_VARS_4M.fd parses: OVMF's FV header, an empty authenticated store, no records")
    void theEmpty4MbFileParses() throws Exception {
        VarsFile file = VarsFile.parse(read(VARS_4M), VARS_4M.toString()).requireProfile(Profile.OVMF_4M);

        assertEquals(new VarsFile.FvHeader(0x84000, 0x4FEFF, 0x48, 0xB8AF, 2,
                List.of(new VarsFile.BlockMapEntry(0x84, 0x1000))), file.fvHeader());
        assertEquals(new VarsFile.StoreHeader(0x48, EfiGuid.VARIABLE_STORE_AUTHENTICATED, 0x3FFB8, 0x5A, 0xFE), file.store());
        assertEquals(List.of(), file.records());
        assertFalse(file.hasTornTail());
    }

    @Test
    @DisplayName("The simulator's fresh 4 MB and 2 MB images are byte-identical to Debian's OVMF_VARS_4M.fd and OVMF_VARS.fd")
    void freshImagesEqualTheRealFiles() throws Exception {
        assertArrayEquals(read(VARS_4M), VarsImage.fresh(Profile.OVMF_4M));
        assertArrayEquals(read(VARS_2M), VarsImage.fresh(Profile.OVMF_2M));
    }

    @Test
    @DisplayName("Booted from OVMF_VARS_4M.fd, one write changes exactly the bytes of its records and their State bytes")
    void oneWriteChangesOnlyItsRecords() throws Exception {
        byte[] original = read(VARS_4M);
        SimulatedPlatform platform = new SimulatedPlatform(Profile.OVMF_4M.withBareStore(),
                VarsFile.parse(original, VARS_4M.toString()).requireProfile(Profile.OVMF_4M).bytes());
        Machine machine = new Machine(platform);

        machine.set("HilExport", Attributes.NV_BS_RT, (byte) 1, (byte) 2, (byte) 3);
        machine.set("HilExport", Attributes.NV_BS_RT, (byte) 4, (byte) 5, (byte) 6); // retires the first copy
        byte[] exported = platform.flash().snapshot();

        VarsFile file = VarsFile.parse(exported, "exported image");
        VarsFile before = VarsFile.parse(original);
        assertEquals(before.fvHeader(), file.fvHeader());
        assertEquals(before.store(), file.store());
        int first = 0x64;
        int second = first + 84; // 60 + 20 ("HilExport" + NUL) + 3 = 83 -> 84
        assertEquals(List.of(
                new VarsFile.Variable(first, 0x3C, Attributes.NV_BS_RT, Machine.VENDOR, "HilExport", new byte[] {1, 2, 3}),
                new VarsFile.Variable(second, 0x3F, Attributes.NV_BS_RT, Machine.VENDOR, "HilExport", new byte[] {4, 5, 6})),
                file.records());
        assertEquals(List.of(file.records().get(1)), file.variables());
        List<Integer> changed = changedOffsets(original, exported);
        assertTrue(changed.stream().allMatch(o -> o >= first && o < second + 83),
                "only the two records changed; first change at 0x" + Integer.toHexString(changed.get(0)) + ", last at 0x"
                        + Integer.toHexString(changed.get(changed.size() - 1)));
        assertArrayEquals(Arrays.copyOfRange(original, 0x40000, 0x84000), Arrays.copyOfRange(exported, 0x40000, 0x84000),
                "event log, FTW working block and spare untouched: no reclaim");
    }

    @Test
    @DisplayName("After a reclaim the exported file differs from OVMF_VARS_4M.fd only in the store and one FTW queue entry")
    void aReclaimChangesOnlyTheStoreAndTheQueue() throws Exception {
        byte[] original = read(VARS_4M);
        SimulatedPlatform platform = new SimulatedPlatform(Profile.OVMF_4M.withBareStore(), original);
        Machine machine = new Machine(platform);
        machine.fillNv(8000);
        machine.set("F00", Attributes.NV_BS_RT);
        assertEquals(0, platform.flash().eraseOperations());

        machine.set("New", Attributes.NV_BS_RT, new byte[8000]); // does not fit until the dead F00 is reclaimed

        byte[] exported = platform.flash().snapshot();
        assertTrue(platform.flash().eraseOperations() > 0, "the write went through a reclaim");
        List<Integer> changed = changedOffsets(original, exported);
        for (int offset : changed) {
            boolean inStore = offset >= 0x64 && offset < 0x40000;
            boolean inQueueEntry = offset >= 0x41020 && offset < 0x41020 + 80;
            assertTrue(inStore || inQueueEntry, "byte 0x" + Integer.toHexString(offset) + " changed");
        }
        VarsFile file = VarsFile.parse(exported);
        assertEquals(32, file.variables().size(), "F01..F31 and New");
        assertEquals("New", file.variables().get(31).name());
        assertTrue(file.records().stream().allMatch(r -> r.state() == 0x3F), "a reclaimed store holds live records only");
    }

    @Test
    @DisplayName("OVMF_VARS_4M.ms.fd (Microsoft keys enrolled) lists its records and boots with the keys readable")
    void theEnrolledFileListsItsKeys() throws Exception {
        VarsFile file = VarsFile.parse(read(VARS_4M_MS), VARS_4M_MS.toString()).requireProfile(Profile.OVMF_4M);

        // Decoded independently from the file's bytes: 57 records up to 0x5998, these 31 with State 0x3F, no 0x3E.
        assertEquals(57, file.records().size());
        assertEquals(0x5998, file.endOfRecords());
        assertFalse(file.hasTornTail());
        assertEquals(List.of("certdb", "MTC", "Attempt 1", "Attempt 2", "Attempt 3", "Attempt 4", "Attempt 5",
                "Attempt 6", "Attempt 7", "InitialAttemptOrder", "Attempt 8", "Boot0000", "Timeout", "PlatformLang",
                "Lang", "VarErrorFlag", "Key0000", "Key0001", "ConOut", "ConIn", "ErrOut", "Boot0001", "Boot0002",
                "MemoryTypeInformation", "db", "dbx", "KEK", "PK", "VendorKeysNv", "SecureBootEnable", "CustomMode"),
                file.variables().stream().map(VarsFile.Variable::name).toList());
        VarsFile.Variable pk = find(file, "PK");
        assertEquals(0x545C, pk.offset());
        assertEquals(0x27, pk.attributes(), "NV|BS|RT|AT");
        assertEquals(EfiGuid.GLOBAL_VARIABLE, pk.vendor());
        assertEquals(1005, pk.data().length);
        assertEquals(3143, find(file, "db").data().length);
        assertEquals(EfiGuid.IMAGE_SECURITY_DATABASE, find(file, "dbx").vendor());

        Machine machine = new Machine(new SimulatedPlatform(Profile.OVMF_4M.withBareStore(), file.bytes()));
        assertArrayEquals(pk.data(), machine.dxe(d -> d.getVariable(Ucs2.encode("PK"),
                EfiGuid.GLOBAL_VARIABLE, Machine.LARGE, 0, true)).data());
        assertEquals(file.variables().stream().map(VarsFile.Variable::name).toList(), machine.names(),
                "GetNextVariableName walks the live records in physical order");
    }

    private static VarsFile.Variable find(VarsFile file, String name) {
        return file.variables().stream().filter(v -> v.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not among " + file.variables()));
    }

    private static List<Integer> changedOffsets(byte[] a, byte[] b) {
        List<Integer> changed = new ArrayList<>();
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                changed.add(i);
            }
        }
        return changed;
    }
}
