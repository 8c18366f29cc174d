package hil.simulator.smm;

import hil.simulator.Machine;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import hil.simulator.uefi.Ucs2;
import org.junit.jupiter.api.Test;

import static hil.simulator.Machine.VENDOR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Core rules that only show when the core is called directly, not through the SMI handler (reference 3.3, 3.7, 5.4). */
class VariableCoreTest {

    private final Machine machine = new Machine();
    private final VariableCore core = machine.platform().core();

    @Test
    void getVariableInTheCoreWithDataNullDoesNotWriteDataSizeOrAttributes() {
        machine.set("T", Attributes.NV_BS, new byte[10]);

        VariableCore.GetResult r = core.getVariable(Ucs2.encode("T"), VENDOR, 0x55, 64, false);

        assertEquals(EfiStatus.INVALID_PARAMETER, r.status());
        assertEquals(64, r.dataSize(), "*DataSize untouched");
        assertFalse(r.attributesWritten());
    }

    @Test
    void getVariableInTheCoreReportsTheRequiredSizeAndAttributesWhenTheBufferIsTooSmall() {
        machine.set("T", Attributes.NV_BS, new byte[10]);

        VariableCore.GetResult r = core.getVariable(Ucs2.encode("T"), VENDOR, 0, 9, true);

        assertEquals(new VariableCore.GetResult(EfiStatus.BUFFER_TOO_SMALL, 10, Attributes.NV_BS, true, null), r);
    }

    @Test
    void aLockedVariableIsStillWritableUntilEndOfDxe() {
        machine.set("L", Attributes.NV_BS_RT, (byte) 1);
        assertEquals(EfiStatus.SUCCESS, machine.dxe(d -> d.requestToLock(Ucs2.encode("L"), VENDOR)));

        assertEquals(EfiStatus.SUCCESS, machine.set("L", Attributes.NV_BS_RT, (byte) 2));
    }

    @Test
    void afterEndOfDxeAnUntrustedWriteOrDeleteOfALockedVariableIsWriteProtectedButATrustedOnePasses() {
        machine.set("L", Attributes.NV_BS_RT, (byte) 1);
        machine.dxe(d -> d.requestToLock(Ucs2.encode("L"), VENDOR));
        machine.platform().signalEndOfDxe();

        assertEquals(EfiStatus.WRITE_PROTECTED, machine.set("L", Attributes.NV_BS_RT, (byte) 2));
        assertEquals(EfiStatus.WRITE_PROTECTED, machine.set("L", Attributes.NV_BS_RT));
        assertEquals(EfiStatus.SUCCESS, core.setVariable(Ucs2.encode("L"), VENDOR, Attributes.NV_BS_RT, new byte[] {3}, true));
        assertArrayEquals(new byte[] {3}, machine.value("L"));
    }

    @Test
    void varErrorFlagIsReadOnlyForUntrustedCallersAfterEndOfDxe() {
        machine.platform().signalEndOfDxe();

        assertEquals(EfiStatus.WRITE_PROTECTED,
                machine.set("VarErrorFlag", EfiGuid.VAR_ERROR_FLAG, Attributes.NV_BS_RT, new byte[] {(byte) 0xEF}));
    }

    @Test
    void theBootManagerMarksItsReadOnlyVariablesBeforeEndOfDxe() {
        assertEquals(EfiStatus.SUCCESS, machine.set("OsIndicationsSupported", EfiGuid.GLOBAL_VARIABLE, Attributes.BS_RT,
                new byte[8]), "before EndOfDxe no check applies");
        machine.platform().signalEndOfDxe();

        for (String name : hil.simulator.platform.SimulatedPlatform.BOOT_MANAGER_READ_ONLY) {
            assertEquals(EfiStatus.WRITE_PROTECTED,
                    machine.set(name, EfiGuid.GLOBAL_VARIABLE,
                            name.equals("HwErrRecSupport") ? Attributes.NV_BS_RT : Attributes.BS_RT, name.endsWith("Codes")
                            ? new byte[] {'e', 'n', 0} : new byte[name.equals("OsIndicationsSupported") ? 8
                            : name.equals("BootOptionSupport") ? 4 : 2]), name);
        }
        assertEquals(EfiStatus.INVALID_PARAMETER, machine.set("LangCodes", EfiGuid.GLOBAL_VARIABLE, Attributes.NV_BS_RT,
                new byte[] {'e', 'n', 'g', 0}), "the property's attributes are checked before the lock");
        assertEquals(EfiStatus.SUCCESS, machine.set("BootCurrent", EfiGuid.GLOBAL_VARIABLE, Attributes.BS_RT,
                new byte[2]), "a defined variable the boot manager does not lock");
    }

    @Test
    void afterEndOfDxeOnlySpecificationNamesMayBeCreatedUnderTheGlobalVariableGuid() {
        machine.platform().signalEndOfDxe();

        assertEquals(EfiStatus.INVALID_PARAMETER,
                machine.set("MyOwnName", EfiGuid.GLOBAL_VARIABLE, Attributes.NV_BS_RT, new byte[] {1}));
        // A load option: Attributes, FilePathListLength 4, description "A", an End Entire device path.
        byte[] loadOption = hil.simulator.uefi.Bytes.fromHex("01000000" + "0400" + "41000000" + "7FFF0400");
        assertEquals(EfiStatus.SUCCESS, machine.set("Boot0001", EfiGuid.GLOBAL_VARIABLE, Attributes.NV_BS_RT, loadOption));
        assertEquals(EfiStatus.INVALID_PARAMETER,
                machine.set("Boot0002", EfiGuid.GLOBAL_VARIABLE, Attributes.NV_BS_RT, new byte[] {1}),
                "shorter than a load option");
    }
}
