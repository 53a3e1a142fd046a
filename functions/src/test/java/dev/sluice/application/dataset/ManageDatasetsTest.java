package dev.sluice.application.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.adapter.out.scheduler.TimerPullScheduler;
import dev.sluice.adapter.out.secrets.LocalSecretStore;
import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.twins.InMemoryDatasetRepository;
import dev.sluice.application.twins.InMemoryRecordRepository;
import dev.sluice.application.twins.InMemoryRunRepository;
import dev.sluice.application.twins.InMemorySourceRepository;
import dev.sluice.application.source.ManageSources;
import dev.sluice.application.source.SourceCheckpoints;
import dev.sluice.application.source.SourceSpec;
import dev.sluice.application.upload.UploadLimits;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.DatasetLimits;
import dev.sluice.domain.dataset.ReadingSettings;
import dev.sluice.domain.dataset.SavedMapping;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import dev.sluice.domain.source.Pull;
import dev.sluice.domain.source.Schedule;
import dev.sluice.domain.source.Source;
import dev.sluice.domain.source.SourceKind;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dataset use cases against twins of their ports. */
class ManageDatasetsTest {
    private static final Caller ALICE = new Caller("alice", false);
    private static final Caller BOB = new Caller("bob", false);
    private static final Caller ADMIN = new Caller("root", true);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T06:00:00Z"));
    private final InMemoryDatasetRepository datasets = new InMemoryDatasetRepository();
    private final InMemoryRunRepository runs = new InMemoryRunRepository();
    private final InMemoryRecordRepository records = new InMemoryRecordRepository();
    private final ManageDatasets manage = new ManageDatasets(datasets, runs,
            UploadLimits.defaults().datasetLimits(), clock);
    private final DeleteDataset delete = new DeleteDataset(manage, datasets, runs, records);

    @Test
    void aCreatedDatasetIsTheOwnersListedNewestFirstAndHasItsDefaults() {
        Dataset first = manage.create(ALICE, new NewDataset(" Spring ads ", null, null, null, null));
        clock.advance();
        Dataset second = manage.create(ALICE, new NewDataset("Raw exports", DatasetKind.RAW, null, null, null));
        manage.create(BOB, new NewDataset("Bob's", null, null, null, null));

        assertTrue(first.id().startsWith("ds_"), first.id());
        assertEquals("Spring ads", first.name());
        assertEquals(DatasetKind.MARKETING, first.kind());
        assertEquals(ReadingSettings.AUTO, first.settings());
        assertEquals("alice", first.owner());
        assertEquals(List.of(second, first), manage.list(ALICE));
    }

    @Test
    void someoneElsesDatasetIsNotFoundLikeAMissingOneExceptToAdmins() {
        Dataset alices = manage.create(ALICE, new NewDataset("Mine", null, null, null, null));
        InvalidRequestException other = assertThrows(InvalidRequestException.class,
                () -> manage.visible(BOB, alices.id()));
        InvalidRequestException missing = assertThrows(InvalidRequestException.class,
                () -> manage.visible(BOB, "ds_missing"));
        assertEquals(404, other.httpStatus());
        assertEquals("NOT_FOUND", other.code());
        assertEquals(missing.getMessage().replace("ds_missing", alices.id()), other.getMessage());
        assertEquals(alices, manage.visible(ADMIN, alices.id()));
        assertRefused(404, "NOT_FOUND", () -> manage.update(BOB, alices.id(),
                new DatasetChanges(Optional.of("Stolen"), null, null, null, null)));
        assertRefused(404, "NOT_FOUND", () -> delete.delete(BOB, alices.id()));
        assertEquals("Mine", manage.visible(ALICE, alices.id()).name());
    }

