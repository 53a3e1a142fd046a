package dev.sluice.application.port;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What uploads need beyond a run's own life (DynamoDB): which run holds a content's place in a dataset, how many
 * uploads an owner started this hour, and the upload-only transitions. Every write is conditional.
 */
public interface UploadLedger {

    /** One content (SHA-256 of its bytes, 64 lowercase hex digits) in one owner's dataset. */
    record ContentKey(String owner, String datasetId, String sha256) {
    }

    /** The run that imported, or is importing, this content; empty when none (or only failed ones) did. */
    Optional<String> holder(ContentKey content);

    /**
     * Claims the content for {@code runId}, atomically: empty when the run holds it now (claimed now, or earlier by
     * the same run, or taken over from a run that ended without importing), else the run that holds it.
     */
    Optional<String> claim(ContentKey content, String runId);

    /**
     * Counts one upload of the owner in the clock hour of {@code now}, unless {@code max} are counted already. The
     * count after this one, or empty when the limit was reached (nothing counted).
     */
    OptionalLong countUpload(String owner, Instant now, int max);

    /** RECEIVED/SPLITTING becomes DUPLICATE pointing at the earlier run; false when the run had moved on. */
    boolean markDuplicate(String runId, String duplicateOf, String message);

    /** CREATED becomes CANCELLED with the reason; false when the run had moved on. */
    boolean cancel(String runId, String code, String message);

    /** Remembers the SHA-256 the splitter computed (64 lowercase hex digits). */
    void recordSha256(String runId, String sha256);

    /** The size progress is measured against, once a gzip file's decompressed size is known. */
    void recordBytesTotal(String runId, long bytesTotal);
}
