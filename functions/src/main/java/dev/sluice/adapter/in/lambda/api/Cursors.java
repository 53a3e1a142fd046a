package dev.sluice.adapter.in.lambda.api;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.port.RecordRepository.ErrorCursor;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The {@code cursor} of the paged endpoints: the repository's position, opaque to clients (URL-safe base64), so
 * what a position holds can change without changing the API.
 */
public final class Cursors {
    private Cursors() {
    }

    public static String encode(String position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
    }

    /** The record number a records page continues after; 0 (from the start) without a cursor. */
    public static long recordsAfter(String cursor) {
        if (cursor == null) {
            return 0;
        }
        try {
            return Long.parseLong(decode(cursor));
        } catch (NumberFormatException e) {
            throw notOurs();
        }
    }

    /** The row error an errors page continues after; the start without a cursor. */
    public static ErrorCursor errorsAfter(String cursor) {
        if (cursor == null) {
            return ErrorCursor.START;
        }
        String[] parts = decode(cursor).split("\\.", -1);
        if (parts.length != 2) {
            throw notOurs();
        }
        try {
            return new ErrorCursor(Long.parseLong(parts[0]), Integer.parseInt(parts[1]));
        } catch (NumberFormatException e) {
            throw notOurs();
        }
    }

    private static String decode(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw notOurs();
        }
    }

    private static InvalidRequestException notOurs() {
        return InvalidRequestException.badField("cursor", "is not a cursor returned by this endpoint");
    }
}
