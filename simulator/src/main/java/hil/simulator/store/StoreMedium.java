package hil.simulator.store;

/**
 * The memory a variable store lives in: NOR flash for the non-volatile store, RAM for the volatile one. Offsets
 * are relative to the store header.
 */
interface StoreMedium {

    /** Current bytes, read-only by convention. Index {@link #base()} is the first byte of the store header. */
    byte[] bytes();

    /** Offset of the store header inside {@link #bytes()}. */
    int base();

    /** Writes bytes in place: on flash one program operation per block touched (bits only clear). */
    void write(int offset, byte[] data);

    /**
     * Writes a new record at {@code offset} the way this medium's writer does and leaves it with State 0x3F.
     *
     * @param record     header, name and data, State 0xFF
     * @param headerSize size of the record's header
     */
    void appendRecord(int offset, byte[] record, int headerSize);

    /** Replaces the whole store (store header included) with {@code image}. */
    void rewrite(byte[] image);
}
