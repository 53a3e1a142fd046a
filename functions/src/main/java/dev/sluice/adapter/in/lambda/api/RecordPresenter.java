package dev.sluice.adapter.in.lambda.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.application.port.RecordRepository.Page;
import dev.sluice.application.port.RecordRepository.StoredRecord;

/**
 * A page of {@code GET /api/runs/{id}/records}: {@code {items, nextCursor}}. An item is {@code {record, line}} and
 * either a marketing record's canonical fields and {@code extra}, or a raw record's {@code data}: its values by column
 * name, in the file's column order.
 */
public final class RecordPresenter {
    private final ObjectMapper json;

    public RecordPresenter(ObjectMapper json) {
        this.json = json;
    }

    public ObjectNode page(Page<StoredRecord> page) {
        ObjectNode response = json.createObjectNode();
        ArrayNode items = response.putArray("items");
        for (StoredRecord record : page.items()) {
            ObjectNode item = items.addObject();
            item.put("record", record.recordNo());
            item.put("line", record.lineNo());
            if (record.isRaw()) {
                ObjectNode data = item.putObject("data");
                record.data().forEach(data::put);
                continue;
            }
            item.put("date", record.date() == null ? null : record.date().toString());
            item.put("campaign", record.campaign());
            item.put("channel", record.channel());
            item.put("spend", record.spend());
            item.put("clicks", record.clicks());
            item.put("conversions", record.conversions());
            item.put("impressions", record.impressions());
            item.set("extra", extra(record.extraJson()));
        }
        response.put("nextCursor", page.nextCursor().map(Cursors::encode).orElse(null));
        return response;
    }

    private JsonNode extra(String text) {
        try {
            return json.readTree(text == null ? "{}" : text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored extra columns are not JSON", e);
        }
    }
}
