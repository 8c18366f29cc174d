/**
 * Local serial consoles: {@link hil.transports.serial.SerialConsoles} opens a UART, USB-UART or pty slave with
 * jSerialComm (DTR and RTS low, retried while the device is absent, refused at once while someone else holds it),
 * holds it in exclusive mode and returns a {@link hil.transports.console.Console} on it.
 */
package hil.transports.serial;
