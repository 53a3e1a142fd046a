package dev.sluice.adapter.in.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.port.RecordRepository;
import dev.sluice.application.port.RecordRepository.ErrorCursor;
import dev.sluice.application.port.RecordRepository.Page;
import dev.sluice.application.port.RecordRepository.StoredError;
import dev.sluice.application.port.RecordRepository.StoredRecord;
import dev.sluice.application.port.RunRepository;
import dev.sluice.application.upload.CreateUpload;
import dev.sluice.application.upload.FinishUpload;
import dev.sluice.application.upload.UploadRequest;
import dev.sluice.config.Components;
import dev.sluice.config.Settings;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP API (payload format 2.0), every route under /api. Errors are {@code {"error":{"code","message"}}} with the
 * matching status; internal failures are logged with the request id and answered with a generic message.
 */
public final class ApiFunction implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private static final Logger LOG = LoggerFactory.getLogger(ApiFunction.class);
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9_.@:-]{1,128}");
    private static final int DEFAULT_PAGE = 100;
    static final Duration STALLED_AFTER = Duration.ofMinutes(15);
    /** LoadFunction's timeout in template.yaml: no delivery of a chunk is still running after this long. */
    static final Duration LOAD_TIMEOUT = Duration.ofSeconds(120);
    private static final int MAX_PAGE = 1000;
    /**
     * The largest request body read (API Gateway passes up to 10 MB): an upload request is a few hundred characters,
     * and a deeply nested body is still refused for its depth (400) rather than its size.
     */
    static final int MAX_BODY_CHARS = 1024 * 1024;
    /**
     * Without an authorizer every caller is one user: on the local runtime the laptop's owner, who may see every
     * run (partner drops included); on AWS before Cognito is configured, an anonymous user who sees only its own.
     */
    static final String LOCAL_OWNER = "local";
    static final String ANONYMOUS_OWNER = "anonymous";

    private final CreateUpload createUpload;
    private final FinishUpload finishUpload;
    private final RunRepository runs;
    private final RecordRepository records;
    private final ObjectMapper json;
    private final boolean localRuntime;
    /** Held so the SnapStart hook (weakly referenced by CRaC) lives as long as the handler. */
    private final SnapStartPriming priming;
    private final Duration chunkVisibilityTimeout;

    public ApiFunction() {
        this(new Components(Settings.fromEnvironment(System.getenv())));
    }

    public ApiFunction(Components components) {
        this.createUpload = components.createUpload();
        this.finishUpload = components.finishUpload();
        this.runs = components.runs();
        this.records = components.records();
        this.json = components.json();
        this.localRuntime = components.settings().localRuntime();
        this.priming = SnapStartPriming.register(components::warmUp);
        this.chunkVisibilityTimeout = components.settings().chunkVisibilityTimeout();
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return Telemetry.invocation(context, () -> {
            try {
                return route(event);
            } catch (InvalidRequestException e) {
                return error(e.httpStatus(), e.code(), e.getMessage(), e.details());
            } catch (RuntimeException e) {
                String requestId = event.getRequestContext() == null ? null : event.getRequestContext().getRequestId();
                LOG.error("request {} {} failed (request id {})", method(event), event.getRawPath(), requestId, e);
                return error(500, "INTERNAL", "Something went wrong on our side; it has been logged"
                        + (requestId == null ? "." : " with request id " + requestId + "."));
            }
        });
    }

    private APIGatewayV2HTTPResponse route(APIGatewayV2HTTPEvent event) {
        String method = method(event);
        String path = event.getRawPath() == null ? "/" : event.getRawPath();
        if (path.endsWith("/") && path.length() > 1) {
            path = path.substring(0, path.length() - 1);
        }
        String[] parts = path.split("/");
        // parts[0] is "" and parts[1] is "api"
        if (parts.length < 3 || !parts[1].equals("api")) {
            return error(404, "NOT_FOUND", "No route for " + method + " " + path);
        }
        Caller caller = caller(event);
        if (parts.length == 3 && parts[2].equals("uploads")) {
            return method.equals("POST") ? createUpload(event, caller) : methodNotAllowed(method, path, "POST");
        }
        if (parts.length == 5 && parts[2].equals("uploads") && method.equals("POST") && parts[4].equals("complete")) {
            return ok(finished(finishUpload.complete(parts[3], caller.owner(), caller.admin(), claimedParts(event))));
        }
        if (parts.length == 5 && parts[2].equals("uploads") && method.equals("POST") && parts[4].equals("abort")) {
            return ok(finished(finishUpload.abort(parts[3], caller.owner(), caller.admin())));
        }
        if (parts[2].equals("runs")) {
            if (!method.equals("GET")) {
                return methodNotAllowed(method, path, "GET");
            }
            if (parts.length == 3) {
                return listRuns(event, caller);
            }
            Run run = visibleRun(parts[3], caller);
            if (parts.length == 4) {
                return ok(runJson(run));
            }
            if (parts.length == 5 && parts[4].equals("records")) {
                return listRecords(event, run);
            }
            if (parts.length == 5 && parts[4].equals("errors")) {
                return listErrors(event, run);
            }
        }
        return error(404, "NOT_FOUND", "No route for " + method + " " + path);
    }

    private APIGatewayV2HTTPResponse createUpload(APIGatewayV2HTTPEvent event, Caller caller) {
        JsonNode body = jsonBody(event);
        Map<String, String> mapping = new LinkedHashMap<>();
        JsonNode mappingNode = body.path("mapping");
        if (!mappingNode.isMissingNode() && !mappingNode.isNull()) {
            if (!mappingNode.isObject()) {
                throw InvalidRequestException.badField("mapping", "must be an object like {\"spend\": \"Cost\"}");
            }
            mappingNode.properties().forEach(e -> {
                if (!e.getValue().isTextual()) {
                    throw InvalidRequestException.badField("mapping", "value for '" + e.getKey() + "' must be a header name");
                }
                mapping.put(e.getKey(), e.getValue().asText());
            });
        }
        JsonNode allowDuplicate = body.path("allowDuplicate");
        if (!allowDuplicate.isMissingNode() && !allowDuplicate.isNull() && !allowDuplicate.isBoolean()) {
            throw InvalidRequestException.badField("allowDuplicate", "must be true or false");
        }
        UploadRequest request = new UploadRequest(caller.owner(), text(body, "datasetId"), text(body, "fileName"),
                byteCount(body, "contentLength"), text(body, "contentType"), mapping, text(body, "sha256"),
                allowDuplicate.asBoolean(false));
        CreateUpload.Created created = createUpload.create(request);
        ObjectNode response = json.createObjectNode();
        response.put("runId", created.run().runId());
        response.put("key", created.run().key());
        response.put("multipart", created.multipart() != null);
        response.put("method", "PUT");
        ObjectNode headers = response.putObject("headers");
        if (created.multipart() == null) {
            response.put("uploadUrl", created.upload().url().toString());
            created.upload().headers().forEach(headers::put);
            response.put("expiresAt", created.upload().expiresAt().toString());
            return respond(201, response);
        }
        CreateUpload.Multipart multipart = created.multipart();
        response.put("uploadId", multipart.uploadId());
        response.put("partSize", multipart.partSize());
        response.put("partCount", multipart.parts().size());
        ArrayNode partsNode = response.putArray("parts");
        multipart.parts().forEach(p -> {
            ObjectNode part = partsNode.addObject();
            part.put("partNumber", p.partNumber());
            part.put("url", p.url().toString());
            part.put("size", p.size());
            part.putObject("headers");
        });
        response.put("expiresAt", multipart.expiresAt().toString());
        response.put("completeUrl", "/api/uploads/" + created.run().runId() + "/complete");
        response.put("abortUrl", "/api/uploads/" + created.run().runId() + "/abort");
        return respond(201, response);
    }

    private ObjectNode finished(Run run) {
        ObjectNode node = json.createObjectNode();
        node.put("runId", run.runId());
        node.put("status", run.status().name());
        node.put("key", run.key());
        return node;
    }

    /** The optional {"parts": [{"partNumber", "etag"}]} of complete; an empty body means "ask S3". */
    private Map<Integer, String> claimedParts(APIGatewayV2HTTPEvent event) {
        Map<Integer, String> claimed = new java.util.TreeMap<>();
        if (event.getBody() == null || event.getBody().isBlank()) {
            return claimed;
        }
        for (JsonNode part : jsonBody(event).path("parts")) {
            if (!part.path("partNumber").isInt() || !part.path("etag").isTextual()) {
                throw InvalidRequestException.badField("parts", "must be [{\"partNumber\": 1, \"etag\": \"...\"}]");
            }
            claimed.put(part.get("partNumber").asInt(), part.get("etag").asText());
        }
        return claimed;
    }

    private APIGatewayV2HTTPResponse listRuns(APIGatewayV2HTTPEvent event, Caller caller) {
        int limit = limit(event);
        ObjectNode response = json.createObjectNode();
        ArrayNode items = response.putArray("items");
        runs.listByOwner(caller.owner(), limit).forEach(run -> items.add(runJson(run)));
        return ok(response);
    }

    private APIGatewayV2HTTPResponse listRecords(APIGatewayV2HTTPEvent event, Run run) {
        long after = 0;
        String cursor = query(event, "cursor");
        if (cursor != null) {
            try {
                after = Long.parseLong(decodeCursor(cursor));
            } catch (NumberFormatException e) {
                throw InvalidRequestException.badField("cursor", "is not a cursor returned by this endpoint");
            }
        }
        Page<StoredRecord> page = records.records(run.runId(), after, limit(event));
        ObjectNode response = json.createObjectNode();
        ArrayNode items = response.putArray("items");
        for (StoredRecord record : page.items()) {
            ObjectNode item = items.addObject();
            item.put("record", record.recordNo());
            item.put("line", record.lineNo());
            item.put("date", record.date() == null ? null : record.date().toString());
            item.put("campaign", record.campaign());
            item.put("channel", record.channel());
            item.put("spend", record.spend());
            putLong(item, "clicks", record.clicks());
            item.put("conversions", record.conversions());
            putLong(item, "impressions", record.impressions());
            item.set("extra", parseJson(record.extraJson()));
        }
        response.put("nextCursor", page.nextCursor().map(ApiFunction::encodeCursor).orElse(null));
        return ok(response);
    }

    private APIGatewayV2HTTPResponse listErrors(APIGatewayV2HTTPEvent event, Run run) {
        ErrorCursor after = ErrorCursor.START;
        String cursor = query(event, "cursor");
        if (cursor != null) {
            try {
                String[] parts = decodeCursor(cursor).split("\\.");
                after = new ErrorCursor(Long.parseLong(parts[0]), Integer.parseInt(parts[1]));
            } catch (RuntimeException e) {
                throw InvalidRequestException.badField("cursor", "is not a cursor returned by this endpoint");
            }
        }
        Page<StoredError> page = records.errors(run.runId(), after, limit(event));
        ObjectNode response = json.createObjectNode();
        ArrayNode items = response.putArray("items");
        for (StoredError error : page.items()) {
            ObjectNode item = items.addObject();
            item.put("record", error.recordNo());
            putLong(item, "line", error.lineNo());
            item.put("column", error.column());
            item.put("code", error.code());
            item.put("message", error.message());
            item.put("raw", error.rawExcerpt());
        }
        response.put("nextCursor", page.nextCursor().map(ApiFunction::encodeCursor).orElse(null));
        return ok(response);
    }

    ObjectNode runJson(Run run) {
        ObjectNode node = json.createObjectNode();
        node.put("runId", run.runId());
        node.put("status", run.status().name());
        node.put("final", run.status().isFinal());
        // Runs must always finish (DESIGN invariant 5); a run that cannot move right now says so, and why.
        Optional<Stall> stall = stall(run.status(), run.updatedAt(), Instant.now(), chunkVisibilityTimeout);
        node.put("stalled", stall.isPresent());
        node.put("stalledReason", stall.map(s -> s.reason().name()).orElse(null));
        node.put("waitingForRedeliveryUntil", stall.flatMap(Stall::redeliveryBy).map(Instant::toString).orElse(null));
        node.put("datasetId", run.datasetId());
        node.put("fileName", run.fileName());
        node.put("source", run.source().name().toLowerCase(java.util.Locale.ROOT));
        node.put("owner", run.owner());
        node.put("contentLength", run.contentLength());
        node.put("createdAt", str(run.createdAt()));
        node.put("updatedAt", str(run.updatedAt()));
        node.put("finishedAt", str(run.finishedAt()));
        node.put("records", run.records());
        node.put("stored", run.stored());
        node.put("errors", run.errors());
        node.put("recordsTotalKnown", run.chunksTotal() != null);
        if (run.chunksTotal() == null) {
            node.putNull("chunksTotal");
        } else {
            node.put("chunksTotal", run.chunksTotal());
        }
        node.put("chunksPlanned", run.chunksPlanned());
        node.put("chunksDone", run.chunksDone());
        node.put("chunksDead", run.chunksDead());
        node.put("bytesTotal", run.bytesExpected());
        node.put("bytesDone", run.bytesDone());
        ArrayNode dead = node.putArray("deadChunks");
        for (Run.DeadChunk chunk : run.deadChunks()) {
            ObjectNode item = dead.addObject();
            item.put("chunkNo", chunk.chunkNo());
            item.put("firstRecord", chunk.firstRecord());
            item.put("lastRecord", chunk.firstRecord() + chunk.recordCount() - 1);
            item.put("recordCount", chunk.recordCount());
            item.put("reason", chunk.reason());
        }
        if (run.fileFacts() != null) {
            ObjectNode file = node.putObject("file");
            file.put("encoding", run.fileFacts().encoding());
            file.put("delimiter", run.fileFacts().delimiter().equals("\\t") ? "\t" : run.fileFacts().delimiter());
            file.put("numberStyle", run.fileFacts().numberStyle());
            run.fileFacts().header().forEach(file.putArray("header")::add);
            ObjectNode mapping = file.putObject("mapping");
            run.fileFacts().mapping().forEach(mapping::put);
        } else {
            node.putNull("file");
        }
        if (!run.requestedMapping().isEmpty()) {
            ObjectNode requested = node.putObject("requestedMapping");
            run.requestedMapping().forEach(requested::put);
        }
        node.put("duplicateOf", run.upload().duplicateOf());
        node.put("sha256", run.upload().sha256());
        if (run.failureCode() != null) {
            ObjectNode failure = node.putObject("failure");
            failure.put("code", run.failureCode());
            failure.put("message", run.failureMessage());
        } else {
            node.putNull("failure");
        }
        return node;
    }

    private Run visibleRun(String runId, Caller caller) {
        if (!RUN_ID.matcher(runId).matches()) {
            throw new InvalidRequestException("NOT_FOUND", 404, "No run with id '" + abbreviate(runId) + "'");
        }
        Optional<Run> run = runs.find(runId);
        // Someone else's run answers exactly like a missing one: ids are not confirmed to strangers.
        if (run.isEmpty() || !caller.admin() && !caller.owner().equals(run.get().owner())) {
            throw new InvalidRequestException("NOT_FOUND", 404, "No run with id '" + runId + "'");
        }
        return run.get();
    }

    private record Caller(String owner, boolean admin) {
    }

    private Caller caller(APIGatewayV2HTTPEvent event) {
        var context = event.getRequestContext();
        if (context == null || context.getAuthorizer() == null || context.getAuthorizer().getJwt() == null
                || context.getAuthorizer().getJwt().getClaims() == null) {
            return localRuntime ? new Caller(LOCAL_OWNER, true) : new Caller(ANONYMOUS_OWNER, false);
        }
        Map<String, String> claims = context.getAuthorizer().getJwt().getClaims();
        String subject = claims.getOrDefault("sub", "");
        if (!OWNER.matcher(subject).matches()) {
            throw new InvalidRequestException("UNAUTHORIZED", 401, "The token names no usable subject");
        }
        String groups = claims.getOrDefault("cognito:groups", "");
        return new Caller(subject, groups.contains("admin"));
    }

    private JsonNode jsonBody(APIGatewayV2HTTPEvent event) {
        String body = event.getBody();
        if (body == null || body.isBlank()) {
            throw new InvalidRequestException("INVALID_REQUEST", 400, "The request needs a JSON body");
        }
        if (event.getIsBase64Encoded()) {
            try {
                body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("INVALID_REQUEST", 400, "The request body is not valid JSON");
            }
        }
        if (body.length() > MAX_BODY_CHARS) {
            throw new InvalidRequestException("REQUEST_TOO_LARGE", 413, String.format(java.util.Locale.ROOT,
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
            throw new InvalidRequestException("JSON_TOO_COMPLEX", 400, "The request body exceeds a JSON limit: "
                    + "at most " + Components.MAX_JSON_DEPTH + " levels of nested objects and arrays, and strings of "
                    + "at most " + Components.MAX_JSON_STRING_CHARS + " characters; send a flat object such as "
                    + "{\"fileName\": \"march.csv\", \"contentLength\": 12345}");
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new InvalidRequestException("INVALID_REQUEST", 400, "The request body is not valid JSON"
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
    }

    private JsonNode parseJson(String text) {
        try {
            return json.readTree(text == null ? "{}" : text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored extra columns are not JSON", e);
        }
    }

    /** A JSON integer; one beyond a long is more than any upload limit, and is reported as too large. */
    private static long byteCount(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw InvalidRequestException.badField(field, "is required: the file size in bytes");
        }
        if (!value.isIntegralNumber()) {
            throw InvalidRequestException.badField(field, "must be a whole number of bytes, such as 12345");
        }
        return value.canConvertToLong() ? value.asLong() : Long.MAX_VALUE;
    }

    private static String text(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw InvalidRequestException.badField(field, "must be a string");
        }
        return value.asText();
    }

    private static int limit(APIGatewayV2HTTPEvent event) {
        String value = query(event, "limit");
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

    private static String query(APIGatewayV2HTTPEvent event, String name) {
        Map<String, String> parameters = event.getQueryStringParameters();
        return parameters == null ? null : parameters.get(name);
    }

    private static String method(APIGatewayV2HTTPEvent event) {
        if (event.getRequestContext() != null && event.getRequestContext().getHttp() != null
                && event.getRequestContext().getHttp().getMethod() != null) {
            return event.getRequestContext().getHttp().getMethod().toUpperCase(java.util.Locale.ROOT);
        }
        return "GET";
    }

    private static String encodeCursor(String position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeCursor(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw InvalidRequestException.badField("cursor", "is not a cursor returned by this endpoint");
        }
    }

    private static void putLong(ObjectNode node, String field, Long value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value.longValue());
        }
    }

    /** Why a run that is not final cannot move now. */
    enum StallReason {
        /**
         * A loading run unchanged for longer than a load may take: a delivery of one of its chunks did not finish
         * (its function failed, or the runtime running it stopped), and the chunk comes back when its message's
         * visibility timeout ends. Also shown while other runs' chunks keep every loader busy.
         */
        WAITING_FOR_REDELIVERY,
        /** No change for longer than any retry takes: something outside the normal retry path went wrong. */
        NO_PROGRESS
    }

    /** {@code redeliveryBy}: when the chunks are expected back, for {@link StallReason#WAITING_FOR_REDELIVERY}. */
    record Stall(StallReason reason, Optional<Instant> redeliveryBy) {
    }

    /**
     * A LOADING run changes at least once per chunk counted. Unchanged for longer than LoadFunction's timeout, no
     * delivery can still be running, so its chunks wait for redelivery: by the last change plus a load's timeout
     * plus ChunkQueue's visibility timeout (a delivery received after the last change ended within a load's
     * timeout). Past that, or unchanged for 15 minutes in another state, the run has made no progress.
     */
    static Optional<Stall> stall(RunStatus status, Instant updatedAt, Instant now, Duration chunkVisibilityTimeout) {
        if (status.isFinal() || status == RunStatus.CREATED || updatedAt == null) {
            return Optional.empty();
        }
        if (status == RunStatus.LOADING && updatedAt.plus(LOAD_TIMEOUT).isBefore(now)) {
            Instant redeliveryBy = updatedAt.plus(LOAD_TIMEOUT).plus(chunkVisibilityTimeout);
            return Optional.of(now.isBefore(redeliveryBy)
                    ? new Stall(StallReason.WAITING_FOR_REDELIVERY, Optional.of(redeliveryBy))
                    : new Stall(StallReason.NO_PROGRESS, Optional.empty()));
        }
        return updatedAt.plus(STALLED_AFTER).isBefore(now)
                ? Optional.of(new Stall(StallReason.NO_PROGRESS, Optional.empty())) : Optional.empty();
    }

    private static String str(Object value) {
        return value == null ? null : value.toString();
    }

    private static String abbreviate(String value) {
        return value.length() > 64 ? value.substring(0, 64) + "..." : value;
    }

    private APIGatewayV2HTTPResponse methodNotAllowed(String method, String path, String allowed) {
        APIGatewayV2HTTPResponse response = error(405, "METHOD_NOT_ALLOWED", method + " is not supported on " + path
                + "; use " + allowed);
        response.getHeaders().put("Allow", allowed);
        return response;
    }

    private APIGatewayV2HTTPResponse ok(JsonNode body) {
        return respond(200, body);
    }

    private APIGatewayV2HTTPResponse error(int status, String code, String message) {
        return error(status, code, message, Map.of());
    }

    private APIGatewayV2HTTPResponse error(int status, String code, String message, Map<String, Object> details) {
        ObjectNode body = json.createObjectNode();
        ObjectNode error = body.putObject("error");
        error.put("code", code);
        error.put("message", message);
        details.forEach((name, value) -> error.set(name, json.valueToTree(value)));
        APIGatewayV2HTTPResponse response = respond(status, body);
        if (details.get("retryAfterSeconds") instanceof Long seconds) {
            response.getHeaders().put("Retry-After", Long.toString(seconds));
        }
        return response;
    }

    private APIGatewayV2HTTPResponse respond(int status, JsonNode body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("Cache-Control", "no-store");
        try {
            return APIGatewayV2HTTPResponse.builder().withStatusCode(status).withHeaders(headers)
                    .withBody(json.writeValueAsString(body)).build();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
