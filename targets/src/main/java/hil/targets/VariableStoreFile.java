package hil.targets;

import hil.simulator.store.VarsFile;
import hil.simulator.store.VarsFileException;
import hil.simulator.store.VariableStore;
import hil.simulator.uefi.EfiGuid;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A variable store a scenario can start from instead of the target's factory one ({@code Given the firmware is in the
 * boot phase with the variable store "NAME"}): an entry of the lab-config's {@code stores.yaml}, naming a flash image
 * such as Debian's {@code OVMF_VARS_4M.ms.fd} (Microsoft's keys enrolled).
 *
 * @param name        the name scenarios use
 * @param file        the image, resolved against the lab-config directory
 * @param description free text for reports
 * @param definedAt   {@code stores.yaml:LINE}, for messages
 */
public record VariableStoreFile(String name, Path file, String description, String definedAt) {

    /** The GUID of PK, KEK and the other UEFI-defined variables. */
    private static final EfiGuid GLOBAL = EfiGuid.GLOBAL_VARIABLE;
    /** EDK II's gEfiSecureBootEnableDisableGuid: the vendor of SecureBootEnable. */
    private static final EfiGuid SECURE_BOOT_ENABLE_DISABLE = EfiGuid.parse("f0a30bc7-af08-4556-99c4-001009c93a44");

    /** The image's bytes; a missing or unreadable file is an error naming the entry. */
    public byte[] bytes() {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new HilException("variable store \"" + name + "\" (" + definedAt + "): cannot read " + file + ": "
                    + (Files.exists(file) ? e.getMessage() : "no such file"), e);
        }
    }

    /** The parsed image; a file that is not a variable flash is an error naming the entry and what is wrong. */
    public VarsFile parse() {
        try {
            return VarsFile.parse(bytes(), file.toString());
        } catch (VarsFileException e) {
            throw new HilException("variable store \"" + name + "\" (" + definedAt + "): " + e.getMessage(), e);
        }
    }

    /**
     * Whether firmware started on this store runs with Secure Boot on: PK is enrolled (user mode) and SecureBootEnable
     * is not 0 (AuthVariableLib creates it as 1 when it is missing in user mode).
     */
    public static boolean secureBootOn(VarsFile image) {
        boolean pk = false;
        boolean disabled = false;
        for (VarsFile.Variable v : image.variables()) {
            if (v.state() != VariableStore.VAR_ADDED) {
                continue;
            }
            if (v.name().equals("PK") && v.vendor().equals(GLOBAL) && v.data().length > 0) {
                pk = true;
            }
            if (v.name().equals("SecureBootEnable") && v.vendor().equals(SECURE_BOOT_ENABLE_DISABLE)
                    && v.data().length == 1 && v.data()[0] == 0) {
                disabled = true;
            }
        }
        return pk && !disabled;
    }

    @Override
    public String toString() {
        return "\"" + name + "\" (" + file + ")";
    }
}
