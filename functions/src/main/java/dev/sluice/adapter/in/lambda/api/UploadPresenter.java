package dev.sluice.adapter.in.lambda.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.application.upload.CreateUpload;
import dev.sluice.domain.run.Run;

/** The answer to {@code POST /api/uploads}: the run and the PUT (or the parts' PUTs) that may upload its file. */
public final class UploadPresenter {
    private final ObjectMapper json;

    public UploadPresenter(ObjectMapper json) {
        this.json = json;
    }

    public ObjectNode created(CreateUpload.Created created) {
        ObjectNode response = json.createObjectNode();
        response.put("runId", created.run().runId());
        response.put("key", created.run().key());
        response.put("multipart", created.multipart() != null);
        response.put("method", "PUT");
        ObjectNode headers = response.putObject("headers");
        if (created.multipart() == null) {
            response.put("uploadUrl", created.upload().url().toString());
            created.upload().headers().forEach(headers::put);
            response.put("expiresAt", created.upload().expiresAt().toString());
            return response;
        }
        // One presigned URL per part (docs/uploads.md): the client PUTs each byte range and then calls complete.
        CreateUpload.Multipart multipart = created.multipart();
        response.put("uploadId", multipart.uploadId());
        response.put("partSize", multipart.partSize());
        response.put("partCount", multipart.parts().size());
        ArrayNode parts = response.putArray("parts");
        multipart.parts().forEach(p -> {
            ObjectNode part = parts.addObject();
            part.put("partNumber", p.partNumber());
            part.put("url", p.url().toString());
            part.put("size", p.size());
            part.putObject("headers");
        });
        response.put("expiresAt", multipart.expiresAt().toString());
        response.put("completeUrl", "/api/uploads/" + created.run().runId() + "/complete");
        response.put("abortUrl", "/api/uploads/" + created.run().runId() + "/abort");
        return response;
    }

    /** The answer to complete and abort: the run as it now stands. */
    public ObjectNode finished(Run run) {
        ObjectNode node = json.createObjectNode();
        node.put("runId", run.runId());
        node.put("status", run.status().name());
        node.put("key", run.key());
        return node;
    }
}
