package hil.simulator.store;

import java.util.Locale;

/**
 * An {@code OVMF_VARS.fd}-compatible file failed one of the checks the firmware makes: which {@link Field}, at which
 * file offset, and the value found there.
 */
public final class VarsFileException extends RuntimeException {

    /** The field whose check failed. */
    public enum Field {
        FILE_SIZE("file size"),
        FV_ZERO_VECTOR("FV header ZeroVector"),
        FV_FILE_SYSTEM_GUID("FV header FileSystemGuid"),
        FV_LENGTH("FV header FvLength"),
        FV_SIGNATURE("FV header Signature"),
        FV_ATTRIBUTES("FV header Attributes"),
        FV_HEADER_LENGTH("FV header HeaderLength"),
        FV_CHECKSUM("FV header Checksum"),
        FV_REVISION("FV header Revision"),
        FV_BLOCK_MAP("FV header BlockMap"),
        STORE_SIGNATURE("variable store Signature"),
        STORE_SIZE("variable store Size"),
        STORE_FORMAT("variable store Format"),
        STORE_STATE("variable store State"),
        RECORD_SIZE("variable record NameSize + DataSize"),
        PROFILE("flash geometry");

        private final String label;

        Field(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final String source;
    private final Field field;
    private final long offset;
    private final String value;

    VarsFileException(String source, Field field, long offset, String value, String expected) {
        super(String.format(Locale.ROOT, "%s: %s at offset 0x%X is %s, expected %s; use an OVMF_VARS.fd built for "
                + "this firmware, or a copy the firmware itself wrote", source, field.label(), offset, value, expected));
        this.source = source;
        this.field = field;
        this.offset = offset;
        this.value = value;
    }

    /** The file (or image) the check ran on. */
    public String source() {
        return source;
    }

    public Field field() {
        return field;
    }

    /** File offset of the field. */
    public long offset() {
        return offset;
    }

    /** The value found, as text (hex for numbers, registry format for GUIDs). */
    public String value() {
        return value;
    }
}
