package dev.sluice.application.split;

import dev.sluice.domain.chunk.ChunkPlanner;
import dev.sluice.domain.chunk.PlanSummary;
import dev.sluice.domain.chunk.PlannedChunk;
import dev.sluice.domain.csv.FileProfile;
import dev.sluice.domain.csv.FileProfiler;
import dev.sluice.domain.csv.FileRejectedException;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.ReadingSettings;
import dev.sluice.domain.mapping.Mapping;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The splitter's single pass over an object: profile the first MiB, then plan chunks over every byte. Reading runs
 * a few MiB ahead on its own thread (see {@link ReadAhead}); memory stays at a handful of MiB whatever the size.
 */
public final class ObjectScan {
    /** Buffers of the read-ahead; the first one is exactly the profiler's prefix. */
    private static final int BUFFER_BYTES = FileProfiler.PROFILE_BYTES;
    private static final int READ_AHEAD_BUFFERS = 4;

    private ObjectScan() {
    }

    /**
     * @param onProfile told the file's profile before planning starts; returns where planned chunks go
     */
    public static PlanSummary scan(InputStream in, Mapping requested, long targetChunkBytes, int maxRecordsPerChunk,
            Function<FileProfile, Consumer<PlannedChunk>> onProfile) throws IOException, FileRejectedException {
        return scan(in, requested, targetChunkBytes, maxRecordsPerChunk, onProfile, profile -> (b, off, len) -> { });
    }

    /** Sees every data byte (after the header) as it is planned, e.g. to measure fields. */
    @FunctionalInterface
    public interface ByteTap {
        void accept(byte[] bytes, int offset, int length);
    }

    /**
     * @param onProfile told the file's profile before planning starts; returns where planned chunks go
     * @param tap       given the profile, returns what sees the data bytes alongside the planner
     */
    public static PlanSummary scan(InputStream in, Mapping requested, long targetChunkBytes, int maxRecordsPerChunk,
            Function<FileProfile, Consumer<PlannedChunk>> onProfile, Function<FileProfile, ByteTap> tap)
            throws IOException, FileRejectedException {
        return scan(in, requested, null, DatasetKind.MARKETING, ReadingSettings.AUTO, targetChunkBytes,
                maxRecordsPerChunk, onProfile, tap);
    }

    /**
     * @param requested the mapping the user gave, or null
     * @param proposed  without a requested one, a mapping to use when the file has every column it names (a
     *                  dataset's saved mapping), else null; a file it does not fit gets the suggested mapping
     * @param kind      the kind of the run's dataset: a raw file needs no mapping (see {@link FileProfiler})
     * @param settings  the dataset's reading settings (pinned ones override detection)
     */
    public static PlanSummary scan(InputStream in, Mapping requested, Mapping proposed, DatasetKind kind,
            ReadingSettings settings, long targetChunkBytes,
            int maxRecordsPerChunk, Function<FileProfile, Consumer<PlannedChunk>> onProfile,
            Function<FileProfile, ByteTap> tap) throws IOException, FileRejectedException {
        try (ReadAhead readAhead = new ReadAhead(in, BUFFER_BYTES, READ_AHEAD_BUFFERS)) {
            ReadAhead.Segment first = readAhead.next();
            byte[] prefix = first == null ? new byte[0] : first.bytes();
            int prefixLength = first == null ? 0 : first.length();
            // Every segment but the last is full, so a short first segment is the whole object.
            ReadAhead.Segment second = prefixLength < BUFFER_BYTES ? null : readAhead.next();
            boolean complete = prefixLength < BUFFER_BYTES || second == null;
            FileProfile profile = profile(prefix, prefixLength, complete, requested, proposed, kind, settings);
            ChunkPlanner planner = new ChunkPlanner(profile.dialect(), profile.dataStartByte(),
                    profile.dataStartLine(), targetChunkBytes, maxRecordsPerChunk, onProfile.apply(profile));
            ByteTap bytes = tap.apply(profile);
            int dataStart = (int) Math.min(profile.dataStartByte(), prefixLength);
            bytes.accept(prefix, dataStart, prefixLength - dataStart);
            planner.feed(prefix, dataStart, prefixLength - dataStart);
            readAhead.release(first);
            ReadAhead.Segment segment = second;
            while (segment != null) {
                bytes.accept(segment.bytes(), 0, segment.length());
                planner.feed(segment.bytes(), 0, segment.length());
                readAhead.release(segment);
                segment = readAhead.next();
            }
            return planner.finish();
        }
    }

    /** The profiler's own check of a mapping against the header decides whether the proposed one fits the file. */
    private static FileProfile profile(byte[] prefix, int length, boolean complete, Mapping requested,
            Mapping proposed, DatasetKind kind, ReadingSettings settings) throws FileRejectedException {
        if (requested != null || proposed == null || kind == DatasetKind.RAW) {
            return FileProfiler.profile(prefix, length, complete, requested, settings, kind);
        }
        try {
            return FileProfiler.profile(prefix, length, complete, proposed, settings, kind);
        } catch (FileRejectedException e) {
            if (!FileRejectedException.UNKNOWN_COLUMN.equals(e.code())) {
                throw e;
            }
            return FileProfiler.profile(prefix, length, complete, null, settings, kind);
        }
    }
}
