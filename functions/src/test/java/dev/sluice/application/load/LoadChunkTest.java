package dev.sluice.application.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.port.InMemoryPipelineMetrics;
import dev.sluice.application.port.ObjectStore;
import dev.sluice.application.port.RecordRepository.LedgerOutcome;
import dev.sluice.application.port.RecordRepository;
import dev.sluice.application.port.RunRepository;
import dev.sluice.application.port.PipelineMetrics;
import dev.sluice.application.split.S3ObjectEvent;
import dev.sluice.application.split.SplitObject;
import dev.sluice.application.twins.InMemoryChunkSender;
import dev.sluice.application.twins.InMemoryObjectStore;
import dev.sluice.application.twins.InMemoryRecordRepository;
import dev.sluice.application.twins.InMemoryRunRepository;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.csv.Dialect;
import dev.sluice.domain.mapping.CanonicalField;
import dev.sluice.domain.mapping.Mapping;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import dev.sluice.domain.csv.NumberStyle;
import dev.sluice.domain.validation.RecordSink;
import dev.sluice.domain.validation.RowError;
import dev.sluice.domain.validation.RowErrorCode;
import dev.sluice.domain.validation.ValidRecord;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The loader use case against twins of its ports: what it writes and counts for each kind of message, in ms. */
class LoadChunkTest {
    private static final String HEADER = "Date,Campaign,Channel\n";
    private static final String BODY = "2024-03-01,Spring,search\n2024-03-02,Spring,social\n";
    /** Two records again, one stored and one rejected; BODY's length, so the planned byte ranges still fit. */
    private static final String BODY_WITH_A_BAD_DATE = "2024-03-01,Spring,search\n2024-13-02,Spring,social\n";
    private static final String ETAG = "abc";

    private final List<String> calls = new ArrayList<>();
    private Optional<Run> run = Optional.empty();
    private Optional<String> plan = Optional.empty();
    private boolean fileChanged;
    private String body = BODY;
    /** The ledger and the run's counted chunks, so a repeated delivery finds what the first one left. */
    private final Map<Integer, RecordRepository.LedgerEntry> ledger = new HashMap<>();
    private final Set<Integer> counted = new HashSet<>();
    private boolean finished;
    private boolean countingFailsOnce;
    private final InMemoryPipelineMetrics metrics = new InMemoryPipelineMetrics();

    @Test
    void aChunkOfARunThatDoesNotExistIsDroppedUnread() {
        LoadChunk.Result result = loader().load(chunk(1, 1));
        assertEquals(LoadChunk.Outcome.DROPPED, result.outcome());
        assertTrue(result.dropReason().orElseThrow().contains("does not exist"), result.dropReason().orElseThrow());
        assertEquals(List.of(), calls, "nothing read, written or counted");
        assertEquals(LoadChunk.Outcome.DROPPED, loader().markDead(chunk(1, 1)).outcome(), "also on ChunkDLQ");
        assertEquals(List.of(), calls);
    }

    @Test
    void aChunkThatDiffersFromThePlanOrComesForAFinishedRunIsDropped() {
        run = Optional.of(run(RunStatus.LOADING));
        plan = Optional.of(chunk(1, 1).fingerprint());
        LoadChunk.Result altered = loader().load(chunk(1, 1001));
        assertTrue(altered.dropReason().orElseThrow().contains("differs from the chunk the splitter planned"),
                altered.dropReason().orElseThrow());
        assertTrue(loader().load(chunk(2, 3)).dropReason().orElseThrow().contains("planned no chunk 2"));
        run = Optional.of(run(RunStatus.SUCCEEDED));
        assertTrue(loader().markDead(chunk(1, 1)).dropReason().orElseThrow().contains("is SUCCEEDED"));
        assertEquals(List.of(), calls, "nothing read, written or counted");
    }

    @Test
    void aPlannedChunkIsReadAtItsVersionLoadedAndCountedWithItsBytes() {
        run = Optional.of(run(RunStatus.LOADING));
        plan = Optional.of(chunk(1, 1).fingerprint());
        LoadChunk.Result result = loader().load(chunk(1, 1));
        assertEquals(LoadChunk.Outcome.LOADED, result.outcome());
        // The ledger row is claimed first, then the range is read with If-Match; chunk 1's bytes include the header.
        assertEquals(List.of("load", "openRange abc 22-72", "countChunk 1 stored=2 bytes=72", "finishIfComplete"),
                calls);
    }

