package dev.sluice.application.split;

import dev.sluice.application.dataset.DatasetForRun;
import dev.sluice.application.dataset.EffectiveLimits;
import dev.sluice.application.port.ChunkSender;
import dev.sluice.application.port.DatasetRepository;
import dev.sluice.application.port.ObjectStore;
import dev.sluice.application.port.ObjectStore.ObjectChangedException;
import dev.sluice.application.port.PipelineMetrics;
import dev.sluice.application.port.PublishSender;
import dev.sluice.application.port.RecoveryRepository;
import dev.sluice.application.port.RunRepository;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.chunk.PlanSummary;
import dev.sluice.domain.csv.FileProfile;
import dev.sluice.domain.csv.FileRejectedException;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.MappingSource;
import dev.sluice.domain.dataset.PublishSettings;
import dev.sluice.domain.dataset.SavedMapping;
import dev.sluice.domain.mapping.CanonicalField;
import dev.sluice.domain.mapping.Mapping;
import dev.sluice.domain.transform.Transforms;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.Run.FileFacts;
import dev.sluice.domain.run.Run.RunSource;
import dev.sluice.domain.run.RunStatus;
import dev.sluice.application.port.UploadLedger;
import dev.sluice.application.rerun.RerunRun;
import dev.sluice.application.port.UploadLedger.ContentKey;
import dev.sluice.application.upload.UploadKey;
import dev.sluice.application.upload.UploadLimits;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;

/**
 * The splitter use case: one streaming pass over an uploaded object. Profiles the first MiB (encoding,
 * delimiter, header, mapping, number style), then scans the rest with the chunk planner and sends chunk
 * messages in batches while it streams, so loaders start before the scan ends.
 */
public final class SplitObject {
    /** Chunk messages go out ten at a time, SendMessageBatch's limit; each batch is planned and counted first. */
    private static final int CHUNKS_PER_SEND = 10;
    /** Files up to this size get their facts written with the split's first progress (see scanAndSend). */
    static final long FACTS_WITH_PROGRESS_BYTES = 16L * 1024 * 1024;
    private static final int GZIP_BUFFER = 64 * 1024;

    private final ObjectStore objects;
    private final RunRepository runs;
    private final ChunkSender chunks;
    private final SplitLimits limits;
    private final PipelineMetrics metrics;
    private final Clock clock;
    private final Optional<UploadLedger> ledger;
    private final UploadLimits uploadLimits;
    private final Optional<DatasetRepository> datasets;
    /** Whether a drop for a partner not in {@link UploadLimits#partners()} is quarantined (always, but in twins). */
    private boolean strictPartners = true;

    /** Where the publish message of a run goes when the last of its chunks was counted before the split ended. */
    private PublishSender publish = PublishSender.NONE;

    /** Where a redelivered event finds the plan of a split that ended before its chunks went out (none in twins). */
    private Optional<RecoveryRepository> plans = Optional.empty();

    /** How big chunks and files may be. */
    public record SplitLimits(long targetChunkBytes, int maxRecordsPerChunk, long maxFileBytes) {
    }

    /** What happened to one notification. */
    public enum Outcome {
        SPLIT,
        FAILED,
        /** A repeated notification for a run that is already loading or finished. */
        SKIPPED_DUPLICATE,
        /** A notification for another version of the object of a run that has started on its first one. */
        SKIPPED_OTHER_VERSION,
        /** A notification for a run that no longer waits for its file (expired, cancelled). */
        SKIPPED_NOT_AWAITING,
        /** The same content was imported into the dataset before; nothing was sent. */
        DUPLICATE,
        IGNORED
    }

    /**
     * What one notification did, to which run (null when the object belongs to no run), and the run's failure code
     * when it ended FAILED now.
     */
    public record Result(Outcome outcome, String runId, Optional<String> failureCode) {
        Result(Outcome outcome, String runId) {
            this(outcome, runId, Optional.empty());
        }
    }

    /** Without a ledger (no duplicate detection) and with the default upload limits (use-case tests with twins). */
    public SplitObject(ObjectStore objects, RunRepository runs, ChunkSender chunks, SplitLimits limits,
            PipelineMetrics metrics, Clock clock) {
        this(objects, runs, chunks, limits, null, defaultsWith(limits.maxFileBytes()), metrics, clock);
        this.strictPartners = false;
    }

