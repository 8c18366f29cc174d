package hil.transports.qmp;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * An asynchronous QMP event, e.g. {@code SHUTDOWN} with data {@code {"guest":false,"reason":"host-qmp-quit"}}.
 *
 * @param name      the {@code event} member
 * @param data      the {@code data} member, an empty object when the event has none
 * @param timestamp QEMU's own {@code timestamp} (host clock at emission), or the time of receipt if absent
 */
public record QmpEvent(String name, JsonNode data, Instant timestamp) {
}
