package dev.sluice.adapter.in.lambda.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.rerun.RerunRun;
import dev.sluice.domain.transform.Transforms;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A re-run takes the same mapping an upload does, transformations and calculated columns included. */
class RerunBinderTest {
    private final RerunBinder binder = new RerunBinder(new RequestBinder(new ObjectMapper()));

    private RerunRun.Request bind(String body) {
        return binder.request(new ApiRequest("POST", "/api/runs/r-1/rerun", Map.of(), body, false, "req-1",
                Optional.empty()));
    }

    @Test
    void noBodyKeepsTheOldRequest() {
        RerunRun.Request request = bind(null);
        assertTrue(request.mapping().isEmpty());
        assertNull(request.settings());
    }

    @Test
    void transformationsAndCalculatedColumnsTravelWithTheNewMapping() {
        RerunRun.Request request = bind("{\"mapping\": {\"date\": \"Day\", "
                + "\"campaign\": {\"column\": \"Campaign\", \"transform\": [\"trim\", \"upper\"]}, "
                + "\"spend\": {\"expression\": \"cost * 1.2\"}, "
                + "\"calculated\": {\"label\": \"concat(campaign, '-', channel)\"}}}");
        assertEquals("Day", request.mapping().get("date"));
        assertEquals("Campaign", request.mapping().get("campaign"));
        assertFalse(request.mapping().containsKey("spend"), "a calculated field names no header");
        Transforms transforms = Transforms.decode(request.mapping().get(Transforms.REQUESTED_KEY));
        assertEquals(Transforms.decode(transforms.encode()).encode(), transforms.encode());
        assertTrue(transforms.encode().contains("upper"), transforms.encode());
        assertTrue(transforms.encode().contains("cost * 1.2"), transforms.encode());
        assertTrue(transforms.encode().contains("concat(campaign, '-', channel)"), transforms.encode());
    }

    @Test
    void aBrokenExpressionIsA400BeforeAnythingRuns() {
        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> bind("{\"mapping\": {\"spend\": {\"expression\": \"cost * (1.2\"}}}"));
        assertEquals(400, refused.httpStatus());
        assertEquals("INVALID_EXPRESSION", refused.code());
    }

    @Test
    void aPlainHeaderMappingIsKeptAsItWas() {
        assertEquals(Map.of("date", "Date", "spend", "Spend"),
                bind("{\"mapping\": {\"date\": \"Date\", \"spend\": \"Spend\"}}").mapping());
    }
}
