package dev.sluice.adapter.out.dynamodb;

import dev.sluice.application.port.DatasetRuns;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.adapter.wire.ChunkMessageCodec;
import dev.sluice.application.port.ObjectStore.ObjectVersion;
import dev.sluice.application.port.PublishRuns;
import dev.sluice.application.port.RecoveryRepository;
import dev.sluice.application.port.RunRepository;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.PublishSettings;
import dev.sluice.domain.run.PublishCounts;
import dev.sluice.domain.run.RollbackReport;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.Run.DeadChunk;
import dev.sluice.domain.run.Run.FileFacts;
import dev.sluice.domain.run.RunStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Run state in the single table. Item layout:
 * <ul>
 *   <li>run: {@code pk=RUN#id, sk=RUN}; GSI RunsByOwner ({@code gsi1pk=OWNER#owner, gsi1sk=createdAt#id}),
 *       GSI RunsByStatus ({@code gsi2pk=STATUS#status, gsi2sk=updatedAt}), GSI RunsByDataset
 *       ({@code gsi4pk=DATASET#datasetId, gsi4sk=createdAt#id});</li>
 *   <li>planned chunk: {@code pk=RUN#id, sk=PLAN#00000042} with the fingerprint of the chunk message the splitter
 *       sent, so a loader loads only chunks that were planned, and the message itself (gzip-compressed JSON,
 *       {@code message}), so resume and redrive can send it again (removed by TTL after {@link #PLAN_RETENTION});
 *       one item per chunk, so a run's plan is not bounded by the 400 KB item limit;</li>
 *   <li>last failure of a chunk: {@code pk=RUN#id, sk=CHUNKFAIL#00000042}.</li>
 * </ul>
 * A chunk is counted with one conditional UpdateItem on the run item: its number joins the number set
 * {@code countedChunks} in the same update that adds its counters, on condition that it is not in the set yet, the
 * run accepts chunks and the number was planned. A single-item update is atomic, so a chunk is counted once however
 * often and however concurrently it is delivered, and it costs one write instead of a two-item transaction's two.
 * The set bounds the chunks of one run by DynamoDB's 400 KB item limit: a number takes at most ~21 bytes, usually
 * 2-4, so 10,000 chunk numbers need about 40 KB (with the default 4 MiB chunks a 5 GiB file has ~1,300 chunks).
 * {@code chunksOutstanding} is decremented by each counted chunk and incremented by the chunk total when the
 * splitter finishes, so it reaches 0 exactly when every chunk is counted, whichever happens last.
 */
public final class DynamoRunRepository implements RunRepository, DatasetRuns, RecoveryRepository, PublishRuns {
    /**
     * The dataset's review setting and strategy as the splitter read them, kept on the run so that finishing it
     * needs no read of the dataset; a redrive removes them.
     */
    static final String PUBLISH_AS_SPLIT = "publishAsSplit";
    private static final String RUN_SK = "RUN";
    /** Planned-chunk items outlive any retry of their run (SQS keeps a message at most 14 days) by a wide margin. */
    static final Duration PLAN_RETENTION = Duration.ofDays(30);
    /** BatchWriteItem takes at most 25 items per call. */
    private static final int MAX_BATCH_WRITE = 25;
    private static final int MAX_BATCH_ATTEMPTS = 8;
    private static final Pattern PLACEHOLDER = Pattern.compile("#\\w+");

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;
    /** Plan messages are written and read only here, so a plain mapper (no read limits needed) serves. */
    private final ObjectMapper planJson = new ObjectMapper();

    /** The publish settings of a dataset by id, read when a run that stored records finishes loading. */
    private final Function<String, PublishSettings> publishSettings;

    /** Runs whose datasets publish with the defaults (append, no review). */
    public DynamoRunRepository(DynamoDbClient dynamo, String table, Clock clock) {
        this(dynamo, table, clock, datasetId -> PublishSettings.defaults(DatasetKind.MARKETING));
    }

    public DynamoRunRepository(DynamoDbClient dynamo, String table, Clock clock,
            Function<String, PublishSettings> publishSettings) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
        this.publishSettings = publishSettings;
    }

    @Override
    public boolean create(Run run) {
        Map<String, AttributeValue> item = RunItems.toItem(run);
        try {
            dynamo.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public Optional<Run> find(String runId) {
        return findItem(runId).map(RunItems::fromItem);
    }

    private Optional<Map<String, AttributeValue>> findItem(String runId) {
        Map<String, AttributeValue> item = dynamo
                .getItem(b -> b.tableName(table).key(runKey(runId)).consistentRead(true))
                .item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    @Override
    public List<Run> listByOwner(String owner, int limit) {
        List<Run> runs = new ArrayList<>();
        dynamo.query(b -> b.tableName(table).indexName("RunsByOwner")
                        .keyConditionExpression("gsi1pk = :owner")
                        .expressionAttributeValues(Map.of(":owner", s("OWNER#" + owner)))
                        .scanIndexForward(false).limit(limit))
                .items().forEach(item -> runs.add(RunItems.fromItem(item)));
        return runs;
    }

    /**
     * One query per status partition of RunsByStatus (sorted by the last change), merged: a handful of small
     * queries rather than a scan of the table, whose items are mostly plan, ledger and connection items.
     */
    @Override
    public List<Run> listRecent(int limit) {
        List<Run> runs = new ArrayList<>();
        for (RunStatus status : RunStatus.values()) {
            dynamo.query(b -> b.tableName(table).indexName("RunsByStatus")
                            .keyConditionExpression("gsi2pk = :status")
                            .expressionAttributeValues(Map.of(":status", s("STATUS#" + status.name())))
                            .scanIndexForward(false).limit(limit))
                    .items().forEach(item -> runs.add(RunItems.fromItem(item)));
        }
        runs.sort(Comparator.comparing(Run::updatedAt, Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparing(Run::runId));
        return List.copyOf(runs.subList(0, Math.min(limit, runs.size())));
    }

    /** The cursor is the last run's RunsByDataset sort key, base64url: enough to rebuild the index's start key. */
    @Override
    public RunPage runsOf(String datasetId, int limit, String cursor) {
        Map<String, AttributeValue> start = cursor == null ? null : startKey(datasetId, cursor);
        QueryResponse page = dynamo.query(b -> b.tableName(table).indexName("RunsByDataset")
                .keyConditionExpression("gsi4pk = :dataset")
                .expressionAttributeValues(Map.of(":dataset", s(RunItems.DATASET_PREFIX + datasetId)))
                .scanIndexForward(false).limit(limit).exclusiveStartKey(start));
        List<Run> runs = page.items().stream().map(RunItems::fromItem).toList();
        Optional<String> next = page.hasLastEvaluatedKey() && page.lastEvaluatedKey().containsKey("gsi4sk")
                ? Optional.of(Base64.getUrlEncoder().withoutPadding().encodeToString(
                        page.lastEvaluatedKey().get("gsi4sk").s().getBytes(StandardCharsets.UTF_8)))
                : Optional.empty();
        return new RunPage(runs, next);
    }

    private static Map<String, AttributeValue> startKey(String datasetId, String cursor) {
        String sortKey;
        try {
            sortKey = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int hash = sortKey.lastIndexOf('#');
            Instant.parse(sortKey.substring(0, Math.max(hash, 0)));
            String runId = sortKey.substring(hash + 1);
            if (runId.isEmpty()) {
                throw new IllegalArgumentException("no run id in cursor");
            }
            return Map.of("gsi4pk", s(RunItems.DATASET_PREFIX + datasetId), "gsi4sk", s(sortKey),
                    "pk", s("RUN#" + runId), "sk", s(RUN_SK));
        } catch (DateTimeParseException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("not a cursor of this listing", e);
        }
    }

    /** Every item under the run's partition key: the run, its planned chunks and its chunk failures. */
    @Override
    public boolean deleteRun(String runId) {
        List<WriteRequest> deletes = new ArrayList<>();
        boolean found = false;
        Map<String, AttributeValue> startKey = null;
        do {
            Map<String, AttributeValue> from = startKey;
            QueryResponse page = dynamo.query(b -> b.tableName(table).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", s("RUN#" + runId))).projectionExpression("pk, sk")
                    .consistentRead(true).exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : page.items()) {
                found |= RUN_SK.equals(item.get("sk").s());
                deletes.add(WriteRequest.builder().deleteRequest(DeleteRequest.builder()
                        .key(Map.of("pk", item.get("pk"), "sk", item.get("sk"))).build()).build());
            }
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey()
                    : null;
        } while (startKey != null);
        for (int from = 0; from < deletes.size(); from += MAX_BATCH_WRITE) {
            writeBatch(deletes.subList(from, Math.min(deletes.size(), from + MAX_BATCH_WRITE)));
        }
        return found;
    }

    @Override
    public Optional<Run> startSplitting(String runId, ObjectVersion version, long bytesTotal) {
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":splitting", s(RunStatus.SPLITTING.name()),
                ":statusKey", s("STATUS#SPLITTING"), ":created", s(RunStatus.CREATED.name()),
                ":received", s(RunStatus.RECEIVED.name()), ":now", s(now()), ":bytesTotal", n(bytesTotal)));
        StringBuilder update = new StringBuilder(
                "SET #status = :splitting, #gsi2pk = :statusKey, #updatedAt = :now, #gsi2sk = :now, "
                        + "#bytesTotal = :bytesTotal");
        // The run reads one version of its object for its whole life: the first object event sets it, a retried split
        // of that same version may start again, and any other version's event finds the condition false.
        String sameVersion;
        if (version.eTag() == null) {
            sameVersion = "attribute_not_exists(#objectETag)";
        } else {
            values.put(":eTag", s(version.eTag()));
            update.append(", #objectETag = :eTag");
            sameVersion = "#objectETag = :eTag";
        }
        if (version.versionId() != null) {
            values.put(":versionId", s(version.versionId()));
            update.append(", #objectVersionId = :versionId");
        }
        return conditionalUpdateReturningRun(runId, update.toString(),
                "#status IN (:created, :received) OR (#status = :splitting AND " + sameVersion + ")", values);
    }

    @Override
    public void recordFileFacts(String runId, FileFacts facts) {
        conditionalUpdate(runId, "SET #fileFacts = :facts, #updatedAt = :now", "attribute_exists(pk)",
                Map.of(":facts", RunItems.factsValue(facts), ":now", s(now())));
    }

    @Override
    public void recordPlannedChunks(String runId, List<ChunkMessage> chunks) {
        String expiresAt = Long.toString(Instant.now(clock).plus(PLAN_RETENTION).getEpochSecond());
        List<WriteRequest> writes = new ArrayList<>();
        for (ChunkMessage chunk : chunks) {
            Map<String, AttributeValue> item = new HashMap<>();
            item.put("pk", s("RUN#" + runId));
            item.put("sk", s(chunkSortKey("PLAN#", chunk.chunkNo())));
            item.put("fingerprint", s(chunk.fingerprint()));
            item.put("message", AttributeValue.fromB(SdkBytes.fromByteArray(
                    gzip(ChunkMessageCodec.encode(planJson, chunk)))));
            item.put("expiresAt", AttributeValue.fromN(expiresAt));
            writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
        }
        for (int from = 0; from < writes.size(); from += MAX_BATCH_WRITE) {
            writeBatch(writes.subList(from, Math.min(writes.size(), from + MAX_BATCH_WRITE)));
        }
    }

    /** BatchWriteItem may leave items unprocessed under throttling; those are written again after a short pause. */
    private void writeBatch(List<WriteRequest> writes) {
        Map<String, List<WriteRequest>> pending = Map.of(table, writes);
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            if (attempt > MAX_BATCH_ATTEMPTS) {
                throw new IllegalStateException("DynamoDB left " + pending.get(table).size()
                        + " writes unprocessed after " + MAX_BATCH_ATTEMPTS + " attempts");
            }
            Map<String, List<WriteRequest>> request = pending;
            BatchWriteItemResponse response = dynamo.batchWriteItem(b -> b.requestItems(request));
            pending = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
            if (!pending.isEmpty()) {
                backOff(attempt);
            }
        }
    }

    @Override
    public RunAndPlan findWithPlan(String runId, int chunkNo) {
        Map<String, AttributeValue> planKey = Map.of("pk", s("RUN#" + runId), "sk", s(chunkSortKey("PLAN#", chunkNo)));
        Map<String, KeysAndAttributes> pending = Map.of(table, KeysAndAttributes.builder()
                .keys(List.of(runKey(runId), planKey)).consistentRead(true).build());
        Optional<Run> run = Optional.empty();
        Optional<String> fingerprint = Optional.empty();
        Optional<PublishAsSplit> asSplit = Optional.empty();
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            if (attempt > MAX_BATCH_ATTEMPTS) {
                throw new IllegalStateException("DynamoDB did not return run " + runId + " and its chunk " + chunkNo
                        + " after " + MAX_BATCH_ATTEMPTS + " attempts");
            }
            Map<String, KeysAndAttributes> request = pending;
            BatchGetItemResponse response = dynamo.batchGetItem(b -> b.requestItems(request));
            for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
                if (RUN_SK.equals(item.get("sk").s())) {
                    run = Optional.of(RunItems.fromItem(item));
                    asSplit = publishAsSplit(item);
                } else if (item.containsKey("fingerprint")) {
                    fingerprint = Optional.of(item.get("fingerprint").s());
                }
            }
            pending = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            if (!pending.isEmpty()) {
                backOff(attempt);
            }
        }
        return new RunAndPlan(run, fingerprint, asSplit);
    }

    /** The publish settings the splitter left on the run item ({@link #PUBLISH_AS_SPLIT}), if any. */
    private static Optional<PublishAsSplit> publishAsSplit(Map<String, AttributeValue> item) {
        AttributeValue asSplit = item.get(PUBLISH_AS_SPLIT);
        if (asSplit == null || !asSplit.hasM()) {
            return Optional.empty();
        }
        return Optional.of(new PublishAsSplit(Boolean.TRUE.equals(asSplit.m().get("review").bool()),
                asSplit.m().get("strategy").s()));
    }

    private static void backOff(int attempt) {
        try {
            Thread.sleep(Math.min(1_000, 25L << attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying a DynamoDB batch", e);
        }
    }

    @Override
    public void recordSplitProgress(String runId, long recordsPlanned, int chunksPlanned) {
        recordSplitProgress(runId, recordsPlanned, chunksPlanned, Optional.empty(), Optional.empty());
    }

    /**
     * Progress, facts and hash in one conditional update; when its condition fails (a retried split whose earlier
     * attempt got further), the earlier attempt's progress wrote the same facts and hash of the same object version.
     */
    @Override
    public void recordSplitProgress(String runId, long recordsPlanned, int chunksPlanned,
            Optional<FileFacts> facts, Optional<String> sha256) {
        StringBuilder update = new StringBuilder(
                "SET #records = :records, #chunksPlanned = :chunks, #updatedAt = :now");
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":records", n(recordsPlanned),
                ":chunks", n(chunksPlanned), ":splitting", s(RunStatus.SPLITTING.name()), ":now", s(now())));
        facts.ifPresent(f -> {
            update.append(", #fileFacts = :facts");
            values.put(":facts", RunItems.factsValue(f));
        });
        sha256.ifPresent(sha -> {
            update.append(", #sha256 = :sha");
            values.put(":sha", s(sha));
        });
        conditionalUpdate(runId, update.toString(),
                "#status = :splitting AND (attribute_not_exists(#chunksPlanned) OR #chunksPlanned < :chunks)", values);
    }

    @Override
    public boolean finishSplitting(String runId, long records, int chunks) {
        return finishSplitting(runId, totals(records, chunks, Optional.empty()), ReturnValue.NONE).isPresent();
    }

    /** One round trip when chunks are still loading: the run the split's own update returned is judged. */
    @Override
    public Optional<RunStatus> finishSplittingAndComplete(String runId, long records, int chunks) {
        return finishSplittingAndComplete(runId, totals(records, chunks, Optional.empty()));
    }

    /** As above, and the run keeps the dataset's review setting and strategy ({@link #PUBLISH_AS_SPLIT}). */
    @Override
    public Optional<RunStatus> finishSplittingAndComplete(String runId, long records, int chunks,
            PublishSettings publish) {
        return finishSplittingAndComplete(runId, totals(records, chunks, Optional.of(publish)));
    }

    /** One update: the totals, the publish settings, and the facts and hash the split held back. */
    @Override
    public Optional<RunStatus> finishSplittingAndComplete(String runId, SplitEnd end) {
        return finishSplitting(runId, end, ReturnValue.ALL_NEW)
                .flatMap(answered -> finishIfCompleteAsAnswered(runId, answered));
    }

    /** The end of a split that carries nothing it held back. */
    private static SplitEnd totals(long records, int chunks, Optional<PublishSettings> publish) {
        return new SplitEnd(records, chunks, publish, Optional.empty(), Optional.empty());
    }

    private Optional<Map<String, AttributeValue>> finishSplitting(String runId, SplitEnd end, ReturnValue answer) {
        long records = end.records();
        int chunks = end.chunks();
        Optional<PublishSettings> publish = end.publish();
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":loading", s(RunStatus.LOADING.name()),
                ":statusKey", s("STATUS#LOADING"), ":records", n(records), ":chunks", n(chunks),
                ":splitting", s(RunStatus.SPLITTING.name()), ":now", s(now())));
        StringBuilder update = new StringBuilder("SET #status = :loading, #gsi2pk = :statusKey, #records = :records, "
                + "#chunksTotal = :chunks, #chunksPlanned = :chunks, #updatedAt = :now, #gsi2sk = :now");
        publish.ifPresent(settings -> {
            values.put(":publishAsSplit", AttributeValue.fromM(Map.of(
                    "review", AttributeValue.fromBool(settings.review()),
                    "strategy", s(settings.strategy().wireName()))));
            update.append(", #" + PUBLISH_AS_SPLIT + " = :publishAsSplit");
        });
        end.facts().ifPresent(facts -> {
            values.put(":facts", RunItems.factsValue(facts));
            update.append(", #fileFacts = :facts");
        });
        end.sha256().ifPresent(sha -> {
            values.put(":sha", s(sha));
            update.append(", #sha256 = :sha");
        });
        update.append(" ADD #chunksOutstanding :chunks");
        return update(runId, update.toString(), "#status = :splitting", values, answer);
    }

    @Override
    public boolean fail(String runId, String code, String message) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":failed", s(RunStatus.FAILED.name()));
        values.put(":statusKey", s("STATUS#FAILED"));
        values.put(":code", s(code));
        values.put(":message", s(message));
        values.put(":now", s(now()));
        StringBuilder condition = new StringBuilder("attribute_exists(pk) AND NOT #status IN (");
        int i = 0;
        for (RunStatus status : RunStatus.values()) {
            if (status.isFinal()) {
                String name = ":final" + i++;
                values.put(name, s(status.name()));
                condition.append(i > 1 ? ", " : "").append(name);
            }
        }
        condition.append(')');
        return conditionalUpdate(runId,
                "SET #status = :failed, #gsi2pk = :statusKey, #failureCode = :code, #failureMessage = :message, "
                        + "updatedAt = :now, gsi2sk = :now, finishedAt = :now",
                condition.toString(), values);
    }

    private static final String COUNT_LOADED = "SET #updatedAt = :now ADD #countedChunks :chunkSet, "
            + "#stored :stored, #errors :rejected, #chunksDone :one, #chunksOutstanding :minusOne, #bytesDone :bytes";
    private static final String COUNT_DEAD = "SET #updatedAt = :now, "
            + "#deadChunks = list_append(if_not_exists(#deadChunks, :empty), :dead) ADD #countedChunks :chunkSet, "
            + "#errors :rejected, #chunksDead :one, #chunksOutstanding :minusOne, #bytesDone :bytes";

    @Override
    public boolean countChunk(String runId, int chunkNo, int stored, int rejected, long bytes) {
        return countOnce(runId, chunkNo, COUNT_LOADED, loadedCounters(stored, rejected, bytes), ReturnValue.NONE)
                .isPresent();
    }

    @Override
    public boolean countDeadChunk(String runId, DeadChunk deadChunk, long bytes) {
        return countOnce(runId, deadChunk.chunkNo(), COUNT_DEAD, deadCounters(deadChunk, bytes), ReturnValue.NONE)
                .isPresent();
    }

    /** One round trip when the chunk is counted now: the update answers with the run, counts included. */
    @Override
    public Counted countChunkAndFinish(String runId, int chunkNo, int stored, int rejected, long bytes) {
        return countedThenFinish(runId, countOnce(runId, chunkNo, COUNT_LOADED, loadedCounters(stored, rejected,
                bytes), ReturnValue.ALL_NEW));
    }

    /**
     * When the run as this delivery read it had this chunk as its only one outstanding, the count and the run's next
     * status go in one conditional update: REVIEW or PUBLISHING by the settings the splitter left on the run, or the
     * outcome itself for a run that stores nothing or has no dataset. The condition holds the counters that decision
     * was taken on, so a run that changed since (a redrive, a chunk counted before) falls back to counting alone.
     * A run that left no settings is finished as usual, by its dataset as it is now.
     */
    @Override
    public Counted countChunkAndFinish(RunAndPlan seen, String runId, int chunkNo, int stored, int rejected,
            long bytes) {
        Optional<Run> last = seen.run().filter(run -> run.runId().equals(runId) && run.status() == RunStatus.LOADING
                && run.chunksTotal() != null && run.chunksTotal() - run.chunksDone() - run.chunksDead() == 1);
        boolean publishes = last.isPresent() && last.get().stored() + stored > 0 && last.get().datasetId() != null;
        if (last.isEmpty() || publishes && seen.publishAsSplit().isEmpty()) {
            return countChunkAndFinish(runId, chunkNo, stored, rejected, bytes);
        }
        Run run = last.get();
        Finish finish = finish(run.stored() + stored, run.errors() + rejected, run.chunksDead(), run.datasetId(),
                () -> seen.publishAsSplit().orElseThrow());
        Map<String, AttributeValue> values = countValues(chunkNo, loadedCounters(stored, rejected, bytes));
        values.putAll(finish.values());
        values.put(":storedSeen", n(run.stored()));
        values.put(":errorsSeen", n(run.errors()));
        values.put(":deadSeen", n(run.chunksDead()));
        String update = "SET #updatedAt = :now, " + finish.set() + " ADD #countedChunks :chunkSet, #stored :stored, "
                + "#errors :rejected, #chunksDone :one, #chunksOutstanding :minusOne, #bytesDone :bytes"
                + finish.remove();
        String condition = "#status = :loading AND #chunksOutstanding = :one "
                + "AND #chunksPlanned >= :chunkNo AND NOT contains(#countedChunks, :chunkNo) "
                + "AND #stored = :storedSeen AND #errors = :errorsSeen AND #chunksDead = :deadSeen"
                + (publishes ? " AND attribute_exists(#" + PUBLISH_AS_SPLIT + ")" : "");
        if (update(runId, update, condition, values, ReturnValue.NONE).isPresent()) {
            return new Counted(true, Optional.of(finish.next()));
        }
        return countChunkAndFinish(runId, chunkNo, stored, rejected, bytes);
    }

    @Override
    public Counted countDeadChunkAndFinish(String runId, DeadChunk deadChunk, long bytes) {
        return countedThenFinish(runId, countOnce(runId, deadChunk.chunkNo(), COUNT_DEAD,
                deadCounters(deadChunk, bytes), ReturnValue.ALL_NEW));
    }

    /**
     * A chunk counted now is judged on the run its count returned; one counted before (a redelivery) on the run as
     * read now, since the delivery that counted it may have died before finishing the run.
     */
    private Counted countedThenFinish(String runId, Optional<Map<String, AttributeValue>> counted) {
        return counted.isPresent() ? new Counted(true, finishIfCompleteAsAnswered(runId, counted.get()))
                : new Counted(false, finishIfComplete(runId));
    }

    /** Judged on the run an update answered with; read instead if a store answered without it. */
    private Optional<RunStatus> finishIfCompleteAsAnswered(String runId, Map<String, AttributeValue> answered) {
        return answered.containsKey("runId") ? finishIfComplete(answered) : finishIfComplete(runId);
    }

    private static Map<String, AttributeValue> loadedCounters(int stored, int rejected, long bytes) {
        return Map.of(":stored", n(stored), ":rejected", n(rejected), ":bytes", n(bytes));
    }

    private static Map<String, AttributeValue> deadCounters(DeadChunk deadChunk, long bytes) {
        return Map.of(":rejected", n(deadChunk.recordCount()), ":bytes", n(bytes),
                ":empty", AttributeValue.fromL(List.of()),
                ":dead", AttributeValue.fromL(List.of(RunItems.deadChunkValue(deadChunk))));
    }

    /** The values every count of a chunk uses, beside its counters (a new, modifiable map). */
    private Map<String, AttributeValue> countValues(int chunkNo, Map<String, AttributeValue> counters) {
        Map<String, AttributeValue> values = new HashMap<>(counters);
        values.put(":chunkSet", AttributeValue.fromNs(List.of(Integer.toString(chunkNo))));
        values.put(":chunkNo", n(chunkNo));
        values.put(":one", n(1));
        values.put(":minusOne", n(-1));
        values.put(":now", s(now()));
        values.put(":loading", s(RunStatus.LOADING.name()));
        return values;
    }

    /**
     * One conditional UpdateItem: the chunk joins {@code countedChunks} and its counters are added, or nothing
     * happens. The condition also refuses a run that does not exist or no longer accepts chunks (a forged or stale
     * message can never move a finished run's counters) and a chunk number beyond what the splitter planned.
     */
    private Optional<Map<String, AttributeValue>> countOnce(String runId, int chunkNo, String update,
            Map<String, AttributeValue> counters, ReturnValue answer) {
        Map<String, AttributeValue> values = countValues(chunkNo, counters);
        values.put(":splitting", s(RunStatus.SPLITTING.name()));
        // CANCELLED too: a chunk admitted before the cancel committed its rows, so it is counted (later ones are
        // refused before they write anything, as ChunkAdmission checks the status first).
        values.put(":cancelled", s(RunStatus.CANCELLED.name()));
        return update(runId, update, "#status IN (:splitting, :loading, :cancelled) "
                + "AND #chunksPlanned >= :chunkNo "
                + "AND NOT contains(#countedChunks, :chunkNo)", values, answer);
    }

    @Override
    public void recordChunkFailure(String runId, int chunkNo, String reason) {
        dynamo.updateItem(b -> b.tableName(table)
                .key(Map.of("pk", s("RUN#" + runId), "sk", s(chunkSortKey("CHUNKFAIL#", chunkNo))))
                .updateExpression("SET #lastError = :reason, #updatedAt = :now ADD #attempts :one")
                .expressionAttributeNames(attributeNames("#lastError #updatedAt #attempts"))
                .expressionAttributeValues(Map.of(":reason", s(truncate(reason, 1000)), ":now", s(now()),
                        ":one", n(1))));
    }

    @Override
    public Optional<String> lastChunkFailure(String runId, int chunkNo) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("pk", s("RUN#" + runId), "sk", s(chunkSortKey("CHUNKFAIL#", chunkNo))))).item();
        if (item == null || !item.containsKey("lastError")) {
            return Optional.empty();
        }
        String attempts = item.containsKey("attempts") ? item.get("attempts").n() : "?";
        return Optional.of(item.get("lastError").s() + " (after " + attempts + " attempts)");
    }

    /**
     * Once every chunk is counted the counters cannot change any more, so the outcome read here is final. A run that
     * stored records goes on to be published (PUBLISHING, or REVIEW when its dataset asks for review) and remembers
     * the outcome it takes once published; a run that stored nothing takes its outcome now (publishing it would
     * change nothing, and a replace with nothing would empty the dataset: an empty run never publishes).
     */
    @Override
    public Optional<RunStatus> finishIfComplete(String runId) {
        return findItem(runId).flatMap(this::finishIfComplete);
    }

    /**
     * As {@link #finishIfComplete(String)}, on a state of the run item this caller read or its own update returned.
     * REVIEW or PUBLISHING by the settings the splitter left on the run, else (runs split before they were kept,
     * redriven runs) by its dataset's settings now.
     */
    private Optional<RunStatus> finishIfComplete(Map<String, AttributeValue> item) {
        Run run = RunItems.fromItem(item);
        String runId = run.runId();
        if (run.status() != RunStatus.LOADING || run.chunksTotal() == null
                || run.chunksDone() + run.chunksDead() < run.chunksTotal()) {
            return Optional.empty();
        }
        Finish finish = finish(run.stored(), run.errors(), run.chunksDead(), run.datasetId(),
                () -> publishAsSplit(item).orElseGet(() -> {
                    PublishSettings now = publishSettings.apply(run.datasetId());
                    return new PublishAsSplit(now.review(), now.strategy().wireName());
                }));
        Map<String, AttributeValue> values = new HashMap<>(finish.values());
        values.put(":loading", s(RunStatus.LOADING.name()));
        values.put(":zero", n(0));
        values.put(":now", s(now()));
        boolean moved = conditionalUpdate(runId, "SET #updatedAt = :now, " + finish.set() + finish.remove(),
                "#status = :loading AND #chunksOutstanding = :zero", values);
        return moved ? Optional.of(finish.next()) : Optional.empty();
    }

    /** What finishing a complete run writes: its next status, the SET clauses beside #updatedAt, what it REMOVEs. */
    private record Finish(RunStatus next, String set, String remove, Map<String, AttributeValue> values) {
    }

    /**
     * The next status of a run whose chunks are all counted, from its counters: REVIEW or PUBLISHING by
     * {@code settings} (asked only then) when it stored records into a dataset, remembering the outcome it takes once
     * published; else that outcome now (publishing nothing would change nothing, and a replace with nothing would
     * empty the dataset). Entering REVIEW drops the counts of an earlier publication (a redriven run): the review
     * counts PublishFunction records next are what publishing would do now, and their arrival is run.review.
     */
    private static Finish finish(long stored, long errors, int dead, String datasetId,
            Supplier<PublishAsSplit> settings) {
        RunStatus outcome = errors > 0 || dead > 0 ? RunStatus.PARTIAL : RunStatus.SUCCEEDED;
        if (stored > 0 && datasetId != null) {
            PublishAsSplit publish = settings.get();
            RunStatus next = publish.review() ? RunStatus.REVIEW : RunStatus.PUBLISHING;
            return new Finish(next, "#status = :next, #gsi2pk = :statusKey, #gsi2sk = :now, "
                    + "#publishOutcome = :outcome, #publishStrategy = :strategy",
                    next == RunStatus.REVIEW ? " REMOVE #publishCounts" : "",
                    Map.of(":next", s(next.name()), ":statusKey", s("STATUS#" + next.name()),
                            ":outcome", s(outcome.name()), ":strategy", s(publish.strategy())));
        }
        return new Finish(outcome, "#status = :next, #gsi2pk = :statusKey, #gsi2sk = :now, #finishedAt = :now", "",
                Map.of(":next", s(outcome.name()), ":statusKey", s("STATUS#" + outcome.name())));
    }

    @Override
    public boolean recordReview(String runId, String strategy, PublishCounts counts) {
        return conditionalUpdate(runId, "SET #publishStrategy = :strategy, #publishCounts = :counts, "
                        + "#updatedAt = :now", "#status = :review",
                Map.of(":strategy", s(strategy), ":counts", RunItems.countsValue(counts), ":now", s(now()),
                        ":review", s(RunStatus.REVIEW.name())));
    }

    @Override
    public boolean startPublishing(String runId) {
        return conditionalUpdate(runId, "SET #status = :publishing, #gsi2pk = :statusKey, #updatedAt = :now, "
                        + "#gsi2sk = :now", "#status = :review",
                Map.of(":publishing", s(RunStatus.PUBLISHING.name()), ":statusKey", s("STATUS#PUBLISHING"),
                        ":now", s(now()), ":review", s(RunStatus.REVIEW.name())));
    }

    /** The outcome is read first (an update cannot build the status key from another attribute), then checked. */
    @Override
    public boolean finishPublishing(String runId, String strategy, PublishCounts counts, Instant publishedAt) {
        Optional<Run> run = find(runId);
        if (run.isEmpty() || run.get().status() != RunStatus.PUBLISHING) {
            return false;
        }
        return finishPublishingAs(run.get(), strategy, counts, publishedAt, false);
    }

    /**
     * Takes the outcome from the run as the caller read it, on the condition that the stored run is still
     * PUBLISHING with that outcome (a run redriven and published meanwhile may have another); only when it is not
     * is the run read again.
     */
    @Override
    public boolean finishPublishing(Run publishing, String strategy, PublishCounts counts, Instant publishedAt) {
        if (publishing.status() != RunStatus.PUBLISHING) {
            return finishPublishing(publishing.runId(), strategy, counts, publishedAt);
        }
        return finishPublishingAs(publishing, strategy, counts, publishedAt, true)
                || finishPublishing(publishing.runId(), strategy, counts, publishedAt);
    }

    /** PUBLISHING becomes the run's outcome; with {@code sameOutcome}, only while the stored run has that outcome. */
    private boolean finishPublishingAs(Run run, String strategy, PublishCounts counts, Instant publishedAt,
            boolean sameOutcome) {
        String runId = run.runId();
        RunStatus read = run.publication().outcome();
        RunStatus outcome = read == null ? RunStatus.SUCCEEDED : read;
        Map<String, AttributeValue> values = new HashMap<>();
        String condition = "#status = :publishing";
        if (sameOutcome && read == null) {
            condition += " AND attribute_not_exists(#publishOutcome)";
        } else if (sameOutcome) {
            condition += " AND #publishOutcome = :outcome";
            values.put(":outcome", s(read.name()));
        }
        values.put(":final", s(outcome.name()));
        values.put(":statusKey", s("STATUS#" + outcome.name()));
        values.put(":publishing", s(RunStatus.PUBLISHING.name()));
        values.put(":strategy", s(strategy));
        values.put(":counts", RunItems.countsValue(counts));
        values.put(":publishedAt", s(publishedAt.toString()));
        values.put(":now", s(now()));
        return conditionalUpdate(runId, "SET #status = :final, #gsi2pk = :statusKey, #updatedAt = :now, "
                        + "#gsi2sk = :now, #finishedAt = :now, #publishStrategy = :strategy, #publishCounts = :counts, "
                        + "#publishedAt = :publishedAt", condition, values);
    }

    @Override
    public boolean discard(String runId, String message) {
        return conditionalUpdate(runId, "SET #status = :cancelled, #gsi2pk = :statusKey, #updatedAt = :now, "
                        + "#gsi2sk = :now, #finishedAt = :now, #failureCode = :code, #failureMessage = :message",
                "#status = :review",
                Map.of(":cancelled", s(RunStatus.CANCELLED.name()), ":statusKey", s("STATUS#CANCELLED"),
                        ":now", s(now()), ":code", s("DISCARDED"), ":message", s(truncate(message, 1000)),
                        ":review", s(RunStatus.REVIEW.name())));
    }

    @Override
    public boolean markRolledBack(String runId, RollbackReport rollback, Instant rolledBackAt) {
        return conditionalUpdate(runId, "SET #status = :rolledBack, #gsi2pk = :statusKey, #updatedAt = :now, "
                        + "#gsi2sk = :now, #rolledBackAt = :at, #rollback = :rollback",
                "#status IN (:succeeded, :partial) AND attribute_exists(#publishedAt)",
                Map.of(":rolledBack", s(RunStatus.ROLLED_BACK.name()), ":statusKey", s("STATUS#ROLLED_BACK"),
                        ":now", s(now()), ":at", s(rolledBackAt.toString()),
                        ":rollback", RunItems.rollbackValue(rollback),
                        ":succeeded", s(RunStatus.SUCCEEDED.name()), ":partial", s(RunStatus.PARTIAL.name())));
    }

    @Override
    public List<Run> publishingBefore(Instant cutoff, int limit) {
        return inStatusBefore(RunStatus.PUBLISHING, cutoff, limit);
    }

    @Override
    public void noteFailure(String runId, String code, String message) {
        conditionalUpdate(runId, "SET #failureCode = :code, #failureMessage = :message, #updatedAt = :now",
                "attribute_exists(pk) AND attribute_not_exists(#failureCode)",
                Map.of(":code", s(code), ":message", s(truncate(message, 1000)), ":now", s(now())));
    }

    @Override
    public List<Run> createdBefore(Instant cutoff, int limit) {
        return inStatusBefore(RunStatus.CREATED, cutoff, limit);
    }

    /**
     * Up to {@code limit} runs in {@code status} whose last status change is before {@code cutoff}: RunsByStatus,
     * where gsi2sk is the last change (for a CREATED run its creation; ISO-8601 sorts by time).
     */
    private List<Run> inStatusBefore(RunStatus status, Instant cutoff, int limit) {
        List<Run> found = new ArrayList<>();
        Map<String, AttributeValue> startKey = null;
        do {
            Map<String, AttributeValue> from = startKey;
            QueryResponse page = dynamo.query(b -> b.tableName(table).indexName("RunsByStatus")
                    .keyConditionExpression("gsi2pk = :status AND gsi2sk < :cutoff")
                    .expressionAttributeValues(Map.of(":status", s("STATUS#" + status.name()),
                            ":cutoff", s(cutoff.toString())))
                    .limit(limit - found.size()).exclusiveStartKey(from));
            page.items().forEach(item -> found.add(RunItems.fromItem(item)));
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey()
                    : null;
        } while (startKey != null && found.size() < limit);
        return found;
    }

    @Override
    public boolean expire(String runId, String code, String message) {
        return conditionalUpdate(runId,
                "SET #status = :expired, #gsi2pk = :statusKey, #updatedAt = :now, #gsi2sk = :now, #finishedAt = :now, "
                        + "#failureCode = :code, #failureMessage = :message",
                "#status = :created",
                Map.of(":expired", s(RunStatus.EXPIRED.name()), ":statusKey", s("STATUS#EXPIRED"),
                        ":created", s(RunStatus.CREATED.name()), ":now", s(now()), ":code", s(code),
                        ":message", s(message)));
    }

    @Override
    public List<ChunkMessage> plannedMessages(String runId) {
        List<ChunkMessage> planned = new ArrayList<>();
        Map<String, AttributeValue> startKey = null;
        do {
            Map<String, AttributeValue> from = startKey;
            QueryResponse page = dynamo.query(b -> b.tableName(table).consistentRead(true)
                    .keyConditionExpression("pk = :pk AND begins_with(sk, :plan)")
                    .expressionAttributeValues(Map.of(":pk", s("RUN#" + runId), ":plan", s("PLAN#")))
                    .exclusiveStartKey(from));
            for (Map<String, AttributeValue> item : page.items()) {
                if (item.containsKey("message")) {
                    planned.add(ChunkMessageCodec.decode(planJson, gunzip(item.get("message").b().asByteArray())));
                }
            }
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey()
                    : null;
        } while (startKey != null);
        return planned;
    }

    @Override
    public Set<Integer> countedChunks(String runId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(runKey(runId))
                .consistentRead(true).projectionExpression("countedChunks")).item();
        Set<Integer> counted = new TreeSet<>();
        if (item != null && item.containsKey("countedChunks")) {
            item.get("countedChunks").ns().forEach(n -> counted.add(Integer.parseInt(n)));
        }
        return counted;
    }

    @Override
    public boolean cancel(String runId, String code, String message) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":cancelled", s(RunStatus.CANCELLED.name()));
        values.put(":statusKey", s("STATUS#CANCELLED"));
        values.put(":code", s(code));
        values.put(":message", s(truncate(message, 1000)));
        values.put(":now", s(now()));
        values.put(":publishing", s(RunStatus.PUBLISHING.name()));
        List<String> finals = new ArrayList<>();
        for (RunStatus status : RunStatus.values()) {
            if (status.isFinal()) {
                finals.add(":final" + finals.size());
                values.put(finals.get(finals.size() - 1), s(status.name()));
            }
        }
        return conditionalUpdate(runId,
                "SET #status = :cancelled, #gsi2pk = :statusKey, #failureCode = :code, #failureMessage = :message, "
                        + "#updatedAt = :now, #gsi2sk = :now, #finishedAt = :now",
                "attribute_exists(pk) AND #status <> :publishing AND NOT #status IN (" + String.join(", ", finals)
                        + ")", values);
    }

    /**
     * One conditional update: the run must be PARTIAL with exactly this many dead chunks, so of two concurrent
     * redrives one reopens it. The dead chunks leave {@code countedChunks} and the counters, and
     * {@code chunksOutstanding} grows by their number, so the run finishes again once each is counted again.
     * {@code bytesDone} goes back by their bytes: they are read again, and counting them adds the bytes once more.
     */
    @Override
    public boolean reopenDeadChunks(String runId, List<DeadChunk> dead, long bytes) {
        if (dead.isEmpty()) {
            return false;
        }
        long records = dead.stream().mapToLong(DeadChunk::recordCount).sum();
        List<String> numbers = dead.stream().map(d -> Integer.toString(d.chunkNo())).toList();
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":loading", s(RunStatus.LOADING.name()));
        values.put(":statusKey", s("STATUS#LOADING"));
        values.put(":partial", s(RunStatus.PARTIAL.name()));
        values.put(":dead", n(dead.size()));
        values.put(":minusDead", n(-dead.size()));
        values.put(":minusRecords", n(-records));
        values.put(":minusBytes", n(-bytes));
        values.put(":deadSet", AttributeValue.fromNs(numbers));
        values.put(":empty", AttributeValue.fromL(List.of()));
        values.put(":now", s(now()));
        return conditionalUpdate(runId,
                "SET #status = :loading, #gsi2pk = :statusKey, #deadChunks = :empty, #updatedAt = :now, "
                        + "#gsi2sk = :now REMOVE #finishedAt, #" + PUBLISH_AS_SPLIT + " "
                        + "ADD #errors :minusRecords, #chunksDead :minusDead, #chunksOutstanding :dead, "
                        + "#bytesDone :minusBytes DELETE #countedChunks :deadSet",
                "#status = :partial AND #chunksDead = :dead", values);
    }

    @Override
    public List<Run> waitingForFile(Instant cutoff, int limit) {
        List<Run> found = new ArrayList<>();
        for (RunStatus status : List.of(RunStatus.CREATED, RunStatus.RECEIVED)) {
            Map<String, AttributeValue> startKey = null;
            do {
                Map<String, AttributeValue> from = startKey;
                QueryResponse page = dynamo.query(b -> b.tableName(table).indexName("RunsByStatus")
                        .keyConditionExpression("gsi2pk = :status AND gsi2sk < :cutoff")
                        .expressionAttributeValues(Map.of(":status", s("STATUS#" + status.name()),
                                ":cutoff", s(cutoff.toString())))
                        .limit(limit - found.size()).exclusiveStartKey(from));
                page.items().forEach(item -> found.add(RunItems.fromItem(item)));
                startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                        ? page.lastEvaluatedKey() : null;
            } while (startKey != null && found.size() < limit);
            if (found.size() >= limit) {
                break;
            }
        }
        return found;
    }

    @Override
    public List<Run> createdSince(String owner, Instant since, int limit) {
        List<Run> found = new ArrayList<>();
        Map<String, AttributeValue> startKey = null;
        do {
            Map<String, AttributeValue> from = startKey;
            // RunsByOwner: gsi1sk is createdAt#id, and ISO-8601 instants sort by time.
            QueryResponse page = dynamo.query(b -> b.tableName(table).indexName("RunsByOwner")
                    .keyConditionExpression("gsi1pk = :owner AND gsi1sk >= :since")
                    .expressionAttributeValues(Map.of(":owner", s("OWNER#" + owner), ":since", s(since.toString())))
                    .scanIndexForward(false).limit(limit - found.size()).exclusiveStartKey(from));
            page.items().forEach(item -> found.add(RunItems.fromItem(item)));
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey()
                    : null;
        } while (startKey != null && found.size() < limit);
        return found;
    }

    private static byte[] gzip(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("compressing a planned chunk in memory", e);
        }
        return bytes.toByteArray();
    }

    private static String gunzip(byte[] compressed) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a planned chunk", e);
        }
    }

    private boolean conditionalUpdate(String runId, String update, String condition,
            Map<String, AttributeValue> values) {
        return update(runId, update, condition, values, ReturnValue.NONE).isPresent();
    }

    /** The run as the update left it, in the same round trip, or empty when the condition failed. */
    private Optional<Run> conditionalUpdateReturningRun(String runId, String update, String condition,
            Map<String, AttributeValue> values) {
        return update(runId, update, condition, values, ReturnValue.ALL_NEW).map(RunItems::fromItem);
    }

    private Optional<Map<String, AttributeValue>> update(String runId, String update, String condition,
            Map<String, AttributeValue> values, ReturnValue returnValue) {
        Map<String, String> names = attributeNames(update + " " + condition);
        try {
            UpdateItemRequest.Builder request = UpdateItemRequest.builder().tableName(table).key(runKey(runId))
                    .updateExpression(update).conditionExpression(condition).expressionAttributeValues(values)
                    .returnValues(returnValue);
            if (!names.isEmpty()) {
                request.expressionAttributeNames(names);
            }
            Map<String, AttributeValue> attributes = dynamo.updateItem(request.build()).attributes();
            return Optional.of(attributes == null ? Map.of() : attributes);
        } catch (ConditionalCheckFailedException e) {
            return Optional.empty();
        }
    }

    /** Every attribute is named through #placeholders: several of ours (records, stored, errors) are reserved words. */
    private static Map<String, String> attributeNames(String expression) {
        Map<String, String> names = new LinkedHashMap<>();
        Matcher matcher = PLACEHOLDER.matcher(expression);
        while (matcher.find()) {
            names.put(matcher.group(), matcher.group().substring(1));
        }
        return names;
    }

    private String now() {
        return Instant.now(clock).toString();
    }

    static Map<String, AttributeValue> runKey(String runId) {
        return Map.of("pk", s("RUN#" + runId), "sk", s(RUN_SK));
    }

    private static String chunkSortKey(String prefix, int chunkNo) {
        return prefix + String.format("%08d", chunkNo);
    }

    private static String truncate(String value, int max) {
        return value == null ? "" : value.length() <= max ? value : value.substring(0, max) + "...";
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
