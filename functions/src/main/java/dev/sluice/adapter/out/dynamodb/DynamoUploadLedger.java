package dev.sluice.adapter.out.dynamodb;

import static dev.sluice.adapter.out.dynamodb.DynamoRunRepository.n;
import static dev.sluice.adapter.out.dynamodb.DynamoRunRepository.runKey;
import static dev.sluice.adapter.out.dynamodb.DynamoRunRepository.s;

import dev.sluice.application.port.UploadLedger;
import dev.sluice.domain.run.RunStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Upload bookkeeping in the runs table. Items besides the runs (see {@link DynamoRunRepository}):
 * <ul>
 *   <li>content claim: {@code pk=CONTENT#owner#dataset#sha256, sk=CONTENT, runId}: the run that imports this
 *       content into this dataset. Put with {@code attribute_not_exists(pk)}, so of two runs racing with the same
 *       content exactly one wins; taken over (conditionally on the old holder) only from a run that ended without
 *       importing anything;</li>
 *   <li>upload count: {@code pk=QUOTA#owner#2026-12-02T05, sk=QUOTA, uploads}: added to with the condition that it
 *       is below the limit; removed by TTL ({@code expiresAt}) a day later.</li>
 * </ul>
 * Neither has the owner index's attributes, so neither shows up in a run listing.
 */
public final class DynamoUploadLedger implements UploadLedger {
    /** A holder in one of these statuses imported nothing, so its content may be imported again. */
    private static final Set<String> RELEASED = Set.of(RunStatus.FAILED.name(), RunStatus.CANCELLED.name(),
            RunStatus.EXPIRED.name(), RunStatus.DUPLICATE.name());
    private static final int MAX_CLAIM_ATTEMPTS = 5;

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public DynamoUploadLedger(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public Optional<String> holder(ContentKey content) {
        return holderRun(content).filter(h -> !RELEASED.contains(h.status())).map(Holder::runId);
    }

    private record Holder(String runId, String status) {
    }

    private Optional<Holder> holderRun(ContentKey content) {
        Map<String, AttributeValue> claim = dynamo.getItem(b -> b.tableName(table).key(contentKey(content))
                .consistentRead(true)).item();
        if (claim == null || !claim.containsKey("runId")) {
            return Optional.empty();
        }
        String runId = claim.get("runId").s();
        Map<String, AttributeValue> run = dynamo.getItem(b -> b.tableName(table).key(runKey(runId))
                .consistentRead(true)).item();
        String status = run == null || !run.containsKey("status") ? RunStatus.FAILED.name() : run.get("status").s();
        return Optional.of(new Holder(runId, status));
    }

    @Override
    public Optional<String> claim(ContentKey content, String runId) {
        for (int attempt = 0; attempt < MAX_CLAIM_ATTEMPTS; attempt++) {
            try {
                dynamo.putItem(b -> b.tableName(table).item(claimItem(content, runId))
                        .conditionExpression("attribute_not_exists(pk) OR runId = :me")
                        .expressionAttributeValues(Map.of(":me", s(runId))));
                return Optional.empty();
            } catch (ConditionalCheckFailedException e) {
                // Held by another run: it stays the holder unless it ended without importing.
            }
            Optional<Holder> holder = holderRun(content);
            if (holder.isEmpty()) {
                continue;
            }
            if (!RELEASED.contains(holder.get().status())) {
                return Optional.of(holder.get().runId());
            }
            try {
                dynamo.putItem(b -> b.tableName(table).item(claimItem(content, runId))
                        .conditionExpression("runId = :old")
                        .expressionAttributeValues(Map.of(":old", s(holder.get().runId()))));
                return Optional.empty();
            } catch (ConditionalCheckFailedException e) {
                // Someone else took it over first; look again.
            }
        }
        throw new IllegalStateException("content claim for run " + runId + " kept changing hands");
    }

    private static Map<String, AttributeValue> contentKey(ContentKey content) {
        return Map.of("pk", s("CONTENT#" + content.owner() + "#" + content.datasetId() + "#" + content.sha256()),
                "sk", s("CONTENT"));
    }

    private Map<String, AttributeValue> claimItem(ContentKey content, String runId) {
        Map<String, AttributeValue> item = new java.util.HashMap<>(contentKey(content));
        item.put("runId", s(runId));
        item.put("claimedAt", s(Instant.now(clock).toString()));
        return item;
    }

    @Override
    public OptionalLong countUpload(String owner, Instant now, int max) {
        Instant hour = now.truncatedTo(ChronoUnit.HOURS);
        String window = hour.toString().substring(0, 13);
        long expires = hour.plus(Duration.ofDays(1)).getEpochSecond();
        try {
            Map<String, AttributeValue> after = dynamo.updateItem(b -> b.tableName(table)
                    .key(Map.of("pk", s("QUOTA#" + owner + "#" + window), "sk", s("QUOTA")))
                    .updateExpression("ADD uploads :one SET expiresAt = :expires")
                    .conditionExpression("attribute_not_exists(uploads) OR uploads < :max")
                    .expressionAttributeValues(Map.of(":one", n(1), ":max", n(max), ":expires", n(expires)))
                    .returnValues(ReturnValue.UPDATED_NEW)).attributes();
            return OptionalLong.of(Long.parseLong(after.get("uploads").n()));
        } catch (ConditionalCheckFailedException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public boolean markDuplicate(String runId, String duplicateOf, String message) {
        return transition(runId, RunStatus.DUPLICATE, "(#status = :received OR #status = :splitting)",
                Map.of(":received", s(RunStatus.RECEIVED.name()), ":splitting", s(RunStatus.SPLITTING.name()),
                        ":code", s("DUPLICATE"), ":message", s(message), ":dup", s(duplicateOf)),
                ", duplicateOf = :dup");
    }

    @Override
    public boolean cancel(String runId, String code, String message) {
        return transition(runId, RunStatus.CANCELLED, "#status = :created",
                Map.of(":created", s(RunStatus.CREATED.name()), ":code", s(code), ":message", s(message)), "");
    }

    private boolean transition(String runId, RunStatus to, String condition, Map<String, AttributeValue> values,
            String extraSet) {
        Map<String, AttributeValue> all = new java.util.HashMap<>(values);
        String now = Instant.now(clock).toString();
        all.put(":to", s(to.name()));
        all.put(":statusKey", s("STATUS#" + to.name()));
        all.put(":now", s(now));
        try {
            dynamo.updateItem(b -> b.tableName(table).key(runKey(runId))
                    .updateExpression("SET #status = :to, gsi2pk = :statusKey, gsi2sk = :now, updatedAt = :now, "
                            + "finishedAt = :now, failureCode = :code, failureMessage = :message" + extraSet)
                    .conditionExpression("attribute_exists(pk) AND " + condition)
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(all));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public void recordSha256(String runId, String sha256) {
        dynamo.updateItem(b -> b.tableName(table).key(runKey(runId)).updateExpression("SET sha256 = :sha")
                .conditionExpression("attribute_exists(pk)").expressionAttributeValues(Map.of(":sha", s(sha256))));
    }

    @Override
    public void recordBytesTotal(String runId, long bytesTotal) {
        dynamo.updateItem(b -> b.tableName(table).key(runKey(runId)).updateExpression("SET bytesTotal = :bytes")
                .conditionExpression("attribute_exists(pk)")
                .expressionAttributeValues(Map.of(":bytes", n(bytesTotal))));
    }
}
