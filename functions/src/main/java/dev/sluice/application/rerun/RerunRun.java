package dev.sluice.application.rerun;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.port.ObjectStore;
import dev.sluice.application.port.ObjectStore.ObjectChangedException;
import dev.sluice.application.port.ObjectStore.ObjectVersion;
import dev.sluice.application.port.RunRepository;
import dev.sluice.application.query.RunQueries;
import dev.sluice.application.upload.UploadKey;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.ReadingSettings;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.Run.RunSource;
import dev.sluice.domain.run.Run.UploadFacts;
import dev.sluice.domain.run.RunStatus;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Imports a finished run's kept file again as a new run, with another mapping or other reading settings, without
 * uploading it again. The file is copied inside the bucket to the new run's upload key, so the new run takes the
 * ordinary path from there (the S3 notification, the splitter, the loaders); it points at the old run
 * ({@code rerunOf}) and may import content the dataset holds already (it is a deliberate re-import).
 */
public final class RerunRun {
    private final RunQueries queries;
    private final RunRepository runs;
    private final ObjectStore objects;
    private final Clock clock;

    public RerunRun(RunQueries queries, RunRepository runs, ObjectStore objects, Clock clock) {
        this.queries = queries;
        this.runs = runs;
        this.objects = objects;
        this.clock = clock;
    }

    /**
     * What to change. {@code mapping} ({@code {field: header}}) replaces the old run's requested mapping when given
     * (empty: the old run's request is kept); {@code settings} (null: none) override the dataset's reading settings
     * for this run only, each where it is not {@code auto}.
     */
    public record Request(Map<String, String> mapping, ReadingSettings settings) {
        public Request {
            mapping = mapping == null ? Map.of() : Map.copyOf(mapping);
        }
    }

    /**
     * The new run, CREATED; its file is in place, so its notification is on its way. The old run is looked up
     * before the request is read: someone else's run is NOT_FOUND whatever the request says.
     */
    public Run rerun(Caller caller, String runId, Supplier<Request> requested) {
        Run old = queries.run(caller, runId);
        Request request = requested.get();
        if (!old.status().isFinal()) {
            throw new InvalidRequestException("RUN_NOT_FINAL", 409, "Run " + old.runId() + " is "
                    + old.status().name() + "; it can be re-run once it has finished.",
                    Map.of("status", old.status().name()));
        }
        if (old.objectETag() == null && old.objectVersionId() == null) {
            throw new InvalidRequestException("NO_FILE", 409, "Run " + old.runId() + " never read a file (status "
                    + old.status().name() + "), so there is nothing to re-run; upload the file as a new import.");
        }
        if (!objects.exists(old.bucket(), old.key())) {
            throw expired(old);
        }
        String newRunId = UUID.randomUUID().toString();
        long size = old.contentLength() > 0 ? old.contentLength() : old.bytesTotal();
        Map<String, String> mapping = request.mapping().isEmpty() ? old.requestedMapping() : request.mapping();
        Run run = Run.created(newRunId, old.owner(), old.datasetId(), old.fileName(), old.bucket(),
                UploadKey.of(old.owner(), newRunId, old.fileName()), RunSource.UPLOAD, RunStatus.CREATED, size,
                mapping, clock.instant())
                .withUpload(new UploadFacts(null, true, null, 0, null))
                .withRerun(new Run.Rerun(old.runId(), request.settings()));
        // The run exists before its object does: the notification of the copy must find it.
        runs.create(run);
        try {
            objects.copy(old.bucket(), old.key(), new ObjectVersion(old.objectETag(), old.objectVersionId()),
                    run.key(), size);
        } catch (ObjectChangedException e) {
            InvalidRequestException gone = expired(old);
            runs.fail(newRunId, gone.code(), gone.getMessage());
            throw gone;
        }
        return runs.find(newRunId).orElse(run);
    }

    private static InvalidRequestException expired(Run old) {
        return new InvalidRequestException("FILE_EXPIRED", 410, "The file of run " + old.runId() + " ('"
                + old.fileName() + "') is no longer kept (uploads are kept for 30 days) or was replaced, so it "
                + "cannot be re-run; upload the file again as a new import.");
    }

    /**
     * The dataset as a re-run reads it: each of the run's reading settings that is not {@code auto} wins over the
     * dataset's. Without re-run settings the dataset as it is.
     */
    public static Dataset withRerunSettings(Dataset dataset, Run run) {
        ReadingSettings override = run.rerun().settings();
        if (override == null) {
            return dataset;
        }
        ReadingSettings base = dataset.settings();
        ReadingSettings merged = new ReadingSettings(
                override.autoEncoding() ? base.encoding() : override.encoding(),
                override.autoDelimiter() ? base.delimiter() : override.delimiter(),
                override.headerRow() == 0 ? base.headerRow() : override.headerRow(),
                override.dateOrder() == ReadingSettings.DateOrder.AUTO ? base.dateOrder() : override.dateOrder(),
                override.decimalStyle() == ReadingSettings.DecimalStyle.AUTO ? base.decimalStyle()
                        : override.decimalStyle());
        return new Dataset(dataset.id(), dataset.name(), dataset.owner(), dataset.kind(), dataset.mapping(), merged,
                dataset.limits(), dataset.isDefault(), dataset.createdAt(), dataset.updatedAt(), dataset.publish());
    }
}
