package dev.sluice.application.upload;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.domain.dataset.DatasetIds;
import dev.sluice.domain.mapping.CanonicalField;
import dev.sluice.domain.transform.ExpressionException;
import dev.sluice.domain.transform.Transforms;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * POST /api/uploads, validated on construction.
 *
 * @param datasetId the dataset to import into, or null for the owner's default dataset
 * @param mapping   canonical field name → header name; overrides the suggested mapping for those fields
 */
public record UploadRequest(String owner, String datasetId, String fileName, long contentLength, String contentType,
        Map<String, String> mapping, String sha256, boolean allowDuplicate) {
    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern BASE64_SHA256 = Pattern.compile("[A-Za-z0-9+/]{43}=");

    /** RFC 9110 token: the characters a media type's type, subtype and parameter names may use. */
    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
    /** RFC 9110 quoted-string, printable ASCII only. */
    private static final String QUOTED = "\"(?:[ !#-\\[\\]-~]|\\\\[ -~])*\"";
    /**
     * {@code type/subtype} with optional {@code ; name=value} parameters, nothing else: the value is signed into the
     * presigned URL and sent back as a header, so a CR or LF in it would forge headers.
     */
    private static final Pattern MEDIA_TYPE = Pattern.compile(TOKEN + "/" + TOKEN
            + "(?: *; *" + TOKEN + "=(?:" + TOKEN + "|" + QUOTED + "))*");
    private static final int MAX_CONTENT_TYPE = 255;
    private static final int MAX_FILE_NAME = 255;

    public UploadRequest {
        if (datasetId == null || datasetId.isBlank()) {
            datasetId = null;
        } else if (!DatasetIds.valid(datasetId)) {
            throw InvalidRequestException.badField("datasetId", "must be the id of one of your datasets (1-64 "
                    + "letters, digits, '_', '.' or '-', starting with a letter or digit), as POST /api/datasets "
                    + "returned it");
        }
        if (fileName == null || fileName.isBlank()) {
            throw InvalidRequestException.badField("fileName", "is required");
        }
        fileName = fileName.strip();
        if (fileName.codePointCount(0, fileName.length()) > MAX_FILE_NAME) {
            throw InvalidRequestException.badField("fileName", "is longer than " + MAX_FILE_NAME + " characters");
        }
        if (fileName.contains("/") || fileName.contains("\\") || fileName.equals(".") || fileName.equals("..")
                || !plainText(fileName)) {
            throw InvalidRequestException.badField("fileName", "must be a plain file name without '/', '\\', "
                    + "control characters or unpaired surrogates");
        }
        if (contentLength <= 0) {
            throw InvalidRequestException.badField("contentLength", "must be the file size in bytes (> 0)");
        }
        if (contentType == null || contentType.isBlank()) {
            contentType = "text/csv";
        } else if (contentType.length() > MAX_CONTENT_TYPE || !MEDIA_TYPE.matcher(contentType).matches()) {
            throw InvalidRequestException.badField("contentType", "must be a media type such as \"text/csv\" or "
                    + "\"text/csv; charset=utf-8\" (type/subtype and optional parameters, printable ASCII, at most "
                    + MAX_CONTENT_TYPE + " characters)");
        }
        Map<String, String> checked = new LinkedHashMap<>();
        if (mapping != null) {
            for (Map.Entry<String, String> entry : mapping.entrySet()) {
                if (entry.getKey().equals(Transforms.REQUESTED_KEY)) {
                    String transforms = checkedTransforms(entry.getValue());
                    if (!transforms.isEmpty()) {
                        checked.put(Transforms.REQUESTED_KEY, transforms);
                    }
                    continue;
                }
                CanonicalField field = CanonicalField.byFieldName(entry.getKey()).orElseThrow(() ->
                        InvalidRequestException.badField("mapping", "names unknown field '" + entry.getKey()
                                + "'; fields are date, campaign, channel, spend, clicks, conversions, impressions"));
                if (entry.getValue() == null || entry.getValue().isBlank()) {
                    throw InvalidRequestException.badField("mapping", "gives no header for '" + entry.getKey() + "'");
                }
                if (!plainText(entry.getValue().strip())) {
                    throw InvalidRequestException.badField("mapping", "gives a header for '" + entry.getKey()
                            + "' with control characters or unpaired surrogates; no header can hold them");
                }
                checked.put(field.fieldName(), entry.getValue().strip());
            }
        }
        mapping = Map.copyOf(checked);
        sha256 = sha256 == null ? null : normalizeSha256(sha256.strip());
    }

    /**
     * The transformations' text as the binder wrote it ({@link Transforms#encode()}), parsed to the last step, so a
     * broken expression is a 400 now rather than a row error on every record. Empty when there are none.
     */
    public static String checkedTransforms(String text) {
        Transforms transforms;
        try {
            transforms = Transforms.decode(text);
        } catch (IllegalArgumentException e) {
            throw InvalidRequestException.badField("mapping", "holds transformations that cannot be read");
        }
        try {
            transforms.checked();
        } catch (ExpressionException e) {
            throw invalidExpression(e);
        } catch (IllegalArgumentException e) {
            throw InvalidRequestException.badField("mapping", e.getMessage());
        }
        return transforms.isEmpty() ? "" : transforms.encode();
    }

    /** 400 INVALID_EXPRESSION, naming the expression, the problem and its position. */
    public static InvalidRequestException invalidExpression(ExpressionException e) {
        return new InvalidRequestException("INVALID_EXPRESSION", 400, "The mapping's " + e.getMessage());
    }

    /** A request without a checksum. */
    public UploadRequest(String owner, String datasetId, String fileName, long contentLength, String contentType,
            Map<String, String> mapping) {
        this(owner, datasetId, fileName, contentLength, contentType, mapping, null, false);
    }

    /** 64 lowercase hex digits, from 64 hex digits of either case or the 44-character base64 of the 32 bytes. */
    private static String normalizeSha256(String value) {
        if (HEX_SHA256.matcher(value).matches()) {
            return value.toLowerCase(Locale.ROOT);
        }
        if (BASE64_SHA256.matcher(value).matches()) {
            return HexFormat.of().formatHex(Base64.getDecoder().decode(value));
        }
        throw InvalidRequestException.badField("sha256", "must be the file's SHA-256 as 64 hex digits (or the "
                + "44-character base64 of its 32 bytes)");
    }

    /** The checksum as S3's x-amz-checksum-sha256 carries it: base64 of the 32 bytes. */
    public String sha256Base64() {
        return sha256 == null ? null : Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256));
    }

    /** No control characters (C0, DEL, C1) and no unpaired surrogate, which is no character at all. */
    private static boolean plainText(String text) {
        return text.codePoints().noneMatch(c -> Character.getType(c) == Character.CONTROL
                || Character.getType(c) == Character.SURROGATE);
    }
}
