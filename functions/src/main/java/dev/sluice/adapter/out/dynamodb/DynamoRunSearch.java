package dev.sluice.adapter.out.dynamodb;

import dev.sluice.application.port.RunSearch;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * {@link RunSearch} over the runs table's indexes (layout in {@link DynamoRunRepository}). Index sort keys are ISO
 * instants, whose text order matches time order only to the second (a fraction is left out when it is zero), so the
 * key conditions are widened by a second and the exact filter is the query's own predicate.
 * <p>
 * Bounded work: one call reads at most {@link #MAX_EXAMINED} runs (plus, when status partitions are merged, one
 * read-ahead page per status). A filter that matches little answers a short page with a cursor to go on from.
 * Ordering: newest created first on RunsByOwner and RunsByDataset; on RunsByStatus most recent status change first
 * (its sort key), ties by run id. A run that changes status while a client pages may be listed twice or not at all.
 */
public final class DynamoRunSearch implements RunSearch {
    /** Runs read (and filtered) per call at most. */
    public static final int MAX_EXAMINED = 500;
    private static final int MAX_READ_PAGE = 100;
    private static final Duration SLACK = Duration.ofSeconds(1);
    private static final String LOWEST = "0";
    private static final String HIGHEST = "~";

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoRunSearch(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    @Override
    public Page search(Query query) {
        if (query.owner() != null) {
            return onePartition(query, "RunsByOwner", "gsi1pk", "gsi1sk", "OWNER#" + query.owner(), "o");
        }
        if (query.datasetId() != null) {
            return onePartition(query, "RunsByDataset", "gsi4pk", "gsi4sk",
                    RunItems.DATASET_PREFIX + query.datasetId(), "d");
        }
        return statusPartitions(query);
    }

    /** One partition of an index sorted by {@code createdAt#runId}, newest first. */
    private Page onePartition(Query query, String index, String pkName, String skName, String pkValue, String mode) {
        String lo = query.createdFrom() == null ? LOWEST : query.createdFrom().minus(SLACK).toString();
        String hi = query.createdTo() == null ? HIGHEST : query.createdTo().plus(SLACK).toString() + HIGHEST;
        Map<String, AttributeValue> startKey = null;
        if (query.cursor() != null) {
            String after = decode(query.cursor(), mode)[0];
            String runId = after.substring(after.lastIndexOf('#') + 1);
            startKey = Map.of(pkName, s(pkValue), skName, s(after), "pk", s("RUN#" + runId), "sk", s("RUN"));
        }
        List<Run> items = new ArrayList<>();
        int examined = 0;
        String last = null;
        boolean exhausted = false;
        while (items.size() < query.limit() && examined < MAX_EXAMINED && !exhausted) {
            Map<String, AttributeValue> from = startKey;
            int want = Math.min(MAX_READ_PAGE, MAX_EXAMINED - examined);
            QueryResponse page = dynamo.query(b -> b.tableName(table).indexName(index)
                    .keyConditionExpression(pkName + " = :pk AND " + skName + " BETWEEN :lo AND :hi")
                    .expressionAttributeValues(Map.of(":pk", s(pkValue), ":lo", s(lo), ":hi", s(hi)))
                    .scanIndexForward(false).limit(want).exclusiveStartKey(from));
            int taken = 0;
            for (Map<String, AttributeValue> item : page.items()) {
                taken++;
                examined++;
                last = item.get(skName).s();
                Run run = RunItems.fromItem(item);
                if (query.matches().test(run)) {
                    items.add(run);
                    if (items.size() == query.limit()) {
                        break;
                    }
                }
            }
            boolean more = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty();
            exhausted = !more && taken == page.items().size();
            startKey = more ? page.lastEvaluatedKey() : null;
        }
        Optional<String> next = exhausted || last == null ? Optional.empty() : Optional.of(encode(mode, last));
        return new Page(items, next, examined);
    }

    /** The status partitions merged by their sort key (the last status change), then run id, newest first. */
    private Page statusPartitions(Query query) {
        String lo = query.createdFrom() == null ? LOWEST : query.createdFrom().minus(SLACK).toString();
        String[] cursor = query.cursor() == null ? null : decode(query.cursor(), "s");
        String hi = cursor == null ? HIGHEST : cursor[0];
        int readPage = Math.min(MAX_READ_PAGE, query.limit() + 1);
        List<StatusReader> readers = new ArrayList<>();
        for (RunStatus status : query.statuses().isEmpty() ? Set.of(RunStatus.values()) : query.statuses()) {
            readers.add(new StatusReader(status, lo, hi, cursor, readPage));
        }
        List<Run> items = new ArrayList<>();
        int examined = 0;
        Positioned last = null;
        boolean exhausted = false;
        while (items.size() < query.limit() && examined < MAX_EXAMINED) {
            Optional<StatusReader> newest = readers.stream().filter(StatusReader::hasNext)
                    .max(Comparator.comparing(StatusReader::peek, Positioned.ORDER));
            if (newest.isEmpty()) {
                exhausted = true;
                break;
            }
            last = newest.get().next();
            examined++;
            Run run = RunItems.fromItem(last.item());
            if (query.matches().test(run)) {
                items.add(run);
            }
        }
        if (!exhausted && last != null && readers.stream().noneMatch(StatusReader::hasNext)) {
            exhausted = true;
        }
        Optional<String> next = exhausted || last == null ? Optional.empty()
                : Optional.of(encode("s", last.sortKey(), last.runId()));
        return new Page(items, next, examined);
    }

    private record Positioned(String sortKey, String runId, Map<String, AttributeValue> item) {
        static final Comparator<Positioned> ORDER = Comparator.comparing(Positioned::sortKey)
                .thenComparing(Positioned::runId);
    }

    /** One status partition, read lazily page by page, newest first, from just after the cursor. */
    private final class StatusReader {
        private final String partition;
        private final String lo;
        private final String hi;
        private final String[] cursor;
        private final int readPage;
        private final Deque<Positioned> buffer = new ArrayDeque<>();
        private Map<String, AttributeValue> startKey;
        private boolean done;

        StatusReader(RunStatus status, String lo, String hi, String[] cursor, int readPage) {
            this.partition = "STATUS#" + status.name();
            this.lo = lo;
            this.hi = hi;
            this.cursor = cursor;
            this.readPage = readPage;
        }

        boolean hasNext() {
            while (buffer.isEmpty() && !done) {
                fill();
            }
            return !buffer.isEmpty();
        }

        Positioned peek() {
            return buffer.peekFirst();
        }

        Positioned next() {
            return buffer.removeFirst();
        }

        private void fill() {
            Map<String, AttributeValue> from = startKey;
            QueryResponse page = dynamo.query(b -> b.tableName(table).indexName("RunsByStatus")
                    .keyConditionExpression("gsi2pk = :pk AND gsi2sk BETWEEN :lo AND :hi")
                    .expressionAttributeValues(Map.of(":pk", s(partition), ":lo", s(lo), ":hi", s(hi)))
                    .scanIndexForward(false).limit(readPage).exclusiveStartKey(from));
            List<Positioned> read = new ArrayList<>();
            for (Map<String, AttributeValue> item : page.items()) {
                Positioned positioned = new Positioned(item.get("gsi2sk").s(), item.get("runId").s(), item);
                // The cursor's own sort key is read again (ties): those at or before the cursor were listed.
                boolean listed = cursor != null && positioned.sortKey().equals(cursor[0])
                        && positioned.runId().compareTo(cursor[1]) >= 0;
                if (!listed) {
                    read.add(positioned);
                }
            }
            read.sort(Positioned.ORDER.reversed());
            buffer.addAll(read);
            done = !page.hasLastEvaluatedKey() || page.lastEvaluatedKey().isEmpty();
            startKey = done ? null : page.lastEvaluatedKey();
        }
    }

    @Override
    public Figures createdSince(Instant since, int cap) {
        List<RunFigures> runs = new ArrayList<>();
        String lo = since.minus(SLACK).toString();
        boolean capped = false;
        for (RunStatus status : RunStatus.values()) {
            Map<String, AttributeValue> startKey = null;
            do {
                if (runs.size() >= cap) {
                    capped = true;
                    break;
                }
                Map<String, AttributeValue> from = startKey;
                int want = Math.min(1_000, cap - runs.size());
                QueryResponse page = dynamo.query(b -> b.tableName(table).indexName("RunsByStatus")
                        .keyConditionExpression("gsi2pk = :pk AND gsi2sk >= :lo")
                        .expressionAttributeValues(Map.of(":pk", s("STATUS#" + status.name()), ":lo", s(lo)))
                        // Every name aliased: several (status, records, stored, errors) are reserved words.
                        .projectionExpression("#status, #createdAt, #finishedAt, #records, #stored, #errors")
                        .expressionAttributeNames(Map.of("#status", "status", "#createdAt", "createdAt",
                                "#finishedAt", "finishedAt", "#records", "records", "#stored", "stored",
                                "#errors", "errors"))
                        .scanIndexForward(false).limit(want).exclusiveStartKey(from));
                for (Map<String, AttributeValue> item : page.items()) {
                    Instant created = instant(item.get("createdAt"));
                    if (created != null && !created.isBefore(since)) {
                        runs.add(new RunFigures(RunStatus.valueOf(item.get("status").s()), created,
                                instant(item.get("finishedAt")), num(item.get("records")), num(item.get("stored")),
                                num(item.get("errors"))));
                    }
                }
                startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                        ? page.lastEvaluatedKey() : null;
            } while (startKey != null);
        }
        return new Figures(runs, capped);
    }

    private static String encode(String... parts) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(String.join("|", parts).getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor's position parts, checked to be this listing's. */
    private static String[] decode(String cursor, String mode) {
        String text;
        try {
            text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a cursor of this listing", e);
        }
        String[] parts = text.split("\\|", -1);
        int expected = mode.equals("s") ? 3 : 2;
        if (parts.length != expected || !parts[0].equals(mode)) {
            throw new IllegalArgumentException("not a cursor of this listing");
        }
        String[] position = Arrays.copyOfRange(parts, 1, parts.length);
        String time = mode.equals("s") ? position[0] : position[0].substring(0, Math.max(0,
                position[0].lastIndexOf('#')));
        try {
            Instant.parse(time);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a cursor of this listing", e);
        }
        if (position[position.length - 1].isEmpty() || !mode.equals("s") && position[0].endsWith("#")) {
            throw new IllegalArgumentException("not a cursor of this listing");
        }
        return position;
    }

    private static Instant instant(AttributeValue value) {
        return value == null || value.s() == null ? null : Instant.parse(value.s());
    }

    private static long num(AttributeValue value) {
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
