package hil.simulator.smm;

import hil.simulator.uefi.Attributes;
import hil.simulator.uefi.Bytes;
import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;
import hil.simulator.uefi.Ucs2;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * VarCheckLib as OVMF links it into the SMM variable driver: variable properties (such as the read-only
 * VarErrorFlag) and the SetVariable check handlers of VarCheckUefiLib (only specification-defined names under the
 * UEFI-owned GUIDs) and VarCheckPolicyLib ({@link VariablePolicy}), all enforced only after EndOfDxe (reference 3.7).
 * It also holds the RequestToLock shim, which registers a LOCK_NOW policy (reference 5.4).
 */
public final class VarCheck {

    private static final byte[] VAR_ERROR_FLAG = Ucs2.encode("VarErrorFlag");

    /** VAR_CHECK_VARIABLE_PROPERTY.Property bit 0. */
    public static final int READ_ONLY = 0x1;
    /** VAR_CHECK_VARIABLE_PROPERTY_REVISION. */
    public static final int PROPERTY_REVISION = 1;
    /** CreateBasicVariablePolicy refuses entries larger than MAX_UINT16. */
    private static final int MAX_POLICY_SIZE = 0xFFFF;

    /** A registered VAR_CHECK_VARIABLE_PROPERTY (revision 1). */
    public record Property(int property, int attributes, long minSize, long maxSize) {
    }

    private record Key(EfiGuid vendor, String nameHex) {
        static Key of(byte[] name, EfiGuid vendor) {
            return new Key(vendor, Bytes.hex(name));
        }
    }

    /**
     * VarCheckLib's names with a wildcard ({@code ####}: four hex digits): a property set for the name itself
     * ({@code Boot####}) applies to every name it matches. Until one is set they match nothing.
     */
    private static final List<String> WILDCARD_NAMES = List.of("Boot####", "Driver####", "SysPrep####", "Key####",
            "PlatformRecovery####");
    private static final String HW_ERR_REC_WILDCARD = "HwErrRec####";

    private record Wildcard(EfiGuid vendor, String name) {
    }

    /** The variable table: exact names. */
    private final Map<Key, Property> properties = new HashMap<>();
    /** The wildcard entries' properties, once set. */
    private final Map<Wildcard, Property> wildcardProperties = new HashMap<>();
    private final VariablePolicy policy;
    private final VarCheckPolicyMmi policyMmi;
    private boolean endOfDxe;

    /**
     * @param reader the core's GetVariable, which policies probe
     */
    VarCheck(VariablePolicy.VariableReader reader) {
        // VarCheckUefiLib's constructor runs when the driver loads, before the driver registers VarErrorFlag.
        for (UefiDefinedVariables.Entry e : UefiDefinedVariables.ENTRIES) {
            put(Ucs2.encode(e.name()), e.vendor(), e.property());
        }
        properties.put(Key.of(VAR_ERROR_FLAG, EfiGuid.VAR_ERROR_FLAG), new Property(READ_ONLY, Attributes.NV_BS_RT, 1, 1));
        // PcdAllowVariablePolicyEnforcementDisable is FALSE in OVMF.
        this.policy = new VariablePolicy(reader, false);
        this.policyMmi = new VarCheckPolicyMmi(policy);
    }

    /** The VariablePolicy engine (VarCheckPolicyLib's business logic). */
    public VariablePolicy policy() {
        return policy;
    }

    /** The VarCheckPolicy MMI handler of this driver instance. */
    public VarCheckPolicyMmi policyMmi() {
        return policyMmi;
    }

    /** VarCheckLibInitializeAtEndOfDxe: checks apply from now on; properties can no longer be set. */
    void onEndOfDxe() {
        endOfDxe = true;
    }

    /**
     * VariableLockRequestToLock: registers a LOCK_NOW policy on exactly this name. When an identical policy exists
     * (ALREADY_STARTED) the answer is SUCCESS if the existing policy already write-protects the variable, else
     * ACCESS_DENIED. Other registration results (WRITE_PROTECTED once the policy interface is locked,
     * INVALID_PARAMETER for a name with more than 255 {@code #}) pass through.
     *
     * @param name NUL-terminated CHAR16 bytes
     */
    EfiStatus requestToLock(byte[] name, EfiGuid vendor) {
        String text = VariablePolicy.charsUntilNul(name, 0, name.length);
        if (VariablePolicyEntry.FIXED_SIZE + 2L * (text.length() + 1) > MAX_POLICY_SIZE) {
            return EfiStatus.BUFFER_TOO_SMALL;
        }
        EfiStatus status = policy.register(VariablePolicyEntry.lockNow(vendor, text));
        if (status == EfiStatus.ALREADY_STARTED) {
            EfiStatus locked = policy.validateSetVariable(name, vendor, 0, 0);
            return locked == EfiStatus.WRITE_PROTECTED ? EfiStatus.SUCCESS : EfiStatus.ACCESS_DENIED;
        }
        return status;
    }

    /**
     * VarCheckLibVariablePropertySet: INVALID_PARAMETER for an empty name or a revision other than 1,
     * ACCESS_DENIED after EndOfDxe.
     */
    EfiStatus setProperty(byte[] name, EfiGuid vendor, int revision, Property property) {
        if (isEmpty(name) || revision != PROPERTY_REVISION) {
            return EfiStatus.INVALID_PARAMETER;
        }
        if (endOfDxe) {
            return EfiStatus.ACCESS_DENIED;
        }
        put(name, vendor, property);
        return EfiStatus.SUCCESS;
    }

