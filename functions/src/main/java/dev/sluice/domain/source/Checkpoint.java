package dev.sluice.domain.source;

/**
 * How far a source has been loaded: the largest cursor value seen (json-api and feed sources with a cursor field),
 * the validators of the last loaded CSV (csv-url: ETag and Last-Modified, sent back as If-None-Match and
 * If-Modified-Since), and the SHA-256 of the last loaded content, so the same bytes are never loaded twice. Any of
 * them may be null.
 */
public record Checkpoint(String cursor, String eTag, String lastModified, String contentHash) {
    public static final Checkpoint NONE = new Checkpoint(null, null, null, null);

    public boolean isEmpty() {
        return cursor == null && eTag == null && lastModified == null && contentHash == null;
    }
}
