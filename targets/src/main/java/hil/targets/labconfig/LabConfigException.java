package hil.targets.labconfig;

import hil.targets.HilException;

/**
 * The lab-config directory or one of its files is wrong. The message is one line that names the file and line,
 * the key, what is wrong and what is accepted, e.g.
 * {@code lab-config/simulator.yaml:6: settings.profil: unknown key (accepted: profile)}.
 */
public final class LabConfigException extends HilException {

    public LabConfigException(String message) {
        super(message);
    }
}
