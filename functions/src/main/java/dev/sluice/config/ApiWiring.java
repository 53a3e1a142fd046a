package dev.sluice.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.application.admin.Operations;
import dev.sluice.application.analytics.AnalyticsUseCases;
import dev.sluice.application.dataset.DeleteDataset;
import dev.sluice.application.source.SourceUseCases;
import dev.sluice.application.mapping.PreviewMapping;
import dev.sluice.application.dataset.ManageDatasets;
import dev.sluice.application.destination.Destinations;
import dev.sluice.application.export.RunExports;
import dev.sluice.application.identity.HttpCallers;
import dev.sluice.application.mapping.SuggestMapping;
import dev.sluice.application.publish.RunPublications;
import dev.sluice.application.query.RunQueries;
import dev.sluice.application.reconcile.RecoverRuns;
import dev.sluice.application.rerun.RerunRun;
import dev.sluice.application.upload.CreateUpload;
import dev.sluice.application.upload.FinishUpload;
import dev.sluice.application.upload.UploadLimits;
import java.time.Clock;
import java.time.Duration;

/**
 * What ApiFunction is built from: its use cases and the few settings its answers depend on. Built from
 * {@link Components} (one per Lambda instance, or the local runtime's shared one). The route families beyond the
 * core (recovery, downloads, re-runs, administration, analytics, destinations, ...) sit in {@link Families}: a
 * handler test gives only the ones it calls ({@code Families.NONE.with...}); a family left null is not served.
 *
 * @param chunkVisibilityTimeout ChunkQueue's visibility timeout, shown as when a stalled run's chunks come back
 * @param warmUp                 run before a SnapStart snapshot
 */
public record ApiWiring(CreateUpload createUpload, FinishUpload finishUpload, RunQueries runQueries,
        ManageDatasets datasets, DeleteDataset deleteDataset, HttpCallers callers, ObjectMapper json, Clock clock,
        Duration chunkVisibilityTimeout, Runnable warmUp, SuggestMapping suggestMapping, Families families) {

    /**
     * The optional route families, each null when not served. Build with {@code NONE.with...}.
     *
     * @param recoverRuns    resume, redrive and cancel
     * @param exports        errors.csv and records.csv
     * @param rerun          re-running a run with other settings
     * @param operations     admin run listing, statistics and health
     * @param analytics      a dataset's rows, analytics, anomalies and run comparison
     * @param destinations   destinations and deliveries
     * @param previewMapping previewing a mapping's transformations on sample rows
     * @param sources        sources, pulls and schedules (null when SOURCES_TABLE is not set)
     * @param publications   review, publish, discard and rollback of runs
     */
    public record Families(RecoverRuns recoverRuns, RunExports exports, RerunRun rerun, Operations operations,
            AnalyticsUseCases analytics, Destinations destinations, PreviewMapping previewMapping,
            SourceUseCases sources, RunPublications publications) {
        public static final Families NONE = new Families(null, null, null, null, null, null, null, null, null);

        public Families withRecoverRuns(RecoverRuns value) {
            return new Families(value, exports, rerun, operations, analytics, destinations, previewMapping, sources,
                    publications);
        }

        public Families withExports(RunExports value) {
            return new Families(recoverRuns, value, rerun, operations, analytics, destinations, previewMapping,
                    sources, publications);
        }

        public Families withRerun(RerunRun value) {
            return new Families(recoverRuns, exports, value, operations, analytics, destinations, previewMapping,
                    sources, publications);
        }

        public Families withOperations(Operations value) {
            return new Families(recoverRuns, exports, rerun, value, analytics, destinations, previewMapping, sources,
                    publications);
        }

        public Families withAnalytics(AnalyticsUseCases value) {
            return new Families(recoverRuns, exports, rerun, operations, value, destinations, previewMapping, sources,
                    publications);
        }

        public Families withDestinations(Destinations value) {
            return new Families(recoverRuns, exports, rerun, operations, analytics, value, previewMapping, sources,
                    publications);
        }

        public Families withPreviewMapping(PreviewMapping value) {
            return new Families(recoverRuns, exports, rerun, operations, analytics, destinations, value, sources,
                    publications);
        }

        public Families withSources(SourceUseCases value) {
            return new Families(recoverRuns, exports, rerun, operations, analytics, destinations, previewMapping,
                    value, publications);
        }

        public Families withPublications(RunPublications value) {
            return new Families(recoverRuns, exports, rerun, operations, analytics, destinations, previewMapping,
                    sources, value);
        }
    }

    public ApiWiring {
        families = families == null ? Families.NONE : families;
    }

    /** Without saved mappings (every mapping is suggested, with the default MAX_COLUMNS) and no optional family. */
    public ApiWiring(CreateUpload createUpload, FinishUpload finishUpload, RunQueries runQueries,
            ManageDatasets datasets, DeleteDataset deleteDataset, HttpCallers callers, ObjectMapper json, Clock clock,
            Duration chunkVisibilityTimeout, Runnable warmUp) {
        this(createUpload, finishUpload, runQueries, datasets, deleteDataset, callers, json, clock,
                chunkVisibilityTimeout, warmUp, new SuggestMapping(null, UploadLimits.defaults().maxColumns()),
                Families.NONE);
    }

    public RecoverRuns recoverRuns() {
        return families.recoverRuns();
    }

    public RunExports exports() {
        return families.exports();
    }

    public RerunRun rerun() {
        return families.rerun();
    }

    public Operations operations() {
        return families.operations();
    }

    public AnalyticsUseCases analytics() {
        return families.analytics();
    }

    public Destinations destinations() {
        return families.destinations();
    }

    public PreviewMapping previewMapping() {
        return families.previewMapping();
    }

    public SourceUseCases sources() {
        return families.sources();
    }

    public RunPublications publications() {
        return families.publications();
    }

    public static ApiWiring fromEnvironment() {
        return from(new Components(Settings.fromEnvironment(System.getenv())));
    }

    public static ApiWiring from(Components components) {
        Settings settings = components.settings();
        // Locally too: the local gateway verifies tokens and fills in the claims as API Gateway's JWT authorizer does.
        RunQueries queries = new RunQueries(components.runs(), components.records());
        Families families = Families.NONE.withRecoverRuns(components.recoverRuns(queries))
                .withExports(components.exports(queries)).withRerun(components.rerun(queries))
                .withOperations(components.operations()).withAnalytics(components.analytics(queries))
                .withDestinations(components.destinations())
                .withPreviewMapping(components.previewMapping())
                .withSources(components.settings().sources().table().isPresent() ? components.sources() : null)
                .withPublications(components.publications(queries));
        return new ApiWiring(components.createUpload(), components.finishUpload(), queries,
                components.manageDatasets(), components.deleteDataset(), HttpCallers.verifiedTokenOnly(),
                components.json(), Clock.systemUTC(), settings.chunkVisibilityTimeout(), components::warmUp,
                components.suggestMapping(), families);
    }
}
