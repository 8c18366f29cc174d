package hil.transports.shell;

/**
 * What a Shell command printed and the Shell's {@code %lasterror%} after it.
 *
 * @param output    the command's output as cleaned text, without the echoed command line, without pager
 *                  prompts and without the final line end
 * @param lastError the Shell's {@code %lasterror%} after the command: the SHELL_STATUS it returned, e.g. 0 for
 *                  SHELL_SUCCESS, 0xE for SHELL_NOT_FOUND; EFI-style values with the high bit set are kept as
 *                  the unsigned 64-bit pattern. The Shell's {@code echo} and {@code set} leave it unchanged, so
 *                  after them it is the status of the command before.
 */
public record ShellResult(String output, long lastError) {

    public boolean succeeded() {
        return lastError == 0;
    }

    /** {@code %lasterror%} as the Shell prints it, e.g. {@code 0x0} or {@code 0x800000000000000E}. */
    public String lastErrorHex() {
        return "0x" + Long.toHexString(lastError).toUpperCase(java.util.Locale.ROOT);
    }
}
