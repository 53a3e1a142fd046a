package dev.sluice.application.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.adapter.out.http.HttpSourceFetcher;
import dev.sluice.adapter.out.http.SsrfGuard;
import dev.sluice.adapter.out.http.StaxFeedReader;
import dev.sluice.adapter.out.scheduler.TimerPullScheduler;
import dev.sluice.adapter.out.secrets.LocalSecretStore;
import dev.sluice.application.port.PipelineMetrics;
import dev.sluice.application.split.S3ObjectEvent;
import dev.sluice.application.split.SplitObject;
import dev.sluice.application.twins.InMemoryChunkSender;
import dev.sluice.application.twins.InMemoryDatasetRepository;
import dev.sluice.application.upload.UploadLimits;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.application.twins.InMemoryObjectStore;
import dev.sluice.application.twins.InMemoryRunRepository;
import dev.sluice.application.twins.InMemorySourceRepository;
import dev.sluice.application.upload.UploadKey;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.run.RunStatus;
import dev.sluice.domain.source.Checkpoint;
import dev.sluice.domain.source.Pagination;
import dev.sluice.domain.source.Pull;
import dev.sluice.domain.source.PullStatus;
import dev.sluice.domain.source.Schedule;
import dev.sluice.domain.source.Source;
import dev.sluice.domain.source.SourceKind;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pulls against a real HTTP server on the loopback interface (CSV with an ETag, paginated JSON with a cursor, RSS,
 * Atom, a 429 with Retry-After, a slow and a failing endpoint), through the real fetcher (sockets, SSRF guard with
 * loopback allowed as in the local runtime), the splitter and the run counters of the twins.
 */
class PullSourceTest {
    private static final String BUCKET = "bucket";
    private static final String OWNER = "owner-1";
    /** SOURCE_MAX_BYTES for these tests: the fetcher's cap and the cursor read's decompression cap. */
    private static final int CAP = 1 << 20;

    @TempDir
    Path scratch;

    private HttpServer server;
    private String base;
    private final Clock clock = Clock.systemUTC();
    private final ObjectMapper json = new ObjectMapper();
    private final InMemorySourceRepository sources = new InMemorySourceRepository();
    private final InMemoryRunRepository runs = new InMemoryRunRepository(clock);
    private final InMemoryObjectStore objects = new InMemoryObjectStore(clock);
    private final InMemoryChunkSender chunks = new InMemoryChunkSender();
    private final InMemoryDatasetRepository datasets = new InMemoryDatasetRepository();
    private final SplitObject splitter = new SplitObject(objects, runs, chunks,
            new SplitObject.SplitLimits(1 << 20, 1000, 1 << 24), null, UploadLimits.defaults(), datasets,
            PipelineMetrics.none(), clock);
    private SourceCheckpoints checkpoints;
    private PullSource pulls;
    private HttpSourceFetcher fetcher;
    private LocalSecretStore secrets;