    public SplitObject(ObjectStore objects, RunRepository runs, ChunkSender chunks, SplitLimits limits,
            UploadLedger ledger, UploadLimits uploadLimits, PipelineMetrics metrics, Clock clock) {
        this(objects, runs, chunks, limits, ledger, uploadLimits, null, metrics, clock);
    }

    /** @param datasets where a run's dataset (kind, saved mapping, reading settings, limits) is read; null: none */
    public SplitObject(ObjectStore objects, RunRepository runs, ChunkSender chunks, SplitLimits limits,
            UploadLedger ledger, UploadLimits uploadLimits, DatasetRepository datasets, PipelineMetrics metrics,
            Clock clock) {
        this.datasets = Optional.ofNullable(datasets);
        this.objects = objects;
        this.metrics = metrics;
        this.runs = runs;
        this.chunks = chunks;
        this.limits = limits;
        this.clock = clock;
        this.ledger = Optional.ofNullable(ledger);
        this.uploadLimits = uploadLimits;
    }

    /** The same splitter, sending publish messages there (see {@link #publish}). */
    public SplitObject publishingTo(PublishSender sender) {
        this.publish = sender;
        return this;
    }

    /** The same splitter, reading kept plans there when an event is delivered again (see {@link #resendUnsent}). */
    public SplitObject resendingFrom(RecoveryRepository recovery) {
        this.plans = Optional.of(recovery);
        return this;
    }

    private static UploadLimits defaultsWith(long maxFileBytes) {
        UploadLimits d = UploadLimits.defaults();
        Map<String, UploadLimits.Partner> anyPartner = Map.of();
        return new UploadLimits(maxFileBytes, d.maxDecompressedBytes(), d.maxColumns(), d.maxFieldBytes(),
                d.maxRecordsPerFile(), d.maxUploadsPerHour(), d.multipartThreshold(), d.partBytes(), anyPartner);
    }

    /**
     * Splits the object named by one notification. On the last delivery attempt a failure ends the run as FAILED
     * instead of leaving it SPLITTING forever; earlier failures are rethrown so SQS delivers the event again.
     */
    public Result split(S3ObjectEvent event, boolean lastAttempt) {
        return split(event, lastAttempt, false);
    }

    /**
     * As {@link #split(S3ObjectEvent, boolean)}; {@code redelivered} says the queue delivered this message before
     * (an earlier attempt died or failed), so a split that attempt ended may still have chunks to send.
     */
    public Result split(S3ObjectEvent event, boolean lastAttempt, boolean redelivered) {
        Optional<Result> quarantined = unknownPartner(event);
        if (quarantined.isPresent()) {
            return quarantined.get();
        }
        Optional<RunFor> runFor = runFor(event);
        if (runFor.isEmpty()) {
            return new Result(Outcome.IGNORED, null);
        }
        try {
            return split(event, runFor.get(), redelivered);
        } catch (RuntimeException e) {
            if (!lastAttempt) {
                throw e;
            }
            return failed(runFor.get().runId(), "SPLIT_FAILED", "The file could not be read after repeated attempts ("
                    + e.getClass().getSimpleName() + "). Re-upload it or ask an operator to check the logs.");
        }
    }

    /** Ends the run FAILED with a reason the user can act on. */
    private Result failed(String runId, String code, String message) {
        if (runs.fail(runId, code, message)) {
            metrics.runFinished(RunStatus.FAILED);
        }
        return new Result(Outcome.FAILED, runId, Optional.of(code));
    }

