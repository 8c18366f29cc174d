/**
 * Byte streams and protocols between the orchestrator and real targets: serial lines, telnet console servers,
 * pseudo-terminals, QMP, TFTP, the console expect engine and the UEFI Shell driver. Targets use these; step
 * definitions never do.
 */
package hil.transports;
