package hil.targets.board;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A board's {@code console} setting: {@code serial:DEVICE}, {@code telnet:HOST:PORT} or {@code tcp:HOST:PORT}.
 *
 * @param type   serial, telnet or tcp
 * @param device the serial device path (serial)
 * @param host   the console server (telnet, tcp)
 * @param port   its TCP port (telnet, tcp)
 */
record ConsoleAddress(Type type, String device, String host, int port) {

    enum Type { SERIAL, TELNET, TCP }

    /** Stands for the board's private state directory in a serial path (a pseudo-terminal link its power-on makes). */
    static final String STATE_DIR = "${HIL_STATE_DIR}";

    private static final Pattern NETWORK = Pattern.compile("(telnet|tcp):(\\[[0-9A-Fa-f:.]+]|[^:\\s\\[\\]]+):(\\d{1,5})");

    /** Parses the setting; the message of the exception says what is accepted. */
    static ConsoleAddress parse(String text) {
        String value = text == null ? "" : text.strip();
        if (value.startsWith("serial:")) {
            String device = value.substring("serial:".length());
            if (device.isBlank() || !(device.startsWith("/") || device.startsWith(STATE_DIR + "/"))) {
                throw new IllegalArgumentException("'" + value + "': serial: needs an absolute device path, such as"
                        + " serial:/dev/serial/by-id/usb-FTDI_…-if00-port0, or one in the board's state directory,"
                        + " serial:" + STATE_DIR + "/console");
            }
            return new ConsoleAddress(Type.SERIAL, device, null, 0);
        }
        Matcher m = NETWORK.matcher(value);
        if (m.matches()) {
            int port = Integer.parseInt(m.group(3));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("'" + value + "': port " + port + " is not a TCP port (1 to 65535)");
            }
            String host = m.group(2).startsWith("[") ? m.group(2).substring(1, m.group(2).length() - 1) : m.group(2);
            return new ConsoleAddress("telnet".equals(m.group(1)) ? Type.TELNET : Type.TCP, null, host, port);
        }
        throw new IllegalArgumentException("'" + value + "' is not a console (accepted: serial:/dev/ttyUSB0,"
                + " telnet:HOST:PORT for a console server speaking telnet, tcp:HOST:PORT for a raw TCP port)");
    }

    /** The address with {@code ${HIL_STATE_DIR}} replaced by the board's state directory. */
    ConsoleAddress in(java.nio.file.Path stateDir) {
        return device == null || !device.contains(STATE_DIR) ? this
                : new ConsoleAddress(type, device.replace(STATE_DIR, stateDir.toString()), host, port);
    }

    @Override
    public String toString() {
        return switch (type) {
            case SERIAL -> "serial:" + device;
            case TELNET -> "telnet:" + host + ":" + port;
            case TCP -> "tcp:" + host + ":" + port;
        };
    }
}