    private Result split(S3ObjectEvent event, RunFor runFor, boolean redelivered) {
        String runId = runFor.runId();
        Optional<Run> splitting = runFor.createdSplitting().isPresent() ? runFor.createdSplitting()
                : runs.startSplitting(runId, event.version(), event.size());
        if (splitting.isEmpty()) {
            return new Result(whyNotSplit(event, runId, redelivered), runId);
        }
        Run run = splitting.get();
        metrics.runStarted();
        Optional<Dataset> stored = datasetOf(run, runFor.dataset());
        if (stored.isEmpty()) {
            // Deleting a dataset deletes its runs, so only a run created as its dataset was deleted gets here; its
            // records would be loaded for a dataset nobody can see, and published under its id.
            return failed(run.runId(), "DATASET_NOT_FOUND", "File '" + run.fileName() + "' was not imported: its "
                    + "dataset '" + run.datasetId() + "' no longer exists (it was deleted). Nothing was imported; "
                    + "import the file into another dataset.");
        }
        Dataset dataset = stored.get();
        EffectiveLimits fileLimits = effectiveLimits(dataset);
        if (event.size() > fileLimits.maxFileBytes()) {
            return failed(run.runId(), "FILE_TOO_LARGE", "File '" + run.fileName() + "' is " + event.size()
                    + " bytes; the limit is " + fileLimits.maxFileBytes() + " bytes ("
                    + fileLimits.maxFileBytesSetting() + "). Nothing was imported.");
        }
        if (run.source() == RunSource.UPLOAD && run.contentLength() != event.size()) {
            // Real S3 refuses such a PUT (the length is signed); a store that does not must not import it either.
            return failed(run.runId(), "SIZE_MISMATCH", "File '" + run.fileName() + "' arrived with " + event.size()
                    + " bytes, but the upload announced " + run.contentLength() + ". Nothing was imported; upload "
                    + "the file again.");
        }
        // Read with If-Match on the notification's ETag: the split is of exactly that version, or of nothing.
        MessageDigest digest = sha256();
        try (InputStream raw = objects.open(event.bucket(), event.key(), event.version())) {
            InputStream in = new DigestInputStream(raw, digest);
            byte[] head = in.readNBytes(ContentSniffer.SNIFF_BYTES);
            ContentSniffer.Verdict verdict = ContentSniffer.sniff(head, head.length);
            if (verdict.refused()) {
                return notCsv(run, verdict);
            }
            if (verdict.kind() == ContentSniffer.Kind.GZIP) {
                return splitGzip(run, dataset, event);
            }
            InputStream whole = new SequenceInputStream(new ByteArrayInputStream(head), in);
            return scanAndSend(run, dataset, event, whole, () -> HexFormat.of().formatHex(digest.digest()), false);
        } catch (ObjectChangedException e) {
            return fileChanged(run);
        } catch (IOException e) {
            throw new UncheckedIOException("reading s3://" + event.bucket() + "/" + event.key(), e);
        }
    }

    private Result fileChanged(Run run) {
        // Permanent: retrying would read another file than the one this run was created for.
        return failed(run.runId(), "FILE_CHANGED", "File '" + run.fileName() + "' was replaced or deleted while "
                + "it was being split, so this run cannot read the file it started with. Nothing was imported "
                + "from it; import the current file as a new run.");
    }

    private Result notCsv(Run run, ContentSniffer.Verdict verdict) {
        return failed(run.runId(), "NOT_CSV", "File '" + run.fileName() + "' is not a CSV text file: its bytes are "
                + verdict.description() + ". Nothing was imported; export the data as CSV (optionally gzip-"
                + "compressed) and upload that.");
    }