    @Test
    void aFileChangedUnderALoaderEndsTheChunkAtOnceInsteadOfRetrying() {
        run = Optional.of(run(RunStatus.LOADING));
        plan = Optional.of(chunk(1, 1).fingerprint());
        fileChanged = true;
        LoadChunk.Result result = loader().load(chunk(1, 1));
        assertEquals(LoadChunk.Outcome.FILE_CHANGED, result.outcome());
        assertEquals(List.of("load", "openRange abc 22-72", "noteFailure FILE_CHANGED", "markDead FILE_CHANGED",
                "countDeadChunk 1 records=2 bytes=72", "finishIfComplete"), calls);
    }

    @Test
    void aChunkDeliveredTwiceIsReportedOnceWithItsRowErrorsByCode() {
        run = Optional.of(run(RunStatus.LOADING));
        plan = Optional.of(chunk(1, 1).fingerprint());
        body = BODY_WITH_A_BAD_DATE;
        LoadChunk loader = loader();
        LoadChunk.Result first = loader.load(chunk(1, 1));
        LoadChunk.Result repeat = loader.load(chunk(1, 1));

        assertEquals(List.of("chunkWritten", "chunkCounted stored=1 rejected=1", "runFinished PARTIAL"),
                metrics.events());
        assertTrue(metrics.writeMillis().get(0) >= 0, "load time " + metrics.writeMillis());
        assertEquals(Map.of(RowErrorCode.INVALID_DATE, 1), first.errorCodes());
        assertFalse(repeat.loadedNow() || repeat.countedNow(), "the repeat found the ledger and the counted chunk");
        assertEquals(Map.of(), repeat.errorCodes(), "its row errors were reported by the first delivery");
    }

    @Test
    void aChunkWhoseCountingFailedIsReportedByTheDeliveryThatCountsIt() {
        run = Optional.of(run(RunStatus.LOADING));
        plan = Optional.of(chunk(1, 1).fingerprint());
        countingFailsOnce = true;
        LoadChunk loader = loader();
        assertThrows(IllegalStateException.class, () -> loader.load(chunk(1, 1)));
        assertEquals(List.of("chunkWritten"), metrics.events(), "written, so timed; not counted, so no records");

        LoadChunk.Result retry = loader.load(chunk(1, 1));
        assertFalse(retry.loadedNow());
        assertEquals(List.of("chunkWritten", "chunkCounted stored=2 rejected=0", "runFinished SUCCEEDED"),
                metrics.events(), "the records once, when counted; no second load time for the ledger hit");
    }

    @Test
    void aDeadChunkMarkedTwiceReportsItsRecordsAsChunkFailedOnce() {
        run = Optional.of(run(RunStatus.LOADING));
        plan = Optional.of(chunk(1, 1).fingerprint());
        LoadChunk loader = loader();
        LoadChunk.Result dead = loader.markDead(chunk(1, 1));
        LoadChunk.Result repeat = loader.markDead(chunk(1, 1));

        assertEquals(Map.of(RowErrorCode.CHUNK_FAILED, 2), dead.errorCodes());
        assertEquals(Map.of(), repeat.errorCodes());
        assertEquals(List.of("chunkCounted stored=0 rejected=2", "runFinished PARTIAL"), metrics.events());
    }

    // The rules below run against the port twins, on chunks planned by the splitter over the same twins.

    @Test
    void storedAndRejectedRecordsAreCountedSeparatelyAndARunWithRejectsEndsPartial() {
        Planned planned = Planned.split(HEADER + BODY + BODY_WITH_A_BAD_DATE);
        LoadChunk loader = planned.loader();
        planned.chunks().forEach(loader::load);

        Run run = planned.runs().get("run-1");
        assertEquals(3, run.stored());
        assertEquals(1, run.errors());
        assertEquals(2, run.chunksDone());
        assertEquals(RunStatus.PARTIAL, run.status());
        assertEquals(3, planned.records().records("run-1").size());
        assertEquals(List.of("INVALID_DATE"), planned.records().errors("run-1").stream()
                .map(RecordRepository.StoredError::code).toList());
    }

    @Test
    void aDeadChunkCountsEveryOneOfItsRecordsAsAnErrorAndNoneAsStored() {
        Planned planned = Planned.split(HEADER + BODY + BODY);
        LoadChunk loader = planned.loader();
        loader.load(planned.chunks().get(0));
        LoadChunk.Result dead = loader.markDead(planned.chunks().get(1));

        assertEquals(LoadChunk.Outcome.DEAD, dead.outcome());
        Run run = planned.runs().get("run-1");
        assertEquals(2, run.stored());
        assertEquals(2, run.errors(), "both records of the dead chunk");
        assertEquals(1, run.chunksDead());
        assertEquals(RunStatus.PARTIAL, run.status());
        assertEquals(run.records(), run.stored() + run.errors(), "every record accounted for");
        assertEquals(List.of("CHUNK_FAILED", "CHUNK_FAILED"), planned.records().errors("run-1").stream()
                .map(RecordRepository.StoredError::code).toList());
    }

