package dev.sluice.adapter.out.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.application.port.WebFetcher;
import dev.sluice.application.port.WebFetcher.FetchException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How the fetcher waits between attempts, against a real server on the loopback interface. The sleeper is the test's:
 * it records each wait the fetcher asks for and returns at once, so the waits are asserted exactly, never timed.
 * With backoff 100 ms the n-th retry waits between half and all of 100 ms * 2^(n-1), capped at 1 s.
 */
class HttpSourceFetcherTest {
    private static final Duration BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

    private HttpServer server;
    private String base;
    private final List<Duration> waits = new CopyOnWriteArrayList<>();
    private final AtomicInteger hits = new AtomicInteger();
    private HttpSourceFetcher fetcher;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/unavailable", x -> answer(x, 503, Map.of()));
        server.createContext("/limited", x -> answer(x, 429, Map.of()));
        server.createContext("/failing", x -> answer(x, 500, Map.of()));
        server.createContext("/busy-then-ok", x -> {
            if (hits.incrementAndGet() == 1) {
                send(x, 503, Map.of("Retry-After", "7"), "busy");
            } else {
                send(x, 200, Map.of(), "a\n1\n");
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        fetcher = fetcher(6);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private HttpSourceFetcher fetcher(int attempts) {
        return new HttpSourceFetcher(new SsrfGuard(SsrfGuard.Resolver.SYSTEM, true),
                new HttpSourceFetcher.Policy(Duration.ofSeconds(2), Duration.ofSeconds(2), attempts, BACKOFF,
                        MAX_BACKOFF, Duration.ofSeconds(120), 1 << 20),
                Clock.systemUTC(), waits::add);
    }

    @Test
    void a503WithoutRetryAfterBacksOffExponentiallyWithJitter() {
        FetchException failed = assertThrows(FetchException.class, () -> fetcher.get(uri("/unavailable"), Map.of()));
        assertTrue(failed.getMessage().contains("answered 503"), failed.getMessage());
        assertEquals(6, hits.get());
        assertBackoff(waits);
    }

    @Test
    void a429WithoutRetryAfterAndA500BackOffTheSameWay() {
        assertThrows(FetchException.class, () -> fetcher.get(uri("/limited"), Map.of()));
        assertBackoff(waits);
        waits.clear();
        assertThrows(FetchException.class, () -> fetcher.get(uri("/failing"), Map.of()));
        assertBackoff(waits);
    }

    @Test
    void aNetworkErrorBacksOffTheSameWay() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        FetchException failed = assertThrows(FetchException.class,
                () -> fetcher.get(URI.create("http://127.0.0.1:" + closedPort + "/x"), Map.of()));
        assertEquals("UNREACHABLE", failed.code(), failed.getMessage());
        assertBackoff(waits);
    }

    @Test
    void aRetryAfterIsWaitedForExactly() throws IOException {
        try (WebFetcher.Response response = fetcher.get(uri("/busy-then-ok"), Map.of())) {
            assertEquals(200, response.status());
            assertEquals("a\n1\n", new String(response.body().readAllBytes(), StandardCharsets.UTF_8));
        }
        assertEquals(List.of(Duration.ofSeconds(7)), waits);
    }

    @Test
    void theJitterSpreadsTheWaits() {
        // Ten first retries drawn from 50..100 ms: all ten alike would happen by chance with odds of 51^-9.
        List<Duration> first = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            first.add(fetcher.backoff(1));
        }
        assertTrue(first.stream().distinct().count() > 1, first::toString);
    }

    /** One wait per retry (attempts - 1), the n-th between half and all of min(1 s, 100 ms * 2^(n-1)). */
    private static void assertBackoff(List<Duration> waits) {
        assertEquals(5, waits.size(), waits::toString);
        for (int n = 1; n <= waits.size(); n++) {
            long cap = Math.min(MAX_BACKOFF.toMillis(), BACKOFF.toMillis() << (n - 1));
            long waited = waits.get(n - 1).toMillis();
            assertTrue(waited >= cap / 2 && waited <= cap, "retry " + n + " waited " + waited + " ms, expected "
                    + cap / 2 + ".." + cap + ": " + waits);
        }
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private void answer(HttpExchange x, int status, Map<String, String> headers) throws IOException {
        hits.incrementAndGet();
        send(x, status, headers, "no");
    }

    private static void send(HttpExchange x, int status, Map<String, String> headers, String body)
            throws IOException {
        headers.forEach((k, v) -> x.getResponseHeaders().add(k, v));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }
}
