package hil.simulator.store;

import java.util.Arrays;

/** A store in RAM (the volatile store): plain copies, a new record written in one copy with State 0x3F. */
final class RamMedium implements StoreMedium {

    private final byte[] bytes;

    RamMedium(int size) {
        bytes = new byte[size];
        Arrays.fill(bytes, (byte) 0xFF);
    }

    @Override
    public byte[] bytes() {
        return bytes;
    }

    @Override
    public int base() {
        return 0;
    }

    @Override
    public void write(int offset, byte[] data) {
        System.arraycopy(data, 0, bytes, offset, data.length);
    }

    @Override
    public void appendRecord(int offset, byte[] record, int headerSize) {
        System.arraycopy(record, 0, bytes, offset, record.length);
        bytes[offset + 2] = (byte) VariableStore.VAR_ADDED;
    }

    @Override
    public void rewrite(byte[] image) {
        Arrays.fill(bytes, (byte) 0xFF);
        System.arraycopy(image, 0, bytes, 0, image.length);
    }
}
