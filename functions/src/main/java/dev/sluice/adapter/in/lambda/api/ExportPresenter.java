package dev.sluice.adapter.in.lambda.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.application.export.RunExports;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A download as HTTP: the CSV itself ({@code 200}, {@code text/csv; charset=utf-8}, {@code Content-Disposition:
 * attachment}) when it fits in one response, else {@code 303 See Other} to a presigned URL of the same CSV, with a
 * JSON body that repeats the URL for clients that do not follow redirects. {@code Sluice-Export-Source} says where
 * the rows came from: {@code database}, {@code file}, or {@code excerpts} (errors.csv of a run whose file is gone).
 */
public final class ExportPresenter {
    public static final String SOURCE_HEADER = "Sluice-Export-Source";

    private final ObjectMapper json;

    public ExportPresenter(ObjectMapper json) {
        this.json = json;
    }

    public ApiResponse download(RunExports.Download download) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(SOURCE_HEADER, download.source().name().toLowerCase(Locale.ROOT));
        return switch (download) {
            case RunExports.Inline inline -> {
                headers.put("Content-Type", RunExports.CONTENT_TYPE);
                headers.put("Content-Disposition", inline.contentDisposition());
                yield ApiResponse.text(200, inline.text(), headers);
            }
            case RunExports.Redirect redirect -> {
                headers.put("Location", redirect.url().toString());
                ObjectNode body = json.createObjectNode();
                body.put("url", redirect.url().toString());
                body.put("expiresAt", redirect.expiresAt().toString());
                body.put("fileName", redirect.fileName());
                yield new ApiResponse(303, body, headers);
            }
        };
    }
}
