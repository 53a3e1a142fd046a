package dev.sluice.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.local.LocalSluice;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Progress over the WebSocket as a browser sees it: imports of the bench file watched by real WebSocket clients
 * (java.net.http), each subscribed to the run before the upload. Measures, per import, the first message after
 * the PUT returned, the first one with records counted, and for every message the lag from the DynamoDB change it
 * reports (its {@code updatedAt}, written by the function in this JVM, so on the same clock) to its arrival.
 */
final class WebSocketBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofMinutes(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final LocalSluice sluice;

    WebSocketBench(LocalSluice sluice) {
        this.sluice = sluice;
    }

    /** One message as a client received it. */
    private record Received(long nanos, Instant at, JsonNode message) {
    }

    ObjectNode measure(Path csv, long bytes, int imports, int subscribers) throws Exception {
        List<Long> firstMessage = new ArrayList<>();
        List<Long> firstCounted = new ArrayList<>();
        List<Long> lags = new ArrayList<>();
        long messages = 0;
        for (int i = 0; i < imports; i++) {
            List<Client> clients = new ArrayList<>();
            try {
                for (int s = 0; s < subscribers; s++) {
                    clients.add(new Client(URI.create(sluice.webSocketUrl() + "?token=" + token())));
                }
                JsonNode upload = createUpload("ws-bench-" + i + ".csv", bytes);
                String runId = upload.get("runId").asText();
                for (Client client : clients) {
                    client.send("{\"action\":\"subscribe\",\"runId\":\"" + runId + "\"}");
                    client.await("run.snapshot");
                }
                put(upload, csv);
                long uploaded = System.nanoTime();
                for (Client client : clients) {
                    client.await("run.finished");
                }
                Received first = null;
                Received counted = null;
                for (Client client : clients) {
                    for (Received received : client.received()) {
                        if (received.message().path("type").asText().equals("run.snapshot")) {
                            continue;
                        }
                        messages++;
                        lags.add(Duration.between(Instant.parse(received.message().get("updatedAt").asText()),
                                received.at()).toNanos() / 1_000);
                        if (received.nanos() >= uploaded) {
                            if (first == null || received.nanos() < first.nanos()) {
                                first = received;
                            }
                            if (received.message().path("records").asLong() > 0
                                    && (counted == null || received.nanos() < counted.nanos())) {
                                counted = received;
                            }
                        }
                    }
                }
                firstMessage.add(first == null ? -1 : (first.nanos() - uploaded) / 1_000_000);
                firstCounted.add(counted == null ? -1 : (counted.nanos() - uploaded) / 1_000_000);
            } finally {
                clients.forEach(Client::close);
            }
        }
        ObjectNode node = JSON.createObjectNode();
        node.put("imports", imports);
        node.put("subscribers", subscribers);
        node.put("messages", messages);
        node.put("firstMessageAfterUploadMillis", median(firstMessage));
        node.put("firstRecordsMessageAfterUploadMillis", median(firstCounted));
        ArrayNode perImport = node.putArray("firstMessageAfterUploadMillisRuns");
        firstMessage.forEach(perImport::add);
        List<Long> sorted = lags.stream().sorted().toList();
        node.put("lagMedianMillis", sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2) / 1000.0);
        node.put("lagP95Millis", sorted.isEmpty() ? -1
                : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.95) - 1)) / 1000.0);
        node.put("lagMaxMillis", sorted.isEmpty() ? -1 : sorted.getLast() / 1000.0);
        return node;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2);
    }

    private JsonNode createUpload(String fileName, long bytes) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(sluice.baseUrl().resolve("/api/uploads"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + token())
                .POST(HttpRequest.BodyPublishers.ofString("{\"fileName\":\"" + fileName + "\",\"contentLength\":"
                        + bytes + ",\"allowDuplicate\":true}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException("POST /api/uploads answered " + response.statusCode() + ": "
                    + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** The first configured user's (admin@example.com unless --user replaced the users). */
    private String token() {
        return sluice.identity().tokenFor(sluice.identity().userEmails().getFirst());
    }

    private void put(JsonNode upload, Path csv) throws IOException, InterruptedException {
        HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(upload.get("uploadUrl").asText()))
                .PUT(HttpRequest.BodyPublishers.ofFile(csv));
        upload.get("headers").properties().forEach(h -> put.header(h.getKey(), h.getValue().asText()));
        HttpResponse<String> response = http.send(put.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException("PUT answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** A WebSocket client that timestamps each message as it arrives. */
    private final class Client implements WebSocket.Listener {
        private final List<Received> received = new ArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        private final WebSocket socket;

        Client(URI uri) throws Exception {
            socket = open(uri);
        }

        /**
         * The previous import's sockets were just aborted and their $disconnects may still be running: until they
         * free their connection slots the per-user limit refuses with 429, so that answer is retried briefly.
         */
        private WebSocket open(URI uri) throws Exception {
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (true) {
                try {
                    return http.newWebSocketBuilder().buildAsync(uri, this).get(20, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof WebSocketHandshakeException refused)
                            || refused.getResponse().statusCode() != 429 || System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(50);
                }
            }
        }

        void send(String text) throws Exception {
            socket.sendText(text, true).get(10, TimeUnit.SECONDS);
        }

        List<Received> received() {
            synchronized (received) {
                return List.copyOf(received);
            }
        }

        void await(String type) throws InterruptedException {
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            synchronized (received) {
                while (received.stream().noneMatch(r -> r.message().path("type").asText().equals(type))) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new IllegalStateException("no " + type + " within " + DEADLINE);
                    }
                    received.wait(Math.max(1, left / 1_000_000));
                }
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                long nanos = System.nanoTime();
                Instant at = Instant.now();
                try {
                    JsonNode message = JSON.readTree(partial.toString());
                    synchronized (received) {
                        received.add(new Received(nanos, at, message));
                        received.notifyAll();
                    }
                } catch (IOException e) {
                    throw new IllegalStateException("a message that is not JSON: " + partial, e);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        void close() {
            socket.abort();
        }
    }
}
