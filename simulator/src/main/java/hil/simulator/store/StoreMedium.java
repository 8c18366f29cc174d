package hil.simulator.store;

/**
 * The memory a variable store lives in: NOR flash for the non-volatile store, RAM for the volatile one. Offsets
 * are relative to the store header.
 */
interface StoreMedium {

    /** Current bytes, read-only by convention. Index 0 is the first byte of the store header. */
    byte[] bytes();

    /** Offset of the store header inside {@link #bytes()}. */
    int base();

    /** Writes bytes in place: on flash a program operation (bits only clear). */
    void write(int offset, byte[] data);

    /** Replaces the whole store region with {@code image} (store header included). */
    void rewrite(byte[] image);

    /** Whether two-step commits are used (record with State 0xFF, then the State byte), as on real flash. */
    boolean twoStepCommit();
}
