package hil.simulator.platform;

/**
 * How far the variable stack has started in the DXE phase (reference 5.1, 5.2, 5.7). A normal boot runs to
 * {@link #WRITE_READY}; a machine can also be stopped earlier and moved on step by step.
 */
public enum StartUpStage {
    /**
     * The SMM variable driver has not announced itself yet: gRT's variable services are still the DXE core's
     * placeholders, which return EFI_NOT_AVAILABLE_YET.
     */
    DXE_CORE,
    /**
     * gEfiSmmVariableProtocolGuid is in the DXE database: the DXE wrapper has replaced the gRT variable services and
     * installed gEfiVariableArchProtocolGuid. Non-volatile writes return EFI_NOT_AVAILABLE_YET until the write
     * service is up.
     */
    VARIABLE_READY,
    /** gSmmVariableWriteGuid is installed and the wrapper has installed gEfiVariableWriteArchProtocolGuid. */
    WRITE_READY
}
