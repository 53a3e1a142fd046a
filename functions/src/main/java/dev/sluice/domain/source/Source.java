package dev.sluice.domain.source;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A place a dataset's data is pulled from. The values of its auth headers are never here: only their names, and a
 * reference to the secret that holds them ({@code secretRef}, null when there are none).
 *
 * @param schedule     when it is pulled by itself, or null (run-now only)
 * @param cursorField  json-api / feed: the record field whose largest value is the checkpoint (an updated-at
 *                     timestamp or an increasing id), or null (every pull loads everything; identical content is
 *                     still loaded once)
 * @param recordsPath  json-api: the dotted JSON path to the array of records ({@code data.items}); null or empty:
 *                     the response itself is the array
 * @param since        json-api: a query string template sent when there is a checkpoint, e.g.
 *                     {@code updated_since={checkpoint}} ({@code {checkpoint}} is replaced, URL-encoded)
 * @param activePull   the pull that holds the source now (one at a time), or null
 */
public record Source(String id, String datasetId, String owner, SourceKind kind, String url, Schedule schedule,
        boolean enabled, String cursorField, String recordsPath, Pagination pagination, String since,
        List<String> headerNames, String secretRef, Checkpoint checkpoint, String activePull, Instant createdAt,
        Instant updatedAt) {

    public Source {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(datasetId, "datasetId");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(url, "url");
        pagination = pagination == null ? Pagination.NONE : pagination;
        headerNames = headerNames == null ? List.of() : List.copyOf(headerNames);
        checkpoint = checkpoint == null ? Checkpoint.NONE : checkpoint;
    }

    public Source withCheckpoint(Checkpoint next) {
        return new Source(id, datasetId, owner, kind, url, schedule, enabled, cursorField, recordsPath, pagination,
                since, headerNames, secretRef, next, activePull, createdAt, updatedAt);
    }

    public Source withActivePull(String pullId) {
        return new Source(id, datasetId, owner, kind, url, schedule, enabled, cursorField, recordsPath, pagination,
                since, headerNames, secretRef, checkpoint, pullId, createdAt, updatedAt);
    }
}
