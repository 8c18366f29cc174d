package hil.simulator.smm;

import hil.simulator.Machine;
import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import hil.simulator.uefi.Ucs2;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static hil.simulator.Machine.VENDOR;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Variable properties through the VAR_CHECK_VARIABLE_PROPERTY_SET/GET messages (functions 9 and 10, payload
 * layout of reference 1.6) and their enforcement after EndOfDxe (3.7.1).
 */
class VarCheckTest {

    private final Machine machine = new Machine();
    private final SmmVariableHandler handler = new SmmVariableHandler(machine.platform().core());

    /** A function 9/10 message: Guid @0, NameSize @16, VAR_CHECK_VARIABLE_PROPERTY @24, Name @48 (payload offsets). */
    private static byte[] propertyMessage(long function, EfiGuid vendor, String name, int revision, int property,
                                          int attributes, long minSize, long maxSize) {
        byte[] n = Ucs2.encode(name);
        byte[] b = new byte[16 + 48 + n.length];
        Bytes.put64(b, 0, function);
        vendor.write(b, 16);
        Bytes.put64(b, 16 + 16, n.length);
        Bytes.put16(b, 16 + 24, revision);
        Bytes.put16(b, 16 + 26, property);
        Bytes.put32(b, 16 + 28, attributes);
        Bytes.put64(b, 16 + 32, minSize);
        Bytes.put64(b, 16 + 40, maxSize);
        System.arraycopy(n, 0, b, 16 + 48, n.length);
        return b;
    }

    private EfiStatus handle(byte[] b) {
        handler.handle(b, 0, b.length);
        return EfiStatus.fromValue(Bytes.u64(b, 8)).orElseThrow();
    }

    @Test
    void theBuiltInVarErrorFlagPropertyIsReadOnlyNvBsRtOfExactlyOneByte() {
        byte[] b = propertyMessage(CommLayout.FN_VAR_CHECK_PROPERTY_GET, EfiGuid.VAR_ERROR_FLAG, "VarErrorFlag", 0, 0, 0, 0, 0);

        assertEquals(EfiStatus.SUCCESS, handle(b));
        assertEquals(1, Bytes.u16(b, 16 + 24), "Revision");
        assertEquals(VarCheck.READ_ONLY, Bytes.u16(b, 16 + 26), "Property");
        assertEquals(Attributes.NV_BS_RT, Bytes.u32(b, 16 + 28), "Attributes");
        assertEquals(1, Bytes.u64(b, 16 + 32), "MinSize");
        assertEquals(1, Bytes.u64(b, 16 + 40), "MaxSize");
    }

    @Test
    @DisplayName("a numbered UEFI name has the property of its wildcard entry; another length or a non-hex digit has none")
    void numberedNamesMatchTheirWildcardEntry() {
        byte[] boot = propertyMessage(CommLayout.FN_VAR_CHECK_PROPERTY_GET, EfiGuid.GLOBAL_VARIABLE, "Boot00aF", 0, 0, 0, 0, 0);
        assertEquals(EfiStatus.SUCCESS, handle(boot));
        assertEquals(Attributes.NV_BS_RT, Bytes.u32(boot, 16 + 28), "Attributes");
        assertEquals(6, Bytes.u64(boot, 16 + 32), "MinSize: the load option's Attributes and FilePathListLength");
        assertEquals(-1L, Bytes.u64(boot, 16 + 40), "MaxSize: MAX_UINTN");

        byte[] key = propertyMessage(CommLayout.FN_VAR_CHECK_PROPERTY_GET, EfiGuid.GLOBAL_VARIABLE, "Key0001", 0, 0, 0, 0, 0);
        assertEquals(EfiStatus.SUCCESS, handle(key));
        assertEquals(22, Bytes.u64(key, 16 + 40), "MaxSize: a packed EFI_KEY_OPTION and three input keys");

        for (String name : new String[] {"Boot012G", "Boot01234", "Boot012", "boot0001"}) {
            assertEquals(EfiStatus.NOT_FOUND, handle(propertyMessage(CommLayout.FN_VAR_CHECK_PROPERTY_GET,
                    EfiGuid.GLOBAL_VARIABLE, name, 0, 0, 0, 0, 0)), name);
        }
    }

    @Test
    @DisplayName("the specification's defined names carry their properties, and the removed AuditMode has none")
    void definedNamesHaveTheirProperties() {
        byte[] secureBoot = propertyMessage(CommLayout.FN_VAR_CHECK_PROPERTY_GET, EfiGuid.GLOBAL_VARIABLE, "SecureBoot", 0, 0, 0, 0, 0);
        assertEquals(EfiStatus.SUCCESS, handle(secureBoot));
        assertEquals(VarCheck.READ_ONLY, Bytes.u16(secureBoot, 16 + 26));
        assertEquals(EfiStatus.SUCCESS, handle(propertyMessage(CommLayout.FN_VAR_CHECK_PROPERTY_GET,
                EfiGuid.IMAGE_SECURITY_DATABASE, "dbx", 0, 0, 0, 0, 0)));
        assertEquals(EfiStatus.NOT_FOUND, handle(propertyMessage(CommLayout.FN_VAR_CHECK_PROPERTY_GET,
                EfiGuid.GLOBAL_VARIABLE, "AuditMode", 0, 0, 0, 0, 0)));
        assertEquals(EfiStatus.NOT_FOUND, handle(propertyMessage(CommLayout.FN_VAR_CHECK_PROPERTY_GET,
                EfiGuid.IMAGE_SECURITY_DATABASE, "dbr", 0, 0, 0, 0, 0)));
    }

