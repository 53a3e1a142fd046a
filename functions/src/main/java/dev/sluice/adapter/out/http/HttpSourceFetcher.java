package dev.sluice.adapter.out.http;

import dev.sluice.application.port.WebFetcher;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The internet side of a pull. Each attempt: check the URL ({@link SsrfGuard}), connect to the checked address,
 * follow up to {@value #MAX_REDIRECTS} redirects itself (each target checked again; headers are not sent to another
 * origin). 5xx answers and network errors are retried with exponential backoff and jitter; 429 and 503 wait
 * for their {@code Retry-After} (seconds or an HTTP date), capped, and back off like a 5xx without one. The body is
 * gunzipped when the server says so and is cut off with {@code TOO_LARGE} past the size cap. Logs name the URL
 * without its query and never a header value.
 */
public final class HttpSourceFetcher implements WebFetcher {
    private static final Logger LOG = LoggerFactory.getLogger(HttpSourceFetcher.class);
    static final int MAX_REDIRECTS = 5;

    private final SsrfGuard guard;
    private final Policy policy;
    private final Clock clock;
    private final Sleeper sleeper;

    /**
     * @param attempts      tries per request (first one included) before a 5xx, 429 or network error is final
     * @param backoff       the first retry's largest wait; doubled per retry, up to {@code maxBackoff}
     * @param maxRetryAfter the longest Retry-After honoured; a longer one is waited for this long
     * @param maxBytes      the largest body (after decompression) a pull reads
     */
    public record Policy(Duration connectTimeout, Duration readTimeout, int attempts, Duration backoff,
            Duration maxBackoff, Duration maxRetryAfter, long maxBytes) {
        public static Policy defaults() {
            return new Policy(Duration.ofSeconds(10), Duration.ofSeconds(30), 4, Duration.ofMillis(500),
                    Duration.ofSeconds(20), Duration.ofSeconds(120), 512L * 1024 * 1024);
        }

        public Policy withMaxBytes(long bytes) {
            return new Policy(connectTimeout, readTimeout, attempts, backoff, maxBackoff, maxRetryAfter, bytes);
        }
    }

    /** How a retry waits; tests may observe it. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;

        Sleeper REAL = d -> Thread.sleep(d.toMillis());
    }

    public HttpSourceFetcher(SsrfGuard guard, Policy policy, Clock clock, Sleeper sleeper) {
        this.guard = guard;
        this.policy = policy;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    @Override
    public Response get(URI uri, Map<String, String> headers) {
        FetchException last = null;
        for (int attempt = 1; attempt <= policy.attempts(); attempt++) {
            Duration wait;
            try {
                Attempt result = attempt(uri, headers);
                if (result.retryAfter == null) {
                    return result.response;
                }
                wait = result.retryAfter;
                last = new FetchException("HTTP_ERROR", SsrfGuard.safe(uri) + " answered " + result.status
                        + " on every one of " + policy.attempts() + " attempts");
            } catch (RetryableException e) {
                last = e.failure;
                wait = backoff(attempt);
            }
            if (attempt < policy.attempts()) {
                LOG.info("GET {} attempt {} failed ({}); next attempt in {} ms", SsrfGuard.safe(uri), attempt,
                        last.getMessage(), wait.toMillis());
                pause(wait);
            }
        }
        throw last;
    }

    private void pause(Duration wait) {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FetchException("INTERRUPTED", "the pull was interrupted");
        }
    }

    /**
     * Exponential backoff with jitter: a random wait between half and all of backoff * 2^(attempt-1), capped at
     * maxBackoff ("equal jitter" in the AWS Architecture Blog's "Exponential Backoff And Jitter": retries spread out,
     * yet none comes back at once).
     */
    Duration backoff(int attempt) {
        long cap = Math.min(policy.maxBackoff().toMillis(), policy.backoff().toMillis() << Math.min(attempt - 1, 20));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
    }

    private record Attempt(Response response, int status, Duration retryAfter) {
    }

    /** A failure another attempt may fix. */
    private static final class RetryableException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient FetchException failure;

