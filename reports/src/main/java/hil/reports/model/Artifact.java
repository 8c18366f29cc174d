package hil.reports.model;

import java.util.Objects;

/**
 * Evidence a target attached to a scenario: a console transcript, a screenshot.
 *
 * @param name      the name the target gave it, e.g. {@code console}
 * @param mediaType its media type, e.g. {@code text/plain}, {@code image/png}
 * @param file      where its bytes are: relative to the results directory in {@code results.json}, absolute once
 *                  read back
 */
public record Artifact(String name, String mediaType, String file) {

    public Artifact {
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(file, "file");
    }

    /** The same artifact with its file at another place. */
    public Artifact withFile(String newFile) {
        return new Artifact(name, mediaType, newFile);
    }
}
