package dev.sluice.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.adapter.in.lambda.api.RunPresenter;
import dev.sluice.application.split.ContentSniffer;
import dev.sluice.domain.chunk.ChunkPlanner;
import dev.sluice.domain.chunk.PlannedChunk;
import dev.sluice.domain.csv.FileProfile;
import dev.sluice.domain.csv.FileProfiler;
import dev.sluice.domain.csv.FileRejectedException;
import dev.sluice.domain.dataset.ReadingSettings;
import dev.sluice.domain.mapping.CanonicalField;
import dev.sluice.domain.mapping.Mapping;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.validation.ChunkOutcome;
import dev.sluice.domain.validation.ChunkReader;
import dev.sluice.domain.validation.RecordSink;
import dev.sluice.domain.validation.RowError;
import dev.sluice.domain.validation.ValidRecord;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every file in {@code samplecsv/} through profiler, planner and reader, in three chunkings (one record per
 * chunk, small chunks, one chunk), compared with its hand-written {@code .expected.json}.
 */
class SampleFilesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** targetChunkBytes, maxRecordsPerChunk, bytes per feed call. */
    private static final long[][] MODES = {{1, 1, 1}, {200, 5, 64}, {Long.MAX_VALUE, Integer.MAX_VALUE, 1 << 16}};

    record Outcome(String status, String failureCode, long records, long stored, long errors,
            Map<Long, ValidRecord> valid, Map<Long, List<RowError>> rejected, int chunks, JsonNode file) {
    }

    @TestFactory
    Stream<DynamicTest> everySampleFileMatchesItsExpectedOutcome() throws IOException {
        Path dir = samples();
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
        }
        assertTrue(files.size() >= 6, "sample files in " + dir.toAbsolutePath());
        return files.stream().flatMap(file -> Stream.of(MODES).map(mode -> DynamicTest.dynamicTest(
                file.getFileName() + " chunks of " + mode[0] + " bytes / " + mode[1] + " records",
                () -> check(file, mode))));
    }

    private static void check(Path file, long[] mode) throws IOException {
        String name = file.getFileName().toString();
        JsonNode expected = JSON.readTree(file.resolveSibling(name.replace(".csv", ".expected.json")).toFile());
        Outcome actual = run(Files.readAllBytes(file), mode, mapping(expected));

        assertEquals(expected.get("status").asText(), actual.status(), name + " status");
        assertEquals(expected.get("failureCode").isNull() ? null : expected.get("failureCode").asText(),
                actual.failureCode() == null ? null : actual.failureCode().split(":")[0], name + " failureCode");
        assertEquals(expected.get("records").asLong(), actual.records(), name + " records");
        assertEquals(expected.get("stored").asLong(), actual.stored(), name + " stored");
        assertEquals(expected.get("errors").asLong(), actual.errors(), name + " rejected records");

        Map<Long, String> expectedRejected = new TreeMap<>();
        for (JsonNode row : expected.get("rejected")) {
            List<String> codes = new ArrayList<>();
            row.get("codes").forEach(code -> codes.add(code.asText()));
            expectedRejected.put(row.get("record").asLong(), "line " + row.get("line").asLong() + " " + codes);
        }
        Map<Long, String> actualRejected = new TreeMap<>();
        actual.rejected().forEach((record, errors) -> actualRejected.put(record,
                "line " + errors.get(0).lineNo() + " " + errors.stream().map(RowError::code).toList()));
        assertEquals(expectedRejected, actualRejected, name + " rejected records: " + actual.rejected());

        for (JsonNode spot : expected.get("spot")) {
            long recordNo = spot.get("record").asLong();
            ValidRecord record = actual.valid().get(recordNo);
            assertNotNull(record, name + " record " + recordNo + " should be stored");
            String where = name + " record " + recordNo + " ";
            for (Map.Entry<String, JsonNode> field : spot.properties()) {
                JsonNode value = field.getValue();
                switch (field.getKey()) {
                    case "record" -> { }
                    case "line" -> assertEquals(value.asLong(), record.lineNo(), where + "line");
                    case "date" -> assertEquals(value.asText(), String.valueOf(record.date()), where + "date");
                    case "campaign" -> assertEquals(value.asText(), record.campaign(), where + "campaign");
                    case "channel" -> assertEquals(value.asText(), record.channel(), where + "channel");
                    case "spend" -> assertDecimal(value, record.spend(), where + "spend");
                    case "conversions" -> assertDecimal(value, record.conversions(), where + "conversions");
                    case "clicks" -> assertEquals(value.isNull() ? null : value.asLong(), record.clicks(),
                            where + "clicks");
                    case "impressions" -> assertEquals(value.isNull() ? null : value.asLong(),
                            record.impressions(), where + "impressions");
                    case "extra" -> value.properties().forEach(e -> assertEquals(e.getValue().asText(),
                            record.extra().get(e.getKey()), where + "extra " + e.getKey()));
                    default -> throw new AssertionError(where + "unknown spot field " + field.getKey());
                }
            }
        }
        if (expected.has("file")) {
            assertSubset(expected.get("file"), actual.file(), name + " file");
        }
        if (mode[0] == 200 && actual.records() > 10) {
            assertTrue(actual.chunks() > 1, name + " should be split into several chunks");
        }
    }

    private static void assertDecimal(JsonNode expected, BigDecimal actual, String what) {
        if (expected.isNull()) {
            assertEquals(null, actual, what);
        } else {
            assertNotNull(actual, what);
            assertEquals(0, new BigDecimal(expected.asText()).compareTo(actual),
                    what + ": expected " + expected.asText() + " but was " + actual);
        }
    }

    /**
     * Every value of {@code expected} is in {@code actual}: objects by key (others may be there too), arrays
     * element by element (each expected element matches some actual one), the rest by text.
     */
    static void assertSubset(JsonNode expected, JsonNode actual, String where) {
        assertNotNull(actual, where + " is missing");
        if (expected.isObject()) {
            expected.properties().forEach(e -> assertSubset(e.getValue(), actual.get(e.getKey()),
                    where + "." + e.getKey()));
        } else if (expected.isArray()) {
            for (JsonNode element : expected) {
                boolean found = false;
                for (JsonNode candidate : actual) {
                    try {
                        assertSubset(element, candidate, where);
                        found = true;
                        break;
                    } catch (AssertionError notThisOne) {
                        // try the next element
                    }
                }
                assertTrue(found, where + ": no element matches " + element + " in " + actual);
            }
        } else {
            assertEquals(expected.asText(), actual.asText(), where);
        }
    }

    private static Mapping mapping(JsonNode expected) {
        if (!expected.has("mapping")) {
            return null;
        }
        Map<CanonicalField, String> columns = new EnumMap<>(CanonicalField.class);
        expected.get("mapping").properties().forEach(e -> columns.put(
                CanonicalField.byFieldName(e.getKey()).orElseThrow(), e.getValue().asText()));
        return new Mapping(columns);
    }

    static Outcome run(byte[] bytes, long[] mode, Mapping mapping) {
        return run(bytes, mode, mapping, ReadingSettings.AUTO);
    }

    /** The file through sniffer, profiler (with the dataset's reading settings), planner and reader. */
    static Outcome run(byte[] bytes, long[] mode, Mapping mapping, ReadingSettings settings) {
        // The splitter sniffs the first KiB before it profiles: a file that is no text at all fails there.
        if (ContentSniffer.sniff(bytes, Math.min(bytes.length, ContentSniffer.SNIFF_BYTES)).refused()) {
            return new Outcome("FAILED", "NOT_CSV", 0, 0, 0, Map.of(), Map.of(), 0, null);
        }
        FileProfile profile;
        try {
            int prefix = Math.min(bytes.length, FileProfiler.PROFILE_BYTES);
            profile = FileProfiler.profile(bytes, prefix, prefix == bytes.length, mapping, settings);
        } catch (FileRejectedException e) {
            return new Outcome("FAILED", e.code() + ": " + e.getMessage(), 0, 0, 0, Map.of(), Map.of(), 0, null);
        }
        Map<String, String> mapped = new LinkedHashMap<>();
        profile.mapping().columns().forEach((field, header) -> mapped.put(field.fieldName(), header));
        char delimiter = profile.dialect().delimiter();
        ObjectNode file = JSON.createObjectNode();
        RunPresenter.putFile(file, new Run.FileFacts(profile.dialect().encoding(),
                delimiter == '\t' ? "\\t" : String.valueOf(delimiter), profile.numberStyle().name(), mapped,
                profile.dialect().header(), profile.decisions()));
        List<PlannedChunk> chunks = new ArrayList<>();
        ChunkPlanner planner = new ChunkPlanner(profile.dialect(), profile.dataStartByte(), profile.dataStartLine(),
                mode[0], (int) mode[1], chunks::add);
        int feed = (int) mode[2];
        for (int at = (int) profile.dataStartByte(); at < bytes.length; at += feed) {
            planner.feed(bytes, at, Math.min(feed, bytes.length - at));
        }
        long planned = planner.finish().records();

        Map<Long, ValidRecord> valid = new TreeMap<>();
        Map<Long, List<RowError>> rejected = new TreeMap<>();
        RecordSink sink = new RecordSink() {
            @Override
            public void accept(ValidRecord record) {
                valid.put(record.recordNo(), record);
            }

            @Override
            public void reject(long recordNo, long lineNo, List<RowError> errors) {
                rejected.put(recordNo, errors);
            }
        };
        long records = 0;
        for (PlannedChunk chunk : chunks) {
            ChunkOutcome outcome = ChunkReader.read(new ByteArrayInputStream(bytes, (int) chunk.startByte(),
                    (int) (chunk.endByte() - chunk.startByte())), chunk.toMessage("run", "default", "bucket", "key",
                    profile.dialect(), profile.mapping(), profile.numberStyle(), profile.formats(), null, null),
                    sink);
            records += outcome.records();
        }
        assertEquals(planned, records);
        assertEquals(records, valid.size() + rejected.size(), "every record stored or rejected exactly once");
        return new Outcome(rejected.isEmpty() ? "SUCCEEDED" : "PARTIAL", null, records, valid.size(),
                rejected.size(), valid, rejected, chunks.size(), file.get("file"));
    }

    private static Path samples() {
        for (String candidate : List.of("../samplecsv", "samplecsv")) {
            if (Files.isDirectory(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        throw new AssertionError("samplecsv/ not found from " + Path.of("").toAbsolutePath());
    }
}
