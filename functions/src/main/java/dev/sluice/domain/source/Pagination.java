package dev.sluice.domain.source;

import java.util.Objects;

/**
 * How a json-api source pages through its records.
 * <ul>
 * <li>{@code none}: one request.</li>
 * <li>{@code page}: query parameter {@code param} (default {@code page}) counts up from {@code start} (default 1);
 * the first page with no records ends the pull.</li>
 * <li>{@code cursor}: the value at JSON path {@code nextPath} (default {@code next_cursor}) of each response is sent
 * as query parameter {@code param} (default {@code cursor}) of the next request; a missing, null or empty value ends
 * the pull.</li>
 * <li>{@code link}: the {@code Link} response header's {@code rel="next"} URL is requested next (GitHub, RFC 8288).
 * </li>
 * </ul>
 * At most {@code maxPages} requests are made per pull (default 1,000), so a looping API cannot hold a pull forever.
 */
public record Pagination(Type type, String param, int start, String nextPath, int maxPages) {
    public static final int DEFAULT_MAX_PAGES = 1_000;
    public static final Pagination NONE = new Pagination(Type.NONE, null, 1, null, DEFAULT_MAX_PAGES);

    /** The kinds of paging, by wire name. */
    public enum Type {
        NONE, PAGE, CURSOR, LINK
    }

    public Pagination {
        Objects.requireNonNull(type, "type");
        if (type == Type.PAGE && param == null) {
            param = "page";
        }
        if (type == Type.CURSOR && param == null) {
            param = "cursor";
        }
        if (type == Type.CURSOR && nextPath == null) {
            nextPath = "next_cursor";
        }
        if (maxPages <= 0) {
            maxPages = DEFAULT_MAX_PAGES;
        }
    }
}