    /**
     * A gzip upload, in three reads of bounded memory: (1) decompress to count (stopping at the cap, so a bomb costs
     * CPU only, no storage), hash the compressed bytes and sniff the decompressed start; (2) after the duplicate
     * decision, decompress again into a kept object outside the notified prefixes; (3) split that object like any
     * upload, so loaders read plain byte ranges of it.
     */
    private Result splitGzip(Run run, Dataset dataset, S3ObjectEvent event) throws IOException {
        long cap = uploadLimits.maxDecompressedBytes();
        MessageDigest digest = sha256();
        byte[] head;
        long decompressed;
        try (InputStream raw = new DigestInputStream(objects.open(event.bucket(), event.key(), event.version()),
                digest)) {
            try (InputStream gz = new GZIPInputStream(raw, GZIP_BUFFER)) {
                head = gz.readNBytes(ContentSniffer.SNIFF_BYTES);
                decompressed = head.length + skipUpTo(gz, cap + 1 - head.length);
                if (decompressed <= cap) {
                    // The hash covers every byte of the object, also any after the last gzip member.
                    raw.transferTo(OutputStream.nullOutputStream());
                }
            } catch (java.util.zip.ZipException | java.io.EOFException e) {
                return failed(run.runId(), "NOT_CSV", "File '" + run.fileName() + "' starts like gzip but is not "
                        + "valid gzip data (" + e.getMessage() + "). Nothing was imported; compress the CSV again.");
            }
            if (decompressed > cap) {
                return failed(run.runId(), "TOO_LARGE", "File '" + run.fileName() + "' decompresses to more than "
                        + cap + " bytes (MAX_DECOMPRESSED_BYTES); decompression stopped there and nothing was "
                        + "imported. Split the file into smaller ones.");
            }
        }
        ContentSniffer.Verdict inner = ContentSniffer.sniff(head, head.length);
        if (inner.refused() || inner.kind() == ContentSniffer.Kind.GZIP) {
            return notCsv(run, new ContentSniffer.Verdict(ContentSniffer.Kind.BINARY, "gzip-compressed "
                    + inner.description()));
        }
        String sha = HexFormat.of().formatHex(digest.digest());
        Optional<Result> decided = decide(run, sha);
        if (decided.isPresent()) {
            return decided.get();
        }
        String key = UploadKey.decompressed(run.owner(), run.runId(), run.fileName());
        ObjectStore.Written written;
        try (InputStream gz = new GZIPInputStream(objects.open(event.bucket(), event.key(), event.version()),
                GZIP_BUFFER)) {
            written = objects.write(event.bucket(), key, "text/csv", new BoundedInputStream(gz, cap));
        }
        ledger.ifPresent(l -> l.recordBytesTotal(run.runId(), written.size()));
        S3ObjectEvent plain = new S3ObjectEvent(event.bucket(), key, written.size(), written.version().eTag(),
                event.sequencer(), written.version().versionId());
        try (InputStream in = objects.open(plain.bucket(), plain.key(), plain.version())) {
            return scanAndSend(run, dataset, plain, in, () -> sha, true);
        }
    }

