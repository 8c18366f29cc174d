package hil.steps;

import hil.simulator.uefi.Bytes;

/** A {@code {data}} value: the bytes and how the step wrote them. */
record DataSpec(byte[] bytes, String text) {

    @Override
    public String toString() {
        return text + " (" + bytes.length + " bytes: " + preview() + ")";
    }

    String preview() {
        String hex = Bytes.hex(bytes);
        return hex.length() > 64 ? hex.substring(0, 64) + "…" : hex.isEmpty() ? "empty" : hex;
    }
}
