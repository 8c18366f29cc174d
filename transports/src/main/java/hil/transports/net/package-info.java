/**
 * Consoles on network console servers (telnet and raw TCP ports of ser2net, terminal servers, QEMU chardev
 * sockets), connected with retry and backoff while the server is not there yet.
 */
package hil.transports.net;
