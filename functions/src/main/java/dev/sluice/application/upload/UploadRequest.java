package dev.sluice.application.upload;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.domain.mapping.CanonicalField;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * POST /api/uploads, validated on construction.
 *
 * @param mapping canonical field name → header name; overrides the suggested mapping for those fields
 */
public record UploadRequest(String owner, String datasetId, String fileName, long contentLength, String contentType,
        Map<String, String> mapping) {
    private static final Pattern DATASET_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    public static final String DEFAULT_DATASET = "default";

    public UploadRequest {
        if (datasetId == null || datasetId.isBlank()) {
            datasetId = DEFAULT_DATASET;
        } else if (!DATASET_ID.matcher(datasetId).matches()) {
            throw InvalidRequestException.badField("datasetId",
                    "must be 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit");
        }
        if (fileName == null || fileName.isBlank()) {
            throw InvalidRequestException.badField("fileName", "is required");
        }
        fileName = fileName.strip();
        if (fileName.length() > 255) {
            throw InvalidRequestException.badField("fileName", "is longer than 255 characters");
        }
        if (fileName.contains("/") || fileName.contains("\\") || fileName.equals(".") || fileName.equals("..")
                || fileName.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw InvalidRequestException.badField("fileName", "must be a plain file name without '/', '\\' or "
                    + "control characters");
        }
        if (contentLength <= 0) {
            throw InvalidRequestException.badField("contentLength", "must be the file size in bytes (> 0)");
        }
        if (contentType == null || contentType.isBlank()) {
            contentType = "text/csv";
        }
        Map<String, String> checked = new LinkedHashMap<>();
        if (mapping != null) {
            for (Map.Entry<String, String> entry : mapping.entrySet()) {
                CanonicalField field = CanonicalField.byFieldName(entry.getKey()).orElseThrow(() ->
                        InvalidRequestException.badField("mapping", "names unknown field '" + entry.getKey()
                                + "'; fields are date, campaign, channel, spend, clicks, conversions, impressions"));
                if (entry.getValue() == null || entry.getValue().isBlank()) {
                    throw InvalidRequestException.badField("mapping", "gives no header for '" + entry.getKey() + "'");
                }
                checked.put(field.fieldName(), entry.getValue().strip());
            }
        }
        mapping = Map.copyOf(checked);
    }
}
