/**
 * Linux pseudo-terminals through JNA: {@link hil.transports.pty.PseudoTerminal} stands in for a board's serial
 * line in tests (as QEMU's {@code -serial pty} does), and {@link hil.transports.pty.Libc} holds the few C library
 * calls the pty and serial code need ({@code open}, {@code ioctl}, {@code poll}, termios).
 */
package hil.transports.pty;
