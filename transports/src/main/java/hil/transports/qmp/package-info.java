/**
 * The QEMU Machine Protocol client: one socket, JSON lines, commands with unique ids answered by a reader thread,
 * and asynchronous events recorded from connection on.
 */
package hil.transports.qmp;
