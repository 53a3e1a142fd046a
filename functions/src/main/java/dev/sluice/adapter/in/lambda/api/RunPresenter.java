package dev.sluice.adapter.in.lambda.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.adapter.wire.TransformsJson;
import dev.sluice.application.upload.UploadKey;
import dev.sluice.domain.csv.ReadingDecisions;
import dev.sluice.application.reconcile.RecoverRuns;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import dev.sluice.domain.run.Stall;
import dev.sluice.domain.transform.Transforms;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/** A run as {@code GET /api/runs/{id}} shows it (and each item of {@code GET /api/runs}). */
public final class RunPresenter {
    private final ObjectMapper json;
    private final Clock clock;
    private final Duration chunkVisibilityTimeout;

    /** @param chunkVisibilityTimeout ChunkQueue's visibility timeout, which says when a stalled chunk comes back */
    public RunPresenter(ObjectMapper json, Clock clock, Duration chunkVisibilityTimeout) {
        this.json = json;
        this.clock = clock;
        this.chunkVisibilityTimeout = chunkVisibilityTimeout;
    }

    public ObjectNode list(List<Run> runs) {
        ObjectNode response = json.createObjectNode();
        ArrayNode items = response.putArray("items");
        runs.forEach(run -> items.add(run(run)));
        return response;
    }

    /** @param datasetKinds the kind ({@code marketing|raw}) of the dataset with this id */
    public ObjectNode list(List<Run> runs, Function<String, String> datasetKinds) {
        ObjectNode response = json.createObjectNode();
        ArrayNode items = response.putArray("items");
        runs.forEach(run -> items.add(run(run, datasetKinds)));
        return response;
    }

    /** The run with {@code datasetKind}, its dataset's kind. */
    public ObjectNode run(Run run, Function<String, String> datasetKinds) {
        ObjectNode node = run(run);
        node.put("datasetKind", datasetKinds.apply(run.datasetId()));
        return node;
    }

    /** A resume or redrive: the run as it now is, and how many chunk messages were sent again. */
    public ObjectNode recovery(RecoverRuns.Recovery recovery) {
        ObjectNode node = run(recovery.run());
        node.put("chunksSent", recovery.chunksSent());
        return node;
    }

    public ObjectNode run(Run run) {
        ObjectNode node = json.createObjectNode();
        node.put("runId", run.runId());
        node.put("status", run.status().name());
        node.put("final", run.status().isFinal());
        Optional<Stall> stall = run.stall(clock.instant(), chunkVisibilityTimeout);
        node.put("stalled", stall.isPresent());
        node.put("stalledReason", stall.map(s -> s.reason().name()).orElse(null));
        node.put("waitingForRedeliveryUntil", stall.flatMap(Stall::redeliveryBy).map(Instant::toString).orElse(null));
        node.put("datasetId", run.datasetId());
        node.put("fileName", run.fileName());
        node.put("source", run.source().name().toLowerCase(Locale.ROOT));
        if (run.source() == Run.RunSource.PULL
                && UploadKey.parse(run.key()).orElse(null) instanceof UploadKey.Pulled pulled) {
            node.put("sourceId", pulled.sourceId());
            node.put("pullId", pulled.pullId());
        }
        node.put("owner", run.owner());
        node.put("contentLength", run.contentLength());
        node.put("createdAt", text(run.createdAt()));
        node.put("updatedAt", text(run.updatedAt()));
        node.put("finishedAt", text(run.finishedAt()));
        node.put("records", run.records());
        node.put("stored", run.stored());
        node.put("errors", run.errors());
        if (run.status() == RunStatus.CANCELLED) {
            // A cancelled run's records that no chunk counted: stored + errors + notRead = records.
            node.put("notRead", Math.max(0, run.records() - run.stored() - run.errors()));
        }
        node.put("recordsTotalKnown", run.chunksTotal() != null);
        if (run.chunksTotal() == null) {
            node.putNull("chunksTotal");
        } else {
            node.put("chunksTotal", run.chunksTotal());
        }
        node.put("chunksPlanned", run.chunksPlanned());
        node.put("chunksDone", run.chunksDone());
        node.put("chunksDead", run.chunksDead());
        node.put("bytesTotal", run.bytesExpected());
        node.put("bytesDone", run.bytesDone());
        ArrayNode dead = node.putArray("deadChunks");
        for (Run.DeadChunk chunk : run.deadChunks()) {
            ObjectNode item = dead.addObject();
            item.put("chunkNo", chunk.chunkNo());
            item.put("firstRecord", chunk.firstRecord());
            item.put("lastRecord", chunk.firstRecord() + chunk.recordCount() - 1);
            item.put("recordCount", chunk.recordCount());
            item.put("reason", chunk.reason());
        }
        putFile(node, run.fileFacts());
        if (!run.requestedMapping().isEmpty()) {
            ObjectNode requested = node.putObject("requestedMapping");
            run.requestedMapping().forEach((field, header) -> {
                if (!field.equals(Transforms.REQUESTED_KEY)) {
                    requested.put(field, header);
                }
            });
            String transforms = run.requestedMapping().get(Transforms.REQUESTED_KEY);
            if (transforms != null) {
                node.set("requestedTransforms", TransformsJson.write(json, Transforms.decode(transforms)));
            }
        }
        node.put("duplicateOf", run.upload().duplicateOf());
        putRerun(node, run.rerun());
        node.put("sha256", run.upload().sha256());
        if (run.failureCode() != null) {
            ObjectNode failure = node.putObject("failure");
            failure.put("code", run.failureCode());
            failure.put("message", run.failureMessage());
        } else {
            node.putNull("failure");
        }
        PublicationPresenter.put(node, run);
        return node;
    }