    /** VariablePropertyGetFunction without wildcard matching decides where a property is stored. */
    private void put(byte[] name, EfiGuid vendor, Property property) {
        Wildcard wildcard = new Wildcard(vendor, Ucs2.decode(name, 0, name.length));
        if (isWildcard(wildcard) && !properties.containsKey(Key.of(name, vendor))) {
            wildcardProperties.put(wildcard, property);
        } else {
            properties.put(Key.of(name, vendor), property);
        }
    }

    private static boolean isWildcard(Wildcard w) {
        return (w.vendor().equals(EfiGuid.GLOBAL_VARIABLE) && WILDCARD_NAMES.contains(w.name()))
                || (w.vendor().equals(EfiGuid.HARDWARE_ERROR_VARIABLE) && w.name().equals(HW_ERR_REC_WILDCARD));
    }

    /**
     * The property that applies to this name (VarCheckLibVariablePropertyGet, wildcards matched): one registered
     * for exactly this name, else one set for a wildcard name it matches; null when none.
     */
    Property property(byte[] name, EfiGuid vendor) {
        Property exact = properties.get(Key.of(name, vendor));
        if (exact != null) {
            return exact;
        }
        String text = Ucs2.decode(name, 0, name.length);
        for (Map.Entry<Wildcard, Property> w : wildcardProperties.entrySet()) {
            if (w.getKey().vendor().equals(vendor) && (w.getKey().name().equals(text)
                    || UefiDefinedVariables.matchesNumbered(text, w.getKey().name()))) {
                return w.getValue();
            }
        }
        return null;
    }

    static boolean isEmpty(byte[] name) {
        return name.length < 2 || (name[0] == 0 && name[1] == 0);
    }

    /**
     * VarCheckLibSetVariableCheck: SUCCESS before EndOfDxe. After it, a READ_ONLY property refuses untrusted
     * writes (WRITE_PROTECTED); for non-deletes the property's attributes and size range apply
     * (INVALID_PARAMETER); then the handlers run in order, VarCheckUefiLib's and VariablePolicy's, and a
     * WRITE_PROTECTED from a handler is ignored for trusted requests while any other error is returned.
     *
     * @param name     NUL-terminated CHAR16 bytes
     * @param data     the Data passed; its last {@code dataSize} bytes are the payload (after any authentication
     *                 descriptor)
     * @param dataSize the payload size
     * @param trusted  whether the request comes from inside SMM (EFI_SMM_VARIABLE_PROTOCOL)
     */
    EfiStatus check(byte[] name, EfiGuid vendor, int attributes, byte[] data, long dataSize, boolean trusted) {
        if (!endOfDxe) {
            return EfiStatus.SUCCESS;
        }
        boolean delete = ((attributes & Attributes.AP) == 0 && dataSize == 0) || attributes == 0;
        Property p = property(name, vendor);
        if (p != null) {
            if ((p.property() & READ_ONLY) != 0 && !trusted) {
                return EfiStatus.WRITE_PROTECTED;
            }
            if (!delete) {
                if (p.attributes() != 0 && (attributes & ~Attributes.AP) != p.attributes()) {
                    return EfiStatus.INVALID_PARAMETER;
                }
                if (dataSize != 0 && (Long.compareUnsigned(dataSize, p.minSize()) < 0
                        || Long.compareUnsigned(dataSize, p.maxSize()) > 0)) {
                    return EfiStatus.INVALID_PARAMETER;
                }
            }
        }
        for (EfiStatus handled : new EfiStatus[] {
                checkUefiDefined(name, vendor, attributes, data, dataSize, delete),
                policy.validateSetVariable(name, vendor, attributes, dataSize)}) {
            if (handled == EfiStatus.WRITE_PROTECTED && trusted) {
                continue;
            }
            if (handled != EfiStatus.SUCCESS) {
                return handled;
            }
        }
        return EfiStatus.SUCCESS;
    }

    /**
     * VarCheckUefiLib's handler: never checks deletes; an HR write must be a HwErrRec#### of the hardware-error
     * GUID; under the UEFI-defined GUIDs only names with a property may be written; then the data format of the
     * defined variable.
     */
    private EfiStatus checkUefiDefined(byte[] name, EfiGuid vendor, int attributes, byte[] data, long dataSize,
                                       boolean delete) {
        if (delete) {
            return EfiStatus.SUCCESS;
        }
        String text = Ucs2.decode(name, 0, name.length);
        if ((attributes & Attributes.HR) != 0) {
            if (!vendor.equals(EfiGuid.HARDWARE_ERROR_VARIABLE) || !UefiDefinedVariables.isNumbered(text, "HwErrRec", true)) {
                return EfiStatus.INVALID_PARAMETER;
            }
        }
        if (UefiDefinedVariables.UEFI_DEFINED_GUIDS.contains(vendor) && property(name, vendor) == null) {
            return EfiStatus.INVALID_PARAMETER;
        }
        if (dataSize == 0) {
            return EfiStatus.SUCCESS;
        }
        UefiDefinedVariables.Entry entry = UefiDefinedVariables.formatEntry(text, vendor);
        // Only the few defined variables with a format need their payload on its own.
        return entry == null ? EfiStatus.SUCCESS : UefiDefinedVariables.checkFormat(entry,
                java.util.Arrays.copyOfRange(data, (int) (data.length - dataSize), data.length));
    }
}
