package hil.targets.qemu;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One write QEMU's CFI flash model ({@code cfi.pflash01}) made to the variable flash, as its trace events report
 * it: a programmed datum ({@code pflash_data_write}) or an erased sector ({@code pflash_write_block_erase}). QEMU
 * traces both before it changes its copy of the flash and writes the changed sector to the flash file, so the
 * trace lines that arrived are the writes that may have reached the file, in order.
 *
 * <p>OVMF's flash driver (QemuFlashFvbServicesRuntimeDxe) programs one byte per command, so a variable write is
 * one {@code pflash_data_write} per byte of each FVB write, and a block erase one {@code pflash_write_block_erase}
 * per 4 KiB sector.
 *
 * @param erase  whether a sector was erased (set to 0xFF)
 * @param offset the first byte, from the start of the flash device (= the flash file)
 * @param length the bytes programmed (1, 2 or 4) or erased
 * @param value  the programmed value, little-endian; unused for an erase
 */
record FlashWrite(boolean erase, long offset, int length, long value) {

    /** The QEMU id of the variable flash: unit 1 of {@code -drive if=pflash} (unit 0 is the code, read-only). */
    static final String VARS_FLASH = "system.flash1";
    /** The trace events to enable while a power cut is armed. */
    static final List<String> EVENTS = List.of("pflash_data_write", "pflash_write_block_erase");

    // The log backend's formats in QEMU 7.2; a "pid@seconds.micros:" prefix appears with -msg timestamp=on.
    private static final Pattern DATA = Pattern.compile(
            "^(?:\\d+@[\\d.]+:)?pflash_data_write (\\S+): data offset:0x([0-9a-fA-F]+) size:(\\d+) value:0x([0-9a-fA-F]+)");
    private static final Pattern ERASE = Pattern.compile(
            "^(?:\\d+@[\\d.]+:)?pflash_write_block_erase (\\S+): block erase offset:0x([0-9a-fA-F]+) bytes:0x([0-9a-fA-F]+)");

    /** Whether {@code line} is one of the flash trace events (of any flash device). */
    static boolean isTrace(String line) {
        return line.contains("pflash_data_write ") || line.contains("pflash_write_block_erase ");
    }

    /** The write a trace line reports, when it is a write to the variable flash. */
    static Optional<FlashWrite> parse(String line) {
        Matcher d = DATA.matcher(line);
        if (d.find()) {
            return VARS_FLASH.equals(d.group(1)) ? Optional.of(new FlashWrite(false, Long.parseLong(d.group(2), 16),
                    Integer.parseInt(d.group(3)), Long.parseLong(d.group(4), 16))) : Optional.empty();
        }
        Matcher e = ERASE.matcher(line);
        if (e.find()) {
            return VARS_FLASH.equals(e.group(1)) ? Optional.of(new FlashWrite(true, Long.parseLong(e.group(2), 16),
                    (int) Long.parseLong(e.group(3), 16), 0xFF)) : Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * Applies this write to a flash image as QEMU's model does: a program stores the value (the model does not AND
     * it with the old content; OVMF programs only erased bytes and state bytes whose new value clears bits), an
     * erase fills the sector with 0xFF.
     */
    void applyTo(byte[] image) {
        if (offset < 0 || offset + length > image.length) {
            throw new IllegalArgumentException("a traced flash write at 0x" + Long.toHexString(offset) + " (+" + length
                    + ") lies outside the " + image.length + "-byte flash file");
        }
        for (int i = 0; i < length; i++) {
            image[(int) offset + i] = erase ? (byte) 0xFF : (byte) (value >>> (8 * i));
        }
    }

    /** Applies the first {@code count} of {@code writes} to a copy of {@code before}. */
    static byte[] replay(byte[] before, List<FlashWrite> writes, int count) {
        byte[] image = before.clone();
        for (FlashWrite w : writes.subList(0, count)) {
            w.applyTo(image);
        }
        return image;
    }

    @Override
    public String toString() {
        return erase ? "erase of 0x" + Long.toHexString(offset) + " (+0x" + Integer.toHexString(length) + ")"
                : "0x" + Long.toHexString(value) + " at 0x" + Long.toHexString(offset);
    }
}
