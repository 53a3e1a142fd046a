package dev.sluice.adapter.in.lambda.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.adapter.wire.TransformsJson;
import dev.sluice.application.dataset.EffectiveLimits;
import dev.sluice.application.port.DatasetRuns;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.DatasetLimits;
import dev.sluice.domain.dataset.ReadingSettings;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** A dataset as {@code GET /api/datasets/{id}} shows it; its limits are the effective ones. */
public final class DatasetPresenter {
    private final ObjectMapper json;
    private final DatasetLimits global;
    private final RunPresenter runs;

    /** @param global the global limits (MAX_FILE_BYTES, ...), which a dataset's own may only lower */
    public DatasetPresenter(ObjectMapper json, DatasetLimits global, RunPresenter runs) {
        this.json = json;
        this.global = global;
        this.runs = runs;
    }

    public ObjectNode list(List<Dataset> datasets) {
        ObjectNode response = json.createObjectNode();
        ArrayNode items = response.putArray("datasets");
        datasets.forEach(dataset -> items.add(dataset(dataset)));
        return response;
    }

    public ObjectNode dataset(Dataset dataset) {
        ObjectNode node = json.createObjectNode();
        node.put("id", dataset.id());
        node.put("name", dataset.name());
        node.put("kind", dataset.kind().wireName());
        node.put("owner", dataset.owner());
        node.put("default", dataset.isDefault());
        ObjectNode mapping = node.putObject("mapping");
        ObjectNode columns = mapping.putObject("columns");
        dataset.mapping().columns().forEach(columns::put);
        dataset.mapping().header().forEach(mapping.putArray("header")::add);
        if (!dataset.mapping().transforms().isEmpty()) {
            mapping.set("transforms", TransformsJson.write(json, dataset.mapping().transforms()));
        }
        ReadingSettings settings = dataset.settings();
        ObjectNode reading = node.putObject("settings");
        reading.put("encoding", settings.encoding());
        reading.put("delimiter", settings.delimiter());
        reading.put("headerRow", settings.headerRow());
        reading.put("dateOrder", settings.dateOrder().name().toLowerCase(Locale.ROOT));
        reading.put("decimalStyle", settings.decimalStyle().name().toLowerCase(Locale.ROOT));
        EffectiveLimits effective = EffectiveLimits.of(dataset.limits(), global);
        ObjectNode limits = node.putObject("limits");
        limits.put("maxFileBytes", effective.maxFileBytes());
        limits.put("maxColumns", effective.maxColumns());
        limits.put("maxFieldBytes", effective.maxFieldBytes());
        limits.put("maxRecords", effective.maxRecords());
        node.put("publish", dataset.publish().strategy().wireName());
        dataset.publish().key().forEach(node.putArray("publishKey")::add);
        node.put("review", dataset.publish().review());
        node.put("createdAt", dataset.createdAt().toString());
        node.put("updatedAt", dataset.updatedAt().toString());
        return node;
    }

    /** {@code {"runs": [...], "next": cursor|null}}, each run as {@code GET /api/runs/{id}} shows it. */
    public ObjectNode runs(DatasetRuns.RunPage page, Function<String, String> datasetKinds) {
        ObjectNode response = json.createObjectNode();
        ArrayNode items = response.putArray("runs");
        page.runs().forEach(run -> items.add(runs.run(run, datasetKinds)));
        response.put("next", page.next().orElse(null));
        return response;
    }
}
