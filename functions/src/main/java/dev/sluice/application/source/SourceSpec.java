package dev.sluice.application.source;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.domain.source.Pagination;
import dev.sluice.domain.source.Schedule;
import dev.sluice.domain.source.SourceKind;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;

/**
 * What a user gives for a source (POST) or changes (PATCH: a null member is left as it is). {@code headers} are the
 * auth headers' values: they go to the secret store and are never kept on the source; {@code clearSchedule} and
 * {@code clearHeaders} say that an explicit JSON null was given. Validates itself when built.
 *
 * @param schedule the schedule's expression, checked, in UTC: {@link ManageSources} puts it in {@code timezone}, or
 *                 on PATCH without a timezone in the zone the source's schedule had
 * @param timezone the time zone given, or null; a time zone is a part of a schedule, so one given with
 *                 {@code "schedule": null} is refused here, and one given for a source without a schedule by
 *                 {@link ManageSources}
 */
public record SourceSpec(SourceKind kind, String url, Schedule schedule, ZoneId timezone, boolean clearSchedule,
        Boolean enabled, String cursorField, String recordsPath, Pagination pagination, String since,
        Map<String, String> headers, boolean clearHeaders) {
    private static final int MAX_URL = 2048;
    private static final int MAX_HEADERS = 20;

    public SourceSpec {
        if (timezone != null && clearSchedule) {
            throw timezoneWithoutSchedule("\"schedule\": null removes the schedule with its time zone");
        }
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

    /** A time zone given for a source that will have no schedule. */
    static InvalidRequestException timezoneWithoutSchedule(String why) {
        return invalidSchedule("timezone", "a time zone belongs to a schedule and there is none (" + why
                + "); give \"schedule\" with it");
    }

    /** A schedule or its time zone that cannot be used; {@code field} is {@code schedule} or {@code timezone}. */
    public static InvalidRequestException invalidSchedule(String field, String why) {
        return new InvalidRequestException("INVALID_SCHEDULE", 400, "Field '" + field + "': " + why + ".");
    }

    static InvalidRequestException invalid(String field, String why) {
        return new InvalidRequestException("INVALID_SOURCE", 400, "Field '" + field + "': " + why + ".");
    }
}