        RetryableException(FetchException failure) {
            super(failure.getMessage(), null, false, false);
            this.failure = failure;
        }
    }

    private Attempt attempt(URI start, Map<String, String> headers) throws RetryableException {
        URI uri = start;
        Map<String, String> sent = headers;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            InetAddress address = guard.check(uri);
            PinnedExchange exchange;
            try {
                exchange = PinnedExchange.get(uri, address, sent, policy.connectTimeout(), policy.readTimeout());
            } catch (SocketTimeoutException e) {
                throw new RetryableException(new FetchException("TIMEOUT", SsrfGuard.safe(uri)
                        + " did not answer within " + policy.readTimeout().toSeconds() + " s", e));
            } catch (InterruptedIOException e) {
                throw new RetryableException(new FetchException("TIMEOUT", SsrfGuard.safe(uri)
                        + " could not be reached in time", e));
            } catch (IOException e) {
                throw new RetryableException(new FetchException("UNREACHABLE", SsrfGuard.safe(uri)
                        + " could not be reached (" + e.getClass().getSimpleName() + ")", e));
            }
            int status = exchange.status();
            if (status >= 300 && status < 400 && status != 304 && exchange.header("location").isPresent()) {
                URI next = redirect(uri, exchange.header("location").get());
                exchange.close();
                if (!sameOrigin(uri, next)) {
                    sent = Map.of(); // credentials stay with the origin they were given for
                }
                uri = next;
                continue;
            }
            if (status == 429 || status == 503) {
                Duration retryAfter = retryAfter(exchange.header("retry-after").orElse(null));
                if (retryAfter != null) {
                    exchange.close();
                    return new Attempt(null, status, retryAfter);
                }
                // Without a Retry-After the server gave no time: back off as for any 5xx, so a crowd of pulls
                // spreads out instead of coming back together after one fixed pause.
            }
            if (status >= 500 || status == 429) {
                exchange.close();
                throw new RetryableException(new FetchException("HTTP_ERROR", SsrfGuard.safe(uri) + " answered "
                        + status));
            }
            return new Attempt(new FetchedResponse(exchange, uri, policy.maxBytes()), status, null);
        }
        throw new FetchException("TOO_MANY_REDIRECTS", SsrfGuard.safe(start) + " redirected more than "
                + MAX_REDIRECTS + " times");
    }

    private static URI redirect(URI from, String location) {
        try {
            return from.resolve(new URI(location.strip()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new FetchException("HTTP_ERROR", SsrfGuard.safe(from) + " redirected to a malformed URL");
        }
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && a.getPort() == b.getPort();
    }

    /** Retry-After as delta-seconds or an HTTP date (RFC 9110 10.2.3), capped; null when absent or unreadable. */
    Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Duration wait;
        try {
            wait = Duration.ofSeconds(Math.max(0, Long.parseLong(value.strip())));
        } catch (NumberFormatException e) {
            try {
                Instant at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                wait = Duration.between(clock.instant(), at);
                wait = wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
        return wait.compareTo(policy.maxRetryAfter()) > 0 ? policy.maxRetryAfter() : wait;
    }

    /** A final answer whose body is decompressed and capped. */
    private static final class FetchedResponse implements Response {
        private final PinnedExchange exchange;
        private final URI uri;
        private final InputStream body;

        FetchedResponse(PinnedExchange exchange, URI uri, long maxBytes) {
            this.exchange = exchange;
            this.uri = uri;
            InputStream raw = exchange.body();
            boolean gzip = exchange.header("content-encoding").map(v -> v.toLowerCase(Locale.ROOT).contains("gzip"))
                    .orElse(false);
            InputStream decoded = raw;
            if (gzip) {
                try {
                    decoded = new GZIPInputStream(raw, 64 * 1024);
                } catch (IOException e) {
                    decoded = failing(new FetchException("HTTP_ERROR", SsrfGuard.safe(uri)
                            + " sent a body marked gzip that is not gzip"));
                }
            }
            this.body = new CappedInputStream(decoded, maxBytes, uri);
        }

        private static InputStream failing(FetchException e) {
            return new InputStream() {
                @Override
                public int read() {
                    throw e;
                }
            };
        }

        @Override
        public int status() {
            return exchange.status();
        }

        @Override
        public Optional<String> header(String name) {
            return exchange.header(name);
        }

        @Override
        public InputStream body() {
            return body;
        }

        @Override
        public URI uri() {
            return uri;
        }

        @Override
        public void close() {
            exchange.close();
        }
    }

    /** Reading past {@code max} bytes throws {@code TOO_LARGE}; a read error is a FetchException too. */
    static final class CappedInputStream extends FilterInputStream {
        private final long max;
        private final URI uri;
        private long count;

        CappedInputStream(InputStream in, long max, URI uri) {
            super(in);
            this.max = max;
            this.uri = uri;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (SocketTimeoutException e) {
                throw new FetchException("TIMEOUT", SsrfGuard.safe(uri) + " stopped sending in the middle of its "
                        + "answer", e);
            } catch (IOException e) {
                throw new FetchException("UNREACHABLE", SsrfGuard.safe(uri) + " broke off its answer after "
                        + count + " bytes (" + e.getClass().getSimpleName() + ")", e);
            }
            if (n > 0) {
                count += n;
                if (count > max) {
                    throw new FetchException("TOO_LARGE", SsrfGuard.safe(uri) + " sent more than " + max
                            + " bytes, the limit for one pull (SOURCE_MAX_BYTES); nothing was loaded");
                }
            }
            return n;
        }
    }

    /** Headers for a log line: names only. */
    static Map<String, String> redacted(Map<String, String> headers) {
        Map<String, String> names = new LinkedHashMap<>();
        headers.keySet().forEach(name -> names.put(name, "***"));
        return names;
    }
}