    private static long skipUpTo(InputStream in, long max) throws IOException {
        byte[] buffer = new byte[GZIP_BUFFER];
        long total = 0;
        while (total < max) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, max - total));
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /**
     * The decision taken before any chunk is sent: the content must be what the upload announced, and (unless the
     * upload allows duplicates) not imported into the dataset before. The claim is one conditional write, so of two
     * runs with the same content exactly one imports it. Empty when the run goes on.
     */
    private Optional<Result> decide(Run run, String sha) {
        ledger.ifPresent(l -> l.recordSha256(run.runId(), sha));
        return refusal(run, sha, () -> {
        });
    }

    /**
     * {@link #decide}, leaving the hash to the split's first progress when the file goes on; a refused file's run is
     * given what the split held back ({@code beforeRefusing}: its hash, its facts) before it ends, so it ends with
     * them.
     */
    private Optional<Result> decideHashLater(Run run, String sha, Runnable beforeRefusing) {
        return refusal(run, sha, () -> {
            ledger.ifPresent(l -> l.recordSha256(run.runId(), sha));
            beforeRefusing.run();
        });
    }

    private Optional<Result> refusal(Run run, String sha, Runnable beforeRefusing) {
        String announced = run.upload().sha256();
        if (announced != null && !announced.equals(sha)) {
            beforeRefusing.run();
            return Optional.of(failed(run.runId(), "CHECKSUM_MISMATCH", "File '" + run.fileName() + "' has SHA-256 "
                    + sha + ", but the upload announced " + announced + ". Nothing was imported; upload the file "
                    + "again."));
        }
        if (ledger.isEmpty() || run.upload().allowDuplicate()) {
            return Optional.empty();
        }
        Optional<String> earlier = ledger.get().claim(new ContentKey(run.owner(), run.datasetId(), sha),
                run.runId());
        if (earlier.isEmpty()) {
            return Optional.empty();
        }
        beforeRefusing.run();
        if (ledger.get().markDuplicate(run.runId(), earlier.get(), "File '" + run.fileName() + "' has the same "
                + "content as run " + earlier.get() + ", already imported into dataset '" + run.datasetId()
                + "'. Nothing was imported; upload it with \"allowDuplicate\": true to import it again.")) {
            metrics.runFinished(RunStatus.DUPLICATE);
        }
        return Optional.of(new Result(Outcome.DUPLICATE, run.runId()));
    }

    private void writeFacts(Run run, AtomicReference<FileFacts> unwritten) {
        FileFacts facts = unwritten.getAndSet(null);
        if (facts != null) {
            runs.recordFileFacts(run.runId(), facts);
        }
    }

    /**
     * The split of a run starts once, on the first object version that arrives; a later notification is dropped. A
     * second PUT to the run's key (where the store ignored If-None-Match) therefore never gets the run re-split.
     */
    private Outcome whyNotSplit(S3ObjectEvent event, String runId, boolean redelivered) {
        Optional<Run> run = runs.find(runId);
        if (run.isEmpty()) {
            return Outcome.IGNORED;
        }
        if (run.get().status() == RunStatus.EXPIRED || run.get().status() == RunStatus.CANCELLED) {
            return Outcome.SKIPPED_NOT_AWAITING;
        }
        String started = run.get().objectETag();
        if (started != null && !started.equals(event.eTag())) {
            return Outcome.SKIPPED_OTHER_VERSION;
        }
        if (redelivered) {
            resendUnsent(run.get());
        }
        return Outcome.SKIPPED_DUPLICATE;
    }

    /**
     * A split whose chunks fit one send ends before they go out (see {@link #scanAndSend}). If the attempt that
     * ended it died before sending, only this event's redelivery knows: it sends the planned chunks not counted yet.
     * A chunk sent twice is harmless, as the chunk ledger loads it once; a first delivery (a duplicate notification
     * while the run loads) sends nothing.
     */
    private void resendUnsent(Run run) {
        if (plans.isEmpty() || run.status() != RunStatus.LOADING || run.chunksTotal() == null
                || run.chunksTotal() > CHUNKS_PER_SEND) {
            return;
        }
        Set<Integer> counted = plans.get().countedChunks(run.runId());
        List<ChunkMessage> unsent = plans.get().plannedMessages(run.runId()).stream()
                .filter(chunk -> !counted.contains(chunk.chunkNo())).toList();
        if (!unsent.isEmpty()) {
            chunks.send(unsent);
        }
    }

    /**
     * Plans the whole file first and sends nothing until it is judged: every limit holds, the content is what was
     * announced and not a duplicate. Only then do the chunks go out, so a refused file leaves nothing in the database
     * and no chunk on the queue. The plan is small (one message per chunk, ~1,300 for 5 GiB) and kept in memory.
     */
    private Result scanAndSend(Run run, Dataset dataset, S3ObjectEvent source, InputStream in, Supplier<String> sha,
            boolean decided) throws IOException {
        EffectiveLimits effective = effectiveLimits(dataset);
        Mapping requested = requestedMapping(run);
        SavedMapping saved = dataset.kind() == DatasetKind.MARKETING ? dataset.mapping() : SavedMapping.NONE;
        // A raw dataset maps no columns, so its saved transformations apply to every file without its own.
        Mapping given = requested == null && dataset.kind() == DatasetKind.RAW
                && !dataset.mapping().transforms().isEmpty()
                ? new Mapping(Map.of(), dataset.mapping().transforms()) : requested;
        List<ChunkMessage> planned = new ArrayList<>();
        long[] records = new long[1];
        // A small file is read in a moment: its facts go with the first progress instead of in an update of their
        // own; a large one's are shown while it is still being read.
        boolean factsWithProgress = source.size() <= FACTS_WITH_PROGRESS_BYTES;
        AtomicReference<FileFacts> unwrittenFacts = new AtomicReference<>();
        PlanSummary summary;
        try {
            summary = ObjectScan.scan(in, given, given == null ? mappingOf(saved) : null, dataset.kind(),
                    dataset.settings(), limits.targetChunkBytes(),
                    limits.maxRecordsPerChunk(), profile -> {
                        int columns = profile.dialect().header().size();
                        if (columns > effective.maxColumns()) {
                            throw new LimitExceededException("TOO_MANY_COLUMNS", "the header has " + columns
                                    + " columns; the limit is " + effective.maxColumns() + " ("
                                    + effective.maxColumnsSetting() + ")");
                        }
                        FileFacts facts = facts(profile, mappingSource(requested, saved, profile));
                        if (factsWithProgress) {
                            unwrittenFacts.set(facts);
                        } else {
                            runs.recordFileFacts(run.runId(), facts);
                        }
                        if (given != null && dataset.kind() == DatasetKind.MARKETING) {
                            saveMapping(dataset, profile);
                        }
                        return chunk -> {
                            records[0] += chunk.recordCount();
                            if (records[0] > effective.maxRecords()) {
                                throw new LimitExceededException("TOO_MANY_RECORDS", "the file has more than "
                                        + effective.maxRecords() + " records (" + effective.maxRecordsSetting() + ")");
                            }
                            planned.add(chunk.toMessage(run.runId(), run.datasetId(), source.bucket(), source.key(),
                                    profile.dialect(), profile.mapping(), profile.numberStyle(), profile.formats(),
                                    source.eTag(), source.versionId(), dataset.kind()));
                        };
                    }, profile -> new FieldMeter(profile.dialect().delimiter(), profile.dialect().quote(),
                            effective.maxFieldBytes(), effective.maxFieldBytesSetting()));
        } catch (FileRejectedException e) {
            writeFacts(run, unwrittenFacts);
            return failed(run.runId(), e.code(), "File '" + run.fileName() + "': " + e.getMessage());
        } catch (LimitExceededException e) {
            writeFacts(run, unwrittenFacts);
            return failed(run.runId(), e.code(), "File '" + run.fileName() + "': " + e.getMessage()
                    + ". Nothing was imported.");
        }
        String hash = decided ? null : sha.get();
        if (!decided) {
            Optional<Result> refused = decideHashLater(run, hash, () -> writeFacts(run, unwrittenFacts));
            if (refused.isPresent()) {
                return refused.get();
            }
        }
        Optional<String> unwrittenSha = ledger.isPresent() ? Optional.ofNullable(hash) : Optional.empty();
        // The dataset's publish settings go with the run when they were read from the store: the loader that
        // finishes it then decides between REVIEW and PUBLISHING without reading the dataset again.
        Optional<PublishSettings> publishSettings = datasets.isPresent() ? Optional.of(dataset.publish())
                : Optional.empty();
        Optional<RunStatus> finished;
        if (planned.size() <= CHUNKS_PER_SEND) {
            // One send: the split ends first, in one update with what it held back (instead of a progress and an
            // end), so every loader finds the run LOADING with its totals and the last chunk's loader can count it
            // and finish the run in one write. A splitter that dies before sending leaves the chunks to this
            // event's redelivery (resendUnsent).
            if (!planned.isEmpty()) {
                runs.recordPlannedChunks(run.runId(), planned);
            }
            finished = runs.finishSplittingAndComplete(run.runId(), new RunRepository.SplitEnd(summary.records(),
                    summary.chunks(), publishSettings, Optional.ofNullable(unwrittenFacts.getAndSet(null)),
                    unwrittenSha));
            if (!planned.isEmpty()) {
                chunks.send(List.copyOf(planned));
            }
        } else {
            sendInBatches(run, planned, unwrittenFacts, unwrittenSha);
            finished = runs.finishSplittingAndComplete(run.runId(), new RunRepository.SplitEnd(summary.records(),
                    summary.chunks(), publishSettings, Optional.empty(), Optional.empty()));
        }
        finished.filter(RunStatus::isFinal).ifPresent(metrics::runFinished);
        if (finished.filter(status -> status == RunStatus.PUBLISHING || status == RunStatus.REVIEW).isPresent()) {
            publish.send(run.runId());
        }
        return new Result(Outcome.SPLIT, run.runId());
    }

    /** A plan of several sends: each batch is planned and counted as progress before it goes out. */
    private void sendInBatches(Run run, List<ChunkMessage> planned, AtomicReference<FileFacts> unwrittenFacts,
            Optional<String> unwrittenSha) {
        // The hash and facts held back go with the first progress.
        for (int from = 0; from < planned.size(); from += CHUNKS_PER_SEND) {
            List<ChunkMessage> batch = planned.subList(from, Math.min(planned.size(), from + CHUNKS_PER_SEND));
            // The plan and the progress are written before the chunks go out, so a loader that receives a chunk at
            // once finds it planned (and its number within chunksPlanned, which the counting condition checks).
            runs.recordPlannedChunks(run.runId(), batch);
            ChunkMessage last = batch.get(batch.size() - 1);
            boolean first = from == 0;
            runs.recordSplitProgress(run.runId(), last.firstRecord() - 1 + last.recordCount(), last.chunkNo(),
                    first ? Optional.ofNullable(unwrittenFacts.getAndSet(null)) : Optional.empty(),
                    first ? unwrittenSha : Optional.empty());
            chunks.send(List.copyOf(batch));
        }
    }

    /**
     * A drop for a partner nobody configured is quarantined: a FAILED run owned by {@code partner:{name}} that only
     * admins see, created and failed before a byte is read.
     */
    private Optional<Result> unknownPartner(S3ObjectEvent event) {
        if (!strictPartners || !(UploadKey.parse(event.key()).orElse(null) instanceof UploadKey.Drop drop)
                || uploadLimits.partners().containsKey(drop.partner())) {
            return Optional.empty();
        }
        String runId = dropRunId(event);
        runs.create(Run.created(runId, "partner:" + drop.partner(), drop.partner(), drop.name(), event.bucket(),
                event.key(), RunSource.DROP, RunStatus.RECEIVED, event.size(), Map.of(), clock.instant()));
        return Optional.of(failed(runId, "UNKNOWN_PARTNER", "'" + event.key() + "' was dropped for partner '"
                + drop.partner() + "', which is not configured (PARTNERS), so nobody owns it. Nothing was imported; "
                + "add the partner to PARTNERS and drop the file again."));
    }

    /** The same notification delivered twice must name the same run: its id is derived from the object. */
    private static String dropRunId(S3ObjectEvent event) {
        String identity = event.bucket() + "/" + event.key() + "/" + event.sequencer() + "/" + event.eTag();
        return UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * The run an object is for, its dataset when finding the run read it already, and the run itself when finding
     * it created it splitting.
     */
    private record RunFor(String runId, Optional<Dataset> dataset, Optional<Run> createdSplitting) {
        static RunFor of(String runId) {
            return new RunFor(runId, Optional.empty(), Optional.empty());
        }
    }

    private Optional<RunFor> runFor(S3ObjectEvent event) {
        Optional<UploadKey.Parsed> parsed = UploadKey.parse(event.key());
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        if (parsed.get() instanceof UploadKey.Upload upload) {
            // uploads/{owner}/{runId}/{fileName}: the run was created by POST /api/uploads for exactly this key; an
            // object under any other key (another name, another owner) belongs to no run and is never imported.
            return runs.find(upload.runId()).filter(run -> event.key().equals(run.key())
                    && event.bucket().equals(run.bucket()) && upload.owner().equals(run.owner()))
                    .map(run -> RunFor.of(run.runId()));
        }
        if (parsed.get() instanceof UploadKey.Pulled) {
            // pulls/{sourceId}/{pullId}: the pull created the run (owner and dataset from its source) before it wrote
            // the object; the run id is derived from the key.
            return runs.find(UploadKey.pulledRunId(event.key())).filter(run -> event.key().equals(run.key())
                    && event.bucket().equals(run.bucket()) && run.source() == RunSource.PULL)
                    .map(run -> RunFor.of(run.runId()));
        }
        UploadKey.Drop drop = (UploadKey.Drop) parsed.get();
        String runId = dropRunId(event);
        UploadLimits.Partner partner = uploadLimits.partners().get(drop.partner());
        String owner = partner == null ? "partner:" + drop.partner() : partner.owner();
        String dataset = partner == null ? drop.partner() : partner.dataset();
        Optional<Dataset> partnerDataset = partner == null ? Optional.empty()
                : datasets.map(d -> new DatasetForRun(d, clock).forPartner(partner.owner(), partner.dataset()));
        // A new drop's run starts out splitting (one write where a RECEIVED run and the start of its split took
        // two); a redelivered event finds it created and starts the split as any other, by the stored version.
        Run splitting = Run.created(runId, owner, dataset, drop.name(), event.bucket(), event.key(), RunSource.DROP,
                RunStatus.SPLITTING, event.size(), Map.of(), clock.instant())
                .splitting(event.eTag(), event.versionId(), event.size());
        boolean createdNow = runs.create(splitting);
        return Optional.of(new RunFor(runId, partnerDataset, createdNow ? Optional.of(splitting) : Optional.empty()));
    }

    /**
     * The dataset the run imports into, read once per split: its kind, saved mapping, reading settings and limits
     * decide how the file is read. Empty when the run names a dataset the store no longer has (it was deleted); a
     * splitter without a store (use-case tests), or a run naming none, reads as marketing with everything auto. A
     * partner's drop read it moments ago, when its run was created, and is not read again.
     */
    private Optional<Dataset> datasetOf(Run run, Optional<Dataset> readAlready) {
        String id = run.datasetId() == null ? "" : run.datasetId();
        Optional<Dataset> stored = readAlready.filter(d -> d.id().equals(id))
                .or(() -> datasets.flatMap(d -> d.find(id)));
        if (stored.isEmpty() && datasets.isPresent() && run.datasetId() != null) {
            return Optional.empty();
        }
        return Optional.of(RerunRun.withRerunSettings(stored.orElseGet(() -> Dataset.implicit(id, run.owner())),
                run));
    }

    private EffectiveLimits effectiveLimits(Dataset dataset) {
        return EffectiveLimits.of(dataset.limits(), uploadLimits.datasetLimits());
    }

    /**
     * Given (with the upload) beats saved (on the dataset, when the file has every column it names) beats suggested:
     * the same rule {@link ObjectScan} applied when it chose the mapping the profile holds.
     */
    private static String mappingSource(Mapping given, SavedMapping saved, FileProfile profile) {
        MappingSource source = given != null ? MappingSource.GIVEN
                : saved.fits(profile.dialect().header()) ? MappingSource.SAVED : MappingSource.SUGGESTED;
        return source.wireName();
    }

    /** The mapping the user gave, as the profile resolved it against this header, is proposed for the next file. */
    private void saveMapping(Dataset dataset, FileProfile profile) {
        Map<String, String> columns = new LinkedHashMap<>();
        profile.mapping().columns().forEach((field, header) -> columns.put(field.fieldName(), header));
        datasets.ifPresent(d -> d.saveMapping(dataset.id(), new SavedMapping(profile.dialect().header(), columns,
                profile.mapping().transforms()), clock.instant()));
    }

    private static Mapping mappingOf(SavedMapping saved) {
        if (saved.isEmpty()) {
            return null;
        }
        Map<CanonicalField, String> columns = new EnumMap<>(CanonicalField.class);
        saved.columns().forEach((field, header) -> CanonicalField.byFieldName(field)
                .ifPresent(f -> columns.put(f, header)));
        return new Mapping(columns, saved.transforms());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static Mapping requestedMapping(Run run) {
        if (run.requestedMapping().isEmpty()) {
            return null;
        }
        Map<CanonicalField, String> columns = new EnumMap<>(CanonicalField.class);
        run.requestedMapping().forEach((field, header) -> CanonicalField.byFieldName(field)
                .ifPresent(f -> columns.put(f, header)));
        return new Mapping(columns, requestedTransforms(run));
    }

    /** The transformations requested with the run; the upload checked their text (UploadRequest). */
    private static Transforms requestedTransforms(Run run) {
        String text = run.requestedMapping().get(Transforms.REQUESTED_KEY);
        try {
            return Transforms.decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("run " + run.runId() + " holds requested transformations that cannot "
                    + "be read: " + e.getMessage(), e);
        }
    }

    private static Run.FileFacts facts(FileProfile profile, String mappingSource) {
        Map<String, String> mapping = new LinkedHashMap<>();
        profile.mapping().columns().forEach((field, header) -> mapping.put(field.fieldName(), header));
        char delimiter = profile.dialect().delimiter();
        return new Run.FileFacts(profile.dialect().encoding(), delimiter == '\t' ? "\\t" : String.valueOf(delimiter),
                profile.numberStyle().name(), mapping, profile.dialect().header(), mappingSource,
                profile.decisions());
    }
}
