package dev.sluice.application.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.port.ExportReader;
import dev.sluice.application.port.RecordRepository.StoredError;
import dev.sluice.application.twins.InMemoryExportReader;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/** errors.csv and records.csv of runs imported by the real splitter and chunk reader over twins, in ms. */
class RunExportsTest {
    private static final Caller OWNER = new Caller(TwinPipeline.OWNER, false);
    private static final String HEADER = "Date,Campaign,Channel,Spend,Clicks,Note\r\n";
    /** Records 1..6 on lines 2, 3, 4 (two lines), 6, 8, 9 (7 is blank); records 2, 3, 5 and 6 are rejected. */
    private static final String FILE = HEADER
            + "2024-03-01,Spring,search,10.00,5,ok\r\n"
            + "2024-13-40,Spring,search,10.00,5,bad date\r\n"
            + "2024-03-03,,social,abc,5,\"two\r\nlines\"\r\n"
            + "2024-03-04,\"=HYPERLINK(\"\"x\"\")\",search,1,2,@note\r\n"
            + "\r\n"
            + "2024-03-05,Summer,search,1,2,x,extra\r\n"
            + "2024-03-06,-cmd|calc,search,xx,1,n\r\n";

    private final TwinPipeline pipeline = new TwinPipeline(2);
    private final InMemoryExportReader reader = new InMemoryExportReader(pipeline.records);

    private RunExports exports(long inlineLimit) {
        return new RunExports(pipeline.queries, pipeline.objects, reader, pipeline.clock, inlineLimit,
                Duration.ofMinutes(5));
    }

    @Test
    void errorsCsvHoldsTheRejectedRecordsAsTheyWereInTheFileWithWhatWasWrongInRecordOrder() throws IOException {
        Run run = pipeline.importFile("run-1", "spring.csv", bytes(FILE), Set.of());
        assertEquals(RunStatus.PARTIAL, run.status());

        RunExports.Download download = exports(RunExports.INLINE_LIMIT).errors(OWNER, "run-1");

        RunExports.Inline inline = assertInstanceOf(RunExports.Inline.class, download);
        assertEquals("spring-errors.csv", inline.fileName());
        assertEquals(RunExports.Source.FILE, inline.source());
        assertEquals("attachment; filename=\"spring-errors.csv\"; filename*=UTF-8''spring-errors.csv",
                inline.contentDisposition());
        assertTrue(inline.text().startsWith("\uFEFFDate,"), "a byte-order mark first");
        List<CSVRecord> rows = parse(inline.text());
        assertEquals(List.of("Date", "Campaign", "Channel", "Spend", "Clicks", "Note", "error_line", "error_column",
                "error_code", "error_message"), rows.get(0).toList());
        assertEquals(5, rows.size(), "the header and one row per rejected record");
        assertEquals(List.of("2024-13-40", "Spring", "search", "10.00", "5", "bad date", "3", "Date", "INVALID_DATE"),
                rows.get(1).toList().subList(0, 9));
        assertTrue(rows.get(1).get(9).startsWith("record 2 (line 3), column \"Date\": "), rows.get(1).get(9));
        // Two problems of one record: one row, joined in the order they were found; the quoted line break kept.
        assertEquals(List.of("2024-03-03", "", "social", "abc", "5", "two\r\nlines", "4", "Campaign | Spend",
                "REQUIRED | INVALID_NUMBER"), rows.get(2).toList().subList(0, 9));
        assertEquals(2, rows.get(2).get(9).split(" \\| ").length, rows.get(2).get(9));
        // One value too many: the header's columns, the error columns, then the extra value.
        assertEquals(List.of("2024-03-05", "Summer", "search", "1", "2", "x", "8", "", "FIELD_COUNT"),
                rows.get(3).toList().subList(0, 9));
        assertEquals("extra", rows.get(3).get(10));
        // The file's own text is neutralised; Sluice's numbers and messages are not.
        assertEquals(List.of("2024-03-06", "'-cmd|calc", "search", "xx", "1", "n", "9", "Spend", "INVALID_NUMBER"),
                rows.get(4).toList().subList(0, 9));
    }

