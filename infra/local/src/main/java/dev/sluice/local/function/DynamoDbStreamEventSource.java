package dev.sluice.local.function;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.local.template.DynamoDbStreamEventSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Emulates a Lambda event source mapping on a DynamoDB stream, through the Streams API only
 * (DescribeStream, GetShardIterator, GetRecords), so it works against any emulator that implements it. As Lambda:
 * <ul>
 *   <li>each shard is polled 4 times a second and its records go to the function in order, one batch at a time,
 *       at most BatchSize records, after at most MaximumBatchingWindowInSeconds of gathering; a child shard is
 *       read only once its parent is exhausted, so records of one key stay in order;</li>
 *   <li>records that match none of the FilterCriteria patterns are dropped (exact-value patterns);</li>
 *   <li>with ReportBatchItemFailures the batch is retried from the lowest reported sequence number; a handler
 *       exception retries the batch, split in two first with BisectBatchOnFunctionError; after
 *       MaximumRetryAttempts the records are skipped (there is no on-failure destination locally).</li>
 * </ul>
 */
public final class DynamoDbStreamEventSource implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbStreamEventSource.class);
    /** Lambda polls each shard of a DynamoDB stream four times per second. */
    static final long POLL_INTERVAL_MILLIS = 250;
    /**
     * How often shards are listed again while every known shard is open: a new shard only matters once its parent
     * is exhausted, and an exhausted shard without a known child has its children looked for at every poll.
     */
    static final long SHARD_DISCOVERY_INTERVAL_MILLIS = 5_000;
    /** GetRecords returns at most 1,000 records. */
    private static final int GET_RECORDS_LIMIT = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalFunction function;
    private final DynamoDbStreamEventSpec mapping;
    private final String streamArn;
    private final String region;
    private final DynamoDbStreamsClient streams;
    private final List<JsonNode> filters = new ArrayList<>();
    private final Map<String, ShardState> shards = new LinkedHashMap<>();
    private final AtomicLong invocations = new AtomicLong();
    private final AtomicLong recordsDelivered = new AtomicLong();
    private final AtomicReference<ObjectNode> lastEvent = new AtomicReference<>();
    private Thread poller;
    private volatile boolean running;
    private volatile boolean paused;
    private long discoveredAt;

    private static final class ShardState {
        private final String parentId;
        private String iterator;
        private boolean exhausted;
        private final List<ObjectNode> buffer = new ArrayList<>();
        private long bufferedSince;

        private ShardState(String parentId) {
            this.parentId = parentId;
        }
    }

    public DynamoDbStreamEventSource(LocalFunction function, DynamoDbStreamEventSpec mapping, String streamArn,
            String region, DynamoDbStreamsClient streams) {
        this.function = function;
        this.mapping = mapping;
        this.streamArn = streamArn;
        this.region = region;
        this.streams = streams;
        for (String pattern : mapping.filterPatterns()) {
            try {
                JsonNode node = JSON.readTree(pattern);
                checkSupported(node, pattern);
                filters.add(node);
            } catch (IOException e) {
                throw new IllegalArgumentException(name() + ": FilterCriteria pattern is not JSON: " + pattern, e);
            }
        }
    }

    public String name() {
        return function.logicalId() + "." + mapping.name();
    }

    public LocalFunction function() {
        return function;
    }

    public DynamoDbStreamEventSpec mapping() {
        return mapping;
    }

    public long invocations() {
        return invocations.get();
    }

    public long recordsDelivered() {
        return recordsDelivered.get();
    }

    /** The last event JSON the function was invoked with. */
    public ObjectNode lastEvent() {
        ObjectNode event = lastEvent.get();
        return event == null ? null : event.deepCopy();
    }

    /**
     * Takes the starting position of every shard now (so a change made after this returns is delivered), then polls
     * on a thread of its own.
     */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        discoverShards(true);
        poller = Thread.ofPlatform().daemon(true).name("stream-" + name()).start(this::poll);
    }

    public void pause() {
        paused = true;
    }

    public void resume() {
        paused = false;
    }

    private void poll() {
        while (running) {
            long begin = System.nanoTime();
            if (!paused) {
                try {
                    pollOnce();
                } catch (RuntimeException e) {
                    if (running) {
                        LOG.warn("{}: polling the stream failed: {}", name(), e.toString());
                    }
                }
            }
            long left = POLL_INTERVAL_MILLIS - (System.nanoTime() - begin) / 1_000_000;
            if (left > 0) {
                try {
                    Thread.sleep(left);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private void pollOnce() {
        if ((System.nanoTime() - discoveredAt) / 1_000_000 >= SHARD_DISCOVERY_INTERVAL_MILLIS || endWithoutChild()) {
            discoverShards(false);
        }
        for (Map.Entry<String, ShardState> entry : shards.entrySet()) {
            ShardState shard = entry.getValue();
            ShardState parent = shard.parentId == null ? null : shards.get(shard.parentId);
            if (shard.exhausted && shard.buffer.isEmpty() || parent != null && !parent.exhausted) {
                continue;
            }
            read(entry.getKey(), shard);
            deliverReady(shard);
        }
    }

    /** An exhausted shard whose children are not known yet: the records that follow it are in shards to find. */
    private boolean endWithoutChild() {
        for (Map.Entry<String, ShardState> entry : shards.entrySet()) {
            if (entry.getValue().exhausted && shards.values().stream()
                    .noneMatch(child -> entry.getKey().equals(child.parentId))) {
                return true;
            }
        }
        return false;
    }

    private void discoverShards(boolean atStart) {
        discoveredAt = System.nanoTime();
        String lastShard = null;
        do {
            String exclusiveStart = lastShard;
            var description = streams.describeStream(b -> b.streamArn(streamArn).exclusiveStartShardId(exclusiveStart))
                    .streamDescription();
            for (Shard shard : description.shards()) {
                shards.computeIfAbsent(shard.shardId(), id -> {
                    ShardState state = new ShardState(shard.parentShardId());
                    // Shards open when the mapping starts begin at the template's StartingPosition; shards that
                    // appear later (a split) are read from their beginning, as Lambda does.
                    ShardIteratorType type = atStart && mapping.startingPosition().equals("LATEST")
                            && shard.sequenceNumberRange().endingSequenceNumber() == null
                            ? ShardIteratorType.LATEST : ShardIteratorType.TRIM_HORIZON;
                    if (atStart && shard.sequenceNumberRange().endingSequenceNumber() != null
                            && mapping.startingPosition().equals("LATEST")) {
                        state.exhausted = true; // closed before we started: nothing of it is "latest"
                        return state;
                    }
                    state.iterator = streams.getShardIterator(b -> b.streamArn(streamArn).shardId(id)
                            .shardIteratorType(type)).shardIterator();
                    return state;
                });
            }
            lastShard = description.lastEvaluatedShardId();
        } while (lastShard != null);
    }

    private void read(String shardId, ShardState shard) {
        if (shard.exhausted || shard.iterator == null) {
            return;
        }
        List<Record> records;
        try {
            var response = streams.getRecords(b -> b.shardIterator(shard.iterator).limit(GET_RECORDS_LIMIT));
            records = response.records();
            shard.iterator = response.nextShardIterator();
        } catch (ExpiredIteratorException | TrimmedDataAccessException e) {
            LOG.warn("{}: shard {} iterator no longer valid ({}); reading from its oldest record", name(), shardId,
                    e.getClass().getSimpleName());
            shard.iterator = streams.getShardIterator(b -> b.streamArn(streamArn).shardId(shardId)
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            return;
        }
        if (shard.iterator == null) {
            shard.exhausted = true;
        }
        for (Record record : records) {
            ObjectNode json = DynamodbEventJson.record(record, streamArn, region);
            if (matchesFilters(json)) {
                if (shard.buffer.isEmpty()) {
                    shard.bufferedSince = System.nanoTime();
                }
                shard.buffer.add(json);
            }
        }
    }

    private void deliverReady(ShardState shard) {
        while (!shard.buffer.isEmpty()) {
            boolean full = shard.buffer.size() >= mapping.batchSize();
            boolean windowOver = (System.nanoTime() - shard.bufferedSince) / 1_000_000
                    >= mapping.maximumBatchingWindowSeconds() * 1000L;
            if (!full && !windowOver && !shard.exhausted) {
                return;
            }
            List<ObjectNode> batch = new ArrayList<>(shard.buffer.subList(0,
                    Math.min(mapping.batchSize(), shard.buffer.size())));
            shard.buffer.subList(0, batch.size()).clear();
            shard.bufferedSince = System.nanoTime();
            deliver(batch, 0);
        }
    }

    /** Delivers a batch until it succeeds or its retries are used up, keeping the shard's order. */
    private void deliver(List<ObjectNode> batch, int retries) {
        List<ObjectNode> again;
        boolean functionError = false;
        try {
            ObjectNode event = DynamodbEventJson.event(batch);
            lastEvent.set(event);
            invocations.incrementAndGet();
            Object result = function.invoke(DynamodbEventJson.toEvent(event));
            again = retryFrom(batch, result);
        } catch (Exception | Error e) {
            LOG.warn("{}: invocation with {} records failed: {}", name(), batch.size(), e.toString(), e);
            again = batch;
            functionError = true;
        }
        recordsDelivered.addAndGet(batch.size() - again.size());
        if (again.isEmpty() || !running) {
            return;
        }
        if (mapping.maximumRetryAttempts() >= 0 && retries >= mapping.maximumRetryAttempts()) {
            LOG.warn("{}: {} records skipped after {} retries", name(), again.size(), retries);
            return;
        }
        try {
            Thread.sleep(Math.min(1000, 50L << Math.min(retries, 5)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (functionError && mapping.bisectBatchOnFunctionError() && again.size() > 1) {
            int half = again.size() / 2;
            deliver(new ArrayList<>(again.subList(0, half)), retries + 1);
            deliver(new ArrayList<>(again.subList(half, again.size())), retries + 1);
        } else {
            deliver(again, retries + 1);
        }
    }

    /** The records to deliver again: none, or from the lowest reported failure on (all for an unknown id). */
    private List<ObjectNode> retryFrom(List<ObjectNode> batch, Object result) {
        if (!mapping.reportBatchItemFailures() || !(result instanceof StreamsEventResponse response)
                || response.getBatchItemFailures() == null || response.getBatchItemFailures().isEmpty()) {
            return List.of();
        }
        int first = batch.size();
        for (StreamsEventResponse.BatchItemFailure failure : response.getBatchItemFailures()) {
            int index = -1;
            for (int i = 0; i < batch.size(); i++) {
                if (batch.get(i).at("/dynamodb/SequenceNumber").asText().equals(failure.getItemIdentifier())) {
                    index = i;
                    break;
                }
            }
            if (index < 0) {
                return batch; // Lambda treats an unknown or empty identifier as the whole batch failing
            }
            first = Math.min(first, index);
        }
        return batch.subList(first, batch.size());
    }

    private boolean matchesFilters(JsonNode record) {
        if (filters.isEmpty()) {
            return true;
        }
        for (JsonNode filter : filters) {
            if (matches(filter, record)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(JsonNode pattern, JsonNode value) {
        for (var field : pattern.properties()) {
            JsonNode actual = value == null ? null : value.get(field.getKey());
            if (actual == null) {
                return false;
            }
            JsonNode expected = field.getValue();
            if (expected.isObject()) {
                if (!matches(expected, actual)) {
                    return false;
                }
            } else {
                boolean any = false;
                for (JsonNode option : expected) {
                    any |= option.asText().equals(actual.asText());
                }
                if (!any) {
                    return false;
                }
            }
        }
        return true;
    }

    private void checkSupported(JsonNode pattern, String text) {
        for (var field : pattern.properties()) {
            JsonNode value = field.getValue();
            if (value.isObject()) {
                checkSupported(value, text);
            } else if (!value.isArray()) {
                throw new IllegalArgumentException(name() + ": unsupported FilterCriteria pattern " + text);
            } else {
                for (JsonNode option : value) {
                    if (option.isContainerNode()) {
                        throw new IllegalArgumentException(name() + ": only exact-value filters are emulated, not "
                                + text);
                    }
                }
            }
        }
    }

    /** Tells the poller to stop, without waiting for it ({@link #close()} waits). */
    public void stopPolling() {
        running = false;
        Thread thread = poller;
        if (thread != null) {
            thread.interrupt();
        }
    }

    /** Stops polling; a batch being delivered finishes first. */
    @Override
    public void close() {
        stopPolling();
        Thread thread = poller;
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
