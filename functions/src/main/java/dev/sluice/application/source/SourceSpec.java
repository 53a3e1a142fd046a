package dev.sluice.application.source;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.domain.source.Pagination;
import dev.sluice.domain.source.Schedule;
import dev.sluice.domain.source.SourceKind;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;

/**
 * What a user gives for a source (POST) or changes (PATCH: a null member is left as it is). {@code headers} are the
 * auth headers' values: they go to the secret store and are never kept on the source; {@code clearSchedule} and
 * {@code clearHeaders} say that an explicit JSON null was given. Validates itself when built.
 */
public record SourceSpec(SourceKind kind, String url, Schedule schedule, boolean clearSchedule, Boolean enabled,
        String cursorField, String recordsPath, Pagination pagination, String since, Map<String, String> headers,
        boolean clearHeaders) {
    private static final int MAX_URL = 2048;
    private static final int MAX_HEADERS = 20;

    public SourceSpec {
        if (url != null) {
            checkUrl(url);
        }
        if (headers != null) {
            headers = Map.copyOf(headers);
            if (headers.size() > MAX_HEADERS) {
                throw invalid("headers", "at most " + MAX_HEADERS + " headers");
            }
            headers.forEach((name, value) -> {
                if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}")) {
                    throw invalid("headers", "'" + name + "' is not an HTTP header name");
                }
                String lower = name.toLowerCase(Locale.ROOT);
                if (lower.equals("host") || lower.equals("content-length") || lower.equals("transfer-encoding")
                        || lower.equals("connection")) {
                    throw invalid("headers", "header '" + name + "' is set by Sluice itself");
                }
                if (value == null || value.length() > 8192 || value.chars().anyMatch(c -> c < 0x20 && c != '\t')) {
                    throw invalid("headers", "the value of '" + name + "' must be text of at most 8192 characters "
                            + "without line breaks");
                }
            });
        }
        if (since != null && !since.isBlank() && !since.contains("{checkpoint}")) {
            throw invalid("since", "'" + since + "' must contain {checkpoint}, e.g. updated_since={checkpoint}");
        }
    }

    private static void checkUrl(String url) {
        if (url.length() > MAX_URL) {
            throw invalid("url", "at most " + MAX_URL + " characters");
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw invalid("url", "'" + url + "' is not an absolute http(s) URL");
            }
            if (uri.getRawUserInfo() != null) {
                throw invalid("url", "a URL must not carry a user name or password; give them as headers");
            }
        } catch (URISyntaxException e) {
            throw invalid("url", "'" + url + "' is not a URL (" + e.getReason() + ")");
        }
    }

    static InvalidRequestException invalid(String field, String why) {
        return new InvalidRequestException("INVALID_SOURCE", 400, "Field '" + field + "': " + why + ".");
    }
}
