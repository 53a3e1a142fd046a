package dev.sluice.application.export;

import dev.sluice.application.port.InMemoryPipelineMetrics;
import dev.sluice.application.port.ObjectStore.ObjectVersion;
import dev.sluice.application.port.RecordRepository.LoadResult;
import dev.sluice.application.query.RunQueries;
import dev.sluice.application.split.S3ObjectEvent;
import dev.sluice.application.split.SplitObject;
import dev.sluice.application.twins.InMemoryChunkSender;
import dev.sluice.application.twins.InMemoryObjectStore;
import dev.sluice.application.twins.InMemoryRecordRepository;
import dev.sluice.application.twins.InMemoryRunRepository;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import dev.sluice.domain.validation.ChunkReader;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;

/**
 * The import path with twins of its ports: the real splitter and the loader's real chunk reader, over an in-memory
 * bucket, run table and record store. A test imports a file and then reads back what the pipeline kept.
 */
public final class TwinPipeline {
    public static final String BUCKET = "uploads-bucket";
    public static final String OWNER = "owner-1";

    public final Clock clock = Clock.fixed(Instant.parse("2026-12-02T08:00:00Z"), ZoneOffset.UTC);
    public final InMemoryObjectStore objects = new InMemoryObjectStore(clock);
    public final InMemoryRunRepository runs = new InMemoryRunRepository(clock);
    public final InMemoryChunkSender chunks = new InMemoryChunkSender();
    public final InMemoryRecordRepository records = new InMemoryRecordRepository();
    public final RunQueries queries = new RunQueries(runs, records);
    private final SplitObject splitter;
    private final String owner;

    public TwinPipeline(int recordsPerChunk) {
        this(recordsPerChunk, OWNER);
    }

    public TwinPipeline(int recordsPerChunk, String owner) {
        this.owner = owner;
        splitter = new SplitObject(objects, runs, chunks, new SplitObject.SplitLimits(1024 * 1024, recordsPerChunk,
                100_000_000), new InMemoryPipelineMetrics(), clock);
    }

    public String key(String runId, String fileName) {
        return "uploads/" + owner + "/" + runId + "/" + fileName;
    }

    /** Uploads, splits and loads the file; the chunks numbered in {@code deadChunks} die instead of loading. */
    public Run importFile(String runId, String fileName, byte[] content, Set<Integer> deadChunks) {
        String key = key(runId, fileName);
        runs.create(Run.created(runId, owner, "ds-1", fileName, BUCKET, key, Run.RunSource.UPLOAD, RunStatus.CREATED,
                content.length, Map.of(), clock.instant()));
        objects.put(BUCKET, key, content, "etag-" + runId);
        return split(runId, new S3ObjectEvent(BUCKET, key, content.length, "etag-" + runId, "seq-1"), deadChunks);
    }

    /** Splits the object of an event (e.g. a re-run's copy) and loads its chunks. */
    public Run split(String runId, S3ObjectEvent event, Set<Integer> deadChunks) {
        int before = chunks.sent().size();
        SplitObject.Result result = splitter.split(event, false);
        if (result.outcome() != SplitObject.Outcome.SPLIT) {
            throw new IllegalStateException("the file was not split: " + result);
        }
        for (ChunkMessage chunk : chunks.sent().subList(before, chunks.sent().size())) {
            if (deadChunks.contains(chunk.chunkNo())) {
                records.markDead(chunk, "the loader kept failing");
                runs.countDeadChunk(runId, new Run.DeadChunk(chunk.chunkNo(), chunk.firstRecord(),
                        chunk.recordCount(), "the loader kept failing"), chunk.accountedBytes());
                continue;
            }
            LoadResult loaded = records.load(chunk, chunk.datasetId(), sink -> {
                try (InputStream in = objects.openRange(chunk.bucket(), chunk.key(),
                        new ObjectVersion(chunk.eTag(), chunk.versionId()), chunk.startByte(), chunk.endByte())) {
                    return ChunkReader.read(in, chunk, sink).records();
                } catch (java.io.IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            runs.countChunk(runId, chunk.chunkNo(), loaded.entry().stored(), loaded.entry().rejected(),
                    chunk.accountedBytes());
        }
        runs.finishIfComplete(runId);
        return runs.get(runId);
    }
}