    @Test
    void aVariableWithoutPropertyIsNotFound() {
        assertEquals(EfiStatus.NOT_FOUND,
                handle(propertyMessage(CommLayout.FN_VAR_CHECK_PROPERTY_GET, VENDOR, "None", 0, 0, 0, 0, 0)));
    }

    @Test
    void aPropertyWithARevisionOtherThanOneIsInvalidParameter() {
        assertEquals(EfiStatus.INVALID_PARAMETER,
                handle(propertyMessage(CommLayout.FN_VAR_CHECK_PROPERTY_SET, VENDOR, "P", 2, 0, 0, 0, 0)));
    }

    @Test
    void aPropertyConstrainsAttributesAndSizeOnlyAfterEndOfDxe() {
        assertEquals(EfiStatus.SUCCESS, handle(propertyMessage(CommLayout.FN_VAR_CHECK_PROPERTY_SET, VENDOR, "P", 1, 0,
                Attributes.NV_BS_RT, 2, 4)));
        assertEquals(EfiStatus.SUCCESS, machine.set("P", Attributes.NV_BS, (byte) 1), "not enforced before EndOfDxe");
        machine.set("P", Attributes.NV_BS);
        machine.platform().signalEndOfDxe();

        assertEquals(EfiStatus.INVALID_PARAMETER, machine.set("P", Attributes.NV_BS, new byte[3]), "attributes differ");
        assertEquals(EfiStatus.INVALID_PARAMETER, machine.set("P", Attributes.NV_BS_RT, new byte[1]), "below MinSize");
        assertEquals(EfiStatus.INVALID_PARAMETER, machine.set("P", Attributes.NV_BS_RT, new byte[5]), "above MaxSize");
        assertEquals(EfiStatus.SUCCESS, machine.set("P", Attributes.NV_BS_RT, new byte[3]));
        assertEquals(EfiStatus.SUCCESS, machine.set("P", Attributes.NV_BS_RT), "deletes are not size-checked");
    }

    @Test
    void aReadOnlyPropertyMakesTheVariableWriteProtectedAfterEndOfDxe() {
        handle(propertyMessage(CommLayout.FN_VAR_CHECK_PROPERTY_SET, VENDOR, "Ro", 1, VarCheck.READ_ONLY, 0, 0, 0));
        assertEquals(EfiStatus.SUCCESS, machine.set("Ro", Attributes.NV_BS_RT, (byte) 1));
        machine.platform().signalEndOfDxe();

        assertEquals(EfiStatus.WRITE_PROTECTED, machine.set("Ro", Attributes.NV_BS_RT, (byte) 2));
        assertEquals(EfiStatus.WRITE_PROTECTED, machine.set("Ro", Attributes.NV_BS_RT));
    }

    @Test
    @DisplayName("only Attributes 0 or DataSize 0 without APPEND is a delete: APPEND alone with data is checked (3.7.2)")
    void anAppendOnlyWriteIsNotADeleteForTheUefiDefinedNameCheck() {
        machine.platform().signalEndOfDxe();

        assertEquals(EfiStatus.INVALID_PARAMETER,
                machine.set("HilNotDefined", EfiGuid.GLOBAL_VARIABLE, Attributes.AP, new byte[] {1}));
    }

    @Test
    void aNameWithARegisteredPropertyMayBeCreatedUnderTheGlobalVariableGuid() {
        byte[] b = propertyMessage(CommLayout.FN_VAR_CHECK_PROPERTY_SET, EfiGuid.GLOBAL_VARIABLE, "HilDefined", 1, 0,
                0, 0, 16);
        assertEquals(EfiStatus.SUCCESS, handle(b));
        machine.platform().signalEndOfDxe();

        assertEquals(EfiStatus.SUCCESS,
                machine.set("HilDefined", EfiGuid.GLOBAL_VARIABLE, Attributes.NV_BS_RT, new byte[] {1}));
    }

    @Test
    void settingAPropertyAfterEndOfDxeIsAccessDenied() {
        machine.platform().signalEndOfDxe();

        assertEquals(EfiStatus.ACCESS_DENIED,
                handle(propertyMessage(CommLayout.FN_VAR_CHECK_PROPERTY_SET, VENDOR, "P", 1, 0, 0, 0, 0)));
    }
}
