package hil.cli;

import hil.targets.HilException;

/**
 * The user asked for something that cannot be run: an unknown target, a missing path, a feature that does not
 * parse, an invalid tag expression. {@code hil} prints the message as one line and exits with status 2.
 */
final class BadInputException extends HilException {

    BadInputException(String message) {
        super(message);
    }
}
