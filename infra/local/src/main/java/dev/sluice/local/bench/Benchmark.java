package dev.sluice.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.application.split.ObjectScan;
import dev.sluice.domain.chunk.PlanSummary;
import dev.sluice.local.LocalOptions;
import dev.sluice.local.LocalSluice;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.postgresql.PGConnection;

/**
 * {@code bench}: in one run, on one embedded PostgreSQL and one table shape, measures raw COPY (the ceiling),
 * Sluice end to end (the median of several imports, with the CPU time the JVM, its loaders and PostgreSQL spent),
 * row-by-row INSERTs (what Sluice replaces) and the splitter's scan against a plain read.
 */
public final class Benchmark {
    private static final Set<String> FINAL = Set.of("SUCCEEDED", "PARTIAL", "FAILED", "DUPLICATE", "CANCELLED");
    private static final long SEED = 20261122L;
    private static final long MAX_WARM_UP_RECORDS = 1_000_000;
    private static final int MAX_WARM_UPS = 4;
    private static final double SETTLED_JIT_SHARE = 0.25;
    private static final String SERIAL_GC = "Serial";

    /** What to measure; {@code runs} is how many times the end-to-end import is measured. */
    public record Options(long records, int runs, int rowByRowRows, Map<String, String> parameters,
            Integer maxConcurrency, boolean json) {
    }

