package dev.sluice.application.analytics;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.dataset.ManageDatasets;
import dev.sluice.application.export.ContentDisposition;
import dev.sluice.application.export.CsvWriter;
import dev.sluice.application.export.ExportOutput;
import dev.sluice.application.export.RunExports;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.port.DatasetRowReader;
import dev.sluice.application.port.DatasetRowReader.DatasetRow;
import dev.sluice.application.port.DatasetRowReader.RowFilter;
import dev.sluice.application.port.DatasetRowReader.RowPage;
import dev.sluice.application.port.ObjectStore;
import dev.sluice.application.port.RunRepository;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.DatasetKind;
import dev.sluice.domain.run.Run;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * A dataset's current data: a page of rows, or all of them as {@code rows.csv}. Someone else's dataset is NOT_FOUND
 * before anything else of the request is looked at. Marketing rows filter by day range, channel and campaign; raw
 * rows by the exact value of columns ({@code where.<column>}); a filter of the other kind is refused, not ignored.
 * The download is written as it is read, like a run's downloads ({@link RunExports}): inline while it fits in one
 * response, else to an S3 object under {@code exports/} and a redirect to a short-lived URL.
 */
public final class DatasetRowQueries {
    /** The stored columns of a marketing row, in the order rows.csv writes them (as records.csv does). */
    public static final List<String> CANONICAL = List.of("date", "campaign", "channel", "spend", "clicks",
            "conversions", "impressions");

    private final ManageDatasets datasets;
    private final DatasetRowReader rows;
    private final RunRepository runs;
    private final ObjectStore objects;
    private final String bucket;
    private final Clock clock;
    private final long inlineLimit;
    private final Duration linkTtl;

    /**
     * @param bucket where a download too large to answer inline is written (the upload bucket's {@code exports/},
     *               which its lifecycle rule empties)
     */
    public DatasetRowQueries(ManageDatasets datasets, DatasetRowReader rows, RunRepository runs, ObjectStore objects,
            String bucket, Clock clock, long inlineLimit, Duration linkTtl) {
        this.datasets = datasets;
        this.rows = rows;
        this.runs = runs;
        this.objects = objects;
        this.bucket = bucket;
        this.clock = clock;
        this.inlineLimit = inlineLimit;
        this.linkTtl = linkTtl;
    }

    /** The filters of a request as given; which apply is decided by the dataset's kind. */
    public record RowsRequest(LocalDate from, LocalDate to, String channel, String campaign,
            Map<String, String> where) {
        public RowsRequest {
            where = where == null ? Map.of() : Map.copyOf(where);
            if (from != null && to != null && from.isAfter(to)) {
                throw InvalidRequestException.badField("from", "(" + from + ") is after 'to' (" + to + ")");
            }
        }
    }

    /** A page of rows of a dataset of {@code kind}; a raw row's data in its file's column order. */
    public record Rows(DatasetKind kind, RowPage page) {
    }

    /**
     * @param request the filters, and {@code after} the position the page continues after: both read only once the
     *                dataset is known to be visible, so someone else's dataset is NOT_FOUND whatever they say
     */
    public Rows page(Caller caller, String datasetId, Supplier<RowsRequest> request, Supplier<List<String>> after,
            IntSupplier limit) {
        Dataset dataset = datasets.visible(caller, datasetId);
        RowFilter filter = filter(dataset, request.get());
        List<String> position = after.get();
        int size = limit.getAsInt();
        RowPage page;
        try {
            page = rows.page(dataset.id(), dataset.kind(), filter, position, size);
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw InvalidRequestException.badField("cursor", "is not a cursor of this dataset's rows");
        }
        if (dataset.kind() == DatasetKind.RAW) {
            Map<String, List<String>> headers = new HashMap<>();
            List<DatasetRow> ordered = new ArrayList<>(page.items().size());
            for (DatasetRow row : page.items()) {
                List<String> header = headers.computeIfAbsent(row.runId(), this::header);
                ordered.add(new DatasetRow(row.runId(), row.recordNo(), row.key(), null, null, null, null, null, null,
                        null, null, inOrder(row.data(), header)));
            }
            page = new RowPage(ordered, page.next());
        }
        return new Rows(dataset.kind(), page);
    }

