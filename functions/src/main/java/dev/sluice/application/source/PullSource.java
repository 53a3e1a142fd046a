package dev.sluice.application.source;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.port.DatasetRepository;
import dev.sluice.application.port.FeedReader;
import dev.sluice.application.port.ObjectStore;
import dev.sluice.application.port.RunRepository;
import dev.sluice.application.port.SecretStore;
import dev.sluice.application.port.SourceRepository;
import dev.sluice.application.port.WebFetcher;
import dev.sluice.application.port.WebFetcher.FetchException;
import dev.sluice.application.upload.UploadKey;
import dev.sluice.domain.csv.CsvRecordReader;
import dev.sluice.domain.csv.Dialect;
import dev.sluice.domain.csv.FileProfile;
import dev.sluice.domain.csv.FileProfiler;
import dev.sluice.domain.csv.FileRejectedException;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import dev.sluice.domain.source.Checkpoint;
import dev.sluice.domain.source.Pagination;
import dev.sluice.domain.source.Pull;
import dev.sluice.domain.source.Source;
import dev.sluice.domain.validation.ChunkReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pull of a source, the story of it: bring the source's last pull up to date ({@link SourceCheckpoints#settle}),
 * hold the source (one pull at a time), fetch what is newer than the checkpoint, and when there is something new
 * (not a 304, not zero new records, not the same bytes as the last loaded pull) create the run and write the bytes
 * to {@code pulls/{sourceId}/{pullId}}; the ordinary split, load and publish path takes it from there. The
 * checkpoint is not moved here: it advances when the run's data is in ({@link SourceCheckpoints}).
 */
