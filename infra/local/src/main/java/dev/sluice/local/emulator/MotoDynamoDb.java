package dev.sluice.local.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DynamoDB and DynamoDB Streams for the local runtime: moto's server ({@link MotoProcess}) behind a small proxy
 * in this JVM. The proxy's URL is the endpoint for both {@code dynamodb} and {@code dynamodbstreams}. It
 * <ul>
 *   <li>runs each DynamoDB call that may change something alone: moto checks a condition and then writes without
 *       holding a lock, so two concurrent conditional writes could both pass, where DynamoDB makes each one atomic;
 *       and a query or scan that iterates a table while a write adds to it could fail or see half an update. Reads
 *       ({@link #READS}) run beside each other: they change nothing and need no place in the journal;</li>
 *   <li>appends every write that succeeded to a {@link DynamoDbJournal} before answering it, so a write a
 *       caller saw succeed survives this JVM ending in any way (moto keeps tables in memory only);</li>
 *   <li>on {@link #close()}, snapshots every table, so the next start replays nothing.</li>
 * </ul>
 * After a start, create the tables and call {@link #restore()} before serving anything else.
 */
public final class MotoDynamoDb implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MotoDynamoDb.class);
    private static final String DYNAMODB = "DynamoDB_20120810.";
    /** The calls that change items; table-level calls come from the template at every start. */
    private static final Set<String> WRITES = Set.of("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem",
            "TransactWriteItems");
    /** Calls that change nothing, so they may run at the same time as each other (never beside a write). */
    private static final Set<String> READS = Set.of("GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems",
            "DescribeTable", "ListTables", "DescribeTimeToLive");
    /** Headers java.net.http sets itself, and hop-by-hop ones. */
    private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "content-length", "expect",
            "upgrade", "transfer-encoding", "keep-alive", "date");
    /** moto reads the region and access key from the credential scope and checks no signature. */
    private static final String LOCAL_AUTHORIZATION = "AWS4-HMAC-SHA256 Credential=sluicelocal/20260101/us-east-1/"
            + "dynamodb/aws4_request, SignedHeaders=host, Signature=0";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final MotoProcess moto;
    private final URI motoUri;
    private final HttpClient http;
    private final DynamoDbJournal journal;
    /** Writes (and restore, snapshot) hold the write lock; {@link #READS} share the read lock. Fair: no starving. */
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);
    private final Lock oneAtATime = lock.writeLock();
    private final ExecutorService workers;
    private final HttpServer proxy;
    private final Map<String, Long> startupMillis = new LinkedHashMap<>();
    private final DynamoDbCallCounter calls = new DynamoDbCallCounter();
    private volatile CallFilter filter = (target, body) -> Optional.empty();
    /** Until the saved state is loaded, moto's tables are not the state: a snapshot of them would lose it. */
    private volatile boolean restored;

    private MotoDynamoDb(MotoProcess moto, DynamoDbJournal journal) throws IOException {
        this.moto = moto;
        this.motoUri = URI.create("http://127.0.0.1:" + moto.port() + "/");
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT)
                .build();
        this.journal = journal;
        this.workers = Executors.newCachedThreadPool(Thread.ofPlatform().daemon(true).name("dynamodb-proxy-", 1)
                .factory());
        this.proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        proxy.setExecutor(workers);
        proxy.createContext("/", this::handle);
    }

    /**
     * Starts moto and the proxy; the state under {@code dataDir} is loaded by {@link #restore()}, once the tables
     * exist. moto's warnings go to {@code logFile}.
     */
    public static MotoDynamoDb start(Path dataDir, Path logFile) throws IOException, InterruptedException {
        long begin = System.nanoTime();
        MotoProcess moto = MotoProcess.start(dataDir, logFile);
        long started = System.nanoTime();
        try {
            MotoDynamoDb emulator = new MotoDynamoDb(moto, DynamoDbJournal.open(dataDir));
            emulator.startupMillis.put("process", (started - begin) / 1_000_000);
            emulator.awaitAnswer();
            emulator.startupMillis.put("firstAnswer", (System.nanoTime() - started) / 1_000_000);
            emulator.proxy.start();
            return emulator;
        } catch (IOException | InterruptedException | RuntimeException e) {
            moto.close();
            throw e;
        }
    }

    /** The first call also loads moto's DynamoDB code, which takes most of a second. */
    private void awaitAnswer() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                Answer answer = call("ListTables", JSON.createObjectNode());
                if (answer.ok()) {
                    return;
                }
            } catch (IOException e) {
                if (System.nanoTime() > deadline || !moto.isAlive()) {
                    throw new IOException("moto's server does not answer on port " + moto.port(), e);
                }
            }
            Thread.sleep(50);
        }
    }

    /** Answers a DynamoDB call in moto's place (the local runtime's fault injection), or lets it through. */
    @FunctionalInterface
    public interface CallFilter {
        /** The answer to send instead of forwarding, or empty to forward. */
        Optional<FilteredAnswer> answer(String target, byte[] body);
    }

    /** A status and JSON body sent back without reaching moto. */
    public record FilteredAnswer(int status, byte[] body) {
    }

    /** Consulted before every DynamoDB call is forwarded. */
    public void filterCalls(CallFilter filter) {
        this.filter = filter;
    }

    /** The endpoint for DynamoDB and DynamoDB Streams clients. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getAddress().getPort());
    }

    /** The calls answered so far, by operation, table and index (the runtime's own restore and snapshot excluded). */
    public DynamoDbCallCounter calls() {
        return calls;
    }

    /** moto's own process id (for tests that check it ends with the runtime). */
    public long serverPid() {
        return moto.pid();
    }

    /** Where the start went: process start, first answer, restore. */
    public Map<String, Long> startupMillis() {
        return Map.copyOf(startupMillis);
    }

    /**
     * Loads the last snapshot and replays the journal written after it, into the tables that must already
     * exist; then, if anything was replayed, writes a new snapshot so a journal never grows across starts.
     * Create streams after this, so restoring the state does not show up as new stream records.
     */
    public Restored restore() throws IOException, InterruptedException {
        long begin = System.nanoTime();
        oneAtATime.lock();
        try {
            Map<String, List<JsonNode>> byTable = new LinkedHashMap<>();
            journal.readSnapshot(entry -> byTable.computeIfAbsent(entry.get("table").asText(), t -> new ArrayList<>())
                    .add(entry.get("item")));
            int items = 0;
            for (Map.Entry<String, List<JsonNode>> table : byTable.entrySet()) {
                items += putAll(table.getKey(), table.getValue());
            }
            List<JsonNode> writes = journal.readJournal();
            int replayed = 0;
            for (JsonNode write : writes) {
                String target = write.path("target").asText();
                Answer answer = call(target.substring(DYNAMODB.length()), write.get("request"));
                if (answer.ok()) {
                    replayed++;
                } else {
                    LOG.warn("journaled DynamoDB {} did not apply again: {}", target, answer.text());
                }
            }
            restored = true;
            if (!writes.isEmpty()) {
                journal.newGeneration(this::scanAll);
            }
            startupMillis.put("restore", (System.nanoTime() - begin) / 1_000_000);
            return new Restored(items, replayed);
        } finally {
            oneAtATime.unlock();
        }
    }

    /** What {@link #restore()} loaded. */
    public record Restored(int snapshotItems, int journaledWrites) {
    }

    private int putAll(String table, List<JsonNode> items) throws IOException, InterruptedException {
        int written = 0;
        for (int from = 0; from < items.size(); from += 25) {
            ArrayNode requests = JSON.createArrayNode();
            for (JsonNode item : items.subList(from, Math.min(items.size(), from + 25))) {
                requests.addObject().putObject("PutRequest").set("Item", item);
            }
            ObjectNode batch = JSON.createObjectNode();
            batch.putObject("RequestItems").set(table, requests);
            Answer answer = call("BatchWriteItem", batch);
            if (!answer.ok()) {
                // Fail the start rather than go on without them: the files stay as they are for the next start.
                throw new IOException("snapshot items of table " + table + " not restored: " + answer.text());
            }
            written += requests.size();
        }
        return written;
    }

    private void scanAll(java.util.function.Consumer<JsonNode> out) throws IOException {
        try {
            Answer tables = call("ListTables", JSON.createObjectNode());
            for (JsonNode name : JSON.readTree(tables.body()).path("TableNames")) {
                JsonNode startKey = null;
                do {
                    ObjectNode scan = JSON.createObjectNode().put("TableName", name.asText());
                    if (startKey != null) {
                        scan.set("ExclusiveStartKey", startKey);
                    }
                    Answer page = call("Scan", scan);
                    if (!page.ok()) {
                        throw new IOException("snapshot scan of " + name.asText() + " failed: " + page.text());
                    }
                    JsonNode result = JSON.readTree(page.body());
                    for (JsonNode item : result.path("Items")) {
                        ObjectNode entry = JSON.createObjectNode().put("table", name.asText());
                        entry.set("item", item);
                        out.accept(entry);
                    }
                    startKey = result.get("LastEvaluatedKey");
                } while (startKey != null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while taking a snapshot", e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            Forwarded response;
            Optional<FilteredAnswer> filtered = target == null ? Optional.empty() : filter.answer(target, body);
            if (filtered.isPresent()) {
                exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
                exchange.sendResponseHeaders(filtered.get().status(), filtered.get().body().length);
                exchange.getResponseBody().write(filtered.get().body());
                return;
            }
            long asked = System.nanoTime();
            long forwarded;
            if (target != null && target.startsWith(DYNAMODB)) {
                Lock held = READS.contains(target.substring(DYNAMODB.length())) ? lock.readLock() : oneAtATime;
                held.lock();
                try {
                    forwarded = System.nanoTime();
                    response = forward(exchange, body);
                    if (response.statusCode() / 100 == 2 && WRITES.contains(target.substring(DYNAMODB.length()))) {
                        journal.append(target, body);
                    }
                } finally {
                    held.unlock();
                }
            } else {
                forwarded = asked;
                response = forward(exchange, body);
            }
            if (target != null) {
                calls.record(DynamoDbCallCounter.key(target, body), System.nanoTime() - forwarded, forwarded - asked);
            }
            Headers headers = exchange.getResponseHeaders();
            response.headers().forEach((name, values) -> {
                if (!NOT_FORWARDED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                    headers.put(name, values);
                }
            });
            byte[] answer = response.body();
            exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                exchange.getResponseBody().write(answer);
            }
        } catch (IOException | RuntimeException e) {
            // Unanswered, so the caller retries; a write whose journal line failed must not be acknowledged.
            LOG.warn("DynamoDB emulator request failed: {}", e.toString());
            byte[] error = ("{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\","
                    + "\"message\":\"the local DynamoDB emulator failed; retry\"}").getBytes(StandardCharsets.UTF_8);
            try {
                exchange.sendResponseHeaders(500, error.length);
                exchange.getResponseBody().write(error);
            } catch (IOException | RuntimeException ignored) {
                // Headers were already sent or the client left; closing the exchange ends it either way.
            }
        }
    }

    /**
     * Forwards on the calling thread with a blocking connection (kept alive and reused by the JDK): java.net.http
     * hands each exchange between three threads, and under the write lock every hand-over is a wait for a core the
     * rest of the runtime keeps busy. (HttpURLConnection sends a POST again only when a reused connection turns
     * out closed before any answer; moto's server never closes an idle one, so no write reaches it twice.)
     */
    private Forwarded forward(HttpExchange exchange, byte[] body) throws IOException {
        URI uri = motoUri.resolve(exchange.getRequestURI().getRawPath().substring(1)
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
        connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
        connection.setRequestMethod(exchange.getRequestMethod());
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!NOT_FORWARDED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                values.forEach(value -> connection.addRequestProperty(name, value));
            }
        });
        if (body.length > 0) {
            connection.setDoOutput(true);
            connection.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = connection.getOutputStream()) {
                out.write(body);
            }
        }
        int status = connection.getResponseCode();
        byte[] answer;
        try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            answer = in == null ? new byte[0] : in.readAllBytes();
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        connection.getHeaderFields().forEach((name, values) -> {
            if (name != null) {
                headers.put(name, values);
            }
        });
        return new Forwarded(status, headers, answer);
    }

    /** moto's answer to a forwarded call. */
    private record Forwarded(int statusCode, Map<String, List<String>> headers, byte[] body) {
    }

    /** A DynamoDB call straight to moto, as the runtime itself (restore, snapshot). */
    private Answer call(String operation, JsonNode request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(motoUri)
                .header("Content-Type", "application/x-amz-json-1.0")
                .header("X-Amz-Target", DYNAMODB + operation)
                .header("Authorization", LOCAL_AUTHORIZATION)
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(request)))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(response.statusCode(), response.body());
    }

    private record Answer(int status, byte[] body) {
        boolean ok() {
            return status / 100 == 2;
        }

        String text() {
            String text = new String(body, StandardCharsets.UTF_8);
            return text.length() > 300 ? text.substring(0, 300) + "..." : text;
        }
    }

    /** Ends moto and the proxy as a kill -9 of the JVM would: no snapshot, the journal as it is (for tests). */
    void abandon() throws IOException {
        proxy.stop(0);
        journal.close();
        moto.close();
        workers.shutdownNow();
    }

    /**
     * Stops answering (in-flight calls finish), writes a snapshot of every table and ends moto. A failed
     * snapshot loses nothing: the journal it would have replaced stays. Without a {@link #restore()} first
     * (a start that failed before it), nothing is written.
     */
    @Override
    public void close() throws IOException {
        proxy.stop(1);
        IOException failure = null;
        oneAtATime.lock();
        try {
            if (restored && moto.isAlive() && !journal.journalIsEmpty()) {
                journal.newGeneration(this::scanAll);
            }
        } catch (IOException | RuntimeException e) {
            failure = new IOException("DynamoDB snapshot not written; the journal is kept: " + e.getMessage(), e);
        } finally {
            oneAtATime.unlock();
            journal.close();
            moto.close();
            workers.shutdownNow();
        }
        if (failure != null) {
            throw failure;
        }
    }
}
