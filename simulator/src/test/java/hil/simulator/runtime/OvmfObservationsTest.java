package hil.simulator.runtime;

import hil.simulator.Machine;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import hil.simulator.uefi.Ucs2;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static hil.simulator.Machine.OTHER_VENDOR;
import static hil.simulator.Machine.VENDOR;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What Debian OVMF 2022.11 (4 MB, SMM) returned when probed on QEMU (reference section 11), one test per table row.
 * The simulator must agree with the real firmware.
 */
class OvmfObservationsTest {

    private static final byte[] TEN = Machine.bytes(10, 0x5A);

    private final Machine machine = new Machine();

    @Nested
    @DisplayName("boot phase (raw EFI status from an EFI application)")
    class BootPhase {

        @ParameterizedTest(name = "attributes 0x{0}")
        @ValueSource(ints = {0x4, 0x5, 0x1, 0x87})
        @DisplayName("SetVariable with RT, NV|RT, NV or 0x87 is INVALID_PARAMETER")
        void badAttributeCombinations(int attributes) {
            assertEquals(EfiStatus.INVALID_PARAMETER, machine.set("Probe", attributes, (byte) 1));
        }

        @Test
        @DisplayName("SetVariable NV|BS|RT|AW (0x17) with 1 byte is UNSUPPORTED")
        void authenticatedWriteAccessIsUnsupported() {
            assertEquals(EfiStatus.UNSUPPORTED, new Machine(new hil.simulator.platform.SimulatedPlatform(hil.simulator.Profile.OVMF_4M)).set("Probe", 0x17, (byte) 1));
        }

        @Test
        @DisplayName("SetVariable with an empty name is INVALID_PARAMETER; GetVariable with an empty name is NOT_FOUND")
        void emptyNames() {
            assertEquals(EfiStatus.INVALID_PARAMETER, machine.set("", Attributes.NV_BS_RT, (byte) 1));
            assertEquals(EfiStatus.NOT_FOUND, machine.get("").status());
        }

        @Test
        @DisplayName("Rewriting an NV|BS variable with BS|RT is INVALID_PARAMETER")
        void rewriteWithOtherAttributes() {
            machine.set("Probe", Attributes.NV_BS, (byte) 1);

            assertEquals(EfiStatus.INVALID_PARAMETER, machine.set("Probe", Attributes.BS_RT, (byte) 2));
        }

        @Test
        @DisplayName("GetVariable with DataSize 0 and Data NULL on a 10-byte NV|BS variable: BUFFER_TOO_SMALL, DataSize 10, Attributes 0x3")
        void sizeProbe() {
            machine.set("Probe", Attributes.NV_BS, TEN);

            VariableRuntimeDxe.GetVariableResult r =
                    machine.dxe(d -> d.getVariable(Ucs2.encode("Probe"), VENDOR, 0L, 0, false));

            assertEquals(new VariableRuntimeDxe.GetVariableResult(EfiStatus.BUFFER_TOO_SMALL, 10L, 0x3, null), r);
        }

        @Test
        @DisplayName("SetVariable with Attributes 0 and 10 bytes on an existing variable: SUCCESS, then GetVariable NOT_FOUND")
        void attributesZeroDeletes() {
            machine.set("Probe", Attributes.NV_BS_RT, (byte) 1);

            assertEquals(EfiStatus.SUCCESS, machine.set("Probe", 0, TEN));
            assertEquals(EfiStatus.NOT_FOUND, machine.get("Probe").status());
        }

        @Test
        @DisplayName("APPEND (0x47) with DataSize 0 on a missing variable: SUCCESS, nothing created")
        void emptyAppendOnMissing() {
            assertEquals(EfiStatus.SUCCESS, machine.set("Probe", 0x47));
            assertEquals(EfiStatus.NOT_FOUND, machine.get("Probe").status());
        }

        @Test
        @DisplayName("SetVariable NV|BS|RT with 65536 bytes is INVALID_PARAMETER, with 32768 bytes SUCCESS")
        void sizeLimits() {
            assertEquals(EfiStatus.INVALID_PARAMETER, machine.set("Probe", Attributes.NV_BS_RT, new byte[65536]));
            assertEquals(EfiStatus.SUCCESS, machine.set("Probe", Attributes.NV_BS_RT, new byte[32768]));
        }

