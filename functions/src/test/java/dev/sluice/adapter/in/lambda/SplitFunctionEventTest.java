package dev.sluice.adapter.in.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.application.split.S3ObjectEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SplitFunctionEventTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void readsTheObjectFromARealS3NotificationInsideAnSqsEvent() throws Exception {
        String body = json.readTree(Files.readString(Path.of("../events/sqs-ingest-s3-event.json")))
                .path("Records").get(0).path("body").asText();
        List<S3ObjectEvent> objects = SplitFunction.parse(json, body);
        assertEquals(1, objects.size());
        S3ObjectEvent object = objects.get(0);
        assertEquals("sluice-uploads-123456789012", object.bucket());
        assertEquals("drop/acme/2026-11/Campaign report (EU).csv", object.key(), "'+' is a space, %28 a parenthesis");
        assertEquals(1024, object.size());
        assertEquals("0065F1E3A4B1C2D3E4", object.sequencer());
    }

    @Test
    void ignoresTheTestEventS3SendsWhenNotificationsAreConfigured() {
        String testEvent = "{\"Service\":\"Amazon S3\",\"Event\":\"s3:TestEvent\",\"Time\":\"2026-11-22T10:00:00.000Z\","
                + "\"Bucket\":\"sluice-uploads\",\"RequestId\":\"5582815E1AEA5ADF\",\"HostId\":\"8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE\"}";
        assertTrue(SplitFunction.parse(json, testEvent).isEmpty());
    }
}
