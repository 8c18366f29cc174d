package hil.simulator.auth;

import hil.simulator.uefi.EfiGuid;
import hil.simulator.uefi.EfiStatus;

/**
 * What the variable core lends AuthVariableLib (EDK II AUTH_VAR_LIB_CONTEXT_IN): lookup, the core's UpdateVariable,
 * the runtime flag and the size limits. Names are NUL-terminated CHAR16 byte arrays, as in the core.
 */
public interface AuthVariableContext {

    /** A variable as FindVariable returns it: stored attributes, data and the header's TimeStamp (16 bytes). */
    record Variable(int attributes, byte[] data, byte[] timeStamp) {
    }

    /**
     * FindVariable (VariableExLibFindVariable): the live copy, or null. Non-RT variables are invisible at runtime,
     * as for any caller of FindVariable without IgnoreRtCheck.
     */
    Variable find(byte[] name, EfiGuid vendor);

    /**
     * UpdateVariable (VariableExLibUpdateVariable): the core's decision table on the live copy — delete, rewrite,
     * APPEND merge, create. With {@code timeStamp} (AT writes) the record carries it (APPEND keeps the later of the
     * old and the new one) and an identical rewrite is not skipped.
     */
    EfiStatus update(byte[] name, EfiGuid vendor, byte[] data, int attributes, byte[] timeStamp);

    /**
     * UpdatePlatformMode's "simple mem copy": overwrites the first data byte of an existing variable in place, so
     * that SetupMode changes even at runtime, when the volatile store is otherwise read-only.
     *
     * @return false when the variable does not exist
     */
    boolean overwriteFirstByte(byte[] name, EfiGuid vendor, byte value);

    /** AtRuntime(): ExitBootServices has happened. */
    boolean atRuntime();

    /** MaxAuthVariableSize as the library gets it: the core's limit minus the variable header. */
    long maxAuthVariableSize();

    /**
     * VarCheckLibVariablePropertySet for the library's own variables (AUTH_VAR_LIB_CONTEXT_OUT.AuthVarEntry), which
     * the core registers right after the library's initialisation.
     */
    void setProperty(byte[] name, EfiGuid vendor, int property, int attributes, long minSize, long maxSize);
}