    /** rows.csv: the rows the filters select, in page order. */
    public RunExports.Download csv(Caller caller, String datasetId, Supplier<RowsRequest> request) {
        Dataset dataset = datasets.visible(caller, datasetId);
        RowFilter filter = filter(dataset, request.get());
        List<String> names = rows.columnNames(dataset.id(), dataset.kind());
        String key = "exports/" + dataset.owner() + "/datasets/" + dataset.id() + "/rows-" + clock.millis() + ".csv";
        ExportOutput out = new ExportOutput(inlineLimit, () -> objects.create(bucket, key, RunExports.CONTENT_TYPE));
        ExportOutput.Result result;
        try {
            CsvWriter csv = new CsvWriter(out, ',');
            if (dataset.kind() == DatasetKind.MARKETING) {
                csv.trusted(CANONICAL).untrusted(names).endRow();
                rows.stream(dataset.id(), dataset.kind(), filter, row -> marketingLine(csv, row, names));
            } else {
                List<String> columns = rawColumns(dataset, names);
                csv.untrusted(columns).endRow();
                rows.stream(dataset.id(), dataset.kind(), filter, row -> {
                    for (String column : columns) {
                        csv.untrusted(row.data().get(column));
                    }
                    csv.endRow();
                });
            }
            csv.flush();
            result = out.finish();
        } catch (IOException e) {
            out.abort();
            throw new UncheckedIOException("writing rows.csv of dataset " + dataset.id(), e);
        } catch (RuntimeException e) {
            out.abort();
            throw e;
        }
        String name = fileName(dataset);
        if (result instanceof ExportOutput.Inline inline) {
            return new RunExports.Inline(name, RunExports.Source.DATABASE, inline.bytes());
        }
        ObjectStore.PresignedGet link = objects.presignGet(bucket, key, ContentDisposition.attachment(name), linkTtl);
        return new RunExports.Redirect(name, RunExports.Source.DATABASE, link.url(), link.expiresAt());
    }

    private static void marketingLine(CsvWriter csv, DatasetRow row, List<String> extras) {
        csv.trusted(row.date() == null ? null : row.date().toString());
        // Campaign and channel are text from someone's file; the numbers were parsed by Sluice.
        csv.untrusted(row.campaign()).untrusted(row.channel());
        csv.trusted(plain(row.spend())).trusted(text(row.clicks())).trusted(plain(row.conversions()))
                .trusted(text(row.impressions()));
        Map<String, String> extra = ExtraJson.parse(row.extraJson());
        for (String name : extras) {
            csv.untrusted(extra.get(name));
        }
        csv.endRow();
    }

    private static String plain(BigDecimal value) {
        return value == null ? null : value.toPlainString();
    }

    private static String text(Long value) {
        return value == null ? null : value.toString();
    }

    private static String fileName(Dataset dataset) {
        String base = dataset.name() == null || dataset.name().isBlank() ? dataset.id() : dataset.name();
        return base + "-rows.csv";
    }

    /** A raw dataset's columns: in the column order of the file of the first row's run, then any others, sorted. */
    private List<String> rawColumns(Dataset dataset, List<String> names) {
        RowPage first = rows.page(dataset.id(), dataset.kind(), RowFilter.ALL, null, 1);
        List<String> header = first.items().isEmpty() ? List.of() : header(first.items().get(0).runId());
        TreeSet<String> remaining = new TreeSet<>(names);
        List<String> ordered = new ArrayList<>();
        for (String name : header) {
            if (remaining.remove(name)) {
                ordered.add(name);
            }
        }
        ordered.addAll(remaining);
        return ordered;
    }

    private List<String> header(String runId) {
        return runs.find(runId).map(Run::fileFacts).map(Run.FileFacts::header).orElse(List.of());
    }

    private static Map<String, String> inOrder(Map<String, String> data, List<String> header) {
        if (data == null) {
            return Map.of();
        }
        Map<String, String> ordered = new LinkedHashMap<>();
        for (String name : header) {
            if (data.containsKey(name)) {
                ordered.put(name, data.get(name));
            }
        }
        data.forEach(ordered::putIfAbsent);
        return ordered;
    }

    private static RowFilter filter(Dataset dataset, RowsRequest request) {
        Objects.requireNonNull(request, "request");
        if (dataset.kind() == DatasetKind.RAW) {
            List<String> marketingOnly = new ArrayList<>();
            if (request.from() != null) {
                marketingOnly.add("from");
            }
            if (request.to() != null) {
                marketingOnly.add("to");
            }
            if (request.channel() != null) {
                marketingOnly.add("channel");
            }
            if (request.campaign() != null) {
                marketingOnly.add("campaign");
            }
            if (!marketingOnly.isEmpty()) {
                throw DatasetAnalytics.notMarketing(dataset, "Filters " + String.join(", ", marketingOnly)
                        + " apply to marketing datasets; filter a raw dataset's columns with where.<column>=<value>");
            }
            return new RowFilter(null, null, null, null, request.where());
        }
        if (!request.where().isEmpty()) {
            throw InvalidRequestException.badField("where." + request.where().keySet().iterator().next(),
                    "filters the columns of raw datasets; dataset " + dataset.id() + " is a marketing dataset: "
                            + "filter it with from, to, channel and campaign");
        }
        return new RowFilter(request.from(), request.to(), request.channel(), request.campaign(), Map.of());
    }
}
