package dev.sluice.local.soak;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.local.LocalSluice;
import dev.sluice.local.emulator.DynamoDbCallCounter;
import dev.sluice.local.fault.FaultSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What one soak measured. {@code lost} and {@code duplicated} come from PostgreSQL per record identity
 * ({@link RecordIdentity}); the rates from the runs' final {@code updatedAt}; latency is the time from a file's
 * write to its run's final state.
 */
public record SoakReport(int runsTotal, int runsFinal, Map<String, Integer> statuses, long records, long lost,
        long duplicated, long foreign, long deadChunks, double seconds, double recordsPerSecond,
        double smallFileRunsPerSecond, double smallRecordsPerSecond, double largeRecordsPerSecond,
        long latencyP50Millis, long latencyP95Millis, long latencyP99Millis, long queueAgeP50Millis,
        long queueAgeP95Millis, long queueAgeMaxMillis, long peakHeapMb, long peakHeapAfterGcMb, List<String> faults,
        Map<String, Long> faultsStruck, List<String> wrongRuns, Map<String, Long> dynamoDbCalls,
        Map<String, Long> dynamoDbBusyMillis, long dynamoDbLockWaitMillis, double dynamoDbCallsPerRun) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static SoakReport from(Soak.Options options, int files, int runsFound, Instant start,
            Map<String, Map<String, AttributeValue>> runs, Function<String, Instant> written,
            Predicate<String> small, RecordIdentity.Result identity, long lostFromMissingRuns, LocalSluice sluice,
            long peakHeapBytes, long peakHeapAfterGcBytes, Map<String, DynamoDbCallCounter.Calls> calls) {
        Map<String, Integer> statuses = new TreeMap<>();
        List<Long> latencies = new ArrayList<>();
        Instant lastFinal = start;
        Instant lastSmallFinal = start;
        long smallFinal = 0;
        long smallRecords = 0;
        long records = 0;
        long finalRecords = 0;
        long dead = 0;
        double largeRate = 0;
        int finals = 0;
        for (Map.Entry<String, Map<String, AttributeValue>> entry : runs.entrySet()) {
            Map<String, AttributeValue> run = entry.getValue();
            statuses.merge(run.get("status").s(), 1, Integer::sum);
            records += number(run, "records");
            dead += number(run, "chunksDead");
            if (!Soak.isFinal(run)) {
                continue;
            }
            finals++;
            finalRecords += number(run, "records");
            Instant finished = Instant.parse(run.get("updatedAt").s());
            Instant from = written.apply(entry.getKey());
            latencies.add(Math.max(0, Duration.between(from, finished).toMillis()));
            lastFinal = finished.isAfter(lastFinal) ? finished : lastFinal;
            if (small.test(entry.getKey())) {
                smallFinal++;
                smallRecords += number(run, "records");
                lastSmallFinal = finished.isAfter(lastSmallFinal) ? finished : lastSmallFinal;
            } else {
                double seconds = Math.max(0.001, Duration.between(from, finished).toMillis() / 1000.0);
                largeRate = number(run, "records") / seconds;
            }
        }
        // Rates count the runs that ended, over the time until the last one ended: a run still going has no rate yet.
        double seconds = Math.max(0.001, Duration.between(start, lastFinal).toMillis() / 1000.0);
        double smallSeconds = Math.max(0.001, Duration.between(start, lastSmallFinal).toMillis() / 1000.0);
        List<Long> ages = sluice.faults().chunkQueueAges();
        Map<String, Long> struck = new LinkedHashMap<>();
        for (FaultSpec.Kind kind : FaultSpec.Kind.values()) {
            if (sluice.faults().struck(kind) > 0) {
                struck.put(kind.cliName(), sluice.faults().struck(kind));
            }
        }
        return new SoakReport(files, finals, statuses, records, identity.lost() + lostFromMissingRuns,
                identity.duplicated(), identity.foreign(), dead, seconds, finalRecords / seconds,
                smallFinal / smallSeconds, smallRecords / smallSeconds, largeRate, percentile(latencies, 50),
                percentile(latencies, 95), percentile(latencies, 99), percentile(ages, 50), percentile(ages, 95),
                percentile(ages, 100), peakHeapBytes / (1024 * 1024), peakHeapAfterGcBytes / (1024 * 1024),
                sluice.faults().enabled().stream().map(FaultSpec::toString).toList(), struck,
                identity.wrong().stream().map(RecordIdentity.RunCheck::toString).limit(20).toList(),
                byCalls(calls, DynamoDbCallCounter.Calls::calls), byCalls(calls, DynamoDbCallCounter.Calls::busyMillis),
                calls.values().stream().mapToLong(DynamoDbCallCounter.Calls::waitMillis).sum(),
                files == 0 ? 0 : calls.values().stream().mapToLong(DynamoDbCallCounter.Calls::calls).sum()
                        / (double) files);
    }

    /** Most calls first. */
    private static Map<String, Long> byCalls(Map<String, DynamoDbCallCounter.Calls> calls,
            ToLongFunction<DynamoDbCallCounter.Calls> figure) {
        Map<String, Long> sorted = new LinkedHashMap<>();
        calls.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, DynamoDbCallCounter.Calls> e) -> e.getValue()
                        .calls()).reversed().thenComparing(Map.Entry::getKey))
                .forEach(e -> sorted.put(e.getKey(), figure.applyAsLong(e.getValue())));
        return sorted;
    }

    private static long number(Map<String, AttributeValue> run, String name) {
        AttributeValue value = run.get(name);
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }

    static long percentile(List<Long> values, int percent) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Long> sorted = values.stream().sorted().toList();
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.min(sorted.size() - 1, Math.max(0, index)));
    }

    /** Every run final and every record exactly once. */
    public boolean exactlyOnce() {
        return runsFinal == runsTotal && lost == 0 && duplicated == 0 && foreign == 0;
    }

    /** The human-readable summary, one figure per line. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "runs         %d of %d final %s", runsFinal, runsTotal, statuses));
        lines.add(String.format(Locale.ROOT, "records      %,d in %.1f s: %,.0f records/s", records, seconds,
                recordsPerSecond));
        lines.add(String.format(Locale.ROOT, "small files  %.2f runs/s (%,.0f records/s); large file %,.0f records/s",
                smallFileRunsPerSecond, smallRecordsPerSecond, largeRecordsPerSecond));
        lines.add(String.format(Locale.ROOT, "run latency  p50 %d ms, p95 %d ms, p99 %d ms (file written -> final)",
                latencyP50Millis, latencyP95Millis, latencyP99Millis));
        lines.add(String.format(Locale.ROOT, "chunk queue  age p50 %d ms, p95 %d ms, max %d ms", queueAgeP50Millis,
                queueAgeP95Millis, queueAgeMaxMillis));
        lines.add(String.format(Locale.ROOT, "exactly once lost %d, duplicated %d, outside the file %d; dead chunks %d",
                lost, duplicated, foreign, deadChunks));
        lines.add("faults       " + (faults.isEmpty() ? "none" : String.join(", ", faults)) + "; struck "
                + faultsStruck);
        lines.add("peak heap    " + peakHeapMb + " MB in use, " + peakHeapAfterGcMb + " MB right after a collection");
        lines.add(String.format(Locale.ROOT, "dynamodb     %.1f calls per run; %,d ms waiting for the emulator's lock",
                dynamoDbCallsPerRun, dynamoDbLockWaitMillis));
        dynamoDbCalls.forEach((call, count) -> lines.add(String.format(Locale.ROOT, "  %-44s %,8d calls %,8d ms",
                call, count, dynamoDbBusyMillis.getOrDefault(call, 0L))));
        wrongRuns.forEach(run -> lines.add("  not exact: " + run));
        return lines;
    }

    public String json() {
        ObjectNode node = JSON.valueToTree(this);
        node.put("lost", lost).put("duplicated", duplicated).put("runsFinal", runsFinal).put("runsTotal", runsTotal)
                .put("smallFileRunsPerSecond", round(smallFileRunsPerSecond));
        node.put("recordsPerSecond", round(recordsPerSecond)).put("smallRecordsPerSecond", round(smallRecordsPerSecond))
                .put("largeRecordsPerSecond", round(largeRecordsPerSecond)).put("seconds", round(seconds))
                .put("dynamoDbCallsPerRun", round(dynamoDbCallsPerRun));
        return node.toString();
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