        @Test
        @DisplayName("GetNextVariableName from \"\" with VariableNameSize 2: BUFFER_TOO_SMALL, size 20 for a 9-character first name")
        void firstNameSizeProbe() {
            machine.set("BootOrder", EfiGuid.GLOBAL_VARIABLE, Attributes.NV_BS_RT, new byte[] {0, 0});

            VariableRuntimeDxe.NextNameResult r = machine.next("", EfiGuid.ZERO, 2);

            assertEquals(EfiStatus.BUFFER_TOO_SMALL, r.status());
            assertEquals(20L, r.nameSize());
        }

        @Test
        @DisplayName("GetNextVariableName after an unknown name, or a real name with another GUID, is INVALID_PARAMETER")
        void getNextFromUnknownPositions() {
            machine.set("Probe", Attributes.NV_BS_RT, (byte) 1);

            assertEquals(EfiStatus.INVALID_PARAMETER, machine.next("NoSuchName", VENDOR, 64).status());
            assertEquals(EfiStatus.INVALID_PARAMETER, machine.next("Probe", OTHER_VENDOR, 64).status());
        }

        @Test
        @DisplayName("QueryVariableInfo with 0, RT, NV or NV|RT is INVALID_PARAMETER")
        void badQueryAttributes() {
            assertAll(
                    () -> assertEquals(EfiStatus.INVALID_PARAMETER, machine.query(0).status()),
                    () -> assertEquals(EfiStatus.INVALID_PARAMETER, machine.query(Attributes.RT).status()),
                    () -> assertEquals(EfiStatus.INVALID_PARAMETER, machine.query(Attributes.NV).status()),
                    () -> assertEquals(EfiStatus.INVALID_PARAMETER, machine.query(Attributes.NV | Attributes.RT).status()));
        }

        @Test
        @DisplayName("QueryVariableInfo NV|BS|RT: maximum storage 262044, remaining less after a few writes, maximum variable size 33732")
        void queryNumbers() {
            machine.set("A", Attributes.NV_BS_RT, new byte[4]); // 60 + 4 + 4 = 68
            machine.set("Probe", Attributes.NV_BS_RT, TEN); // 60 + 12 + 10 = 82 -> 84

            VariableRuntimeDxe.QueryResult r = machine.query(Attributes.NV_BS_RT);

            assertEquals(new VariableRuntimeDxe.QueryResult(EfiStatus.SUCCESS, 262044, 262044 - 68 - 84, 33732), r);
        }

