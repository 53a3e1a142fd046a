package dev.sluice.application.port;

import java.io.InputStream;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * GETs a source's URL from the internet, politely and safely: timeouts, retries with backoff on 5xx and network
 * errors, 429 / Retry-After honoured, redirects followed (each checked again), the body decompressed and capped.
 * Answers any final status (2xx, 304, 4xx) for the caller to judge; throws {@link FetchException} when no answer
 * could be had or the URL is refused.
 */
public interface WebFetcher {

    Response get(URI uri, Map<String, String> headers);

    /** A final answer. The caller closes it. */
    interface Response extends AutoCloseable {
        int status();

        /** The first value of a header, by case-insensitive name. */
        Optional<String> header(String name);

        /** The (decompressed) body; reading past the size cap throws {@link FetchException}. */
        InputStream body();

        /** The URL that answered, after redirects. */
        URI uri();

        @Override
        void close();
    }

    /** Why a URL gave no answer; the message is safe to show (never a header value). */
    final class FetchException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String code;

        public FetchException(String code, String message) {
            super(message);
            this.code = code;
        }

        public FetchException(String code, String message, Throwable cause) {
            super(message, cause);
            this.code = code;
        }

        /** e.g. {@code URL_REFUSED}, {@code TOO_LARGE}, {@code UNREACHABLE}, {@code TIMEOUT}, {@code HTTP_ERROR}. */
        public String code() {
            return code;
        }
    }
}
