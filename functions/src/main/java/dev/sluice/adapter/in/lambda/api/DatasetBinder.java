package dev.sluice.adapter.in.lambda.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.adapter.wire.TransformsJson;
import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.upload.UploadRequest;
import dev.sluice.domain.transform.ExpressionException;
import dev.sluice.domain.transform.Transforms;
import dev.sluice.application.dataset.DatasetChanges;
import dev.sluice.application.dataset.MappingInput;
import dev.sluice.application.dataset.NewDataset;
import dev.sluice.application.dataset.PublishInput;
import dev.sluice.domain.dataset.PublishStrategy;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.dataset.DatasetLimits;
import dev.sluice.domain.dataset.ReadingSettings;
import dev.sluice.domain.dataset.SavedMapping;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The bodies of POST and PATCH /api/datasets as commands: every wrong value is a 400 whose message names the field
 * ({@code settings.dateOrder}, {@code limits.maxColumns}) and says what it may be.
 */
public final class DatasetBinder {
    private static final Set<String> SETTINGS = Set.of("encoding", "delimiter", "headerRow", "dateOrder",
            "decimalStyle");
    private static final Set<String> LIMITS = Set.of("maxFileBytes", "maxColumns", "maxFieldBytes", "maxRecords");
    /** The fields of POST and PATCH /api/datasets (kind only to create: PATCH refuses another one by name). */
    private static final Set<String> FIELDS = Set.of("name", "kind", "mapping", "settings", "limits", "publish",
            "publishKey", "review");
    /** A header row beyond this is a mistake rather than a preamble: the profiler reads the first MiB only. */
    private static final int MAX_HEADER_ROW = 10_000;

    private final RequestBinder requests;

    public DatasetBinder(RequestBinder requests) {
        this.requests = requests;
    }

    public NewDataset newDataset(ApiRequest request) {
        JsonNode body = known(requests.jsonBody(request));
        return new NewDataset(RequestBinder.text(body, "name"), kind(body).orElse(null),
                present(body, "mapping") ? mapping(body.get("mapping")) : null,
                present(body, "settings") ? settings(body.get("settings")) : null,
                present(body, "limits") ? limits(body.get("limits")) : null, publish(body));
    }

    public DatasetChanges changes(ApiRequest request) {
        JsonNode body = known(requests.jsonBody(request));
        if (body.has("name") && !body.get("name").isTextual()) {
            throw InvalidRequestException.badField("name", "must be a string");
        }
        Optional<String> name = body.has("name") ? Optional.of(body.get("name").asText()) : Optional.empty();
        Optional<SavedMapping> mapping = !body.has("mapping") ? Optional.empty()
                : body.get("mapping").isNull() ? Optional.of(SavedMapping.NONE)
                : Optional.of(mapping(body.get("mapping")));
        Optional<ReadingSettings> settings = !body.has("settings") ? Optional.empty()
                : Optional.of(body.get("settings").isNull() ? ReadingSettings.AUTO : settings(body.get("settings")));
        Optional<DatasetLimits> limits = !body.has("limits") ? Optional.empty()
                : Optional.of(body.get("limits").isNull() ? DatasetLimits.GLOBAL : limits(body.get("limits")));
        return new DatasetChanges(name, kind(body), mapping, settings, limits, publish(body));
    }

    /** The body (a JSON object: {@link RequestBinder#jsonBody}), with no field these routes do not have. */
    private static JsonNode known(JsonNode body) {
        RequestBinder.refuseUnknownFields(body, FIELDS, "");
        return body;
    }

