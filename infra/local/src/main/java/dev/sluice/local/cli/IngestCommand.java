package dev.sluice.local.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.domain.run.RunStatus;
import dev.sluice.local.DataDirInUseException;
import dev.sluice.local.LocalOptions;
import dev.sluice.local.LocalSluice;
import dev.sluice.local.auth.SignInClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ingest FILE...}: upload each file the way the web app does (POST /api/uploads with the file's SHA-256,
 * PUT to the presigned URL or, above the multipart threshold, {@link MultipartUpload}; poll the run) and report
 * the outcome. Without {@code --api} the whole stack runs in this process.
 *
 * <p>With {@code --json} the last line of stdout is JSON: the run ({@code GET /api/runs/{id}}) for one file,
 * {@code {"runs":[...]}} for several; the human summary then goes to stderr.
 *
 * <p>Exit codes: 0 every run reached a final state (whatever it is), 1 a run did not finish before the
 * deadline, 2 nothing could run (missing file, API unreachable, upload rejected, DUPLICATE, a part failed).
 */
@Command(name = "ingest", sortOptions = false, abbreviateSynopsis = true,
        description = "upload CSV files through the API and follow their runs to the end",
        footer = {"", "Exit codes: 0 every run reached a final state, 1 a run missed its deadline, "
            + "2 nothing could run."})
public final class IngestCommand implements Callable<Integer> {
    /**
     * Where a run rests: final, or waiting in REVIEW for a person (RunStatus#isAtRest). PUBLISHING is not: the run's
     * records are still being published into its dataset.
     */
    static final Set<String> FINAL_STATUSES = Arrays.stream(RunStatus.values()).filter(RunStatus::isAtRest)
            .map(RunStatus::name).collect(Collectors.toUnmodifiableSet());
    private static final Set<String> RESTRICTED_HEADERS = Set.of("host", "content-length", "connection", "expect",
            "upgrade");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
    /** Row errors printed after a run; the rest are one API call or one click away. */
    private static final int SHOWN_ERRORS = 5;

