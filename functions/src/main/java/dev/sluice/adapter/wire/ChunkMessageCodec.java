package dev.sluice.adapter.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.csv.ColumnFormats;
import dev.sluice.domain.csv.DateOrder;
import dev.sluice.domain.csv.Dialect;
import dev.sluice.domain.csv.NumberStyle;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.mapping.CanonicalField;
import dev.sluice.domain.mapping.Mapping;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The JSON body of a chunk message on ChunkQueue (and, after redrive, on ChunkDLQ). */
public final class ChunkMessageCodec {
    private ChunkMessageCodec() {
    }

    public static String encode(ObjectMapper json, ChunkMessage chunk) {
        ObjectNode root = json.createObjectNode();
        root.put("runId", chunk.runId());
        root.put("datasetId", chunk.datasetId());
        root.put("chunkNo", chunk.chunkNo());
        root.put("bucket", chunk.bucket());
        root.put("key", chunk.key());
        root.put("startByte", chunk.startByte());
        root.put("endByte", chunk.endByte());
        root.put("firstRecord", chunk.firstRecord());
        root.put("recordCount", chunk.recordCount());
        root.put("firstLine", chunk.firstLine());
        ObjectNode dialect = root.putObject("dialect");
        dialect.put("encoding", chunk.dialect().encoding());
        dialect.put("bomLength", chunk.dialect().bomLength());
        dialect.put("delimiter", String.valueOf(chunk.dialect().delimiter()));
        dialect.put("quote", String.valueOf(chunk.dialect().quote()));
        chunk.dialect().header().forEach(dialect.putArray("header")::add);
        ObjectNode mapping = root.putObject("mapping");
        chunk.mapping().columns().forEach((field, header) -> mapping.put(field.fieldName(), header));
        // Absent without transformations: such a chunk's message is exactly what it was before they existed.
        if (!chunk.mapping().transforms().isEmpty()) {
            root.set("transforms", TransformsJson.write(json, chunk.mapping().transforms()));
        }
        root.put("numberStyle", chunk.numberStyle().name());
        if (!chunk.formats().equals(ColumnFormats.NONE)) {
            ObjectNode formats = root.putObject("formats");
            ObjectNode dates = formats.putObject("dates");
            chunk.formats().dateOrders().forEach((column, order) -> dates.put(column, order.name()));
            ObjectNode numbers = formats.putObject("numbers");
            chunk.formats().numberStyles().forEach((column, style) -> numbers.put(column, style.name()));
        }
        if (chunk.eTag() != null) {
            root.put("eTag", chunk.eTag());
        }
        if (chunk.versionId() != null) {
            root.put("versionId", chunk.versionId());
        }
        // Absent means marketing: a marketing chunk's message is exactly what it was before datasets had kinds.
        if (chunk.kind() != DatasetKind.MARKETING) {
            root.put("kind", chunk.kind().wireName());
        }
        try {
            return json.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode chunk message", e);
        }
    }

    /** Throws IllegalArgumentException (with what is wrong) for a body that is not a chunk message. */
    public static ChunkMessage decode(ObjectMapper json, String body) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("chunk message is not JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode dialectNode = required(root, "dialect");
        List<String> header = new ArrayList<>();
        required(dialectNode, "header").forEach(h -> header.add(h.asText()));
        Dialect dialect = new Dialect(text(dialectNode, "encoding"), required(dialectNode, "bomLength").asInt(),
                oneChar(dialectNode, "delimiter"), oneChar(dialectNode, "quote"), header);
        Map<CanonicalField, String> columns = new EnumMap<>(CanonicalField.class);
        required(root, "mapping").properties().forEach(entry -> CanonicalField.byFieldName(entry.getKey())
                .ifPresent(field -> columns.put(field, entry.getValue().asText())));
        return new ChunkMessage(text(root, "runId"), text(root, "datasetId"), required(root, "chunkNo").asInt(),
                text(root, "bucket"), text(root, "key"), required(root, "startByte").asLong(),
                required(root, "endByte").asLong(),
                required(root, "firstRecord").asLong(), required(root, "recordCount").asInt(),
                required(root, "firstLine").asLong(), dialect, new Mapping(columns,
                        TransformsJson.read(root.get("transforms"))),
                NumberStyle.valueOf(text(root, "numberStyle")), formats(root.get("formats")),
                optionalText(root, "eTag"), optionalText(root, "versionId"), kind(root));
    }

    /** A message from before datasets had kinds carries none: it is a marketing chunk. */
    private static DatasetKind kind(JsonNode root) {
        String name = optionalText(root, "kind");
        if (name == null) {
            return DatasetKind.MARKETING;
        }
        return DatasetKind.byWireName(name).orElseThrow(() -> new IllegalArgumentException(
                "chunk message's 'kind' must be marketing or raw, was \"" + name + "\""));
    }

    /** Absent in messages sent before per-column formats existed: those read every column in the file's style. */
    private static ColumnFormats formats(JsonNode node) {
        if (node == null || node.isNull()) {
            return ColumnFormats.NONE;
        }
        Map<String, DateOrder> dates = new java.util.HashMap<>();
        node.path("dates").properties().forEach(e -> dates.put(e.getKey(), DateOrder.valueOf(e.getValue().asText())));
        Map<String, NumberStyle> numbers = new java.util.HashMap<>();
        node.path("numbers").properties().forEach(e -> numbers.put(e.getKey(),
                NumberStyle.valueOf(e.getValue().asText())));
        return new ColumnFormats(dates, numbers);
    }

    private static String optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("chunk message has no '" + field + "'");
        }
        return value;
    }

    private static String text(JsonNode node, String field) {
        return required(node, field).asText();
    }

    /** The dialect's characters travel as one-character strings ({@code "\t"} for a tab). */
    private static char oneChar(JsonNode node, String field) {
        String value = text(node, field);
        if (value.length() != 1) {
            throw new IllegalArgumentException("chunk message's '" + field + "' must be one character, was \""
                    + value + "\"");
        }
        return value.charAt(0);
    }
}