    /** {@code "publish": "append"|"upsert"|"replace"}, {@code "publishKey": [..]}, {@code "review": bool}. */
    static PublishInput publish(JsonNode body) {
        Optional<PublishStrategy> strategy = Optional.empty();
        if (present(body, "publish")) {
            JsonNode value = body.get("publish");
            strategy = Optional.of(PublishStrategy.byWireName(value.isTextual() ? value.asText() : "")
                    .orElseThrow(() -> new InvalidRequestException("INVALID_PUBLISH", 400, "publish must be "
                            + "\"append\" (every record becomes a row), \"upsert\" (by publishKey) or \"replace\" "
                            + "(the dataset becomes the run's data)")));
        }
        Optional<List<String>> key = Optional.empty();
        if (body.has("publishKey")) {
            JsonNode value = body.get("publishKey");
            if (value.isNull()) {
                key = Optional.of(List.of());
            } else {
                if (!value.isArray()) {
                    throw new InvalidRequestException("INVALID_PUBLISH", 400,
                            "publishKey must be a list of column names");
                }
                List<String> columns = new ArrayList<>();
                value.forEach(column -> {
                    if (!column.isTextual()) {
                        throw new InvalidRequestException("INVALID_PUBLISH", 400,
                                "publishKey must be a list of column names");
                    }
                    columns.add(column.asText());
                });
                key = Optional.of(columns);
            }
        }
        Optional<Boolean> review = Optional.empty();
        if (present(body, "review")) {
            if (!body.get("review").isBoolean()) {
                throw new InvalidRequestException("INVALID_PUBLISH", 400, "review must be true or false");
            }
            review = Optional.of(body.get("review").asBoolean());
        }
        return new PublishInput(strategy, key, review);
    }

    private static boolean present(JsonNode body, String field) {
        return body.has(field) && !body.get(field).isNull();
    }

    private static Optional<DatasetKind> kind(JsonNode body) {
        String kind = RequestBinder.text(body, "kind");
        if (kind == null) {
            return Optional.empty();
        }
        return Optional.of(DatasetKind.byWireName(kind).orElseThrow(() -> InvalidRequestException.badField("kind",
                "must be marketing (the canonical fields) or raw (any CSV, kept as it is)")));
    }

    /** {@code {field: header}}, or the form the API answers with: {@code {"columns": {...}, "header": [...]}}. */
    static SavedMapping mapping(JsonNode node) {
        if (!node.isObject()) {
            throw InvalidRequestException.badField("mapping", "must be an object like {\"spend\": \"Cost\"}");
        }
        JsonNode columns = node.has("columns") && node.get("columns").isObject() ? node.get("columns") : node;
        List<String> header = new ArrayList<>();
        if (columns != node && node.has("header")) {
            if (!node.get("header").isArray()) {
                throw InvalidRequestException.badField("mapping.header", "must be a list of header names");
            }
            node.get("header").forEach(h -> header.add(h.asText()));
        }
        // Entries may transform their column or be calculated (TransformsJson); the API's own answer carries the
        // transformations apart, under "transforms".
        TransformsJson.RequestMapping read = RequestBinder.requestMapping(columns);
        Transforms transforms = read.transforms();
        if (columns != node && node.has("transforms") && !node.get("transforms").isNull()) {
            try {
                transforms = TransformsJson.read(node.get("transforms"));
            } catch (IllegalArgumentException e) {
                throw InvalidRequestException.badField("mapping.transforms", e.getMessage());
            }
        }
        try {
            transforms.checked();
        } catch (ExpressionException e) {
            throw UploadRequest.invalidExpression(e);
        } catch (IllegalArgumentException e) {
            throw InvalidRequestException.badField("mapping", e.getMessage());
        }
        SavedMapping checked = MappingInput.checked("mapping", read.columns(), header);
        return new SavedMapping(checked.header(), checked.columns(), transforms);
    }

