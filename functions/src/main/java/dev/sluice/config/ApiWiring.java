package dev.sluice.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.application.dataset.DeleteDataset;
import dev.sluice.application.dataset.ManageDatasets;
import dev.sluice.application.export.RunExports;
import dev.sluice.application.identity.HttpCallers;
import dev.sluice.application.mapping.SuggestMapping;
import dev.sluice.application.query.RunQueries;
import dev.sluice.application.reconcile.RecoverRuns;
import dev.sluice.application.publish.RunPublications;
import dev.sluice.application.rerun.RerunRun;
import dev.sluice.application.upload.CreateUpload;
import dev.sluice.application.upload.FinishUpload;
import dev.sluice.application.upload.UploadLimits;
import java.time.Clock;
import java.time.Duration;

/**
 * What ApiFunction is built from: its use cases and the few settings its answers depend on. Built from
 * {@link Components} (one per Lambda instance, or the local runtime's shared one).
 *
 * @param chunkVisibilityTimeout ChunkQueue's visibility timeout, shown as when a stalled run's chunks come back
 * @param warmUp                 run before a SnapStart snapshot
 */
public record ApiWiring(CreateUpload createUpload, FinishUpload finishUpload, RunQueries runQueries,
        ManageDatasets datasets, DeleteDataset deleteDataset, HttpCallers callers, ObjectMapper json, Clock clock,
        Duration chunkVisibilityTimeout, Runnable warmUp, SuggestMapping suggestMapping, RecoverRuns recoverRuns,
        RunExports exports, RerunRun rerun, RunPublications publications) {

    /**
     * Without saved mappings (every mapping is suggested, with the default MAX_COLUMNS), without resume, redrive and
     * cancel, and without downloads and re-runs: handler tests of the other routes with twins.
     */
    public ApiWiring(CreateUpload createUpload, FinishUpload finishUpload, RunQueries runQueries,
            ManageDatasets datasets, DeleteDataset deleteDataset, HttpCallers callers, ObjectMapper json, Clock clock,
            Duration chunkVisibilityTimeout, Runnable warmUp) {
        this(createUpload, finishUpload, runQueries, datasets, deleteDataset, callers, json, clock,
                chunkVisibilityTimeout, warmUp, new SuggestMapping(null, UploadLimits.defaults().maxColumns()), null,
                null, null, null);
    }

    public static ApiWiring fromEnvironment() {
        return from(new Components(Settings.fromEnvironment(System.getenv())));
    }

    public static ApiWiring from(Components components) {
        Settings settings = components.settings();
        // Locally too: the local gateway verifies tokens and fills in the claims as API Gateway's JWT authorizer does.
        RunQueries queries = new RunQueries(components.runs(), components.records());
        return new ApiWiring(components.createUpload(), components.finishUpload(), queries,
                components.manageDatasets(), components.deleteDataset(), HttpCallers.verifiedTokenOnly(),
                components.json(), Clock.systemUTC(), settings.chunkVisibilityTimeout(), components::warmUp,
                components.suggestMapping(), components.recoverRuns(queries), components.exports(queries),
                components.rerun(queries), components.publications(queries));
    }
}
