package dev.sluice.adapter.in.lambda.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.upload.UploadRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** JSON bodies and query parameters into commands, with 400s that name the field. */
class RequestBinderTest {
    private static final Caller ALICE = new Caller("alice", false);
    private final RequestBinder binder = new RequestBinder(new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(4).build()).build()));

    private static ApiRequest post(String body) {
        return new ApiRequest("POST", "/api/uploads", Map.of(), body, false, "req-1", Optional.empty());
    }

    private static ApiRequest get(Map<String, String> query) {
        return new ApiRequest("GET", "/api/runs", query, null, false, "req-1", Optional.empty());
    }

    private InvalidRequestException refused(String body) {
        return assertThrows(InvalidRequestException.class, () -> binder.upload(post(body), ALICE));
    }

    @Test
    void anUploadBodyBecomesTheCallersUploadRequest() {
        UploadRequest request = binder.upload(post("{\"fileName\": \"march.csv\", \"contentLength\": 2048, "
                + "\"datasetId\": \"spring\", \"mapping\": {\"spend\": \"Cost\"}}"), ALICE);
        assertEquals(new UploadRequest("alice", "spring", "march.csv", 2048, "text/csv", Map.of("spend", "Cost")),
                request);
    }

    @Test
    void aBase64BodyIsDecodedFirst() {
        String body = Base64.getEncoder().encodeToString(
                "{\"fileName\":\"m.csv\",\"contentLength\":1}".getBytes(StandardCharsets.UTF_8));
        ApiRequest request = new ApiRequest("POST", "/api/uploads", Map.of(), body, true, "r", Optional.empty());
        assertEquals("m.csv", binder.upload(request, ALICE).fileName());
    }

    @Test
    void eachBadFieldIsA400ThatNamesIt() {
        Map<String, String> cases = Map.of(
                "{\"contentLength\": 10}", "'fileName' is required",
                "{\"fileName\": \"a.csv\"}", "'contentLength' is required: the file size in bytes",
                "{\"fileName\": \"a.csv\", \"contentLength\": \"10\"}", "'contentLength' must be a whole number",
                "{\"fileName\": \"a.csv\", \"contentLength\": 1.5}", "'contentLength' must be a whole number",
                "{\"fileName\": 7, \"contentLength\": 10}", "'fileName' must be a string",
                "{\"fileName\": \"a.csv\", \"contentLength\": 10, \"mapping\": [1]}", "'mapping' must be an object",
                "{\"fileName\": \"a.csv\", \"contentLength\": 10, \"mapping\": {\"spend\": 3}}",
                "'mapping' value for 'spend' must be a header name");
        cases.forEach((body, message) -> {
            InvalidRequestException e = refused(body);
            assertEquals(400, e.httpStatus(), body);
            assertEquals("INVALID_REQUEST", e.code(), body);
            assertTrue(e.getMessage().startsWith(message), body + " -> " + e.getMessage());
        });
    }

    @Test
    void aBodyThatIsNotAJsonObjectSaysWhereWithoutQuotingTheParser() {
        assertEquals("The request needs a JSON body", refused("").getMessage());
        assertEquals("The request body must be a JSON object", refused("[1]").getMessage());
        InvalidRequestException broken = refused("{\n\"fileName\": }");
        assertEquals("The request body is not valid JSON (line 2, column 13)", broken.getMessage());
        assertEquals("JSON_TOO_COMPLEX", refused("{\"a\":[[[[[1]]]]]}").code());
    }

    @Test
    void aBodyOverTheLimitIs413() {
        InvalidRequestException e = refused("{\"fileName\": \"" + "a".repeat(RequestBinder.MAX_BODY_CHARS) + "\"}");
        assertEquals(413, e.httpStatus());
        assertEquals("REQUEST_TOO_LARGE", e.code());
    }

    @Test
    void thePageLimitIsAWholeNumberFromOneToAThousand() {
        assertEquals(RequestBinder.DEFAULT_PAGE, binder.pageLimit(get(Map.of())));
        assertEquals(7, binder.pageLimit(get(Map.of("limit", "7"))));
        assertEquals(1000, binder.pageLimit(get(Map.of("limit", "1000"))));
        for (String bad : new String[] {"0", "1001", "ten", "", "-1"}) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class,
                    () -> binder.pageLimit(get(Map.of("limit", bad))));
            assertEquals("'limit' must be a whole number from 1 to 1000", e.getMessage());
        }
    }

    @Test
    void cursorsRoundTripAndAForeignOneIsA400NamingTheCursor() {
        assertEquals(42, Cursors.recordsAfter(Cursors.encode("42")));
        assertEquals(0, Cursors.recordsAfter(null));
        var error = Cursors.errorsAfter(Cursors.encode("42.3"));
        assertEquals(42, error.recordNo());
        assertEquals(3, error.seq());
        for (String foreign : new String[] {"!!", Cursors.encode("x"), Cursors.encode("1.2.3"), Cursors.encode("1")}) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> {
                Cursors.recordsAfter(foreign);
                Cursors.errorsAfter(foreign);
            }, foreign);
            assertEquals("'cursor' is not a cursor returned by this endpoint", e.getMessage());
        }
    }
}