    @Test
    void aFailedDeliveryIsRecordedWritesNothingAndItsReasonIsWhatTheDeadChunkSays() {
        Planned planned = Planned.split(HEADER + BODY + BODY);
        LoadChunk loader = planned.loader();
        ChunkMessage second = planned.chunks().get(1);
        planned.objects().failReads(1);

        RuntimeException failure = assertThrows(RuntimeException.class, () -> loader.load(second));
        loader.recordFailure(second, failure);
        assertTrue(planned.records().ledger("run-1", 2).isEmpty(), "the failed transaction left no ledger row");
        assertEquals(0, planned.runs().get("run-1").chunksDone());

        loader.markDead(second);
        String reason = planned.runs().get("run-1").deadChunks().get(0).reason();
        assertTrue(reason.startsWith("UncheckedIOException: reading chunk 2"), reason);
    }

    @Test
    void aChunkLoadedBeforeItsMessageReachedTheDlqIsCountedOnceAsLoadedNotAsDead() {
        Planned planned = Planned.split(HEADER + BODY + BODY);
        LoadChunk loader = planned.loader();
        ChunkMessage first = planned.chunks().get(0);
        loader.load(first);

        LoadChunk.Result late = loader.markDead(first);

        assertEquals(LoadChunk.Outcome.LOADED, late.outcome());
        assertFalse(late.countedNow());
        Run run = planned.runs().get("run-1");
        assertEquals(2, run.stored());
        assertEquals(0, run.errors());
        assertEquals(0, run.chunksDead());
    }

    @Test
    void aRepeatedDeliveryFindsTheLedgerAndNeitherParsesNorCountsAgain() {
        Planned planned = Planned.split(HEADER + BODY + BODY);
        LoadChunk loader = planned.loader();
        ChunkMessage first = planned.chunks().get(0);
        loader.load(first);
        LoadChunk.Result repeat = loader.load(first);

        assertFalse(repeat.loadedNow() || repeat.countedNow());
        assertEquals(1, planned.records().parses());
        assertEquals(2, planned.runs().get("run-1").stored());
    }

    /** A run split by the splitter over twins, ready for its chunks to be loaded. */
    private record Planned(InMemoryObjectStore objects, InMemoryRunRepository runs, InMemoryRecordRepository records,
            List<ChunkMessage> chunks) {
        static Planned split(String csv) {
            Clock clock = Clock.fixed(Instant.parse("2026-12-02T06:00:00Z"), ZoneOffset.UTC);
            InMemoryObjectStore objects = new InMemoryObjectStore(clock);
            InMemoryRunRepository runs = new InMemoryRunRepository(clock);
            InMemoryChunkSender sender = new InMemoryChunkSender();
            String key = "uploads/o/run-1/f.csv";
            objects.put("bucket", key, csv, ETAG);
            runs.put(Run.created("run-1", "o", "default", "f.csv", "bucket", key, Run.RunSource.UPLOAD,
                    RunStatus.CREATED, csv.length(), Map.of(), clock.instant()));
            new SplitObject(objects, runs, sender, new SplitObject.SplitLimits(1 << 20, 2, 1 << 20),
                    PipelineMetrics.none(), clock).split(new S3ObjectEvent("bucket", key, csv.length(), ETAG, "s"),
                    false);
            return new Planned(objects, runs, new InMemoryRecordRepository(), sender.sent());
        }

        LoadChunk loader() {
            return new LoadChunk(objects, runs, records, PipelineMetrics.none());
        }
    }

    private LoadChunk loader() {
        return new LoadChunk(objects(), runs(), records(), metrics);
    }

    private static ChunkMessage chunk(int chunkNo, long firstRecord) {
        Map<CanonicalField, String> columns = new EnumMap<>(CanonicalField.class);
        columns.put(CanonicalField.DATE, "Date");
        columns.put(CanonicalField.CAMPAIGN, "Campaign");
        columns.put(CanonicalField.CHANNEL, "Channel");
        return new ChunkMessage("run-1", "default", chunkNo, "bucket", "drop/p/f.csv", HEADER.length(),
                HEADER.length() + BODY.length(), firstRecord, 2, 2,
                new Dialect("UTF-8", 0, ',', '"', List.of("Date", "Campaign", "Channel")), new Mapping(columns),
                NumberStyle.US, ETAG, null);
    }

