package dev.sluice.application.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.application.port.InMemoryPipelineMetrics;
import dev.sluice.application.port.RecordRepository.StoredRecord;
import dev.sluice.application.split.S3ObjectEvent;
import dev.sluice.application.split.SplitObject;
import dev.sluice.application.twins.InMemoryChunkSender;
import dev.sluice.application.twins.InMemoryObjectStore;
import dev.sluice.application.twins.InMemoryRecordRepository;
import dev.sluice.application.twins.InMemoryRunRepository;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/**
 * Property: for random CSV-like files (delimiter, quoting, line ends, blank lines, encoding and byte-order mark,
 * quoted delimiters, quotes and newlines, invalid dates) split and loaded with random chunk sizes and with every chunk
 * delivered twice in random order, the run ends final with stored + errors = records; the records are exactly those
 * commons-csv reads; every stored record has the values commons-csv reads; every record written invalid is a row
 * error. Seeded: a failure names its seed, and {@code -Dsluice.property.seed=N} repeats it.
 */
class SplitAndLoadPropertyTest {
    private static final int TRIES = Integer.getInteger("sluice.property.tries", 300);
    private static final String BUCKET = "bucket";
    private static final char[] DELIMITERS = {',', ';', '\t', '|'};
    private static final String[] LINE_ENDS = {"\n", "\r\n", "\r"};
    private static final String[] WORDS = {"Spring", "Sale", "EU", "été", "Müller", "販売", "Q1", "x", "2024", "ñ"};

    private final Clock clock = Clock.fixed(Instant.parse("2026-12-02T06:00:00Z"), ZoneOffset.UTC);

    /** One generated file: its text, how it is encoded, and what a correct load holds. */
    private record Generated(String text, Charset charset, byte[] bom, char delimiter, Set<Long> invalid) {
    }