    private final PrintStream out;
    private final PrintStream err;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "CSV files to import, one run each")
    List<Path> files;

    @Option(names = "--dataset", paramLabel = "NAME", description = {"dataset to import into: yours with this name "
        + "(or id),", "created as a marketing dataset if you have none; without it, your default dataset"})
    String dataset;

    @Option(names = "--mapping", paramLabel = "canonical=Header", split = ",",
            description = "column mapping (repeatable), e.g. --mapping date=Day,amount=Total")
    Map<String, String> mapping = new LinkedHashMap<>();

    @Option(names = "--allow-duplicate",
            description = "import even if the same bytes were already imported into the dataset")
    boolean allowDuplicate;

    @Option(names = "--json",
            description = "last stdout line is the run as JSON ({\"runs\":[...]} for several files)")
    boolean json;

    @Option(names = "--api", paramLabel = "URL", description = {"a running `serve` (e.g. http://127.0.0.1:8080);",
        "without it the stack starts in-process"})
    String api;

    @Option(names = "--port", paramLabel = "N",
            description = "gateway port of the in-process stack (default 0 = any free port)")
    int port;

    @Mixin
    StackOptions stack;

    @Mixin
    HelpOption help;

    public IngestCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Failure that stops the command before any run could finish; exit code 2. */
    static final class CannotRun extends Exception {
        private static final long serialVersionUID = 1L;

        CannotRun(String message) {
            super(message);
        }

        CannotRun(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Override
    public Integer call() throws Exception {
        StackOptions.configureLogging(stack.dataDir());
        Map<String, String> columns = Pairs.of(spec, "--mapping", mapping);
        LocalOptions local = api == null ? stack.builder(port).build() : null;
        for (Path file : files) {
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                err.println("error: cannot read file " + file.toAbsolutePath());
                return 2;
            }
        }
        PrintStream human = json ? err : out;
        LocalSluice sluice = null;
        try {
            URI base;
            if (api != null) {
                base = apiBase(api);
            } else {
                human.println("starting Sluice in-process (data dir " + stack.dataDir() + ") ...");
                sluice = startInProcess(local);
                base = sluice.baseUrl();
                human.println("ready in " + sluice.startupMillis().get("total") + " ms at " + base);
            }
            String token;
            try {
                token = SignInClient.token(base, stack.signInUser(),
                        Optional.ofNullable(System.getenv(SignInClient.TOKEN_VARIABLE)));
            } catch (SignInClient.SignInException e) {
                throw new CannotRun(e.getMessage(), e);
            }
            Ingest ingest = new Ingest(base, human, System.console() != null, token, allowDuplicate);
            Optional<String> datasetId = dataset == null ? Optional.empty() : Optional.of(ingest.datasetNamed(dataset));
            List<JsonNode> runs = new ArrayList<>();
            boolean allFinal = true;
            for (Path file : files) {
                JsonNode run = ingest.ingest(file, datasetId, Optional.ofNullable(dataset), columns);
                runs.add(run);
                allFinal &= FINAL_STATUSES.contains(run.path("status").asText());
            }
            if (json) {
                if (runs.size() == 1) {
                    out.println(JSON.writeValueAsString(runs.getFirst()));
                } else {
                    ObjectNode all = JSON.createObjectNode();
                    ArrayNode array = all.putArray("runs");
                    runs.forEach(array::add);
                    out.println(JSON.writeValueAsString(all));
                }
                out.flush();
            }
            return allFinal ? 0 : 1;
        } catch (CannotRun e) {
            err.println("error: " + e.getMessage());
            return 2;
        } finally {
            if (sluice != null) {
                sluice.close();
            }
        }
    }

    /** A data directory in use is most likely a running {@code serve}: the files can go to it instead. */
    private static LocalSluice startInProcess(LocalOptions local) throws Exception {
        try {
            return LocalSluice.start(local);
        } catch (DataDirInUseException e) {
            throw new CannotRun("data dir " + e.dataDir() + " is in use by another Sluice local runtime (a running"
                    + " `serve`?): import into it with --api URL (the address it printed, e.g. --api"
                    + " http://127.0.0.1:8080), or give this one its own --data-dir", e);
        }
    }

    /** Accepts {@code http://host:port}, with or without a trailing {@code /} or {@code /api}. */
    static URI apiBase(String api) {
        String base = api.endsWith("/") ? api.substring(0, api.length() - 1) : api;
        if (base.endsWith("/api")) {
            base = base.substring(0, base.length() - 4);
        }
        return URI.create(base + "/");
    }

    /** One API conversation per file. */
    static final class Ingest {
        private final URI base;
        private final PrintStream human;
        private final boolean interactive;
        /** Sent as the bearer token with every API call (never to the presigned storage URL). */
        private final String token;
        private final boolean allowDuplicate;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

        Ingest(URI base, PrintStream human, boolean interactive, String token, boolean allowDuplicate) {
            this.base = base;
            this.token = token;
            this.allowDuplicate = allowDuplicate;
            this.human = human;
            this.interactive = interactive;
        }

        /**
         * The id of the caller's dataset with this name (or id), creating a marketing dataset of that name when they
         * have none: {@code --dataset spring} keeps working as it did when datasets were free-text names.
         */
        String datasetNamed(String name) throws CannotRun, InterruptedException, IOException {
            HttpResponse<String> listed = send(HttpRequest.newBuilder(base.resolve("api/datasets")).GET().build());
            if (listed.statusCode() != 200) {
                throw new CannotRun("listing your datasets failed (HTTP " + listed.statusCode() + "): "
                        + errorMessage(listed.body()));
            }
            for (JsonNode existing : JSON.readTree(listed.body()).path("datasets")) {
                if (name.equals(existing.path("name").asText()) || name.equals(existing.path("id").asText())) {
                    return existing.path("id").asText();
                }
            }
            ObjectNode create = JSON.createObjectNode().put("name", name).put("kind", "marketing");
            HttpResponse<String> created = send(HttpRequest.newBuilder(base.resolve("api/datasets"))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(create))).build());
            if (created.statusCode() != 201) {
                throw new CannotRun("creating dataset '" + name + "' failed (HTTP " + created.statusCode() + "): "
                        + errorMessage(created.body()));
            }
            human.println("created dataset '" + name + "' (" + JSON.readTree(created.body()).path("id").asText()
                    + ")");
            return JSON.readTree(created.body()).path("id").asText();
        }

        /** @param datasetName how the user named the dataset, for messages ("default" without one) */
        JsonNode ingest(Path file, Optional<String> datasetId, Optional<String> datasetName,
                Map<String, String> mapping) throws Exception {
            Optional<String> dataset = datasetName;
            long size = Files.size(file);
            long started = System.nanoTime();
            ObjectNode request = JSON.createObjectNode();
            datasetId.ifPresent(id -> request.put("datasetId", id));
            request.put("fileName", file.getFileName().toString());
            request.put("contentLength", size);
            request.put("contentType", "text/csv");
            request.put("sha256", sha256(file));
            if (allowDuplicate) {
                request.put("allowDuplicate", true);
            }
            if (!mapping.isEmpty()) {
                ObjectNode mappingNode = request.putObject("mapping");
                mapping.forEach(mappingNode::put);
            }
            HttpResponse<String> created = send(HttpRequest.newBuilder(base.resolve("api/uploads"))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request))).build());
            if (created.statusCode() == 409 && isDuplicate(created.body())) {
                String earlier = JSON.readTree(created.body()).path("error").path("duplicateOf").asText("?");
                throw new CannotRun(file + ": DUPLICATE: the same bytes were already imported into dataset "
                        + dataset.orElse("default") + " by run " + earlier
                        + "; add --allow-duplicate to import them again");
            }
            if (created.statusCode() / 100 != 2) {
                throw new CannotRun(file + ": upload rejected (HTTP " + created.statusCode() + "): "
                        + errorMessage(created.body()));
            }
            JsonNode upload = JSON.readTree(created.body());
            String runId = upload.path("runId").asText();
            if (upload.path("multipart").asBoolean(false)) {
                if (runId.isEmpty() || !upload.path("parts").isArray()) {
                    throw new CannotRun(file + ": the API answered multipart without runId/parts: " + created.body());
                }
                new MultipartUpload(this, file, size, upload).run();
            } else {
                putWhole(file, size, upload, runId, created.body());
            }
            JsonNode run = follow(runId, size);
            printSummary(file, run, Duration.ofNanos(System.nanoTime() - started));
            return run;
        }

        private void putWhole(Path file, long size, JsonNode upload, String runId, String answer) throws Exception {
            String uploadUrl = upload.path("uploadUrl").asText();
            if (runId.isEmpty() || uploadUrl.isEmpty()) {
                throw new CannotRun(file + ": the API answered without runId/uploadUrl: " + answer);
            }
            HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(uploadUrl))
                    .timeout(Duration.ofSeconds(60 + size / (1024 * 1024)))
                    .method(upload.path("method").asText("PUT"), HttpRequest.BodyPublishers.ofFile(file));
            copyHeaders(upload.path("headers"), put);
            HttpResponse<String> stored = send(put.build());
            if (stored.statusCode() / 100 != 2) {
                throw new CannotRun(file + ": storage rejected the upload (HTTP " + stored.statusCode() + "): "
                        + stored.body());
            }
        }

        static void copyHeaders(JsonNode headers, HttpRequest.Builder request) {
            headers.properties().forEach(header -> {
                if (!RESTRICTED_HEADERS.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                    request.header(header.getKey(), header.getValue().asText());
                }
            });
        }

        private static boolean isDuplicate(String body) {
            try {
                return "DUPLICATE".equals(JSON.readTree(body).path("error").path("code").asText());
            } catch (IOException e) {
                return false;
            }
        }

        /** Hex SHA-256 of the file, read in blocks so any size fits in constant memory. */
        static String sha256(Path file) throws IOException {
            MessageDigest digest;
            try {
                digest = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
            byte[] buffer = new byte[1 << 20];
            try (InputStream in = Files.newInputStream(file)) {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    digest.update(buffer, 0, n);
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        }

        URI base() {
            return base;
        }

        PrintStream human() {
            return human;
        }

        HttpClient http() {
            return http;
        }

        private JsonNode follow(String runId, long size) throws Exception {
            // Generous: a cold local stack loads a few MB/s at least; small files get at least two minutes.
            long deadline = System.nanoTime() + Duration.ofSeconds(120 + size / (256 * 1024)).toNanos();
            long started = System.nanoTime();
            JsonNode run = JSON.createObjectNode();
            URI runUri = base.resolve("api/runs/" + URLEncoder.encode(runId, StandardCharsets.UTF_8));
            while (System.nanoTime() < deadline) {
                HttpResponse<String> response = send(HttpRequest.newBuilder(runUri).GET().build());
                if (response.statusCode() == 200) {
                    run = JSON.readTree(response.body());
                    if (interactive) {
                        progress(run, Duration.ofNanos(System.nanoTime() - started));
                    }
                    if (FINAL_STATUSES.contains(run.path("status").asText())) {
                        break;
                    }
                } else if (response.statusCode() != 404) {
                    throw new CannotRun("GET " + runUri + " answered HTTP " + response.statusCode() + ": "
                            + errorMessage(response.body()));
                }
                Thread.sleep(POLL_INTERVAL);
            }
            if (interactive) {
                human.print("\r" + " ".repeat(100) + "\r");
            }
            if (!FINAL_STATUSES.contains(run.path("status").asText())) {
                human.println("run " + runId + " did not finish before the deadline; last status "
                        + run.path("status").asText("unknown"));
            }
            return run;
        }

        private void progress(JsonNode run, Duration elapsed) {
            long records = run.path("records").asLong(0);
            long done = run.path("stored").asLong(0) + run.path("errors").asLong(0);
            long chunksTotal = run.path("chunksTotal").asLong(0);
            long chunksDone = run.path("chunksDone").asLong(0) + run.path("chunksDead").asLong(0);
            double fraction = records > 0 ? (double) done / records
                    : chunksTotal > 0 ? (double) chunksDone / chunksTotal : 0;
            fraction = Math.max(0, Math.min(1, fraction));
            int width = 30;
            int filled = (int) Math.round(fraction * width);
            double seconds = Math.max(0.001, elapsed.toMillis() / 1000.0);
            double rate = done / seconds;
            String eta = rate > 0 && records > done
                    ? String.format(Locale.ROOT, "ETA %.0fs", (records - done) / rate) : "";
            String total = records > 0 ? Long.toString(records) : "?";
            human.print(String.format(Locale.ROOT, "\r%-10s [%s%s] %d/%s rows  %.0f rows/s  %s   ",
                    run.path("status").asText(""), "#".repeat(filled), ".".repeat(width - filled), done, total, rate,
                    eta));
            human.flush();
        }

        private void printSummary(Path file, JsonNode run, Duration duration) throws Exception {
            human.printf(Locale.ROOT,
                    "%s: %s  records %s, stored %s, errors %s, chunks %s/%s (dead %s)  in %.1f s  run %s%n",
                    file.getFileName(), run.path("status").asText("?"), run.path("records").asText("?"),
                    run.path("stored").asText("?"), run.path("errors").asText("?"), run.path("chunksDone").asText("?"),
                    run.path("chunksTotal").asText("?"), run.path("chunksDead").asText("0"),
                    duration.toMillis() / 1000.0, run.path("runId").asText());
            JsonNode failure = run.path("failure");
            if (failure.isObject()) {
                human.println("  " + failure.path("code").asText("FAILED") + ": " + failure.path("message").asText(""));
            }
            long errorCount = run.path("errors").asLong(0);
            if (errorCount > 0) {
                String errorsPath = "api/runs/" + URLEncoder.encode(run.path("runId").asText(), StandardCharsets.UTF_8)
                        + "/errors";
                HttpResponse<String> errors = send(HttpRequest.newBuilder(base.resolve(errorsPath + "?limit="
                        + SHOWN_ERRORS)).GET().build());
                if (errors.statusCode() == 200) {
                    JsonNode body = JSON.readTree(errors.body());
                    JsonNode items = body.isArray() ? body
                            : body.has("errors") ? body.get("errors") : body.path("items");
                    int shown = 0;
                    for (JsonNode item : items) {
                        human.println("  " + describeError(item));
                        shown++;
                    }
                    if (errorCount > shown) {
                        human.printf(Locale.ROOT,
                                "  ... and %d more row errors: GET %s or the run's page in the web app%n",
                                errorCount - shown, base.resolve(errorsPath));
                    }
                }
            }
            human.flush();
        }

        /** The API's messages already name record, line and column; fall back to the raw item otherwise. */
        private static String describeError(JsonNode error) {
            String code = error.path("code").asText("");
            String message = error.path("message").asText("");
            if (message.isEmpty()) {
                return error.toString();
            }
            return code.isEmpty() ? message : code + ": " + message;
        }

        HttpResponse<String> send(HttpRequest unsigned) throws CannotRun, InterruptedException {
            HttpRequest request = unsigned;
            if (unsigned.uri().toString().startsWith(base.resolve("api/").toString())) {
                request = HttpRequest.newBuilder(unsigned, (name, value) -> true)
                        .header("Authorization", "Bearer " + token).build();
            }
            try {
                return http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (ConnectException e) {
                throw new CannotRun("cannot reach " + request.uri() + " (is `serve` running?)", e);
            } catch (HttpTimeoutException e) {
                throw new CannotRun(request.method() + " " + request.uri() + " timed out", e);
            } catch (IOException e) {
                throw new CannotRun(request.method() + " " + request.uri() + " failed: " + e, e);
            }
        }

        /** The API's {@code {"error":{"message":...}}}, else the body itself. */
        static String errorMessage(String body) {
            try {
                JsonNode node = JSON.readTree(body);
                JsonNode message = node.path("error").path("message");
                if (!message.isMissingNode()) {
                    return message.asText();
                }
                if (node.has("message")) {
                    return node.get("message").asText();
                }
            } catch (IOException | RuntimeException e) {
                // not JSON: show as-is
            }
            return body;
        }
    }
}