    /** The JSON API's records: id, updated_at; the API pages them two at a time. */
    private final List<Map<String, Object>> items = new CopyOnWriteArrayList<>();
    private final AtomicBoolean secondPageFails = new AtomicBoolean();
    private final List<Instant> limitedHits = new CopyOnWriteArrayList<>();
    private final List<String> authSeen = new CopyOnWriteArrayList<>();
    private final AtomicInteger failingHits = new AtomicInteger();
    private final List<String> pagedQueries = new CopyOnWriteArrayList<>();
    private final List<String> linkedQueries = new CopyOnWriteArrayList<>();
    private final List<String> ifModifiedSince = Collections.synchronizedList(new ArrayList<>());
    private static final String LAST_MODIFIED = "Wed, 02 Dec 2026 08:00:00 GMT";
    private volatile String csvBody = "date,campaign,spend\n2026-01-01,a,1.00\n2026-01-02,b,2.00\n";

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/data.csv", this::csv);
        server.createContext("/api/items", this::api);
        server.createContext("/rss", x -> send(x, 200, Map.of("Content-Type", "application/rss+xml"), RSS));
        server.createContext("/atom", x -> send(x, 200, Map.of("Content-Type", "application/atom+xml"), ATOM));
        server.createContext("/limited", this::limited);
        server.createContext("/api/paged", this::paged);
        server.createContext("/api/linked", this::linked);
        server.createContext("/encoded.csv", x -> send(x, 200, Map.of("Content-Encoding", "gzip",
                "Content-Type", "text/csv"), gzip(csvBody.getBytes(StandardCharsets.UTF_8))));
        server.createContext("/data.csv.gz", x -> send(x, 200, Map.of("Content-Type", "application/gzip"),
                gzip(csvBody.getBytes(StandardCharsets.UTF_8))));
        server.createContext("/big.csv", x -> send(x, 200, Map.of("Content-Type", "text/csv"),
                ("a,b\n" + "1,2\n".repeat(300_000)).getBytes(StandardCharsets.UTF_8)));
        server.createContext("/modified.csv", this::modified);
        server.createContext("/slow", x -> {
            sleep(3000);
            send(x, 200, Map.of(), "a\n1\n");
        });
        server.createContext("/failing", x -> {
            failingHits.incrementAndGet();
            send(x, 500, Map.of(), "boom");
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        datasets.create(new Dataset("ds", "pulled", OWNER, DatasetKind.RAW, null, null, null, false, clock.instant(),
                clock.instant()));
        secrets = new LocalSecretStore(scratch.resolve("secrets"), scratch.resolve("secret.key"));
        build(SourceCheckpoints.Advance.WHEN_RUN_FINISHED, Duration.ofMinutes(15));
    }

    private void build(SourceCheckpoints.Advance advance, Duration pullTimeout) {
        checkpoints = new SourceCheckpoints(sources, runs, clock, pullTimeout, advance);
        fetcher = new HttpSourceFetcher(new SsrfGuard(SsrfGuard.Resolver.SYSTEM, true),
                new HttpSourceFetcher.Policy(Duration.ofSeconds(2), Duration.ofMillis(700), 3, Duration.ofMillis(50),
                        Duration.ofMillis(200), Duration.ofSeconds(5), CAP),
                clock, HttpSourceFetcher.Sleeper.REAL);
        pulls = new PullSource(sources, runs, objects, fetcher, secrets, json, BUCKET, scratch, CAP, checkpoints,
                clock, new StaxFeedReader(), datasets);
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void csvUrlLoadsOnceAndA304OrTheSameBytesAreNothingNew() {
        Source source = source(SourceKind.CSV_URL, base + "/data.csv", null, null, Pagination.NONE);
        PullSource.Result first = pulls.pull(source.id(), "manual").orElseThrow();
        assertNotNull(first.runId(), String.valueOf(first.pull()));
        assertEquals(2, load(first.runId()));

        PullSource.Result second = pulls.pull(source.id(), "manual").orElseThrow();
        assertNull(second.runId(), "the server answered 304 to If-None-Match");
        assertEquals(PullStatus.NOTHING_NEW, second.pull().status());
        assertEquals(PullStatus.DONE, sources.findPull(source.id(), first.pullId()).orElseThrow().status());

        csvBody = csvBody + "2026-01-03,c,3.00\n";
        PullSource.Result third = pulls.pull(source.id(), "manual").orElseThrow();
        assertEquals(3, load(third.runId()), "a changed file is loaded whole (its ETag changed)");
        assertEquals(2, objects.keys().stream().filter(k -> k.startsWith(BUCKET + "/pulls/" + source.id() + "/"))
                .count(), "one object per pull that had something new: " + objects.keys());
    }

    @Test
    void csvUrlWithACursorFieldLoadsOnlyTheRowsNewerThanTheCheckpoint() {
        Source source = source(SourceKind.CSV_URL, base + "/data.csv?cursor", "date", null, Pagination.NONE);
        PullSource.Result first = pulls.pull(source.id(), "manual").orElseThrow();
        assertEquals("\uFEFFdate,campaign,spend\r\n2026-01-01,a,1.00\r\n2026-01-02,b,2.00\r\n", csv(first.runId()));
        assertEquals(2, first.pull().records());
        assertEquals("2026-01-02", first.pull().checkpointAfter().cursor());
        assertNotNull(first.pull().checkpointAfter().eTag());
        assertEquals(2, load(first.runId()));

        csvBody = csvBody + "2026-01-03,c,3.00\n,d,4.00\nn/a,e,5.00\n";
        PullSource.Result second = pulls.pull(source.id(), "manual").orElseThrow();
        assertEquals("2026-01-02", second.pull().checkpointBefore().cursor());
        assertEquals("\uFEFFdate,campaign,spend\r\n2026-01-03,c,3.00\r\n,d,4.00\r\nn/a,e,5.00\r\n",
                csv(second.runId()), "the new row, and the rows whose date is empty or not a date (kept, never lost)");
        assertEquals("2026-01-03", second.pull().checkpointAfter().cursor(), "n/a does not move the checkpoint");
        assertEquals(3, load(second.runId()));

        assertNull(pulls.pull(source.id(), "manual").orElseThrow().runId(), "304: the file did not change");

        csvBody = csvBody.replace("2026-01-01,a,1.00", "2026-01-01,a,1.50");
        PullSource.Result olderChanged = pulls.pull(source.id(), "manual").orElseThrow();
        assertEquals(List.of(",d,4.00", "n/a,e,5.00"), rows(olderChanged.runId()),
                "a changed old row is not newer; the rows without a usable date come again");
    }

    @Test
    void pagePaginationAsksPageByPageUntilAnEmptyOne() throws Exception {
        for (int i = 1; i <= 5; i++) {
            items.add(item(i, "2026-01-0" + i + "T00:00:00Z"));
        }
        Source source = source(SourceKind.JSON_API, base + "/api/paged", null, "data",
                new Pagination(Pagination.Type.PAGE, "p", 1, null, 0));
        PullSource.Result pulled = pulls.pull(source.id(), "manual").orElseThrow();
        assertEquals(List.of("1", "2", "3", "4", "5"), ids(pulled.runId()));
        assertEquals(List.of("p=1", "p=2", "p=3", "p=4"), pagedQueries, "pages 1-3 hold records, 4 is empty");
        assertEquals(5, load(pulled.runId()));
    }

    @Test
    void linkHeaderPaginationFollowsRelNextUntilThereIsNone() throws Exception {
        for (int i = 1; i <= 5; i++) {
            items.add(item(i, "2026-01-0" + i + "T00:00:00Z"));
        }
        Source source = source(SourceKind.JSON_API, base + "/api/linked", "id", null,
                new Pagination(Pagination.Type.LINK, null, 1, null, 0));
        PullSource.Result pulled = pulls.pull(source.id(), "manual").orElseThrow();
        assertEquals(List.of("1", "2", "3", "4", "5"), ids(pulled.runId()));
        assertEquals(List.of("", "from=2", "from=4"), linkedQueries);
        assertEquals("5", pulled.pull().checkpointAfter().cursor(), "ids compare as numbers");
    }

    @Test
    void aGzipCsvIsLoadedWhetherTheAnswerIsEncodedOrTheFileIsGzip() throws Exception {
        Source encoded = source(SourceKind.CSV_URL, base + "/encoded.csv", null, null, Pagination.NONE);
        PullSource.Result fromEncoded = pulls.pull(encoded.id(), "manual").orElseThrow();
        assertEquals("date,campaign,spend\n2026-01-01,a,1.00\n2026-01-02,b,2.00\n", csv(fromEncoded.runId()),
                "Content-Encoding: gzip is decoded by the fetcher");
        assertEquals(2, load(fromEncoded.runId()));

        Source file = source(SourceKind.CSV_URL, base + "/data.csv.gz", null, null, Pagination.NONE);
        PullSource.Result fromFile = pulls.pull(file.id(), "manual").orElseThrow();
        byte[] stored = objects.bytes(BUCKET, runs.get(fromFile.runId()).key()).orElseThrow();
        assertEquals(0x1f, stored[0] & 0xff, "a .gz file is kept as it came; the splitter decompresses it");
        assertEquals(2, load(fromFile.runId()));

        Source cursored = new Source("s-gz-cursor", "ds", OWNER, SourceKind.CSV_URL, base + "/data.csv.gz", null,
                true, "date", null, Pagination.NONE, null, List.of(), null,
                new Checkpoint("2026-01-01", null, null, null), null, clock.instant(), clock.instant());
        sources.create(cursored);
        PullSource.Result newer = pulls.pull(cursored.id(), "manual").orElseThrow();
        assertEquals(List.of("2026-01-02,b,2.00"), rows(newer.runId()), "with a cursor the .gz is read for its rows");
        assertEquals(1, load(newer.runId()));
        assertEquals(List.of(), spools(), "every temporary file of the pulls is deleted");
    }

    @Test
    void anAnswerOverTheSizeCapFailsThePullWithTooLarge() {
        Source big = source(SourceKind.CSV_URL, base + "/big.csv", null, null, Pagination.NONE);
        Pull failed = pulls.pull(big.id(), "manual").orElseThrow().pull();
        assertEquals(PullStatus.FAILED, failed.status());
        assertTrue(failed.error().startsWith("TOO_LARGE: "), failed.error());
        assertTrue(failed.error().contains("more than 1048576 bytes"), failed.error());
        assertTrue(objects.keys().stream().noneMatch(k -> k.contains("/pulls/" + big.id() + "/")), "nothing written");
        assertEquals(Checkpoint.NONE, sources.find(big.id()).orElseThrow().checkpoint());
    }

    /**
     * A gzip bomb in small: a few KB on the wire, 3.6 MB of rows once decompressed. With the cap at 1 MiB it is
     * refused while the file is profiled; with a cap of 2 MiB (past the profiler's first MiB) while its rows are
     * being spooled. Either way the pull fails with TOO_LARGE, and nothing is left behind.
     */
    @Test
    void aGzipFileReadForItsCursorStopsAtTheCapAndFailsThePullWithTooLarge() throws IOException {
        byte[] bomb = gzip(("id,campaign,spend\n" + "7,c,3.00\n".repeat(400_000))
                .getBytes(StandardCharsets.UTF_8));
        assertTrue(bomb.length < CAP / 10, "the download is far under the fetcher's cap: " + bomb.length);
        server.createContext("/bomb.csv.gz", x -> send(x, 200, Map.of("Content-Type", "application/gzip"), bomb));
        Checkpoint before = new Checkpoint("1", null, null, "hash-of-the-last-load");
        for (long cap : List.of((long) CAP, 2L * CAP)) {
            PullSource capped = new PullSource(sources, runs, objects, fetcher, secrets, json, BUCKET, scratch, cap,
                    checkpoints, clock, new StaxFeedReader(), datasets);
            Source source = new Source("s-bomb-" + cap, "ds", OWNER, SourceKind.CSV_URL, base + "/bomb.csv.gz", null,
                    true, "id", null, Pagination.NONE, null, List.of(), null, before, null, clock.instant(),
                    clock.instant());
            sources.create(source);

            PullSource.Result result = capped.pull(source.id(), "manual").orElseThrow();

            Pull failed = result.pull();
            assertEquals(PullStatus.FAILED, failed.status(), "cap " + cap);
            assertTrue(failed.error().startsWith("TOO_LARGE: "), failed.error());
            assertTrue(failed.error().contains("more than " + cap + " bytes") && failed.error().contains(
                    "SOURCE_MAX_BYTES"), failed.error());
            assertNull(result.runId());
            assertTrue(runs.all().isEmpty(), "no run: " + runs.all());
            assertTrue(objects.keys().stream().noneMatch(k -> k.contains("/pulls/")), "nothing written");
            Source after = sources.find(source.id()).orElseThrow();
            assertEquals(before, after.checkpoint(), "cap " + cap);
            assertNull(after.activePull(), "the source is free for its next pull");
            assertEquals(List.of(), spools(), "cap " + cap + ": the fetched file, the row spool and the CSV are "
                    + "deleted");
        }
    }

    @Test
    void lastModifiedIsSentBackAsIfModifiedSinceAndA304IsNothingNew() {
        Source source = source(SourceKind.CSV_URL, base + "/modified.csv", null, null, Pagination.NONE);
        PullSource.Result first = pulls.pull(source.id(), "manual").orElseThrow();
        assertEquals(LAST_MODIFIED, first.pull().checkpointAfter().lastModified());
        assertNull(first.pull().checkpointAfter().eTag());
        assertEquals(2, load(first.runId()));

        PullSource.Result second = pulls.pull(source.id(), "manual").orElseThrow();
        assertEquals(java.util.Arrays.asList(null, LAST_MODIFIED), ifModifiedSince);
        assertNull(second.runId());
        assertEquals(PullStatus.NOTHING_NEW, second.pull().status());
        assertEquals(0, second.pull().bytes(), "the 304 had no body to read");
    }

    @Test
    void aSecondPullLoadsOnlyNewRecordsAndTheCheckpointWaitsForTheRun() throws Exception {
        for (int i = 1; i <= 5; i++) {
            items.add(item(i, "2026-01-0" + i + "T00:00:00Z"));
        }
        Source source = source(SourceKind.JSON_API, base + "/api/items", "updated_at", "data.items",
                new Pagination(Pagination.Type.CURSOR, "cursor", 1, "next_cursor", 0));
        PullSource.Result first = pulls.pull(source.id(), "manual").orElseThrow();
        assertEquals(List.of("1", "2", "3", "4", "5"), ids(first.runId()));
        assertNull(sources.find(source.id()).orElseThrow().checkpoint().cursor(),
                "the checkpoint advances only when the run's data is in");
        assertEquals(5, load(first.runId()));

        items.add(item(6, "2026-01-06T00:00:00Z"));
        items.add(item(7, "2026-01-07T00:00:00Z"));
        PullSource.Result second = pulls.pull(source.id(), "manual").orElseThrow();
        assertEquals("2026-01-05T00:00:00Z", second.pull().checkpointBefore().cursor());
        assertEquals(List.of("6", "7"), ids(second.runId()));
        assertEquals("2026-01-07T00:00:00Z", second.pull().checkpointAfter().cursor());
    }

    @Test
    void aPullKilledHalfWayResumesFromTheCheckpointWithNoDuplicate() throws Exception {
        for (int i = 1; i <= 4; i++) {
            items.add(item(i, "2026-01-0" + i + "T00:00:00Z"));
        }
        Source source = source(SourceKind.JSON_API, base + "/api/items", "updated_at", "data.items",
                new Pagination(Pagination.Type.CURSOR, "cursor", 1, "next_cursor", 0));
        PullSource.Result first = pulls.pull(source.id(), "manual").orElseThrow();
        assertEquals(4, load(first.runId()));

        for (int i = 5; i <= 9; i++) {
            items.add(item(i, "2026-01-0" + i + "T00:00:00Z"));
        }
        secondPageFails.set(true);
        PullSource.Result broken = pulls.pull(source.id(), "manual").orElseThrow();
        assertEquals(PullStatus.FAILED, broken.pull().status());
        assertNull(broken.runId());
        assertTrue(broken.pull().error().contains("500"), broken.pull().error());
        assertEquals("2026-01-04T00:00:00Z", sources.find(source.id()).orElseThrow().checkpoint().cursor());
        assertFalse(objects.keys().contains(BUCKET + "/" + UploadKey.pulled(source.id(), broken.pullId())),
                "nothing written");

        // A pull whose process died while fetching (still RUNNING) is failed once its time is up.
        Pull died = Pull.started("00000000T000000.000Z-dead", source.id(),
                sources.find(source.id()).orElseThrow().checkpoint(), clock.instant().minusSeconds(3600), "schedule");
        sources.savePull(died);
        assertTrue(sources.claim(source.id(), died.pullId(), null));

        secondPageFails.set(false);
        PullSource.Result resumed = pulls.pull(source.id(), "manual").orElseThrow();
        assertEquals(PullStatus.FAILED, sources.findPull(source.id(), died.pullId()).orElseThrow().status());
        assertEquals(List.of("5", "6", "7", "8", "9"), ids(resumed.runId()));
        assertEquals(5, load(resumed.runId()));
        List<String> loaded = new ArrayList<>(ids(first.runId()));
        loaded.addAll(ids(resumed.runId()));
        assertEquals(9, loaded.size());
        assertEquals(9, loaded.stream().distinct().count(), "no record loaded twice: " + loaded);
    }

    @Test
    void aLoadingPullHoldsTheSourceAndAFailedRunKeepsTheCheckpoint() throws Exception {
        items.add(item(1, "2026-01-01T00:00:00Z"));
        Source source = source(SourceKind.JSON_API, base + "/api/items", "updated_at", "data.items",
                new Pagination(Pagination.Type.CURSOR, "cursor", 1, "next_cursor", 0));
        PullSource.Result first = pulls.pull(source.id(), "manual").orElseThrow();
        dev.sluice.application.InvalidRequestException busy = org.junit.jupiter.api.Assertions.assertThrows(
                dev.sluice.application.InvalidRequestException.class, () -> pulls.pull(source.id(), "manual"));
        assertEquals(409, busy.httpStatus());
        runs.fail(first.runId(), "SPLIT_FAILED", "test");
        PullSource.Result again = pulls.pull(source.id(), "manual").orElseThrow();
        assertEquals(PullStatus.FAILED, sources.findPull(source.id(), first.pullId()).orElseThrow().status());
        assertNull(sources.find(source.id()).orElseThrow().checkpoint().cursor());
        assertEquals(List.of("1"), ids(again.runId()), "the failed run's records are asked for again");
    }

    @Test
    void withOnPublishTheCheckpointAdvancesOnlyWhenPublishedAndOnlyOnce() throws Exception {
        build(SourceCheckpoints.Advance.ON_PUBLISH, Duration.ofMinutes(15));
        items.add(item(1, "2026-01-01T00:00:00Z"));
        Source source = source(SourceKind.JSON_API, base + "/api/items", "updated_at", "data.items",
                new Pagination(Pagination.Type.CURSOR, "cursor", 1, "next_cursor", 0));
        PullSource.Result first = pulls.pull(source.id(), "manual").orElseThrow();
        load(first.runId());
        checkpoints.settle(sources.find(source.id()).orElseThrow());
        assertNull(sources.find(source.id()).orElseThrow().checkpoint().cursor(), "SUCCEEDED is not published");
        var published = new dev.sluice.application.port.PublishListener.Published(first.runId(), "ds", "append");
        checkpoints.published(published);
        checkpoints.published(published);
        assertEquals("2026-01-01T00:00:00Z", sources.find(source.id()).orElseThrow().checkpoint().cursor());
        assertEquals(PullStatus.DONE, sources.findPull(source.id(), first.pullId()).orElseThrow().status());
        assertNull(sources.find(source.id()).orElseThrow().activePull());
    }

    @Test
    void aPulledFileWithAHeaderOnlyIsDoneWithoutAPublishAndItsCheckpointMoves() throws Exception {
        build(SourceCheckpoints.Advance.ON_PUBLISH, Duration.ofMinutes(15));
        csvBody = "campaign,spend\r\n";
        Source source = source(SourceKind.CSV_URL, base + "/data.csv", null, null, Pagination.NONE);
        PullSource.Result first = pulls.pull(source.id(), "manual").orElseThrow();
        assertNotNull(first.runId());
        var run = runs.get(first.runId());
        byte[] bytes = objects.bytes(BUCKET, run.key()).orElseThrow();
        splitter.split(new S3ObjectEvent(BUCKET, run.key(), bytes.length, null, "seq"), true);
        runs.finishIfComplete(first.runId());
        assertEquals(RunStatus.SUCCEEDED, runs.get(first.runId()).status(), String.valueOf(runs.get(first.runId())));
        assertEquals(0, runs.get(first.runId()).stored());
        // No publish will come for a run that stored nothing, so settling ends the pull and moves the checkpoint.
        checkpoints.settle(sources.find(source.id()).orElseThrow());
        assertEquals(PullStatus.DONE, sources.findPull(source.id(), first.pullId()).orElseThrow().status());
        assertNull(sources.find(source.id()).orElseThrow().activePull());
        assertNotNull(sources.find(source.id()).orElseThrow().checkpoint().eTag(), "the ETag is the checkpoint");
        assertNull(pulls.pull(source.id(), "manual").orElseThrow().runId(), "the same file is not pulled again");
    }

    @Test
    void rssAndAtomFeedsGiveOneRecordPerItemAndOnlyNewerOnesNextTime() throws Exception {
        Source rss = source(SourceKind.FEED, base + "/rss", "pubDate", null, Pagination.NONE);
        PullSource.Result first = pulls.pull(rss.id(), "manual").orElseThrow();
        String csv = csv(first.runId());
        assertTrue(csv.startsWith("\uFEFFdescription,guid,link,pubDate,title\r\n"), csv);
        assertTrue(csv.contains("\"'=HYPERLINK(\"\"x\"\")\""), "a formula is neutralised: " + csv);
        assertEquals(2, load(first.runId()));
        assertNull(pulls.pull(rss.id(), "manual").orElseThrow().runId(), "no item newer than the checkpoint");

        Source atom = source(SourceKind.FEED, base + "/atom", "updated", null, Pagination.NONE);
        PullSource.Result atomPull = pulls.pull(atom.id(), "manual").orElseThrow();
        String atomCsv = csv(atomPull.runId());
        assertTrue(atomCsv.startsWith("\uFEFFauthor.name,id,link,title,updated\r\n"), atomCsv);
        assertTrue(atomCsv.contains("https://example.org/2"), atomCsv);
        assertEquals(2, atomPull.pull().records());
    }

    @Test
    void retryAfterIsHonoured() {
        Source source = source(SourceKind.CSV_URL, base + "/limited", null, null, Pagination.NONE);
        PullSource.Result result = pulls.pull(source.id(), "manual").orElseThrow();
        assertNotNull(result.runId(), String.valueOf(result.pull()));
        assertEquals(2, limitedHits.size());
        Duration waited = Duration.between(limitedHits.get(0), limitedHits.get(1));
        assertTrue(waited.compareTo(Duration.ofMillis(1900)) >= 0, "waited only " + waited);
    }

    @Test
    void slowAndFailingEndpointsFailThePullWithAClearError() {
        Source slow = source(SourceKind.CSV_URL, base + "/slow", null, null, Pagination.NONE);
        Pull timedOut = pulls.pull(slow.id(), "manual").orElseThrow().pull();
        assertEquals(PullStatus.FAILED, timedOut.status());
        assertTrue(timedOut.error().contains("did not answer within"), timedOut.error());

        Source failing = source(SourceKind.CSV_URL, base + "/failing", null, null, Pagination.NONE);
        Pull failed = pulls.pull(failing.id(), "manual").orElseThrow().pull();
        assertEquals(PullStatus.FAILED, failed.status());
        assertTrue(failed.error().contains("answered 500"), failed.error());
        assertEquals(3, failingHits.get(), "three attempts with backoff");
        assertNull(sources.find(failing.id()).orElseThrow().activePull());
    }

    @Test
    void headersComeFromTheSecretStoreAndNeverAppearInPullsOrErrors() {
        ManageSources manage = null;
        String ref = secrets.put("sluice/source/s-auth", "{\"Authorization\":\"Bearer sekrit-123\"}");
        Source source = new Source("s-auth", "ds", OWNER, SourceKind.CSV_URL, base + "/failing", null, true, null,
                null, Pagination.NONE, null, List.of("Authorization"), ref, null, null, clock.instant(),
                clock.instant());
        sources.create(source);
        Pull failed = pulls.pull(source.id(), "manual").orElseThrow().pull();
        assertFalse(String.valueOf(failed).contains("sekrit"), String.valueOf(failed));
        assertNull(manage);
        Source ok = new Source("s-auth2", "ds", OWNER, SourceKind.CSV_URL, base + "/data.csv", null, true, null,
                null, Pagination.NONE, null, List.of("Authorization"), ref, null, null, clock.instant(),
                clock.instant());
        sources.create(ok);
        assertNotNull(pulls.pull(ok.id(), "manual").orElseThrow().runId());
        assertTrue(authSeen.contains("Bearer sekrit-123"), "the header was sent: " + authSeen);
    }

    @Test
    void aScheduledPullFiresOnTimeAndLoads() throws Exception {
        items.add(item(1, "2026-01-01T00:00:00Z"));
        Instant setAt = clock.instant().minusSeconds(58);
        Source source = new Source("s-timer", "ds", OWNER, SourceKind.JSON_API, base + "/api/items",
                Schedule.of("rate(1 minute)", "Europe/Berlin"), true, "updated_at", "data.items",
                new Pagination(Pagination.Type.CURSOR, "cursor", 1, "next_cursor", 0), null, List.of(), null, null,
                null, setAt, setAt);
        sources.create(source);
        List<Instant> fired = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);
        List<PullSource.Result> results = Collections.synchronizedList(new ArrayList<>());
        try (TimerPullScheduler scheduler = new TimerPullScheduler(id -> {
            fired.add(clock.instant());
            pulls.pull(id, "schedule").ifPresent(results::add);
            done.countDown();
        }, clock)) {
            scheduler.put(source);
            assertTrue(done.await(10, TimeUnit.SECONDS), "the schedule fired");
        }
        Instant due = setAt.plusSeconds(60);
        Duration late = Duration.between(due, fired.get(0));
        assertTrue(!late.isNegative() && late.compareTo(Duration.ofSeconds(1)) < 0, "fired " + late + " after due");
        assertEquals("schedule", results.get(0).pull().trigger());
        assertEquals(1, load(results.get(0).runId()));
    }

    @Test
    void aDisabledSourceIsSkippedBySchedulesButPulledByRunNow() {
        Source source = new Source("s-off", "ds", OWNER, SourceKind.CSV_URL, base + "/data.csv", null, false, null,
                null, Pagination.NONE, null, List.of(), null, null, null, clock.instant(), clock.instant());
        sources.create(source);
        assertTrue(pulls.pull(source.id(), "schedule").isEmpty());
        assertNotNull(pulls.pull(source.id(), "manual").orElseThrow().runId());
    }

    @Test
    void aSourceWhoseDatasetIsGoneFetchesNothingAndItsPullRecordSaysWhy() {
        datasets.create(new Dataset("ds-gone", "deleted", OWNER, DatasetKind.MARKETING, null, null, null, false,
                clock.instant(), clock.instant()));
        Source source = new Source("s-orphan", "ds-gone", OWNER, SourceKind.CSV_URL, base + "/data.csv", null, true,
                null, null, Pagination.NONE, null, List.of(), null, null, null, clock.instant(), clock.instant());
        sources.create(source);
        datasets.delete("ds-gone");

        for (String trigger : List.of("schedule", "manual")) {
            PullSource.Result result = pulls.pull(source.id(), trigger).orElseThrow();
            assertNull(result.runId(), trigger);
            assertEquals(PullStatus.FAILED, result.pull().status());
            assertEquals("dataset 'ds-gone' of this source no longer exists (it was deleted); nothing was fetched "
                    + "or loaded. Delete the source, or create it again in another dataset", result.pull().error());
            assertEquals(result.pull(), sources.findPull(source.id(), result.pullId()).orElseThrow(),
                    "the pull record says why");
        }
        assertEquals(List.of(), authSeen, "nothing was fetched");
        assertEquals(List.of(), runs.all(), "no run was created");
        assertNull(sources.find(source.id()).orElseThrow().activePull(), "the source is not held");
    }

    // ---- helpers

    private Source source(SourceKind kind, String url, String cursorField, String recordsPath, Pagination paging) {
        Source source = new Source("s-" + kind.wireName() + "-" + url.hashCode(), "ds", OWNER, kind, url, null, true,
                cursorField, recordsPath, paging, "updated_since={checkpoint}", List.of(), null, Checkpoint.NONE, null,
                clock.instant(), clock.instant());
        sources.create(source);
        return source;
    }

    /** Splits the pulled object as SplitFunction would and counts every chunk as LoadFunction would. */
    private long load(String runId) {
        assertNotNull(runId);
        var run = runs.get(runId);
        assertEquals(dev.sluice.domain.run.Run.RunSource.PULL, run.source());
        assertEquals(OWNER, run.owner());
        byte[] bytes = objects.bytes(BUCKET, run.key()).orElseThrow();
        SplitObject.Result split = splitter.split(new S3ObjectEvent(BUCKET, run.key(), bytes.length, null, "seq"),
                true);
        assertEquals(SplitObject.Outcome.SPLIT, split.outcome(), String.valueOf(split));
        for (ChunkMessage chunk : chunks.sent().stream().filter(c -> c.runId().equals(runId)).toList()) {
            runs.countChunk(runId, chunk.chunkNo(), chunk.recordCount(), 0, chunk.endByte() - chunk.startByte());
        }
        runs.finishIfComplete(runId);
        assertEquals(RunStatus.SUCCEEDED, runs.get(runId).status());
        return runs.get(runId).records();
    }

    private String csv(String runId) {
        return new String(objects.bytes(BUCKET, runs.get(runId).key()).orElseThrow(), StandardCharsets.UTF_8);
    }

    /** The pulled CSV's rows after its header. */
    private List<String> rows(String runId) {
        assertNotNull(runId);
        List<String> lines = Arrays.asList(csv(runId).split("\r\n"));
        return lines.subList(1, lines.size());
    }

    /** The id column of the pulled CSV. */
    private List<String> ids(String runId) {
        assertNotNull(runId);
        List<String> lines = Arrays.asList(csv(runId).replace("\uFEFF", "").split("\r\n"));
        int column = Arrays.asList(lines.get(0).split(",")).indexOf("id");
        return lines.subList(1, lines.size()).stream().map(l -> l.split(",")[column]).toList();
    }

    private static Map<String, Object> item(int id, String updated) {
        return Map.of("id", id, "updated_at", updated, "stats", Map.of("spend", id + ".50"));
    }

    private void csv(HttpExchange x) throws IOException {
        String etag = "\"" + Integer.toHexString(csvBody.hashCode()) + "\"";
        authSeen.add(String.valueOf(x.getRequestHeaders().getFirst("Authorization")));
        if (etag.equals(x.getRequestHeaders().getFirst("If-None-Match"))) {
            send(x, 304, Map.of("ETag", etag), (byte[]) null);
            return;
        }
        send(x, 200, Map.of("ETag", etag, "Content-Type", "text/csv"), csvBody);
    }

    /** Cursor pagination, two records a page, {@code updated_since} filtering. */
    private void api(HttpExchange x) throws IOException {
        Map<String, String> query = query(x.getRequestURI().getRawQuery());
        int from = Integer.parseInt(query.getOrDefault("cursor", "0"));
        if (from > 0 && secondPageFails.get()) {
            send(x, 500, Map.of(), "{\"error\":\"down\"}");
            return;
        }
        String since = query.get("updated_since");
        List<Map<String, Object>> visible = items.stream()
                .filter(i -> since == null || ((String) i.get("updated_at")).compareTo(since) > 0).toList();
        List<Map<String, Object>> page = visible.subList(Math.min(from, visible.size()),
                Math.min(from + 2, visible.size()));
        String next = from + 2 < visible.size() ? String.valueOf(from + 2) : null;
        send(x, 200, Map.of("Content-Type", "application/json"), json.writeValueAsString(
                Map.of("data", Map.of("items", page), "next_cursor", next == null ? "" : next)));
    }

    /** Page pagination: {@code p} from 1, two records a page, an empty page after the last. */
    private void paged(HttpExchange x) throws IOException {
        String query = String.valueOf(x.getRequestURI().getRawQuery());
        pagedQueries.add(query);
        int page = Integer.parseInt(query(query).get("p"));
        List<Map<String, Object>> slice = items.subList(Math.min((page - 1) * 2, items.size()),
                Math.min(page * 2, items.size()));
        send(x, 200, Map.of("Content-Type", "application/json"), json.writeValueAsString(Map.of("data", slice)));
    }

    /** Link-header pagination: the answer is the array; {@code Link: <...?from=n>; rel="next"} while more remain. */
    private void linked(HttpExchange x) throws IOException {
        String query = x.getRequestURI().getRawQuery();
        linkedQueries.add(query == null ? "" : query);
        int from = Integer.parseInt(query(query).getOrDefault("from", "0"));
        List<Map<String, Object>> slice = items.subList(from, Math.min(from + 2, items.size()));
        Map<String, String> headers = from + 2 < items.size()
                ? Map.of("Link", "<" + base + "/api/linked?from=" + (from + 2) + ">; rel=\"next\", <" + base
                        + "/api/linked>; rel=\"first\"")
                : Map.of("Link", "<" + base + "/api/linked>; rel=\"first\"");
        send(x, 200, headers, json.writeValueAsString(slice));
    }

    /** A file with Last-Modified and no ETag: 304 when If-Modified-Since is that date. */
    private void modified(HttpExchange x) throws IOException {
        String since = x.getRequestHeaders().getFirst("If-Modified-Since");
        ifModifiedSince.add(since);
        if (LAST_MODIFIED.equals(since)) {
            send(x, 304, Map.of("Last-Modified", LAST_MODIFIED), (byte[]) null);
            return;
        }
        send(x, 200, Map.of("Last-Modified", LAST_MODIFIED, "Content-Type", "text/csv"), csvBody);
    }

    /** The temporary files pulls left in the scratch directory (they all start with "pull"). */
    private List<String> spools() throws IOException {
        try (var files = Files.list(scratch)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("pull")).toList();
        }
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream zip = new java.util.zip.GZIPOutputStream(out)) {
            zip.write(bytes);
        }
        return out.toByteArray();
    }

    private void limited(HttpExchange x) throws IOException {
        limitedHits.add(Instant.now());
        if (limitedHits.size() == 1) {
            send(x, 429, Map.of("Retry-After", "2"), "slow down");
            return;
        }
        send(x, 200, Map.of(), "a,b\n1,2\n");
    }

    private static Map<String, String> query(String raw) {
        if (raw == null) {
            return Map.of();
        }
        return Arrays.stream(raw.split("&")).map(p -> p.split("=", 2)).collect(Collectors.toMap(p -> p[0],
                p -> java.net.URLDecoder.decode(p.length > 1 ? p[1] : "", StandardCharsets.UTF_8), (a, b) -> b));
    }

    private static void send(HttpExchange x, int status, Map<String, String> headers, String body)
            throws IOException {
        send(x, status, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange x, int status, Map<String, String> headers, byte[] body)
            throws IOException {
        headers.forEach((k, v) -> x.getResponseHeaders().add(k, v));
        byte[] bytes = body == null ? new byte[0] : body;
        x.sendResponseHeaders(status, body == null ? -1 : bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final String RSS = """
            <?xml version="1.0"?>
            <rss version="2.0"><channel><title>News</title>
            <item><title>First</title><link>https://example.org/1</link><guid>1</guid>
              <pubDate>Mon, 05 Jan 2026 10:00:00 GMT</pubDate><description>one</description></item>
            <item><title>=HYPERLINK("x")</title><link>https://example.org/2</link><guid>2</guid>
              <pubDate>Tue, 06 Jan 2026 10:00:00 GMT</pubDate><description><![CDATA[two, <b>bold</b>]]></description>
            </item>
            </channel></rss>
            """;

    private static final String ATOM = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom"><title>Example</title>
            <entry><title>One</title><link href="https://example.org/1"/><id>urn:1</id>
              <updated>2026-01-05T10:00:00Z</updated><author><name>Ann</name></author></entry>
            <entry><title>Two</title><link href="https://example.org/2"/><id>urn:2</id>
              <updated>2026-01-06T10:00:00Z</updated><author><name>Bob</name></author></entry>
            </feed>
            """;
}