    @Test
    void aPatchChangesOnlyWhatItNamesAndNeverTheKind() {
        Dataset created = manage.create(ALICE, new NewDataset("Ads", null,
                new SavedMapping(List.of(), Map.of("spend", "Cost")), null, null));
        clock.advance();
        ReadingSettings pinned = new ReadingSettings("UTF-8", ";", 3, ReadingSettings.DateOrder.DMY,
                ReadingSettings.DecimalStyle.COMMA);
        Dataset changed = manage.update(ALICE, created.id(), new DatasetChanges(Optional.of("Ads EU"),
                Optional.of(DatasetKind.MARKETING), null, Optional.of(pinned), null));
        assertEquals("Ads EU", changed.name());
        assertEquals(pinned, changed.settings());
        assertEquals(Map.of("spend", "Cost"), changed.mapping().columns(), "kept");
        assertEquals(created.createdAt(), changed.createdAt());
        assertEquals(clock.instant(), changed.updatedAt());
        assertEquals(changed, datasets.find(created.id()).orElseThrow());

        InvalidRequestException kind = assertThrows(InvalidRequestException.class, () -> manage.update(ALICE,
                created.id(), new DatasetChanges(null, Optional.of(DatasetKind.RAW), null, null, null)));
        assertEquals("'kind' cannot change: dataset 'Ads EU' is marketing; create a new raw dataset instead",
                kind.getMessage());
    }

    @Test
    void aDatasetMayLowerAGlobalLimitButNotRaiseIt() {
        Dataset lowered = manage.create(ALICE, new NewDataset("Small", null, null, null,
                new DatasetLimits(1000L, 50, null, null)));
        assertEquals(new DatasetLimits(1000L, 50, null, null), lowered.limits());
        InvalidRequestException raised = assertThrows(InvalidRequestException.class, () -> manage.create(ALICE,
                new NewDataset("Big", null, null, null, new DatasetLimits(null, 201, null, null))));
        assertEquals(400, raised.httpStatus());
        assertEquals("'limits.maxColumns' must be at most 200, the global MAX_COLUMNS: a dataset may only lower a "
                + "limit", raised.getMessage());
        assertRefused(400, "INVALID_REQUEST", () -> manage.update(ALICE, lowered.id(),
                new DatasetChanges(null, null, null, null, Optional.of(new DatasetLimits(0L, null, null, null)))));
        assertRefused(400, "INVALID_REQUEST", () -> new NewDataset(" ", null, null, null, null));
        assertRefused(400, "INVALID_REQUEST", () -> new NewDataset("Raw", DatasetKind.RAW,
                new SavedMapping(List.of(), Map.of("spend", "Cost")), null, null));
    }

    @Test
    void aDatasetsRunsArePagedNewestFirst() {
        Dataset dataset = manage.create(ALICE, new NewDataset("Ads", null, null, null, null));
        for (int i = 1; i <= 5; i++) {
            clock.advance();
            runs.create(run("run-" + i, dataset.id(), RunStatus.SUCCEEDED));
        }
        runs.create(run("elsewhere", "ds_other", RunStatus.SUCCEEDED));
        var first = manage.runs(ALICE, dataset.id(), 3, null);
        assertEquals(List.of("run-5", "run-4", "run-3"), first.runs().stream().map(Run::runId).toList());
        var second = manage.runs(ALICE, dataset.id(), 3, first.next().orElseThrow());
        assertEquals(List.of("run-2", "run-1"), second.runs().stream().map(Run::runId).toList());
        assertEquals(Optional.empty(), second.next());
        assertRefused(400, "INVALID_REQUEST", () -> manage.runs(ALICE, dataset.id(), 3, "garbage"));
    }

    @Test
    void deletingRemovesTheDatasetAndItsRunsButNotWhileOneIsStillImporting() {
        Dataset dataset = manage.create(ALICE, new NewDataset("Ads", null, null, null, null));
        runs.create(run("done", dataset.id(), RunStatus.PARTIAL));
        runs.create(run("busy", dataset.id(), RunStatus.LOADING));
        runs.create(run("kept", "ds_other", RunStatus.SUCCEEDED));

        InvalidRequestException busy = assertThrows(InvalidRequestException.class,
                () -> delete.delete(ALICE, dataset.id()));
        assertEquals(409, busy.httpStatus());
        assertEquals("DATASET_BUSY", busy.code());
        assertTrue(busy.getMessage().contains("run busy (report.csv) is LOADING"), busy.getMessage());
        assertEquals(3, runs.all().size(), "nothing deleted");

        runs.put(run("busy", dataset.id(), RunStatus.SUCCEEDED));
        DeleteDataset.Deleted deleted = delete.delete(ALICE, dataset.id());
        assertEquals(2, deleted.runs());
        assertEquals(List.of("kept"), runs.all().stream().map(Run::runId).toList());
        assertEquals(Optional.empty(), datasets.find(dataset.id()));
        assertRefused(404, "NOT_FOUND", () -> delete.delete(ALICE, dataset.id()));
    }