    private static Run run(RunStatus status) {
        return Run.created("run-1", "o", "default", "f.csv", "bucket", "drop/p/f.csv", Run.RunSource.DROP, status,
                100, Map.of(), Instant.EPOCH);
    }

    private ObjectStore objects() {
        return new ObjectStore() {
            @Override
            public InputStream open(String bucket, String key, ObjectVersion version) {
                throw new UnsupportedOperationException();
            }

            @Override
            public InputStream openRange(String bucket, String key, ObjectVersion version, long start, long end) {
                calls.add("openRange " + version.eTag() + " " + start + "-" + end);
                if (fileChanged) {
                    throw new ObjectChangedException("s3://bucket/" + key + " was overwritten", null);
                }
                byte[] file = (HEADER + body).getBytes(StandardCharsets.UTF_8);
                return new ByteArrayInputStream(file, (int) start, (int) (end - start));
            }

            @Override
            public boolean exists(String bucket, String key) {
                throw new UnsupportedOperationException();
            }

            @Override
            public PresignedPut presignPut(String bucket, String key, String type, long length, Duration ttl) {
                throw new UnsupportedOperationException();
            }
        };
    }

    /** Only what loading touches; any other call fails the test. */
    private RunRepository runs() {
        return (RunRepository) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {RunRepository.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "findWithPlan" ->
                        new RunRepository.RunAndPlan(run, (int) args[1] == 1 ? plan : Optional.empty());
                    case "countChunk" -> {
                        calls.add("countChunk " + args[1] + " stored=" + args[2] + " bytes=" + args[4]);
                        if (countingFailsOnce) {
                            countingFailsOnce = false;
                            throw new IllegalStateException("DynamoDB throttled the count");
                        }
                        yield counted.add((Integer) args[1]);
                    }
                    case "countDeadChunk" -> {
                        Run.DeadChunk dead = (Run.DeadChunk) args[1];
                        calls.add("countDeadChunk " + dead.chunkNo() + " records=" + dead.recordCount() + " bytes="
                                + args[2]);
                        yield counted.add(dead.chunkNo());
                    }
                    // Counting then finishing as any store may: the two calls below, in that order.
                    case "countChunkAndFinish", "countDeadChunkAndFinish" ->
                        InvocationHandler.invokeDefault(proxy, method, args);
                    case "lastChunkFailure" -> Optional.of("SdkClientException: DynamoDB timed out");
                    case "noteFailure" -> {
                        calls.add("noteFailure " + args[1]);
                        yield null;
                    }
                    case "finishIfComplete" -> {
                        calls.add("finishIfComplete");
                        // The run plans one chunk: it ends once, when that chunk is first counted.
                        if (finished || counted.isEmpty()) {
                            yield Optional.empty();
                        }
                        finished = true;
                        boolean clean = ledger.values().stream().allMatch(e -> e.rejected() == 0);
                        yield Optional.of(clean ? RunStatus.SUCCEEDED : RunStatus.PARTIAL);
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private RecordRepository records() {
        return (RecordRepository) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RecordRepository.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "load" -> {
                        calls.add("load");
                        ChunkMessage chunk = (ChunkMessage) args[0];
                        RecordRepository.LedgerEntry found = ledger.get(chunk.chunkNo());
                        if (found != null) {
                            yield RecordRepository.LoadResult.found(found);
                        }
                        RecordRepository.ChunkParse parse = (RecordRepository.ChunkParse) args[2];
                        CountingSink sink = new CountingSink();
                        parse.parseInto(sink);
                        RecordRepository.LedgerEntry entry = new RecordRepository.LedgerEntry(chunk.chunkNo(),
                                LedgerOutcome.LOADED, sink.stored, sink.rejected);
                        ledger.put(chunk.chunkNo(), entry);
                        yield RecordRepository.LoadResult.loadedNow(entry);
                    }
                    case "markDead" -> {
                        String reason = (String) args[1];
                        calls.add("markDead " + reason.substring(0, reason.indexOf(':')));
                        ChunkMessage chunk = (ChunkMessage) args[0];
                        yield ledger.computeIfAbsent(chunk.chunkNo(),
                                no -> new RecordRepository.LedgerEntry(no, LedgerOutcome.DEAD, 0,
                                        chunk.recordCount()));
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** Counts the records the loader's parse hands on. */
    private static final class CountingSink implements RecordSink {
        private int stored;
        private int rejected;

        @Override
        public void accept(ValidRecord record) {
            stored++;
        }

        @Override
        public void reject(long recordNo, long lineNo, List<RowError> errors) {
            rejected++;
        }
    }
}
