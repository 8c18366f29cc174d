package hil.reports.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;

/**
 * Encodes observations for transport through Cucumber attachments. Step definitions attach each observation
 * with {@link #MEDIA_TYPE}; the recording plugin decodes it and files it under the running step.
 */
public final class ObservationCodec {

    /** Media type of an attached observation. */
    public static final String MEDIA_TYPE = "application/vnd.hil.observation+json";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ObservationCodec() {
    }

    public static byte[] encode(Observation observation) {
        try {
            return MAPPER.writeValueAsBytes(observation);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("observation cannot be encoded: " + observation, e);
        }
    }

    public static Observation decode(byte[] json) {
        try {
            return MAPPER.readValue(json, Observation.class);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not an observation: " + new String(json, StandardCharsets.UTF_8), e);
        }
    }
}
