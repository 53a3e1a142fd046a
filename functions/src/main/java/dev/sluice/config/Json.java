package dev.sluice.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.domain.validation.ChunkReader;

/** The one JSON configuration of Sluice's functions, with its read limits set here deliberately. */
public final class Json {
    /**
     * Deepest JSON read: Sluice's own documents (requests, chunk messages, stored extra columns) nest at most 3
     * levels; the limit stops a hostile body from costing a deep recursion.
     */
    public static final int MAX_DEPTH = 32;
    /** Longest JSON string read: twice the characters one CSV record may hold (an extra column's value). */
    public static final int MAX_STRING_CHARS = 2 * ChunkReader.MAX_RECORD_CHARS;
    /**
     * Longest JSON document read: the stored extra columns of one record (its names and values, at most 1 Mi
     * characters each, JSON-escaped) are the largest; request bodies are bounded far lower by the API itself.
     */
    public static final long MAX_DOCUMENT_CHARS = 16L * ChunkReader.MAX_RECORD_CHARS;

    private Json() {
    }

    /** A new mapper with the limits above rather than Jackson's defaults (1,000 levels, 20 million characters). */
    public static ObjectMapper mapper() {
        StreamReadConstraints limits = StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH)
                .maxStringLength(MAX_STRING_CHARS)
                .maxNameLength(MAX_STRING_CHARS)
                .maxDocumentLength(MAX_DOCUMENT_CHARS)
                .build();
        return new ObjectMapper(JsonFactory.builder().streamReadConstraints(limits).build())
                .findAndRegisterModules();
    }
}