    @Test
    void deletingADatasetDeletesItsSourcesSchedulesAndHeaderSecretsButNotWhileOneIsBeingPulled(@TempDir Path dir) {
        InMemorySourceRepository sources = new InMemorySourceRepository();
        LocalSecretStore secrets = new LocalSecretStore(dir.resolve("secrets"), dir.resolve("secret.key"));
        try (TimerPullScheduler scheduler = new TimerPullScheduler(sourceId -> { }, Clock.systemUTC())) {
            SourceCheckpoints checkpoints = new SourceCheckpoints(sources, runs, clock, Duration.ofMinutes(15),
                    SourceCheckpoints.Advance.ON_PUBLISH);
            ManageSources manageSources = new ManageSources(sources, manage, secrets, scheduler, checkpoints,
                    new ObjectMapper(), clock);
            DeleteDataset cascade = new DeleteDataset(manage, datasets, runs, records, null, List.of(manageSources));
            Dataset dataset = manage.create(ALICE, new NewDataset("Pulled", null, null, null, null));
            Dataset other = manage.create(ALICE, new NewDataset("Other", null, null, null, null));
            SourceSpec spec = new SourceSpec(SourceKind.CSV_URL, "https://example.com/spend.csv",
                    Schedule.of("rate(1 hour)", null), null, false, null, null, null, null, null,
                    Map.of("X-Api-Key", "k3y"), false);
            Source pulled = manageSources.create(ALICE, dataset.id(), spec);
            Source kept = manageSources.create(ALICE, other.id(), spec);
            assertEquals(Set.of(pulled.id(), kept.id()), scheduler.scheduledSources());
            assertTrue(sources.claim(pulled.id(), "pull-1", null));
            sources.savePull(Pull.started("pull-1", pulled.id(), null, clock.instant(), "schedule"));

            InvalidRequestException busy = assertThrows(InvalidRequestException.class,
                    () -> cascade.delete(ALICE, dataset.id()));
            assertEquals(409, busy.httpStatus());
            assertEquals("DATASET_BUSY", busy.code());
            assertTrue(busy.getMessage().contains("source " + pulled.id() + " (csv-url) is being pulled (pull pull-1"),
                    busy.getMessage());
            assertEquals(Map.of("sourceId", pulled.id(), "pullId", "pull-1"), busy.details());
            assertTrue(sources.find(pulled.id()).isPresent(), "nothing deleted");

            sources.savePull(Pull.started("pull-1", pulled.id(), null, clock.instant(), "schedule")
                    .nothingNew(clock.instant(), 0));
            DeleteDataset.Deleted deleted = cascade.delete(ALICE, dataset.id());
            assertEquals(1, deleted.dependents());
            assertEquals(Optional.empty(), sources.find(pulled.id()));
            assertEquals(Optional.empty(), sources.findPull(pulled.id(), "pull-1"), "its pull history is gone");
            assertEquals(Optional.empty(), secrets.get(pulled.secretRef()));
            assertEquals(Set.of(kept.id()), scheduler.scheduledSources());
            assertTrue(secrets.get(kept.secretRef()).isPresent(), "another dataset's source keeps its secret");
            assertEquals(List.of(kept), sources.listByDataset(other.id()));
        }
    }

    @Test
    void anAdminMayDeleteSomeoneElsesDataset() {
        Dataset dataset = manage.create(ALICE, new NewDataset("Ads", null, null, null, null));
        delete.delete(ADMIN, dataset.id());
        assertEquals(List.of(), manage.list(ALICE));
    }

    private Run run(String runId, String datasetId, RunStatus status) {
        return Run.created(runId, "alice", datasetId, "report.csv", "bucket", "uploads/alice/" + runId + "/r.csv",
                Run.RunSource.UPLOAD, status, 10, Map.of(), clock.instant());
    }

    private static void assertRefused(int status, String code, Executable call) {
        InvalidRequestException refused = assertThrows(InvalidRequestException.class, call);
        assertEquals(status, refused.httpStatus(), refused.getMessage());
        assertEquals(code, refused.code());
    }

    /** A clock a test moves forward a second at a time, so creation times differ. */
    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance() {
            now = now.plus(Duration.ofSeconds(1));
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
