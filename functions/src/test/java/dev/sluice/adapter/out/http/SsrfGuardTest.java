package dev.sluice.adapter.out.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.application.port.WebFetcher.FetchException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SSRF guard with made-up resolvers, with the real one (localhost), and on redirects through the fetcher. */
class SsrfGuardTest {

    private static SsrfGuard resolvingTo(String address, boolean allowLoopback) {
        return new SsrfGuard(host -> new InetAddress[] {InetAddress.getByName(address)}, allowLoopback);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.8.9.10", "10.0.0.5", "172.16.0.1", "172.31.255.255", "192.168.1.1",
        "169.254.169.254", "169.254.0.1", "100.64.0.1", "100.127.255.254", "0.0.0.0", "0.1.2.3", "224.0.0.1",
        "239.255.255.250", "255.255.255.255", "240.0.0.1", "198.18.0.1", "192.0.0.170", "::1", "::",
        "fe80::1", "fc00::1", "fd00:ec2::254", "ff02::1", "::ffff:10.0.0.1", "::ffff:169.254.169.254",
        "::ffff:127.0.0.1", "2002:a00:1::", "64:ff9b::a9fe:a9fe", "::10.0.0.1"})
    void internalAddressesAreRefusedOutsideLocalMode(String address) {
        FetchException e = assertThrows(FetchException.class,
                () -> resolvingTo(address, false).check(URI.create("https://innocent.example.com/data.csv?key=k")));
        assertEquals("URL_REFUSED", e.code());
        assertTrue(e.getMessage().contains("innocent.example.com"), e.getMessage());
        assertFalse(e.getMessage().contains("key=k"), "the query (an API key, maybe) is not repeated");
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.215.14", "8.8.8.8", "1.1.1.1", "100.128.0.1", "172.32.0.1", "2606:4700::1111",
        "::ffff:8.8.8.8"})
    void publicAddressesAreAllowed(String address) {
        assertEquals(address.startsWith("::ffff:") ? "8.8.8.8" : address.contains(":") ? address.replace("::",
                ":0:0:0:0:0:") : address,
                resolvingTo(address, false).check(URI.create("http://example.com/")).getHostAddress());
    }

    @Test
    void loopbackIsAllowedOnlyInLocalModeAndMetadataNever() {
        assertEquals("127.0.0.1", resolvingTo("127.0.0.1", true).check(URI.create("http://x/")).getHostAddress());
        assertThrows(FetchException.class, () -> resolvingTo("169.254.169.254", true).check(URI.create("http://x/")));
        assertThrows(FetchException.class, () -> resolvingTo("10.1.1.1", true).check(URI.create("http://x/")));
    }

    @Test
    void aRealNameResolvingToLoopbackIsRefusedOutsideLocalMode() {
        SsrfGuard deployed = new SsrfGuard(SsrfGuard.Resolver.SYSTEM, false);
        FetchException e = assertThrows(FetchException.class,
                () -> deployed.check(URI.create("http://localhost:8080/feed")));
        assertEquals("URL_REFUSED", e.code());
        assertThrows(FetchException.class, () -> deployed.check(URI.create("http://127.0.0.1/")));
        assertThrows(FetchException.class, () -> deployed.check(URI.create("http://[::1]/")));
        assertThrows(FetchException.class, () -> deployed.check(URI.create("http://2130706433/")));
    }

    @Test
    void oneInternalAnswerAmongPublicOnesRefusesTheName() {
        SsrfGuard guard = new SsrfGuard(host -> new InetAddress[] {InetAddress.getByName("8.8.8.8"),
            InetAddress.getByName("10.0.0.1")}, false);
        assertThrows(FetchException.class, () -> guard.check(URI.create("http://mixed.example/")));
    }

    @Test
    void otherSchemesAndUserInfoAreRefused() {
        SsrfGuard guard = resolvingTo("8.8.8.8", false);
        for (String url : List.of("file:///etc/passwd", "ftp://example.com/x", "gopher://example.com/",
                "http://user:pw@example.com/")) {
            assertEquals("URL_REFUSED", assertThrows(FetchException.class, () -> guard.check(URI.create(url)))
                    .code(), url);
        }
        SsrfGuard unresolvable = new SsrfGuard(host -> {
            throw new UnknownHostException(host);
        }, false);
        assertEquals("UNREACHABLE", assertThrows(FetchException.class,
                () -> unresolvable.check(URI.create("http://nowhere.invalid/"))).code());
    }

    /**
     * A public-looking name answers with a redirect to the metadata service: the redirect target is checked like the
     * first URL, so it is refused, and the fetcher never connects to it. The first hop is allowed only because the
     * resolver maps that one name to the test server on loopback.
     */
    @Test
    void everyRedirectIsCheckedAgainAndTheCheckedAddressIsTheOneConnectedTo() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger hits = new AtomicInteger();
        int port = server.getAddress().getPort();
        server.createContext("/start", x -> {
            hits.incrementAndGet();
            x.getResponseHeaders().add("Location", "http://metadata.example:" + port + "/latest/meta-data/");
            x.sendResponseHeaders(302, -1);
            x.close();
        });
        server.createContext("/ok", x -> {
            hits.incrementAndGet();
            byte[] body = "fine".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            // public.example "resolves" to a public address, but the guard returns the address the socket uses:
            // here it is mapped to the test server so the exchange can be observed.
            SsrfGuard guard = new SsrfGuard(host -> switch (host) {
                case "public.example" -> new InetAddress[] {InetAddress.getByName("127.0.0.1")};
                default -> new InetAddress[] {InetAddress.getByName("169.254.169.254")};
            }, true);
            HttpSourceFetcher fetcher = new HttpSourceFetcher(guard, HttpSourceFetcher.Policy.defaults(),
                    Clock.systemUTC(), d -> { });
            FetchException e = assertThrows(FetchException.class,
                    () -> fetcher.get(URI.create("http://public.example:" + port + "/start"), Map.of()));
            assertEquals("URL_REFUSED", e.code());
            assertTrue(e.getMessage().contains("metadata.example"), e.getMessage());
            assertEquals(1, hits.get(), "only the first hop reached a server");
            try (var response = fetcher.get(URI.create("http://public.example:" + port + "/ok"), Map.of())) {
                assertEquals("fine", new String(response.body().readAllBytes(), StandardCharsets.UTF_8));
            }
        } finally {
            server.stop(0);
        }
    }

    @Test
    void retryAfterReadsSecondsAndHttpDatesAndIsCapped() {
        Clock clock = Clock.fixed(java.time.Instant.parse("2026-12-02T12:00:00Z"), java.time.ZoneOffset.UTC);
        HttpSourceFetcher fetcher = new HttpSourceFetcher(resolvingTo("8.8.8.8", false),
                HttpSourceFetcher.Policy.defaults(), clock, d -> { });
        assertEquals(Duration.ofSeconds(7), fetcher.retryAfter("7"));
        assertEquals(Duration.ofSeconds(30), fetcher.retryAfter("Wed, 02 Dec 2026 12:00:30 GMT"));
        assertEquals(Duration.ZERO, fetcher.retryAfter("Wed, 02 Dec 2026 11:00:00 GMT"));
        assertEquals(Duration.ofSeconds(120), fetcher.retryAfter("86400"), "capped");
        assertEquals(null, fetcher.retryAfter("soon"));
    }
}
