/**
 * The UEFI Shell driven over a console: prompt detection through the startup countdown, commands framed by
 * split markers with their {@code %lasterror%}, command-line builders for {@code setvar}/{@code dmpstore}, and
 * parsers for their output.
 */
package hil.transports.shell;
