/**
 * Consoles: a byte stream pair with a reader thread that records everything from the first byte, a cleaned
 * (escape-free) transcript, an expect engine with deadlines and fail-fast patterns, and fan-out to listeners.
 */
package hil.transports.console;
