/**
 * A small read-only TFTP server (RFC 1350 with the option extensions of RFC 2347, 2348, 2349 and 7440) that
 * serves the UEFI agent and boot images to boards whose UEFI Shell fetches them with {@code tftp}. Built on the
 * packet classes of Apache Commons Net; see {@link hil.transports.tftp.TftpServer}.
 */
package hil.transports.tftp;
