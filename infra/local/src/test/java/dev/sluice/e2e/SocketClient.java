package dev.sluice.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A real WebSocket client (java.net.http) that keeps every message it receives, in order. */
final class SocketClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<JsonNode> received = new ArrayList<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private SocketClient(URI uri) throws Exception {
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(uri, new Listener()).get(20, TimeUnit.SECONDS);
    }

    static SocketClient connect(URI uri) throws Exception {
        return new SocketClient(uri);
    }

    void send(String text) throws Exception {
        socket.sendText(text, true).get(10, TimeUnit.SECONDS);
    }

    void subscribe(String runId) throws Exception {
        send("{\"action\":\"subscribe\",\"runId\":\"" + runId + "\"}");
    }

    /** Every message so far. */
    List<JsonNode> messages() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Messages about one run, in the order they arrived. */
    List<JsonNode> messages(String runId) {
        return messages().stream().filter(m -> runId.equals(m.path("runId").asText())).toList();
    }

    /** Waits for the first message, received so far or later, that matches. */
    JsonNode await(Predicate<JsonNode> wanted, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            while (true) {
                for (JsonNode message : received) {
                    if (wanted.test(message)) {
                        return message;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no message " + what + " within " + timeout + "; received " + received);
                }
                received.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    static Predicate<JsonNode> type(String type, String runId) {
        return m -> type.equals(m.path("type").asText()) && runId.equals(m.path("runId").asText());
    }

    /** Drops the TCP connection without a close frame, like a browser tab killed or a network gone. */
    void abort() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode message = JSON.readTree(partial.toString());
                    synchronized (received) {
                        received.add(message);
                        received.notifyAll();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("not JSON: " + partial, e);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }
    }
}
