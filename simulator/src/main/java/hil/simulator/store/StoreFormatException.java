package hil.simulator.store;

/** A variable store image that cannot be used: wrong signature, unformatted, sizes out of range. */
public final class StoreFormatException extends RuntimeException {

    public StoreFormatException(String message) {
        super(message);
    }
}