    @Test
    void randomCsvLikeFilesLoadExactlyWhatAnIndependentParserReads() {
        long first = Long.getLong("sluice.property.seed", 20_261_202L);
        int tries = System.getProperty("sluice.property.seed") == null ? TRIES : 1;
        for (long seed = first; seed < first + tries; seed++) {
            long current = seed;
            try {
                check(new Random(seed));
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + current + " (repeat with -Dsluice.property.seed=" + current
                        + "): " + e.getMessage(), e);
            }
        }
    }

    private void check(Random random) {
        Generated file = generate(random);
        byte[] bytes = encode(file);
        InMemoryObjectStore objects = new InMemoryObjectStore(clock);
        InMemoryRunRepository runs = new InMemoryRunRepository(clock);
        InMemoryRecordRepository records = new InMemoryRecordRepository();
        InMemoryChunkSender chunks = new InMemoryChunkSender();
        InMemoryPipelineMetrics metrics = new InMemoryPipelineMetrics();
        String key = "uploads/owner-1/run-1/random.csv";
        runs.put(Run.created("run-1", "owner-1", "default", "random.csv", BUCKET, key, Run.RunSource.UPLOAD,
                RunStatus.CREATED, bytes.length, Map.of(), clock.instant()));
        objects.put(BUCKET, key, bytes, "etag-1");
        SplitObject splitter = new SplitObject(objects, runs, chunks, new SplitObject.SplitLimits(
                32 + random.nextInt(2048), 1 + random.nextInt(40), 10_000_000), metrics, clock);
        splitter.split(new S3ObjectEvent(BUCKET, key, bytes.length, "etag-1", "seq-1"), true);

        List<ChunkMessage> deliveries = new ArrayList<>(chunks.sent());
        deliveries.addAll(chunks.sent());
        Collections.shuffle(deliveries, random);
        LoadChunk loader = new LoadChunk(objects, runs, records, metrics);
        deliveries.forEach(loader::load);

        Run run = runs.get("run-1");
        List<CSVRecord> expected = parse(file);
        String what = describe(file, run);
        assertTrue(run.status() == RunStatus.SUCCEEDED || run.status() == RunStatus.PARTIAL, what);
        assertEquals(expected.size(), run.records(), "records: " + what);
        assertEquals(run.records(), run.stored() + run.errors(), "stored + errors = records: " + what);
        Map<Long, StoredRecord> stored = new TreeMap<>();
        records.records("run-1").forEach(r -> stored.put(r.recordNo(), r));
        assertEquals(run.stored(), stored.size(), what);
        Set<Long> rejected = new TreeSet<>();
        records.errors("run-1").forEach(e -> rejected.add(e.recordNo()));
        assertEquals(file.invalid(), rejected, "the records written invalid, and only they, are errors: " + what);
        for (int i = 0; i < expected.size(); i++) {
            long recordNo = i + 1;
            CSVRecord parsed = expected.get(i);
            if (file.invalid().contains(recordNo)) {
                continue;
            }
            StoredRecord record = stored.get(recordNo);
            assertTrue(record != null, "record " + recordNo + " stored: " + what);
            assertEquals(LocalDate.parse(parsed.get(0)), record.date(), "date of " + recordNo + ": " + what);
            assertEquals(parsed.get(1), record.campaign(), "campaign of " + recordNo + ": " + what);
            assertEquals(parsed.get(2), record.channel(), "channel of " + recordNo + ": " + what);
            assertEquals(Long.parseLong(parsed.get(3)), record.clicks(), "clicks of " + recordNo + ": " + what);
        }
    }

    private static Generated generate(Random random) {
        char delimiter = DELIMITERS[random.nextInt(DELIMITERS.length)];
        int encoding = random.nextInt(5);
        Charset charset = switch (encoding) {
            case 0, 1 -> StandardCharsets.UTF_8;
            case 2 -> StandardCharsets.UTF_16LE;
            case 3 -> StandardCharsets.UTF_16BE;
            default -> Charset.forName("windows-1252");
        };
        byte[] bom = switch (encoding) {
            case 1 -> new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
            case 2 -> new byte[] {(byte) 0xFF, (byte) 0xFE};
            case 3 -> new byte[] {(byte) 0xFE, (byte) 0xFF};
            default -> new byte[0];
        };
        boolean mixedEnds = random.nextInt(4) == 0;
        String fixedEnd = LINE_ENDS[random.nextInt(LINE_ENDS.length)];
        boolean quoteAll = random.nextInt(3) == 0;
        StringBuilder text = new StringBuilder();
        text.append(String.join(String.valueOf(delimiter), "Date", "Campaign", "Channel", "Clicks"));
        int count = random.nextInt(80);
        Set<Long> invalid = new TreeSet<>();
        for (int i = 1; i <= count; i++) {
            String end = mixedEnds ? LINE_ENDS[random.nextInt(LINE_ENDS.length)] : fixedEnd;
            text.append(end);
            if (random.nextInt(10) == 0) {
                // A blank line is not a record.
                text.append(end);
            }
            boolean bad = random.nextInt(8) == 0;
            if (bad) {
                invalid.add((long) i);
            }
            String date = bad ? "2024-02-30" : LocalDate.of(2024, 1, 1).plusDays(random.nextInt(365)).toString();
            List<String> fields = List.of(date, text(random, delimiter, charset), word(random, charset),
                    Integer.toString(random.nextInt(100_000)));
            List<String> written = new ArrayList<>();
            for (String field : fields) {
                written.add(quoteAll || needsQuotes(field, delimiter) ? quote(field) : field);
            }
            text.append(String.join(String.valueOf(delimiter), written));
        }
        if (random.nextBoolean()) {
            text.append(mixedEnds ? "\n" : fixedEnd);
        }
        return new Generated(text.toString(), charset, bom, delimiter, invalid);
    }

    /** A campaign: words, sometimes with the delimiter, a quote or a line break inside (never at either end). */
    private static String text(Random random, char delimiter, Charset charset) {
        StringBuilder value = new StringBuilder(word(random, charset));
        int parts = random.nextInt(4);
        for (int p = 0; p < parts; p++) {
            switch (random.nextInt(6)) {
                case 0 -> value.append(delimiter);
                case 1 -> value.append('"');
                case 2 -> value.append(random.nextBoolean() ? "\n" : "\r\n");
                default -> value.append(' ');
            }
            value.append(word(random, charset));
        }
        return value.toString();
    }

    private static String word(Random random, Charset charset) {
        String word;
        do {
            word = WORDS[random.nextInt(WORDS.length)];
        } while (!charset.newEncoder().canEncode(word));
        return word;
    }

    private static boolean needsQuotes(String field, char delimiter) {
        return field.indexOf(delimiter) >= 0 || field.indexOf('"') >= 0 || field.indexOf('\n') >= 0
                || field.indexOf('\r') >= 0;
    }

    private static String quote(String field) {
        return '"' + field.replace("\"", "\"\"") + '"';
    }

    private static byte[] encode(Generated file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(file.bom());
        out.writeBytes(file.text().getBytes(file.charset()));
        return out.toByteArray();
    }

    /** commons-csv, told the dialect: the data records after the header, blank lines skipped. */
    private static List<CSVRecord> parse(Generated file) {
        CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(file.delimiter()).setIgnoreEmptyLines(true)
                .setHeader().setSkipHeaderRecord(true).get();
        try (CSVParser parser = CSVParser.parse(new StringReader(file.text()), format)) {
            return parser.getRecords();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String describe(Generated file, Run run) {
        String text = file.text().length() > 300 ? file.text().substring(0, 300) + "..." : file.text();
        return "run " + run.status() + " records=" + run.records() + " stored=" + run.stored() + " errors="
                + run.errors() + " failure=" + run.failureCode() + " " + run.failureMessage() + "; "
                + file.charset() + " bom=" + file.bom().length + " delimiter=" + (int) file.delimiter() + "\n"
                + text.replace("\r", "\\r").replace("\n", "\\n\n");
    }
}