        @Test
        @DisplayName("APPEND of 2 bytes to a 4-byte NV|BS|RT variable: SUCCESS, 6 bytes")
        void appendTwoBytes() {
            machine.set("Probe", Attributes.NV_BS_RT, (byte) 1, (byte) 2, (byte) 3, (byte) 4);

            assertEquals(EfiStatus.SUCCESS, machine.set("Probe", 0x47, (byte) 5, (byte) 6));
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6}, machine.value("Probe"));
        }
    }

    /**
     * Runtime rows were observed through Linux efivarfs. Its write path (kernel 6.1, efivar_entry_set_get_size) asks
     * QueryVariableInfo with the write's attributes before SetVariable when NV is set, and returns any error other
     * than EFI_UNSUPPORTED without calling SetVariable; {@link #efivarfsWrite} reproduces that sequence.
     */
    @Nested
    @DisplayName("runtime phase (Linux efivarfs after ExitBootServices)")
    class RuntimePhase {

        private EfiStatus efivarfsWrite(String name, int attributes, byte... data) {
            if ((attributes & Attributes.NV) != 0) {
                EfiStatus query = machine.query(attributes).status();
                if (query != EfiStatus.SUCCESS && query != EfiStatus.UNSUPPORTED) {
                    return query;
                }
            }
            return machine.set(name, attributes, data);
        }

        private void boot(String name, int attributes, byte... data) {
            assertEquals(EfiStatus.SUCCESS, machine.set(name, attributes, data));
        }

        @Test
        @DisplayName("Reading an NV|BS|RT variable returns its data and attributes 0x7")
        void readRuntimeVariable() {
            boot("Probe", Attributes.NV_BS_RT, (byte) 1, (byte) 2);
            machine.exitBootServices();

            VariableRuntimeDxe.GetVariableResult r = machine.get("Probe");

            assertEquals(EfiStatus.SUCCESS, r.status());
            assertEquals(Attributes.NV_BS_RT, r.attributes());
            assertArrayEquals(new byte[] {1, 2}, r.data());
        }

        @Test
        @DisplayName("Reading an NV|BS variable finds nothing: it is invisible at runtime")
        void readBootOnlyVariable() {
            boot("Probe", Attributes.NV_BS, (byte) 1);
            machine.exitBootServices();

            assertEquals(EfiStatus.NOT_FOUND, machine.get("Probe").status());
            assertEquals(0, machine.names().size());
        }

        @Test
        @DisplayName("Reading a BS|RT (volatile) variable returns its data")
        void readVolatileRuntimeVariable() {
            boot("Probe", Attributes.BS_RT, (byte) 7);
            machine.exitBootServices();

            assertArrayEquals(new byte[] {7}, machine.value("Probe"));
        }

        @Test
        @DisplayName("Creating a BS|RT or an NV|BS variable is INVALID_PARAMETER (EINVAL)")
        void createWithoutNonVolatileRuntime() {
            machine.exitBootServices();

            assertEquals(EfiStatus.INVALID_PARAMETER, efivarfsWrite("New1", Attributes.BS_RT, (byte) 1));
            assertEquals(EfiStatus.INVALID_PARAMETER, efivarfsWrite("New2", Attributes.NV_BS, (byte) 1));
            assertEquals(EfiStatus.INVALID_PARAMETER, machine.set("New2", Attributes.NV_BS, (byte) 1),
                    "SetVariable alone refuses it too");
        }

        @Test
        @DisplayName("Writing an existing BS|RT variable is WRITE_PROTECTED (EROFS) and the data stays")
        void writeVolatileRuntimeVariable() {
            boot("Probe", Attributes.BS_RT, (byte) 1);
            machine.exitBootServices();

            assertEquals(EfiStatus.WRITE_PROTECTED, efivarfsWrite("Probe", Attributes.BS_RT, (byte) 2));
            assertArrayEquals(new byte[] {1}, machine.value("Probe"));
        }

        @Test
        @DisplayName("Creating, then rewriting an NV|BS|RT variable both succeed")
        void createThenRewrite() {
            machine.exitBootServices();

            assertEquals(EfiStatus.SUCCESS, efivarfsWrite("New", Attributes.NV_BS_RT, (byte) 1));
            assertEquals(EfiStatus.SUCCESS, efivarfsWrite("New", Attributes.NV_BS_RT, (byte) 2));
            assertArrayEquals(new byte[] {2}, machine.value("New"));
        }

        @Test
        @DisplayName("Appending with attributes 0x47 succeeds and the data is appended")
        void appendAtRuntime() {
            boot("Probe", Attributes.NV_BS_RT, (byte) 1);
            machine.exitBootServices();

            assertEquals(EfiStatus.SUCCESS, efivarfsWrite("Probe", 0x47, (byte) 2, (byte) 3));
            assertArrayEquals(new byte[] {1, 2, 3}, machine.value("Probe"));
        }

        @Test
        @DisplayName("Writing an existing NV|BS variable is INVALID_PARAMETER (EINVAL) through efivarfs")
        void writeBootOnlyVariable() {
            boot("Probe", Attributes.NV_BS, (byte) 1);
            machine.exitBootServices();

            assertEquals(EfiStatus.INVALID_PARAMETER, efivarfsWrite("Probe", Attributes.NV_BS, (byte) 2),
                    "QueryVariableInfo without RT is refused at runtime, before SetVariable is called");
            assertEquals(EfiStatus.WRITE_PROTECTED, machine.set("Probe", Attributes.NV_BS, (byte) 2),
                    "a direct SetVariable reaches the core's check 12 (reference 3.4.1, 8.9)");
        }
    }
}
