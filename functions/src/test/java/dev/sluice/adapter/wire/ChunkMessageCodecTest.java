package dev.sluice.adapter.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.csv.ColumnFormats;
import dev.sluice.domain.csv.DateOrder;
import dev.sluice.domain.csv.NumberStyle;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.mapping.CanonicalField;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChunkMessageCodecTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void decodesTheExampleChunkMessageAndEncodesItBackUnchanged() throws Exception {
        JsonNode event = json.readTree(Files.readString(Path.of("../events/sqs-chunk-message.json")));
        String body = event.path("Records").get(0).path("body").asText();
        ChunkMessage chunk = ChunkMessageCodec.decode(json, body);
        assertEquals(1, chunk.chunkNo());
        assertEquals(41230, chunk.recordCount());
        assertEquals(',', chunk.dialect().delimiter());
        assertEquals("Impr.", chunk.mapping().headerFor(CanonicalField.IMPRESSIONS).orElseThrow());
        assertEquals(NumberStyle.US, chunk.numberStyle());
        assertEquals("\"b1946ac92492d2347c6235b4d2611184\"", chunk.eTag(), "the object version it was planned on");
        assertEquals(null, chunk.versionId(), "the bucket is not versioned");
        assertEquals(json.readTree(body), json.readTree(ChunkMessageCodec.encode(json, chunk)));
    }

    @Test
    void theFingerprintChangesWithEveryFieldThatDecidesWhatIsLoaded() throws Exception {
        JsonNode event = json.readTree(Files.readString(Path.of("../events/sqs-chunk-message.json")));
        String body = event.path("Records").get(0).path("body").asText();
        ChunkMessage chunk = ChunkMessageCodec.decode(json, body);
        assertEquals(chunk.fingerprint(), ChunkMessageCodec.decode(json, ChunkMessageCodec.encode(json, chunk))
                .fingerprint(), "encoding and decoding keeps the fingerprint");
        for (String[] change : new String[][] {{"recordCount", "41229"}, {"endByte", "4194399"}, {"chunkNo", "2"},
                {"firstRecord", "2"}, {"eTag", "\"other\""}, {"key", "uploads/x.csv"}, {"datasetId", "other"}}) {
            ObjectNode forged = (ObjectNode) json.readTree(body);
            forged.put(change[0], change[1]);
            ChunkMessage other = ChunkMessageCodec.decode(json, json.writeValueAsString(forged));
            assertTrue(!chunk.fingerprint().equals(other.fingerprint()), "changing " + change[0]);
        }
    }

    @Test
    void aRawChunkCarriesItsKindAndAMessageWithoutOneIsMarketing() throws Exception {
        JsonNode event = json.readTree(Files.readString(Path.of("../events/sqs-chunk-message.json")));
        String body = event.path("Records").get(0).path("body").asText();
        ChunkMessage marketing = ChunkMessageCodec.decode(json, body);
        assertEquals(DatasetKind.MARKETING, marketing.kind(), "the example has no kind: it is a marketing chunk");
        ObjectNode rawBody = (ObjectNode) json.readTree(body);
        rawBody.put("kind", "raw");
        ChunkMessage raw = ChunkMessageCodec.decode(json, json.writeValueAsString(rawBody));
        assertEquals(DatasetKind.RAW, raw.kind());
        assertEquals("raw", json.readTree(ChunkMessageCodec.encode(json, raw)).path("kind").asText());
        assertEquals(raw, ChunkMessageCodec.decode(json, ChunkMessageCodec.encode(json, raw)));
        assertTrue(!raw.fingerprint().equals(marketing.fingerprint()), "the kind is part of the fingerprint");
        rawBody.put("kind", "marketing");
        assertEquals(marketing.fingerprint(), ChunkMessageCodec.decode(json, json.writeValueAsString(rawBody))
                .fingerprint(), "an explicit marketing kind is the same chunk as none");
        rawBody.put("kind", "typed");
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ChunkMessageCodec.decode(json, json.writeValueAsString(rawBody)));
        assertTrue(error.getMessage().contains("'kind' must be marketing or raw"), error.getMessage());
    }

    @Test
    void perColumnFormatsTravelInTheMessageAreOptionalAndCountInTheFingerprint() throws Exception {
        JsonNode event = json.readTree(Files.readString(Path.of("../events/sqs-chunk-message.json")));
        String body = event.path("Records").get(0).path("body").asText();
        ChunkMessage plain = ChunkMessageCodec.decode(json, body);
        assertEquals(ColumnFormats.NONE, plain.formats(), "a message without formats reads in the file's style");
        ColumnFormats formats = new ColumnFormats(Map.of("Day", DateOrder.DMY),
                Map.of("Cost", NumberStyle.EUROPEAN, "Clicks", NumberStyle.US));
        ChunkMessage withFormats = new ChunkMessage(plain.runId(), plain.datasetId(), plain.chunkNo(), plain.bucket(),
                plain.key(), plain.startByte(), plain.endByte(), plain.firstRecord(), plain.recordCount(),
                plain.firstLine(), plain.dialect(), plain.mapping(), plain.numberStyle(), formats, plain.eTag(),
                plain.versionId());
        String encoded = ChunkMessageCodec.encode(json, withFormats);
        assertEquals("{\"dates\":{\"Day\":\"DMY\"},\"numbers\":{\"Clicks\":\"US\",\"Cost\":\"EUROPEAN\"}}",
                json.readTree(encoded).get("formats").toString());
        ChunkMessage decoded = ChunkMessageCodec.decode(json, encoded);
        assertEquals(withFormats, decoded);
        assertEquals(withFormats.fingerprint(), decoded.fingerprint());
        assertTrue(!plain.fingerprint().equals(withFormats.fingerprint()), "formats decide what is loaded");
    }

    @Test
    void rejectsABodyThatIsNotAChunkMessage() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ChunkMessageCodec.decode(json, "{\"runId\":\"r\"}"));
        assertTrue(error.getMessage().contains("dialect"), error.getMessage());
    }

    @Test
    void theDelimiterTravelsAsAOneCharacterString() throws Exception {
        JsonNode event = json.readTree(Files.readString(Path.of("../events/sqs-chunk-message.json")));
        ObjectNode body = (ObjectNode) json.readTree(event.path("Records").get(0).path("body").asText());
        ((ObjectNode) body.get("dialect")).put("delimiter", "\t");
        ChunkMessage tab = ChunkMessageCodec.decode(json, json.writeValueAsString(body));
        assertEquals('\t', tab.dialect().delimiter());
        assertEquals("\t", json.readTree(ChunkMessageCodec.encode(json, tab)).path("dialect").path("delimiter")
                .asText(), "a real tab, not an escape sequence");
        for (String wrong : new String[] {"", ",;", "\\t"}) {
            ((ObjectNode) body.get("dialect")).put("delimiter", wrong);
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> ChunkMessageCodec.decode(json, json.writeValueAsString(body)));
            assertTrue(error.getMessage().contains("'delimiter' must be one character"), error.getMessage());
        }
    }
}