public final class PullSource {
    private static final Logger LOG = LoggerFactory.getLogger(PullSource.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Pattern LINK_NEXT = Pattern.compile("<([^>]+)>\\s*;[^,]*rel=\"?next\"?");
    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {
    };

    private final SourceRepository sources;
    private final RunRepository runs;
    private final ObjectStore objects;
    private final WebFetcher web;
    private final SecretStore secrets;
    private final ObjectMapper json;
    private final String bucket;
    private final Path scratch;
    private final long maxBytes;
    private final SourceCheckpoints checkpoints;
    private final Clock clock;
    private final FeedReader feeds;
    private final DatasetRepository datasets;

    /** What a pull answered: its id and the run loading it (null when there was nothing new or it failed). */
    public record Result(String pullId, String runId, Pull pull) {
    }

    /**
     * @param scratch  where fetched data is spooled before it is written (Lambda: /tmp)
     * @param maxBytes SOURCE_MAX_BYTES: the most bytes a gzip csv-url file read for its cursor may decompress to (the
     *                 fetcher caps the bytes it receives at the same limit)
     * @param datasets where a pull checks that its source's dataset still exists
     */
    public PullSource(SourceRepository sources, RunRepository runs, ObjectStore objects, WebFetcher web,
            SecretStore secrets, ObjectMapper json, String bucket, Path scratch, long maxBytes,
            SourceCheckpoints checkpoints, Clock clock, FeedReader feeds, DatasetRepository datasets) {
        this.feeds = feeds;
        this.datasets = datasets;
        this.sources = sources;
        this.runs = runs;
        this.objects = objects;
        this.web = web;
        this.secrets = secrets;
        this.json = json.copy().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        this.bucket = bucket;
        this.scratch = scratch;
        this.maxBytes = maxBytes;
        this.checkpoints = checkpoints;
        this.clock = clock;
    }

    /**
     * Pulls the source now. {@code trigger} is {@code manual} (run-now: pulls a disabled source too) or
     * {@code schedule} (a disabled source is skipped: empty).
     *
     * @throws InvalidRequestException 404 for a missing source, 409 while another pull of it is under way
     */
    public Optional<Result> pull(String sourceId, String trigger) {
        Source source = checkpoints.settle(sources.find(sourceId).orElseThrow(
                () -> ManageSources.notFound(sourceId)));
        if ("schedule".equals(trigger) && !source.enabled()) {
            return Optional.empty();
        }
        String pullId = STAMP.format(clock.instant()) + "-" + UUID.randomUUID().toString().substring(0, 8);
        if (datasets.find(source.datasetId()).isEmpty()) {
            return Optional.of(datasetGone(source, pullId, trigger));
        }
        if (!sources.claim(sourceId, pullId, null)) {
            throw new InvalidRequestException("PULL_IN_PROGRESS", 409, "Source '" + sourceId + "' is being pulled "
                    + "(pull " + source.activePull() + "); its next pull can start once that one has loaded.");
        }
        Pull pull = Pull.started(pullId, sourceId, source.checkpoint(), clock.instant(), trigger);
        sources.savePull(pull);
        try {
            Pull after = fetchAndWrite(source, pull);
            sources.savePull(after);
            if (!after.status().active()) {
                sources.release(sourceId, pullId);
            }
            return Optional.of(new Result(pullId, after.runId(), after));
        } catch (FetchException e) {
            return Optional.of(fail(pull, e.code() + ": " + e.getMessage()));
        } catch (IllegalArgumentException e) {
            return Optional.of(fail(pull, e.getMessage()));
        } catch (IOException | UncheckedIOException e) {
            LOG.error("pull {} of source {} failed", pullId, sourceId, e);
            return Optional.of(fail(pull, "the pulled data could not be stored (" + e.getClass().getSimpleName()
                    + "); the checkpoint was kept"));
        } catch (RuntimeException e) {
            fail(pull, "the pull failed (" + e.getClass().getSimpleName() + "); the checkpoint was kept");
            throw e;
        }
    }

    /**
     * A source left behind by its deleted dataset (deleted before deleting a dataset took its sources along, or in
     * the moment between): nothing is fetched, since a run could only load into a dataset that is gone. The pull
     * record says why; it never held the source.
     */
    private Result datasetGone(Source source, String pullId, String trigger) {
        String message = "dataset '" + source.datasetId() + "' of this source no longer exists (it was deleted); "
                + "nothing was fetched or loaded. Delete the source, or create it again in another dataset";
        Pull failed = Pull.started(pullId, source.id(), source.checkpoint(), clock.instant(), trigger)
                .failed(message, clock.instant());
        sources.savePull(failed);
        LOG.warn("{} pull {} of source {} skipped: dataset {} no longer exists", trigger, pullId, source.id(),
                source.datasetId());
        return new Result(pullId, null, failed);
    }

    private Result fail(Pull pull, String message) {
        Pull failed = pull.failed(message, clock.instant());
        sources.savePull(failed);
        sources.release(pull.sourceId(), pull.pullId());
        LOG.warn("pull {} of source {} failed: {}", pull.pullId(), pull.sourceId(), message);
        return new Result(pull.pullId(), null, failed);
    }

    /** What was fetched, ready to write: a local file, its hash, and the checkpoint it would advance to. */
    private record Fetched(Path file, long records, Checkpoint after) {
    }

    private Pull fetchAndWrite(Source source, Pull pull) throws IOException {
        Map<String, String> headers = headers(source);
        Path file = Files.createTempFile(scratch, "pull-", ".csv");
        try {
            Optional<Fetched> fetched = switch (source.kind()) {
                case CSV_URL -> csv(source, headers, file);
                case JSON_API -> records(source, headers, file, false);
                case FEED -> records(source, headers, file, true);
            };
            if (fetched.isEmpty()) {
                return pull.nothingNew(clock.instant(), 0);
            }
            long bytes = Files.size(file);
            String hash = fetched.get().after().contentHash();
            if (hash.equals(source.checkpoint().contentHash())) {
                return pull.nothingNew(clock.instant(), bytes);
            }
            String key = UploadKey.pulled(source.id(), pull.pullId());
            String runId = UploadKey.pulledRunId(key);
            runs.create(Run.created(runId, source.owner(), source.datasetId(), fileName(source, pull), bucket, key,
                    Run.RunSource.PULL, RunStatus.CREATED, bytes, Map.of(), clock.instant()));
            try (InputStream in = Files.newInputStream(file)) {
                objects.write(bucket, key, "text/csv", in);
            }
            return pull.loading(runId, fetched.get().after(), fetched.get().records() < 0 ? null
                    : fetched.get().records(), bytes);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static String fileName(Source source, Pull pull) {
        return source.kind().wireName() + "-" + pull.pullId() + ".csv";
    }

    private Map<String, String> headers(Source source) {
        if (source.secretRef() == null) {
            return Map.of();
        }
        String stored = secrets.get(source.secretRef()).orElseThrow(() -> new FetchException("SECRET_MISSING",
                "the secret holding this source's headers is gone; set the headers again"));
        try {
            return json.readValue(stored, HEADERS);
        } catch (IOException e) {
            throw new FetchException("SECRET_MISSING", "the secret holding this source's headers is unreadable; set "
                    + "the headers again");
        }
    }

    /** csv-url: the bytes as they are, unless the server says (304) or the hash shows that nothing changed. */
    private Optional<Fetched> csv(Source source, Map<String, String> headers, Path file) throws IOException {
        Map<String, String> request = new LinkedHashMap<>(headers);
        Checkpoint before = source.checkpoint();
        if (before.eTag() != null) {
            request.put("If-None-Match", before.eTag());
        }
        if (before.lastModified() != null) {
            request.put("If-Modified-Since", before.lastModified());
        }
        try (WebFetcher.Response response = web.get(URI.create(source.url()), request)) {
            if (response.status() == 304) {
                return Optional.empty();
            }
            requireOk(response);
            String eTag = response.header("etag").orElse(null);
            String lastModified = response.header("last-modified").orElse(null);
            if (source.cursorField() == null) {
                String hash = copy(response.body(), file);
                return Optional.of(new Fetched(file, -1, new Checkpoint(null, eTag, lastModified, hash)));
            }
            Path whole = Files.createTempFile(scratch, "pull-whole-", ".csv");
            try {
                copy(response.body(), whole);
                return newerRows(source, whole, file).map(rows -> new Fetched(file, rows.records(),
                        new Checkpoint(rows.after().cursor(), eTag, lastModified, rows.after().contentHash())));
            } finally {
                Files.deleteIfExists(whole);
            }
        }
    }

    /**
     * csv-url with a cursor field: the rows of the fetched file whose cursor is newer than the checkpoint, written to
     * {@code file} under the file's header. The file is read as an upload is (encoding, delimiter and header found
     * the same way, gzip decompressed), so the column the cursor field names is the one a mapping would see. A gzip
     * file that decompresses past {@code maxBytes} fails the pull with {@code TOO_LARGE} as soon as the count passes
     * it; the spool goes with the table, and no run is created.
     */
    private Optional<Fetched> newerRows(Source source, Path whole, Path file) throws IOException {
        FileProfile profile;
        try (InputStream in = CsvSourceFile.open(whole, maxBytes)) {
            byte[] prefix = in.readNBytes(FileProfiler.PROFILE_BYTES);
            boolean complete = in.read() < 0;
            profile = FileProfiler.profile(prefix, prefix.length, complete, null, DatasetKind.RAW);
        } catch (FileRejectedException e) {
            throw new IllegalArgumentException("the file could not be read to find cursorField '"
                    + source.cursorField() + "': " + e.getMessage());
        }
        Dialect dialect = profile.dialect();
        int cursorColumn = dialect.header().indexOf(source.cursorField());
        if (cursorColumn < 0) {
            throw new IllegalArgumentException("cursorField '" + source.cursorField() + "' is not a column of the "
                    + "file's header (" + String.join(", ", dialect.header()) + ")");
        }
        try (RecordTable table = RecordTable.forCsv(json, scratch, source.cursorField(),
                source.checkpoint().cursor(), dialect.header());
                InputStream in = CsvSourceFile.open(whole, maxBytes)) {
            in.skipNBytes(profile.dataStartByte());
            CsvRecordReader rows = new CsvRecordReader(CsvSourceFile.decoder(in, dialect.encoding()),
                    dialect.delimiter(), dialect.quote(), profile.dataStartLine(), ChunkReader.MAX_RECORD_CHARS);
            while (rows.next()) {
                List<String> cells = new ArrayList<>(rows.size());
                for (int i = 0; i < rows.size(); i++) {
                    cells.add(rows.get(i));
                }
                table.addCells(cells, cursorColumn < cells.size() ? cells.get(cursorColumn) : null);
            }
            if (table.uncursored() > 0) {
                LOG.warn("source {}: {} rows with an empty or unreadable {} were kept", source.id(),
                        table.uncursored(), source.cursorField());
            }
            if (table.records() == 0) {
                return Optional.empty();
            }
            return Optional.of(new Fetched(file, table.records(), new Checkpoint(table.maxCursor(), null, null,
                    writeCsv(table, file))));
        }
    }

    private static String writeCsv(RecordTable table, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            MessageDigest digest = sha256();
            table.writeCsv(new DigestOutputStream(out, digest));
            return HexFormat.of().formatHex(digest.digest());
        }
    }

    private Optional<Fetched> records(Source source, Map<String, String> headers, Path file, boolean feed)
            throws IOException {
        String checkpoint = source.checkpoint().cursor();
        try (RecordTable table = new RecordTable(json, scratch, source.cursorField(), checkpoint)) {
            if (feed) {
                try (WebFetcher.Response response = web.get(URI.create(source.url()), headers)) {
                    requireOk(response);
                    feeds.read(response.body(), table::add);
                }
            } else {
                pages(source, headers, checkpoint, table);
            }
            if (table.records() == 0) {
                return Optional.empty();
            }
            if (table.uncursored() > 0) {
                LOG.warn("source {}: {} records with an empty or unreadable {} were kept", source.id(),
                        table.uncursored(), source.cursorField());
            }
            return Optional.of(new Fetched(file, table.records(), new Checkpoint(table.maxCursor(), null, null,
                    writeCsv(table, file))));
        }
    }

    /** Every page of a json-api source, in order; a failure on any page fails the whole pull (nothing written). */
    private void pages(Source source, Map<String, String> headers, String checkpoint, RecordTable table)
            throws IOException {
        Pagination paging = source.pagination();
        URI first = URI.create(source.url());
        if (checkpoint != null && source.since() != null && !source.since().isBlank()) {
            first = withQuery(first, source.since().replace("{checkpoint}",
                    URLEncoder.encode(checkpoint, StandardCharsets.UTF_8)));
        }
        URI next = paging.type() == Pagination.Type.PAGE
                ? withQuery(first, paging.param() + "=" + paging.start()) : first;
        int page = paging.start();
        for (int requests = 0; next != null; requests++) {
            if (requests >= paging.maxPages()) {
                throw new FetchException("TOO_MANY_PAGES", "the API had more than " + paging.maxPages() + " pages "
                        + "(pagination.maxPages); nothing was loaded");
            }
            JsonNode body;
            String link;
            try (WebFetcher.Response response = web.get(next, headers)) {
                requireOk(response);
                try {
                    body = json.readTree(response.body());
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalArgumentException("page " + (requests + 1) + " of the API is not JSON (line "
                            + e.getLocation().getLineNr() + ")");
                }
                link = response.header("link").orElse(null);
            }
            JsonNode items = at(body, source.recordsPath());
            if (!items.isArray()) {
                throw new IllegalArgumentException("page " + (requests + 1) + ": recordsPath '"
                        + (source.recordsPath() == null ? "" : source.recordsPath()) + "' is not an array of records");
            }
            for (JsonNode item : items) {
                table.add(RecordTable.flatten(json, item));
            }
            next = switch (paging.type()) {
                case NONE -> null;
                case PAGE -> items.isEmpty() ? null : withQuery(first, paging.param() + "=" + (++page));
                case CURSOR -> {
                    JsonNode cursor = at(body, paging.nextPath());
                    yield cursor.isMissingNode() || cursor.isNull() || cursor.asText().isEmpty() || items.isEmpty()
                            ? null : withQuery(first, paging.param() + "="
                            + URLEncoder.encode(cursor.asText(), StandardCharsets.UTF_8));
                }
                case LINK -> nextLink(next, link);
            };
        }
    }

    private static URI nextLink(URI current, String link) {
        if (link == null) {
            return null;
        }
        Matcher m = LINK_NEXT.matcher(link);
        return m.find() ? current.resolve(m.group(1)) : null;
    }

    private static JsonNode at(JsonNode node, String path) {
        JsonNode at = node;
        if (path == null || path.isBlank()) {
            return at;
        }
        for (String step : path.split("\\.")) {
            at = at.path(step);
        }
        return at;
    }

    static URI withQuery(URI uri, String parameter) {
        String text = uri.toString();
        int hash = text.indexOf('#');
        if (hash >= 0) {
            text = text.substring(0, hash);
        }
        return URI.create(text + (uri.getRawQuery() == null ? "?" : "&") + parameter);
    }

    private static void requireOk(WebFetcher.Response response) {
        if (response.status() / 100 != 2) {
            throw new FetchException("HTTP_ERROR", "the source answered HTTP " + response.status()
                    + (response.status() == 401 || response.status() == 403 ? " (check the source's headers)" : "")
                    + "; nothing was loaded");
        }
    }

    private static String copy(InputStream in, Path file) throws IOException {
        MessageDigest digest = sha256();
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), digest)) {
            in.transferTo(out);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
