package dev.sluice.adapter.in.lambda.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.application.upload.CreateUpload;

/** The answer to {@code POST /api/uploads}: the run and the one PUT that may upload its file. */
public final class UploadPresenter {
    private final ObjectMapper json;

    public UploadPresenter(ObjectMapper json) {
        this.json = json;
    }

    public ObjectNode created(CreateUpload.Created created) {
        ObjectNode response = json.createObjectNode();
        response.put("runId", created.run().runId());
        response.put("uploadUrl", created.upload().url().toString());
        response.put("method", "PUT");
        ObjectNode headers = response.putObject("headers");
        created.upload().headers().forEach(headers::put);
        response.put("expiresAt", created.upload().expiresAt().toString());
        response.put("key", created.run().key());
        return response;
    }
}
