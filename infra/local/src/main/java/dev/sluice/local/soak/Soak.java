package dev.sluice.local.soak;

import dev.sluice.domain.run.RunStatus;
import dev.sluice.local.LocalSluice;
import dev.sluice.local.emulator.DynamoDbCallCounter;
import dev.sluice.local.fault.FaultSpec;
import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * A burst against a running local stack: N small partner files written under {@code drop/acme/} at once, next to
 * one large file, with whatever faults the stack injects. It waits until every run is final (or the deadline),
 * then judges exactly-once by {@link RecordIdentity} in PostgreSQL and measures throughput, run latency (object
 * written → run final) and how long chunk messages waited on ChunkQueue.
 */
public final class Soak {
    /** Partner drops need no API call; the default partner {@code acme} imports for owner {@code partner:acme}. */
    static final String PARTNER = "acme";
    private static final String HEADER = "date,campaign,channel,spend,clicks,conversions,impressions\n";

    /** What to send. A poisoned small file's key contains "poison" (fault {@code poison} fails its chunks). */
    public record Options(int smallFiles, int smallRecords, long largeRecords, double poisonShare, Duration timeout) {
        public Options {
            if (smallFiles < 0 || smallRecords < 1 || largeRecords < 0 || smallFiles == 0 && largeRecords == 0) {
                throw new IllegalArgumentException("a soak needs small files of at least one record, or a large one");
            }
            if (!(poisonShare >= 0 && poisonShare <= 1)) {
                throw new IllegalArgumentException("--poison-share must be 0..1, was " + poisonShare);
            }
        }

        int poisoned() {
            return (int) Math.round(smallFiles * poisonShare);
        }
    }

    private record Sent(String key, long records, boolean small, boolean poisoned, Instant written) {
    }

    private Soak() {
    }

