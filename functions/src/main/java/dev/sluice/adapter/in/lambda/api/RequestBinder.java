package dev.sluice.adapter.in.lambda.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.identity.Caller;
import dev.sluice.adapter.wire.TransformsJson;
import dev.sluice.application.upload.UploadRequest;
import dev.sluice.domain.transform.Transforms;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns requests into the commands and parameters of the use cases: every problem is a 400 (or 413) whose message
 * names the field and says what it must be. The commands check their own values when built.
 */
public final class RequestBinder {
    /**
     * The largest request body read (API Gateway passes up to 10 MB): an upload request is a few hundred characters,
     * and a deeply nested body is still refused for its depth (400) rather than its size.
     */
    public static final int MAX_BODY_CHARS = 1024 * 1024;
    public static final int DEFAULT_PAGE = 100;
    public static final int MAX_PAGE = 1000;

    private final ObjectMapper json;

    public RequestBinder(ObjectMapper json) {
        this.json = json;
    }

    /** POST /api/uploads: the caller's upload request. */
    public UploadRequest upload(ApiRequest request, Caller caller) {
        JsonNode body = jsonBody(request);
        JsonNode allowDuplicate = body.path("allowDuplicate");
        if (!allowDuplicate.isMissingNode() && !allowDuplicate.isNull() && !allowDuplicate.isBoolean()) {
            throw InvalidRequestException.badField("allowDuplicate", "must be true or false");
        }
        return new UploadRequest(caller.owner(), text(body, "datasetId"), text(body, "fileName"),
                byteCount(body, "contentLength"), text(body, "contentType"), mapping(body), text(body, "sha256"),
                allowDuplicate.asBoolean(false));
    }

    /** The optional {@code {"parts": [{"partNumber", "etag"}]}} of complete; no body means "ask S3". */
    public Map<Integer, String> claimedParts(ApiRequest request) {
        Map<Integer, String> claimed = new TreeMap<>();
        if (request.body() == null || request.body().isBlank()) {
            return claimed;
        }
        for (JsonNode part : jsonBody(request).path("parts")) {
            if (!part.path("partNumber").isInt() || !part.path("etag").isTextual()) {
                throw InvalidRequestException.badField("parts", "must be [{\"partNumber\": 1, \"etag\": \"...\"}]");
            }
            claimed.put(part.get("partNumber").asInt(), part.get("etag").asText());
        }
        return claimed;
    }

    /** {@code ?limit=}: how many items a page holds. */
    public int pageLimit(ApiRequest request) {
        String value = request.query("limit");
        if (value == null) {
            return DEFAULT_PAGE;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_PAGE) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the error below
        }
        throw InvalidRequestException.badField("limit", "must be a whole number from 1 to " + MAX_PAGE);
    }

    /** The body as a JSON object. */
    public JsonNode jsonBody(ApiRequest request) {
        String body = request.body();
        if (body == null || body.isBlank()) {
            throw new InvalidRequestException("INVALID_REQUEST", 400, "The request needs a JSON body");
        }
        if (request.base64()) {
            try {
                body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("INVALID_REQUEST", 400, "The request body is not valid JSON");
            }
        }
        if (body.length() > MAX_BODY_CHARS) {
            throw new InvalidRequestException("REQUEST_TOO_LARGE", 413, String.format(Locale.ROOT,
                    "The request body is %,d characters; the most this API accepts is %,d", body.length(),
                    MAX_BODY_CHARS));
        }
        try {
            JsonNode node = json.readTree(body);
            if (node == null || !node.isObject()) {
                throw new InvalidRequestException("INVALID_REQUEST", 400, "The request body must be a JSON object");
            }
            return node;
        } catch (StreamConstraintsException e) {
            StreamReadConstraints limits = json.getFactory().streamReadConstraints();
            throw new InvalidRequestException("JSON_TOO_COMPLEX", 400, "The request body exceeds a JSON limit: "
                    + "at most " + limits.getMaxNestingDepth() + " levels of nested objects and arrays, and strings "
                    + "of at most " + limits.getMaxStringLength() + " characters; send a flat object such as "
                    + "{\"fileName\": \"march.csv\", \"contentLength\": 12345}");
        } catch (JsonProcessingException e) {
            // The location only: Jackson's own message quotes the body and names its classes.
            JsonLocation at = e.getLocation();
            throw new InvalidRequestException("INVALID_REQUEST", 400, "The request body is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
    }

    /**
     * {@code {field: header}}, where an entry may also transform its column or be calculated ({@link TransformsJson});
     * the transformations travel in the same map under {@link Transforms#REQUESTED_KEY}, and the request checks them.
     */
    private static Map<String, String> mapping(JsonNode body) {
        Map<String, String> mapping = new LinkedHashMap<>();
        TransformsJson.RequestMapping read = requestMapping(body.path("mapping"));
        mapping.putAll(read.columns());
        if (!read.transforms().isEmpty()) {
            mapping.put(Transforms.REQUESTED_KEY, read.transforms().encode());
        }
        return mapping;
    }

    /** A mapping with transformations, its shape checked (its expressions are not parsed yet). */
    public static TransformsJson.RequestMapping requestMapping(JsonNode node) {
        try {
            return TransformsJson.readRequest(node);
        } catch (IllegalArgumentException e) {
            throw InvalidRequestException.badField("mapping", e.getMessage());
        }
    }

    /** A JSON integer; one beyond a long is more than any upload limit, and is reported as too large. */
    static long byteCount(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw InvalidRequestException.badField(field, "is required: the file size in bytes");
        }
        if (!value.isIntegralNumber()) {
            throw InvalidRequestException.badField(field, "must be a whole number of bytes, such as 12345");
        }
        return value.canConvertToLong() ? value.asLong() : Long.MAX_VALUE;
    }

    /** An optional string field: absent and null are both null. */
    static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw InvalidRequestException.badField(field, "must be a string");
        }
        return value.asText();
    }

    /**
     * Refuses a field the request does not have (400 naming it and listing the fields it has): a misspelt optional
     * field would otherwise be ignored, and its default taken without a word ({@code "reveiw": true} publishing
     * without review).
     *
     * @param prefix the path of {@code node} in the body, for the name in the message ({@code "settings."}, or empty)
     */
    static void refuseUnknownFields(JsonNode node, Set<String> known, String prefix) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!known.contains(name)) {
                throw InvalidRequestException.badField(prefix + name, "is not a field of this request; use "
                        + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }
}
