package dev.sluice.adapter.in.lambda;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The real event JSON in {@code events/} as the Java types handlers receive. Lambda's Java runtime maps the JSON's
 * names ({@code Records}, {@code NewImage}, {@code S}) onto the beans' properties regardless of case; so does this.
 */
final class EventFixtures {
    private static final ObjectMapper EVENTS = JsonMapper.builder()
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private EventFixtures() {
    }

    static <T> T read(String fileName, Class<T> type) {
        try {
            return EVENTS.readValue(Path.of("..", "events", fileName).toFile(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("events/" + fileName + " is not a " + type.getSimpleName(), e);
        }
    }
}
