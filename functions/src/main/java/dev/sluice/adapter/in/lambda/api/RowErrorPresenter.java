package dev.sluice.adapter.in.lambda.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.application.port.RecordRepository.Page;
import dev.sluice.application.port.RecordRepository.StoredError;

/** A page of {@code GET /api/runs/{id}/errors}: {@code {items, nextCursor}}. */
public final class RowErrorPresenter {
    private final ObjectMapper json;

    public RowErrorPresenter(ObjectMapper json) {
        this.json = json;
    }

    public ObjectNode page(Page<StoredError> page) {
        ObjectNode response = json.createObjectNode();
        ArrayNode items = response.putArray("items");
        for (StoredError error : page.items()) {
            ObjectNode item = items.addObject();
            item.put("record", error.recordNo());
            item.put("line", error.lineNo());
            item.put("column", error.column());
            item.put("code", error.code());
            item.put("message", error.message());
            item.put("raw", error.rawExcerpt());
        }
        response.put("nextCursor", page.nextCursor().map(Cursors::encode).orElse(null));
        return response;
    }
}