    @Test
    void theRecordsOfADeadChunkAreRowsTooFoundByCountingOnFromTheChunksFirstLine() {
        pipeline.importFile("run-1", "spring.csv", bytes(FILE), Set.of(2));

        List<CSVRecord> rows = parse(inline(exports(RunExports.INLINE_LIMIT).errors(OWNER, "run-1")).text());

        assertEquals(List.of("3", "4", "6", "8", "9"), rows.stream().skip(1).map(r -> r.get(6)).toList());
        assertEquals(List.of("2024-03-03", "", "social", "abc", "5", "two\r\nlines", "4", "", "CHUNK_FAILED"),
                rows.get(2).toList().subList(0, 9));
        assertEquals(List.of("2024-03-04", "'=HYPERLINK(\"x\")", "search", "1", "2", "'@note", "6", "",
                "CHUNK_FAILED"), rows.get(3).toList().subList(0, 9), "no line stored: found by its record number");
    }

    @Test
    void aGzipUploadIsReadDecompressedAsTheSplitterReadIt() throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(bytes(FILE));
        }
        pipeline.importFile("run-1", "spring.csv.gz", gz.toByteArray(), Set.of());

        RunExports.Inline inline = inline(exports(RunExports.INLINE_LIMIT).errors(OWNER, "run-1"));

        assertEquals("spring-errors.csv", inline.fileName());
        assertEquals(RunExports.Source.FILE, inline.source());
        assertEquals(List.of("3", "4", "8", "9"), parse(inline.text()).stream().skip(1).map(r -> r.get(6)).toList());
    }

    @Test
    void withTheFileGoneRowsAreRebuiltFromTheStoredExcerptsAndTheDownloadSaysSo() {
        pipeline.importFile("run-1", "spring.csv", bytes(FILE), Set.of());
        pipeline.objects.delete(TwinPipeline.BUCKET, pipeline.key("run-1", "spring.csv"));

        RunExports.Inline inline = inline(exports(RunExports.INLINE_LIMIT).errors(OWNER, "run-1"));

        assertEquals(RunExports.Source.EXCERPTS, inline.source());
        assertEquals("spring-errors-from-excerpts.csv", inline.fileName());
        List<CSVRecord> rows = parse(inline.text());
        assertEquals(List.of("2024-13-40", "", "", "", "", "", "3", "Date", "INVALID_DATE"),
                rows.get(1).toList().subList(0, 9), "the offending value in its column");
        assertEquals(List.of("", "", "", "abc", "", "", "4", "Campaign | Spend"), rows.get(2).toList().subList(0, 8));
        assertEquals(List.of("2024-03-05", "Summer", "search", "1", "2", "x", "8"), rows.get(3).toList().subList(0, 7),
                "a record-level excerpt split at the delimiter");
    }

    @Test
    void anExportOverTheInlineLimitIsWrittenToAnObjectAndAnsweredWithAShortLivedLink() {
        pipeline.importFile("run-1", "spring.csv", bytes(FILE), Set.of());
        byte[] inline = inline(exports(RunExports.INLINE_LIMIT).errors(OWNER, "run-1")).csv();

        RunExports.Download download = exports(100).errors(OWNER, "run-1");

        RunExports.Redirect redirect = assertInstanceOf(RunExports.Redirect.class, download);
        String key = "exports/owner-1/run-1/errors-" + pipeline.clock.millis() + ".csv";
        assertEquals("https://uploads-bucket.s3.test/" + key + "?X-Amz-Expires=300", redirect.url().toString());
        assertEquals(pipeline.clock.instant().plus(Duration.ofMinutes(5)), redirect.expiresAt());
        assertArrayEquals(inline, pipeline.objects.bytes(TwinPipeline.BUCKET, key).orElseThrow());
        assertEquals(List.of("uploads-bucket/" + key + " " + ContentDisposition.attachment("spring-errors.csv")),
                pipeline.objects.presignedGets());
    }

    @Test
    void theInlineLimitCountsTheBytesAsTheJsonResponseEscapesThem() {
        pipeline.importFile("run-1", "spring.csv", bytes(FILE), Set.of());
        byte[] csv = inline(exports(RunExports.INLINE_LIMIT).errors(OWNER, "run-1")).csv();
        long escapes = new String(csv, StandardCharsets.UTF_8).chars().filter(c -> c == '"' || c == '\r'
                || c == '\n').count();

        assertInstanceOf(RunExports.Inline.class, exports(csv.length + escapes).errors(OWNER, "run-1"));
        assertInstanceOf(RunExports.Redirect.class, exports(csv.length + escapes - 1).errors(OWNER, "run-1"));
    }

    @Test
    void anExportThatFailsHalfWayLeavesNoObject() {
        pipeline.importFile("run-1", "spring.csv", bytes(FILE), Set.of());
        ExportReader failing = new ExportReader() {
            @Override
            public void errors(String runId, Consumer<StoredError> each) {
                reader.errors(runId, each);
                throw new IllegalStateException("the database connection was lost");
            }

            @Override
            public void records(String runId, List<String> extraColumns, Consumer<List<String>> each) {
                reader.records(runId, extraColumns, each);
            }

            @Override
            public List<String> rawColumns(String runId) {
                return List.of();
            }

            @Override
            public void rawRecords(String runId, List<String> columns, Consumer<List<String>> each) {
            }
        };
        RunExports exports = new RunExports(pipeline.queries, pipeline.objects, failing, pipeline.clock, 10,
                Duration.ofMinutes(5));

        assertThrows(IllegalStateException.class, () -> exports.errors(OWNER, "run-1"));

        assertEquals(List.of("exports/owner-1/run-1/errors-" + pipeline.clock.millis() + ".csv"),
                pipeline.objects.abortedWrites());
        assertTrue(pipeline.objects.keys().stream().noneMatch(k -> k.contains("exports/")), "nothing kept");
    }

    @Test
    void recordsCsvHasTheCanonicalFieldsThenTheUnmappedColumnsWithTheFilesTextNeutralised() {
        pipeline.importFile("run-1", "spring.csv", bytes(FILE), Set.of());

        RunExports.Inline inline = inline(exports(RunExports.INLINE_LIMIT).records(OWNER, "run-1"));

        assertEquals("spring-records.csv", inline.fileName());
        assertEquals(RunExports.Source.DATABASE, inline.source());
        List<CSVRecord> rows = parse(inline.text());
        assertEquals(List.of("date", "campaign", "channel", "spend", "clicks", "conversions", "impressions", "Note"),
                rows.get(0).toList());
        assertEquals(List.of("2024-03-01", "Spring", "search", "10.00", "5", "", "", "ok"), rows.get(1).toList());
        assertEquals(List.of("2024-03-04", "'=HYPERLINK(\"x\")", "search", "1", "2", "", "", "'@note"),
                rows.get(2).toList());
        assertEquals(3, rows.size());
    }

    @Test
    void rawRecordsAreExportedInTheHeadersOrder() {
        pipeline.importFile("run-1", "spring.csv", bytes(FILE), Set.of());
        reader.putRaw("run-1", List.of(Map.of("Note", "+x", "Date", "2024-03-01", "zz_other", "1")));

        List<CSVRecord> rows = parse(inline(exports(RunExports.INLINE_LIMIT).records(OWNER, "run-1")).text());

        assertEquals(List.of("Date", "Note", "zz_other"), rows.get(0).toList());
        assertEquals(List.of("2024-03-01", "'+x", "1"), rows.get(1).toList());
    }

    @Test
    void aRunNotFinishedIsAConflictAndSomeoneElsesRunIsNotFound() {
        pipeline.runs.create(Run.created("run-2", TwinPipeline.OWNER, "ds-1", "a.csv", TwinPipeline.BUCKET,
                pipeline.key("run-2", "a.csv"), Run.RunSource.UPLOAD, RunStatus.CREATED, 10, Map.of(),
                pipeline.clock.instant()));
        RunExports exports = exports(RunExports.INLINE_LIMIT);

        InvalidRequestException busy = assertThrows(InvalidRequestException.class,
                () -> exports.errors(OWNER, "run-2"));
        assertEquals("RUN_NOT_FINAL", busy.code());
        assertEquals(409, busy.httpStatus());
        assertTrue(busy.getMessage().contains("once it has finished"), busy.getMessage());
        InvalidRequestException hidden = assertThrows(InvalidRequestException.class,
                () -> exports.records(new Caller("someone-else", false), "run-2"));
        assertEquals(404, hidden.httpStatus());
        assertEquals("NOT_FOUND", hidden.code());
    }

    private static RunExports.Inline inline(RunExports.Download download) {
        return assertInstanceOf(RunExports.Inline.class, download);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<CSVRecord> parse(String csv) {
        String text = csv.startsWith("\uFEFF") ? csv.substring(1) : csv;
        try {
            return CSVFormat.RFC4180.parse(new StringReader(text)).getRecords();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