    /** Runs the burst; {@code progress} gets a line now and then. */
    public static SoakReport run(LocalSluice sluice, Options options, java.util.function.Consumer<String> progress)
            throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String prefix = "drop/" + PARTNER + "/soak-" + tag + "/";
        String bucket = sluice.bucketName("UploadBucket");
        HeapSampler heap = HeapSampler.start();
        Map<String, DynamoDbCallCounter.Calls> callsBefore = sluice.dynamoDbCalls();
        Map<String, Sent> sent = new ConcurrentHashMap<>();
        Instant start = Instant.now();
        ExecutorService writers = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> writes = new ArrayList<>();
            if (options.largeRecords() > 0) {
                Path large = Files.createTempFile("sluice-soak-large-", ".csv");
                writeCsv(large, tag + "-L", options.largeRecords());
                String key = prefix + "large.csv";
                writes.add(writers.submit(() -> {
                    try {
                        sluice.s3Client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(large));
                        sent.put(key, new Sent(key, options.largeRecords(), false, false, Instant.now()));
                    } finally {
                        Files.deleteIfExists(large);
                    }
                    return null;
                }));
            }
            int every = options.poisoned() == 0 ? 0 : Math.max(1, options.smallFiles() / options.poisoned());
            int poisonedSoFar = 0;
            for (int file = 1; file <= options.smallFiles(); file++) {
                boolean poisoned = every > 0 && file % every == 0 && poisonedSoFar++ < options.poisoned();
                String key = prefix + String.format(Locale.ROOT, "small-%05d%s.csv", file, poisoned ? "-poison" : "");
                byte[] bytes = csv(tag + "-" + file, options.smallRecords()).getBytes(StandardCharsets.UTF_8);
                writes.add(writers.submit(() -> {
                    sluice.s3Client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
                    sent.put(key, new Sent(key, options.smallRecords(), true, poisoned, Instant.now()));
                    return null;
                }));
            }
            for (Future<?> write : writes) {
                write.get();
            }
        } finally {
            writers.shutdown();
        }
        progress.accept(sent.size() + " files written under " + prefix + " in "
                + Duration.between(start, Instant.now()).toMillis() + " ms; waiting for their runs");
        Map<String, Map<String, AttributeValue>> runs = awaitRuns(sluice, prefix, sent.size(), options.timeout(),
                progress);
        heap.stop();
        Map<String, DynamoDbCallCounter.Calls> calls = DynamoDbCallCounter.between(callsBefore,
                sluice.dynamoDbCalls());
        Map<String, Long> expected = new HashMap<>();
        runs.forEach((key, run) -> expected.put(run.get("runId").s(), sent.get(key).records()));
        RecordIdentity.Result identity = expected.isEmpty() ? new RecordIdentity.Result(0, 0, 0, List.of())
                : RecordIdentity.check(sluice.dataSource(), expected);
        long lostFromMissingRuns = sent.values().stream().filter(s -> !runs.containsKey(s.key()))
                .mapToLong(Sent::records).sum();
        return SoakReport.from(options, sent.size(), runs.size(), start, runs, key -> sent.get(key).written(),
                key -> sent.get(key).small(), identity, lostFromMissingRuns, sluice, heap.peakBytes(),
                heap.peakAfterGcBytes(), calls);
    }

    /** Polls the runs of the files under {@code prefix} until all exist and are final, or the deadline passes. */
    private static Map<String, Map<String, AttributeValue>> awaitRuns(LocalSluice sluice, String prefix, int files,
            Duration timeout, java.util.function.Consumer<String> progress) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastReport = System.nanoTime();
        while (true) {
            long polled = System.nanoTime();
            Map<String, Map<String, AttributeValue>> runs = runsUnder(sluice, prefix);
            long pollMillis = (System.nanoTime() - polled) / 1_000_000;
            long done = runs.values().stream().filter(Soak::isFinal).count();
            if (runs.size() >= files && done == runs.size() || System.nanoTime() > deadline) {
                return runs;
            }
            if (System.nanoTime() - lastReport > Duration.ofSeconds(10).toNanos()) {
                progress.accept(done + " of " + files + " runs final");
                lastReport = System.nanoTime();
            }
            // The owner query reads every run of the burst (all of them, with the emulator: a query lists the whole
            // table), and its reads hold the emulator's writes back; pausing 30x as long as it took keeps this watcher
            // to a thirtieth of the emulator's time. The figures do not depend on it: they come from each run's
            // updatedAt. Only noticing the end may come later (by at most 30 looks' time).
            Thread.sleep(Math.max(1000, 30 * pollMillis));
        }
    }

    static boolean isFinal(Map<String, AttributeValue> run) {
        AttributeValue status = run.get("status");
        // At rest: final, or waiting in REVIEW for a person; PUBLISHING still works on the run.
        return status != null && RunStatus.valueOf(status.s()).isAtRest();
    }

    /** The newest run of each object under the prefix, by the runs table's owner index. */
    private static Map<String, Map<String, AttributeValue>> runsUnder(LocalSluice sluice, String prefix) {
        Map<String, Map<String, AttributeValue>> byKey = new HashMap<>();
        Map<String, AttributeValue> startKey = null;
        do {
            QueryRequest.Builder query = QueryRequest.builder().tableName(sluice.tableName("RunsTable"))
                    .indexName("RunsByOwner").keyConditionExpression("gsi1pk = :owner")
                    // What the report reads; a whole run item (plan, facts, mapping) is many times larger.
                    .projectionExpression("runId, objectKey, createdAt, updatedAt, #status, records, chunksDead")
                    .expressionAttributeNames(Map.of("#status", "status"))
                    .expressionAttributeValues(Map.of(":owner", AttributeValue.fromS("OWNER#partner:" + PARTNER)));
            if (startKey != null) {
                query.exclusiveStartKey(startKey);
            }
            QueryResponse page = sluice.dynamoDbClient().query(query.build());
            for (Map<String, AttributeValue> item : page.items()) {
                AttributeValue key = item.get("objectKey");
                if (key != null && key.s().startsWith(prefix)) {
                    byKey.merge(key.s(), item, (a, b) -> a.get("createdAt").s().compareTo(b.get("createdAt").s()) >= 0
                            ? a : b);
                }
            }
            startKey = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey()
                    : null;
        } while (startKey != null);
        return byKey;
    }

    static String csv(String file, long records) {
        StringBuilder csv = new StringBuilder(HEADER);
        for (long record = 1; record <= records; record++) {
            appendRecord(csv, file, record);
        }
        return csv.toString();
    }

    private static void writeCsv(Path path, String file, long records) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
            out.write(HEADER);
            StringBuilder line = new StringBuilder(96);
            for (long record = 1; record <= records; record++) {
                line.setLength(0);
                appendRecord(line, file, record);
                out.append(line);
            }
        }
    }

    /** Valid records only; the file's id in every campaign keeps each file's bytes unique (no DUPLICATE runs). */
    private static void appendRecord(StringBuilder out, String file, long record) {
        out.append("2024-").append(record % 12 < 9 ? "0" : "").append(record % 12 + 1).append('-')
                .append(record % 28 < 9 ? "0" : "").append(record % 28 + 1).append(",Soak ").append(file)
                .append(" c").append(record % 97).append(',').append(record % 3 == 0 ? "search" : "social")
                .append(',').append(record % 1000).append(".25,").append(record % 500).append(',')
                .append(record % 7).append(',').append(record % 10_000).append('\n');
    }

    /**
     * Two figures of the JVM's heap: the most ever in use (sampled every 100 ms; garbage included, so it follows the
     * collector's sizing as much as the work), and the most in use right after a collection (from the collectors'
     * notifications), which is what the work keeps alive.
     */
    static final class HeapSampler {
        private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        private final AtomicLong peak = new AtomicLong();
        private final AtomicLong peakAfterGc = new AtomicLong();
        private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
                .collect(Collectors.toSet());
        private final NotificationListener afterGc = (notification, handback) -> {
            if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                GarbageCollectionNotificationInfo info =
                        GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                long used = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                        .filter(pool -> heapPools.contains(pool.getKey()))
                        .mapToLong(pool -> pool.getValue().getUsed()).sum();
                peakAfterGc.accumulateAndGet(used, Math::max);
            }
        };
        private final List<NotificationEmitter> emitters = new ArrayList<>();
        private volatile boolean running = true;
        private Thread thread;

        static HeapSampler start() {
            HeapSampler sampler = new HeapSampler();
            for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (collector instanceof NotificationEmitter emitter) {
                    emitter.addNotificationListener(sampler.afterGc, null, null);
                    sampler.emitters.add(emitter);
                }
            }
            sampler.thread = Thread.ofPlatform().daemon(true).name("soak-heap").start(sampler::sample);
            return sampler;
        }

        private void sample() {
            while (running) {
                peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stop() throws InterruptedException, ListenerNotFoundException {
            running = false;
            thread.interrupt();
            thread.join(1_000);
            for (NotificationEmitter emitter : emitters) {
                emitter.removeNotificationListener(afterGc);
            }
        }

        long peakBytes() {
            return peak.get();
        }

        /** 0 when no collection happened. */
        long peakAfterGcBytes() {
            return peakAfterGc.get();
        }
    }

    /** The faults a soak names, as {@code --faults} takes them: comma-separated {@code NAME[:ARG]}. */
    public static List<FaultSpec> faults(String list) {
        List<FaultSpec> faults = new ArrayList<>();
        if (list == null || list.isBlank()) {
            return faults;
        }
        for (String fault : list.split(",")) {
            if (!fault.isBlank()) {
                faults.add(FaultSpec.parse(fault));
            }
        }
        return faults;
    }
}