    /** Every setting may be left out (auto); the object replaces the dataset's settings as a whole. */
    public static ReadingSettings settings(JsonNode node) {
        if (!node.isObject()) {
            throw InvalidRequestException.badField("settings", "must be an object like {\"dateOrder\": \"dmy\"}");
        }
        node.fieldNames().forEachRemaining(name -> {
            if (!SETTINGS.contains(name)) {
                throw InvalidRequestException.badField("settings." + name, "is not a setting; the settings are "
                        + "encoding, delimiter, headerRow, dateOrder and decimalStyle");
            }
        });
        String encoding = settingText(node, "encoding");
        if (encoding != null && !encoding.equals(ReadingSettings.AUTO_TEXT) && !supported(encoding)) {
            throw InvalidRequestException.badField("settings.encoding", "must be auto or a character set such as "
                    + "UTF-8, UTF-16LE, UTF-16BE or windows-1252");
        }
        String delimiter = settingText(node, "delimiter");
        if (delimiter != null && !delimiter.equals(ReadingSettings.AUTO_TEXT)
                && (delimiter.length() != 1 || "\"\r\n".contains(delimiter))) {
            throw InvalidRequestException.badField("settings.delimiter", "must be auto or one character such as "
                    + "\",\", \";\", \"|\" or a tab (\"\\t\"), and not a quote or a line break");
        }
        int headerRow = 0;
        if (present(node, "headerRow")) {
            JsonNode row = node.get("headerRow");
            if (!row.canConvertToInt() || !row.isIntegralNumber() || row.asInt() < 0 || row.asInt() > MAX_HEADER_ROW) {
                throw InvalidRequestException.badField("settings.headerRow", "must be 0 (found by its shape) or the "
                        + "line number of the header, at most " + MAX_HEADER_ROW);
            }
            headerRow = row.asInt();
        }
        return new ReadingSettings(encoding, delimiter, headerRow,
                choice(node, "dateOrder", ReadingSettings.DateOrder.class, ReadingSettings.DateOrder.AUTO),
                choice(node, "decimalStyle", ReadingSettings.DecimalStyle.class, ReadingSettings.DecimalStyle.AUTO));
    }

    /** The object replaces the dataset's own limits as a whole; a limit left out is the global one. */
    static DatasetLimits limits(JsonNode node) {
        if (!node.isObject()) {
            throw InvalidRequestException.badField("limits", "must be an object like {\"maxColumns\": 50}");
        }
        node.fieldNames().forEachRemaining(name -> {
            if (!LIMITS.contains(name)) {
                throw InvalidRequestException.badField("limits." + name, "is not a limit; the limits are "
                        + "maxFileBytes, maxColumns, maxFieldBytes and maxRecords");
            }
        });
        Long columns = whole(node, "maxColumns");
        Long field = whole(node, "maxFieldBytes");
        return new DatasetLimits(whole(node, "maxFileBytes"), columns == null ? null : toInt(columns),
                field == null ? null : toInt(field), whole(node, "maxRecords"));
    }

    private static Long whole(JsonNode node, String name) {
        if (!present(node, name)) {
            return null;
        }
        JsonNode value = node.get(name);
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 1) {
            throw InvalidRequestException.badField("limits." + name, "must be a whole number of at least 1");
        }
        return value.asLong();
    }

    private static int toInt(long value) {
        // Beyond an int is beyond any global limit too; the use case names the global one.
        return (int) Math.min(value, Integer.MAX_VALUE);
    }

    private static String settingText(JsonNode node, String name) {
        if (!present(node, name)) {
            return null;
        }
        if (!node.get(name).isTextual()) {
            throw InvalidRequestException.badField("settings." + name, "must be a string");
        }
        return node.get(name).asText();
    }

    private static <E extends Enum<E>> E choice(JsonNode node, String name, Class<E> type, E auto) {
        String value = settingText(node, name);
        if (value == null) {
            return auto;
        }
        for (E option : type.getEnumConstants()) {
            if (option.name().toLowerCase(Locale.ROOT).equals(value)) {
                return option;
            }
        }
        List<String> options = new ArrayList<>();
        for (E option : type.getEnumConstants()) {
            options.add(option.name().toLowerCase(Locale.ROOT));
        }
        throw InvalidRequestException.badField("settings." + name, "must be one of " + String.join(", ", options));
    }

    private static boolean supported(String charset) {
        try {
            return Charset.isSupported(charset);
        } catch (IllegalCharsetNameException e) {
            return false;
        }
    }
}