    /** {@code rerunOf} always (null for a first import); {@code rerunSettings} only when a re-run was given some. */
    private static void putRerun(ObjectNode node, Run.Rerun rerun) {
        node.put("rerunOf", rerun.of());
        if (rerun.settings() != null) {
            ObjectNode settings = node.putObject("rerunSettings");
            settings.put("encoding", rerun.settings().encoding());
            settings.put("delimiter", rerun.settings().delimiter());
            settings.put("headerRow", rerun.settings().headerRow());
            settings.put("dateOrder", rerun.settings().dateOrder().name().toLowerCase(Locale.ROOT));
            settings.put("decimalStyle", rerun.settings().decimalStyle().name().toLowerCase(Locale.ROOT));
        }
    }

    /** The run's {@code file}: what the splitter learned and decided; public for the sample-file specs. */
    public static void putFile(ObjectNode node, Run.FileFacts facts) {
        if (facts == null) {
            node.putNull("file");
            return;
        }
        ObjectNode file = node.putObject("file");
        file.put("encoding", facts.encoding());
        // The run item stores a tab as the two characters \t; clients get the delimiter itself.
        file.put("delimiter", facts.delimiter().equals("\\t") ? "\t" : facts.delimiter());
        file.put("numberStyle", facts.numberStyle());
        facts.header().forEach(file.putArray("header")::add);
        ObjectNode mapping = file.putObject("mapping");
        facts.mapping().forEach(mapping::put);
        file.put("mappingSource", facts.mappingSource());
        putDecisions(file, facts.decisions());
    }

    /** How the file was read (README, "How a file is read"); null for runs profiled before decisions were kept. */
    private static void putDecisions(ObjectNode file, ReadingDecisions decisions) {
        if (decisions == null) {
            file.putNull("decisions");
            return;
        }
        ObjectNode node = file.putObject("decisions");
        node.put("encoding", decisions.encodingFrom());
        node.put("delimiter", decisions.delimiterFrom());
        node.put("headerLine", decisions.headerLine());
        node.put("sepLine", decisions.sepLine());
        ObjectNode preamble = node.putObject("preamble");
        preamble.put("records", decisions.preambleRecords());
        decisions.preamble().forEach(preamble.putArray("text")::add);
        var columns = node.putArray("columns");
        for (ReadingDecisions.Column column : decisions.columns()) {
            ObjectNode c = columns.addObject();
            c.put("column", column.column());
            c.put("field", column.field());
            c.put("type", column.type());
            if (column.dateOrder() != null) {
                c.put("dateOrder", column.dateOrder());
            }
            if (column.decimalMark() != null) {
                c.put("decimalMark", column.decimalMark());
                c.put("thousandsSeparator", column.thousandsSeparator());
                c.put("currency", column.currency());
            }
            if (column.decidedBy() != null) {
                c.put("decidedBy", column.decidedBy());
            }
        }
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