    private final Options options;
    private final PrintStream out;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public Benchmark(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public ObjectNode run() throws Exception {
        Path work = Files.createTempDirectory("sluice-bench");
        try {
            return run(work);
        } finally {
            deleteTree(work);
        }
    }

    private ObjectNode run(Path work) throws Exception {
        say("generating %,d records ...", options.records());
        BenchmarkFile.Written file = BenchmarkFile.write(work.resolve("bench.csv"), work.resolve("bench-copy.csv"),
                options.records(), SEED);
        say("  %s: %,d bytes, %,d invalid records", file.csv().getFileName(), file.bytes(), file.invalidRecords());

        // The bench times one single PUT of its file, whatever its size, and uploads the same bytes once per run.
        Map<String, String> parameters = new java.util.HashMap<>(Map.of("MultipartThresholdBytes", "5368709120"));
        parameters.putAll(options.parameters());
        LocalOptions.Builder local = LocalOptions.builder().port(0).dataDir(work.resolve("data"))
                .parameters(parameters);
        if (options.maxConcurrency() != null) {
            local.maxConcurrency(options.maxConcurrency());
        }
        ObjectNode result = json.createObjectNode();
        try (LocalSluice sluice = LocalSluice.start(local.build())) {
            result.put("records", file.records());
            result.put("invalidRecords", file.invalidRecords());
            result.put("fileBytes", file.bytes());
            result.set("machine", machine());
            CpuMeter cpu;
            try (Connection connection = connect(sluice)) {
                cpu = CpuMeter.of(sluice, connection);
            }
            ObjectNode warmUp = warmUp(sluice, work, cpu);
            result.set("warmUp", warmUp);
            result.put("warmUpRecords", warmUp.get("records").asLong());
            List<ObjectNode> copies = new ArrayList<>();
            List<MeasuredRun> runs = measuredRuns(sluice, file, cpu, copies);
            MeasuredRun median = MeasuredRun.median(runs);
            result.set("endToEnd", median.endToEnd());
            result.set("endToEndRuns", runsJson(runs));
            result.put("recordsTableMb", median.endToEnd().get("tablesMb").asLong());
            ObjectNode copy = median.ceiling().deepCopy();
            ArrayNode attempts = copy.putArray("attemptsSeconds");
            copies.forEach(attempt -> attempts.add(attempt.get("seconds").asDouble()));
            result.set("rawCopy", copy);
            result.set("rowByRow", rowByRow(sluice, file));
            ObjectNode scan = scan(sluice, median.endToEnd().path("bucket").asText(),
                    median.endToEnd().path("key").asText(), file);
            result.set("splitterScan", scan.get("splitter"));
            result.set("plainRead", scan.get("plainRead"));
            result.put("endToEndOverCopy", round(median.overCopy(), 3));
            ArrayNode ratios = result.putArray("endToEndOverCopyRuns");
            runs.forEach(run -> ratios.add(round(run.overCopy(), 3)));
            result.put("splitterOverPlainRead", round(scan.path("splitter").path("mbPerSecond").asDouble()
                    / scan.path("plainRead").path("mbPerSecond").asDouble(), 3));
            result.put("firstProgressMillis", median.endToEnd().path("firstProgressMillis").asLong());
            say("progress over the WebSocket (3 subscribers) ...");
            result.set("webSocket", new WebSocketBench(sluice).measure(file.csv(), file.bytes(), options.runs(), 3));
            result.put("peakHeapMb", runs.stream().mapToLong(MeasuredRun::peakUsedBytes).max().orElseThrow() >> 20);
            result.put("peakLiveHeapMb", runs.stream().mapToLong(MeasuredRun::peakLiveBytes).max().orElseThrow() >> 20);
            result.set("cpuSeconds", cpuJson(median.cpu()));
            ObjectNode targets = result.putObject("targets");
            targets.put("endToEndOverCopyAtLeast0_6", result.get("endToEndOverCopy").asDouble() >= 0.6);
            targets.put("splitterOverPlainReadAtLeast0_5", result.get("splitterOverPlainRead").asDouble() >= 0.5);
            targets.put("firstProgressWithin1s", result.get("firstProgressMillis").asLong() <= 1000);
            targets.put("everyRecordAccountedFor", runs.stream().allMatch(MeasuredRun::accountedFor));
            targets.put("firstWebSocketProgressWithin300ms",
                    result.at("/webSocket/firstMessageAfterUploadMillis").asLong() <= 300);
        }
        report(result);
        return result;
    }

    /**
     * A Lambda that has served a few chunks is JIT-compiled. This JVM also runs the emulators (S3, SQS, DynamoDB, the
     * gateway): thousands of methods whose compilation kept both cores busy for most of a first 1M-record import, so
     * imports are repeated until the compiler's time falls below {@value #SETTLED_JIT_SHARE} of an import's wall
     * time, at most {@value #MAX_WARM_UPS} times. The compiler's time is then reported for each measured run too.
     */
    private ObjectNode warmUp(LocalSluice sluice, Path work, CpuMeter cpu) throws Exception {
        long records = Math.min(options.records(), MAX_WARM_UP_RECORDS);
        BenchmarkFile.Written warmUp = BenchmarkFile.write(work.resolve("warm-up.csv"),
                work.resolve("warm-up-copy.csv"), records, SEED + 1);
        ObjectNode node = json.createObjectNode();
        node.put("records", records);
        ArrayNode jitShares = node.putArray("jitShare");
        for (int round = 1; round <= MAX_WARM_UPS; round++) {
            settle(sluice);
            CpuMeter.Sample before = cpu.sample();
            endToEnd(sluice, warmUp, "warm-up-" + round + ".csv");
            CpuMeter.Usage usage = cpu.between(before, cpu.sample());
            if (usage.jitSeconds().isEmpty()) {
                break;
            }
            double jitShare = usage.jitSeconds().getAsDouble() / usage.wallSeconds();
            jitShares.add(round(jitShare, 3));
            say("  JIT compiling %.0f %% of the import's wall time", jitShare * 100);
            if (jitShare < SETTLED_JIT_SHARE) {
                break;
            }
        }
        node.put("imports", Math.max(1, jitShares.size()));
        return node;
    }

    /**
     * One end-to-end import on a 2-core host varies by about 10 %, and so does the host itself over minutes: each
     * import is measured against the faster of the raw COPYs run just before and just after it, and the runs are
     * ranked by that ratio. Each run loads into emptied tables: all do the same work, none pays for the index the
     * one before it grew.
     *
     * @param copies receives every raw COPY, in the order they ran
     */
    private List<MeasuredRun> measuredRuns(LocalSluice sluice, BenchmarkFile.Written file, CpuMeter cpu,
            List<ObjectNode> copies) throws Exception {
        settle(sluice);
        copies.add(rawCopy(sluice, file, cpu));
        List<MeasuredRun> runs = new ArrayList<>();
        for (int run = 1; run <= options.runs(); run++) {
            settle(sluice);
            System.gc();
            try (HeapMonitor heap = new HeapMonitor()) {
                CpuMeter.Sample before = cpu.sample();
                ObjectNode endToEnd = endToEnd(sluice, file, "bench-" + run + ".csv");
                CpuMeter.Usage usage = cpu.between(before, cpu.sample());
                long peakUsed = heap.peakUsedBytes();
                long peakLive = heap.peakLiveBytes();
                endToEnd.put("tablesMb", tableMegabytes(sluice));
                settle(sluice);
                copies.add(rawCopy(sluice, file, cpu));
                ObjectNode ceiling = fasterCopy(copies.get(copies.size() - 2), copies.getLast());
                runs.add(new MeasuredRun(endToEnd, ceiling, usage, peakUsed, peakLive));
            }
        }
        return runs;
    }

    /**
     * Puts PostgreSQL in the same state before every measured phase: the tables a run loads are emptied (the bench
     * owns its data directory) and a checkpoint writes out what the previous phase left dirty. Otherwise a phase pays
     * for the one before it: the checkpointer and autovacuum working through a million fresh rows took a third off
     * a raw COPY started right after an import.
     */
    private static void settle(LocalSluice sluice) throws SQLException {
        try (Connection connection = connect(sluice); Statement statement = connection.createStatement()) {
            statement.execute("TRUNCATE records, row_errors, chunk_ledger");
        }
        Optional<DataSource> superuser = sluice.postgresSuperuser();
        if (superuser.isPresent()) {
            try (Connection connection = superuser.get().getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("CHECKPOINT");
            }
        }
    }

    /** The ceiling: the valid records, already in the table's shape, COPY'd by one client. */
    private ObjectNode rawCopy(LocalSluice sluice, BenchmarkFile.Written file, CpuMeter cpu) throws Exception {
        say("raw COPY ...");
        try (Connection connection = connect(sluice); Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS bench_copy");
            statement.execute("CREATE TABLE bench_copy (LIKE records INCLUDING ALL)");
            CpuMeter.Sample before = cpu.sample();
            long started = System.nanoTime();
            long rows;
            try (Reader reader = Files.newBufferedReader(file.copyCsv(), StandardCharsets.UTF_8)) {
                rows = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(
                        "COPY bench_copy (" + BenchmarkFile.COPY_COLUMNS + ") FROM STDIN (FORMAT csv)", reader, 1 << 16);
            }
            double seconds = seconds(started);
            CpuMeter.Usage usage = cpu.between(before, cpu.sample());
            statement.execute("DROP TABLE bench_copy");
            ObjectNode node = json.createObjectNode();
            node.put("rows", rows);
            node.put("seconds", round(seconds, 3));
            node.put("recordsPerSecond", Math.round(rows / seconds));
            usage.postgresSeconds().ifPresent(cpuSeconds -> node.put("postgresCpuSeconds", round(cpuSeconds, 3)));
            return node;
        }
    }

    /** A slow COPY, caught by a checkpoint or a busy core, would flatter the ratio: of two, the faster counts. */
    private static ObjectNode fasterCopy(ObjectNode first, ObjectNode second) {
        return first.get("seconds").asDouble() <= second.get("seconds").asDouble() ? first : second;
    }

    /** Each run's own figures, in the order they ran: the spread shows how much one run can be trusted. */
    private ArrayNode runsJson(List<MeasuredRun> runs) {
        List<String> fields = List.of("seconds", "recordsPerSecond", "firstProgressMillis", "status", "accountedFor");
        ArrayNode array = json.createArrayNode();
        for (MeasuredRun run : runs) {
            ObjectNode node = array.addObject();
            for (String field : fields) {
                node.set(field, run.endToEnd().get(field));
            }
            node.put("rawCopySeconds", run.ceiling().get("seconds").asDouble());
            node.put("overCopy", round(run.overCopy(), 3));
            node.set("cpuSeconds", cpuJson(run.cpu()));
        }
        return array;
    }

    private ObjectNode cpuJson(CpuMeter.Usage usage) {
        ObjectNode node = json.createObjectNode();
        node.put("jvm", round(usage.jvmSeconds(), 3));
        usage.postgresSeconds().ifPresent(seconds -> node.put("postgres", round(seconds, 3)));
        usage.loaderThreadSeconds().ifPresent(seconds -> node.put("loaderThreads", round(seconds, 3)));
        usage.jitSeconds().ifPresent(seconds -> node.put("jit", round(seconds, 3)));
        node.put("wall", round(usage.wallSeconds(), 3));
        node.put("cores", usage.cores());
        return node;
    }

    /** The whole path, driven through the HTTP API like a browser: create upload, PUT, follow the run. */
    private ObjectNode endToEnd(LocalSluice sluice, BenchmarkFile.Written file, String fileName) throws Exception {
        say("Sluice end to end (%s) ...", fileName);
        URI api = sluice.baseUrl().resolve("/api/");
        ObjectNode request = json.createObjectNode();
        request.put("fileName", fileName);
        request.put("contentLength", file.bytes());
        request.put("datasetId", "bench");
        request.put("allowDuplicate", true);
        // As the first configured user (admin@example.com unless --user replaced the users).
        String bearer = "Bearer " + sluice.identity().tokenFor(sluice.identity().userEmails().getFirst());
        JsonNode upload = send(HttpRequest.newBuilder(api.resolve("uploads"))
                .header("Content-Type", "application/json").header("Authorization", bearer)
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(request))).build(), 201);
        String runId = upload.get("runId").asText();
        HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(upload.get("uploadUrl").asText()))
                .PUT(HttpRequest.BodyPublishers.ofFile(file.csv()));
        upload.get("headers").properties().forEach(h -> put.header(h.getKey(), h.getValue().asText()));
        long started = System.nanoTime();
        HttpResponse<String> putResponse = http.send(put.build(), HttpResponse.BodyHandlers.ofString());
        if (putResponse.statusCode() >= 300) {
            throw new IllegalStateException("PUT to the presigned URL answered " + putResponse.statusCode() + ": "
                    + putResponse.body());
        }
        long uploaded = System.nanoTime();
        URI runUri = api.resolve("runs/" + runId);
        long firstProgress = -1;
        JsonNode run;
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (true) {
            run = send(HttpRequest.newBuilder(runUri).header("Authorization", bearer).GET().build(), 200);
            if (firstProgress < 0 && (run.path("records").asLong() > 0 || FINAL.contains(run.path("status").asText()))) {
                firstProgress = System.nanoTime();
            }
            if (FINAL.contains(run.path("status").asText())) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("run " + runId + " did not finish within 30 minutes: " + run);
            }
            Thread.sleep(firstProgress < 0 ? 10 : 100);
        }
        long finished = System.nanoTime();
        double seconds = (finished - started) / 1e9;
        long records = run.path("records").asLong();
        long stored = run.path("stored").asLong();
        long errors = run.path("errors").asLong();
        ObjectNode node = json.createObjectNode();
        node.put("runId", runId);
        node.put("status", run.path("status").asText());
        node.put("seconds", round(seconds, 3));
        node.put("uploadSeconds", round((uploaded - started) / 1e9, 3));
        node.put("afterUploadSeconds", round((finished - uploaded) / 1e9, 3));
        node.put("recordsPerSecond", Math.round(records / seconds));
        node.put("firstProgressMillis", (firstProgress - uploaded) / 1_000_000);
        node.put("stored", stored);
        node.put("errors", errors);
        node.put("chunks", run.path("chunksTotal").asInt());
        node.put("accountedFor", records == file.records() && stored + errors == records
                && errors == file.invalidRecords());
        node.put("bucket", sluice.bucketName("UploadBucket"));
        node.put("key", upload.path("key").asText());
        return node;
    }

    /** Records, their index and the row errors on disk after the run: the storage the cost page prices. */
    private static long tableMegabytes(LocalSluice sluice) throws Exception {
        try (Connection connection = connect(sluice);
                Statement statement = connection.createStatement();
                java.sql.ResultSet rows = statement.executeQuery("SELECT pg_total_relation_size('records') + "
                        + "pg_total_relation_size('row_errors') + pg_total_relation_size('chunk_ledger')")) {
            rows.next();
            return rows.getLong(1) >> 20;
        }
    }

    /** What Sluice replaces: one INSERT per row, autocommit, on a slice of the file. */
    private ObjectNode rowByRow(LocalSluice sluice, BenchmarkFile.Written file) throws Exception {
        int limit = (int) Math.min(options.rowByRowRows(), file.validRecords());
        say("row by row (%,d rows) ...", limit);
        try (Connection connection = connect(sluice);
                Statement statement = connection.createStatement();
                Reader reader = Files.newBufferedReader(file.copyCsv(), StandardCharsets.UTF_8)) {
            statement.execute("DROP TABLE IF EXISTS bench_rows");
            statement.execute("CREATE TABLE bench_rows (LIKE records INCLUDING ALL)");
            connection.setAutoCommit(true);
            int rows = 0;
            long started = System.nanoTime();
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO bench_rows ("
                    + BenchmarkFile.COPY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?::numeric, ?, ?::numeric, ?, ?::jsonb)")) {
                for (CSVRecord record : CSVFormat.DEFAULT.parse(reader)) {
                    if (rows == limit) {
                        break;
                    }
                    insert.setString(1, record.get(0));
                    insert.setLong(2, Long.parseLong(record.get(1)));
                    insert.setLong(3, Long.parseLong(record.get(2)));
                    insert.setString(4, record.get(3));
                    insert.setObject(5, LocalDate.parse(record.get(4)));
                    insert.setString(6, record.get(5));
                    insert.setString(7, record.get(6));
                    insert.setString(8, record.get(7));
                    insert.setLong(9, Long.parseLong(record.get(8)));
                    insert.setString(10, record.get(9));
                    insert.setLong(11, Long.parseLong(record.get(10)));
                    insert.setString(12, record.get(11));
                    insert.executeUpdate();
                    rows++;
                }
            }
            double seconds = seconds(started);
            statement.execute("DROP TABLE bench_rows");
            ObjectNode node = json.createObjectNode();
            node.put("rows", rows);
            node.put("seconds", round(seconds, 3));
            node.put("rowsPerSecond", Math.round(rows / seconds));
            return node;
        }
    }

    /** The splitter's pass (profile + chunk planning) against a plain read of the same object from local S3. */
    private ObjectNode scan(LocalSluice sluice, String bucket, String key, BenchmarkFile.Written file) throws Exception {
        say("splitter scan vs plain read ...");
        double plainBest = 0;
        double splitterBest = 0;
        long chunks = 0;
        for (int round = 0; round < 3; round++) {
            long started = System.nanoTime();
            long bytes = 0;
            byte[] buffer = new byte[1 << 16];
            try (InputStream in = sluice.s3Client().getObject(b -> b.bucket(bucket).key(key))) {
                int read;
                while ((read = in.read(buffer)) > 0) {
                    bytes += read;
                }
            }
            plainBest = Math.max(plainBest, bytes / 1e6 / seconds(started));

            started = System.nanoTime();
            try (InputStream in = sluice.s3Client().getObject(b -> b.bucket(bucket).key(key))) {
                long targetChunkBytes = Long.parseLong(options.parameters().getOrDefault("ChunkBytes", "4194304"));
                PlanSummary summary = ObjectScan.scan(in, null, targetChunkBytes, 50_000, profile -> chunk -> { });
                if (summary.records() != file.records()) {
                    throw new IllegalStateException("planner counted " + summary.records() + " records, the file has "
                            + file.records());
                }
                chunks = summary.chunks();
            }
            splitterBest = Math.max(splitterBest, file.bytes() / 1e6 / seconds(started));
        }
        ObjectNode node = json.createObjectNode();
        node.putObject("plainRead").put("mbPerSecond", round(plainBest, 1));
        node.putObject("splitter").put("mbPerSecond", round(splitterBest, 1)).put("chunks", chunks);
        return node;
    }

    private static Connection connect(LocalSluice sluice) throws SQLException {
        return DriverManager.getConnection(sluice.jdbcUrl(), sluice.dbUser(), sluice.dbPassword());
    }

    private JsonNode send(HttpRequest request, int expectedStatus) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expectedStatus) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " answered "
                    + response.statusCode() + ": " + response.body());
        }
        return json.readTree(response.body());
    }

    private ObjectNode machine() {
        ObjectNode machine = json.createObjectNode();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("maxHeapMb", Runtime.getRuntime().maxMemory() >> 20);
        machine.put("java", System.getProperty("java.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        String gc = garbageCollector();
        machine.put("gc", gc);
        if (!gc.equals(SERIAL_GC)) {
            say("note: this JVM runs the %s collector; Lambda functions below ~1.8 GB run the serial one, so "
                    + "java -XX:+UseSerialGC -jar ... bench measures them as they run there", gc);
        }
        return machine;
    }

    /** The collector's name as the JVM reports it, e.g. "Serial" or "G1". */
    private static String garbageCollector() {
        String young = ManagementFactory.getGarbageCollectorMXBeans().getFirst().getName();
        return young.equals("Copy") ? SERIAL_GC : young.replace(" Young Generation", "").replace(" Scavenge", "");
    }

    private void report(ObjectNode result) throws IOException {
        JsonNode copy = result.get("rawCopy");
        JsonNode e2e = result.get("endToEnd");
        JsonNode rows = result.get("rowByRow");
        out.println();
        JsonNode machine = result.get("machine");
        out.printf("Sluice benchmark: %,d records (%,d bytes, %,d invalid) on %d cores, Java %s, %s GC%n",
                result.get("records").asLong(), result.get("fileBytes").asLong(), result.get("invalidRecords").asLong(),
                machine.get("cores").asInt(), machine.get("java").asText(), machine.get("gc").asText());
        out.printf("  %-28s %12s %10s%n", "phase", "records/s", "seconds");
        out.printf("  %-28s %,12d %10.2f%n", "raw COPY (ceiling)", copy.get("recordsPerSecond").asLong(),
                copy.get("seconds").asDouble());
        out.printf("  %-28s %,12d %10.2f  (upload %.2f s, %d chunks, %s)%n", "Sluice end to end (median)",
                e2e.get("recordsPerSecond").asLong(), e2e.get("seconds").asDouble(), e2e.get("uploadSeconds").asDouble(),
                e2e.get("chunks").asInt(), e2e.get("status").asText());
        out.printf("  %-28s %,12d %10.2f  (%,d rows)%n", "row by row INSERT", rows.get("rowsPerSecond").asLong(),
                rows.get("seconds").asDouble(), rows.get("rows").asLong());
        out.printf("  splitter scan %.1f MB/s vs plain read %.1f MB/s%n",
                result.get("splitterScan").get("mbPerSecond").asDouble(),
                result.get("plainRead").get("mbPerSecond").asDouble());
        out.printf("  end-to-end / raw COPY = %.3f   splitter / plain read = %.3f%n",
                result.get("endToEndOverCopy").asDouble(), result.get("splitterOverPlainRead").asDouble());
        out.printf("  end-to-end / raw COPY per run: %s (median %.3f)%n", perRun(result.get("endToEndOverCopyRuns")),
                result.get("endToEndOverCopy").asDouble());
        out.printf("  %s%n", cpuLine(result.get("cpuSeconds")));
        out.printf("  first progress %d ms after upload; peak heap %d MB (live after GC %d MB)%n",
                result.get("firstProgressMillis").asLong(), result.get("peakHeapMb").asLong(),
                result.get("peakLiveHeapMb").asLong());
        JsonNode ws = result.get("webSocket");
        out.printf("  WebSocket, %d subscribers: first message %d ms after upload (with records: %d ms); "
                + "change-to-message lag median %.1f ms, p95 %.1f ms (%,d messages)%n", ws.get("subscribers").asInt(),
                ws.get("firstMessageAfterUploadMillis").asLong(),
                ws.get("firstRecordsMessageAfterUploadMillis").asLong(),
                ws.get("lagMedianMillis").asDouble(), ws.get("lagP95Millis").asDouble(), ws.get("messages").asLong());
        out.printf("  every record accounted for, in every run: %s%n",
                result.get("targets").get("everyRecordAccountedFor").asBoolean());
        if (options.json()) {
            out.println(json.writeValueAsString(result));
        }
    }

    private static String perRun(JsonNode ratios) {
        List<String> formatted = new ArrayList<>();
        ratios.forEach(ratio -> formatted.add(String.format("%.3f", ratio.asDouble())));
        return String.join(" ", formatted);
    }

    private static String cpuLine(JsonNode cpu) {
        StringBuilder line = new StringBuilder(
                String.format("CPU during end to end: JVM %.1f s", cpu.get("jvm").asDouble()));
        if (cpu.has("loaderThreads")) {
            line.append(String.format(" (loaders %.1f s)", cpu.get("loaderThreads").asDouble()));
        }
        if (cpu.has("jit")) {
            line.append(String.format(" (JIT %.1f s)", cpu.get("jit").asDouble()));
        }
        if (cpu.has("postgres")) {
            line.append(String.format(", PostgreSQL %.1f s", cpu.get("postgres").asDouble()));
        }
        return line.append(String.format(", over %.1f s wall on %d cores", cpu.get("wall").asDouble(),
                cpu.get("cores").asInt())).toString();
    }

    private void say(String format, Object... args) {
        System.err.printf(format + "%n", args);
    }

    private static double seconds(long startedNanos) {
        return Math.max(1e-9, (System.nanoTime() - startedNanos) / 1e9);
    }

    private static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
