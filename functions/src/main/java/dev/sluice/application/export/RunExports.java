package dev.sluice.application.export;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.port.ExportReader;
import dev.sluice.application.port.ObjectStore;
import dev.sluice.application.port.ObjectStore.ObjectChangedException;
import dev.sluice.application.port.ObjectStore.ObjectVersion;
import dev.sluice.application.port.RecordRepository.StoredError;
import dev.sluice.application.query.RunQueries;
import dev.sluice.domain.run.Run;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The downloads of a finished run: {@code errors.csv} (the rejected records as they were in the file, with what was
 * wrong) and {@code records.csv} (the stored records). Both are written as they are read, never held whole: an
 * answer that fits in one API response is returned as it is; a larger one goes to an S3 object under
 * {@code exports/}, which no notification watches and the bucket's lifecycle removes after a day, and the caller
 * gets a short-lived presigned URL to it.
 */
public final class RunExports {
    /**
     * The largest answer returned inline, as the Lambda response's JSON carries it: Lambda and API Gateway refuse a
     * response over 6 MB, and headers and the JSON around the body need some room.
     */
    public static final long INLINE_LIMIT = 4L * 1024 * 1024;
    /** How long the URL of a stored export works: long enough to follow a redirect, short enough not to be shared. */
    public static final Duration LINK_TTL = Duration.ofMinutes(5);
    public static final String CONTENT_TYPE = "text/csv; charset=utf-8";
    /** The stored columns of a marketing record, in the order {@link ExportReader#records} returns them. */
    static final List<String> CANONICAL = List.of("date", "campaign", "channel", "spend", "clicks", "conversions",
            "impressions");
    private static final Set<Integer> FILE_TEXT = Set.of(1, 2);

    private final RunQueries runs;
    private final ObjectStore objects;
    private final ExportReader reader;
    private final Clock clock;
    private final long inlineLimit;
    private final Duration linkTtl;

    public RunExports(RunQueries runs, ObjectStore objects, ExportReader reader, Clock clock) {
        this(runs, objects, reader, clock, INLINE_LIMIT, LINK_TTL);
    }

    public RunExports(RunQueries runs, ObjectStore objects, ExportReader reader, Clock clock, long inlineLimit,
            Duration linkTtl) {
        this.runs = runs;
        this.objects = objects;
        this.reader = reader;
        this.clock = clock;
        this.inlineLimit = inlineLimit;
        this.linkTtl = linkTtl;
    }

    /** Where the rows of errors.csv came from. */
    public enum Source {
        /** Stored rows (records.csv). */
        DATABASE,
        /** Every rejected record was read from the kept file. */
        FILE,
        /** The file is gone (or a record was not found in it): some rows were rebuilt from the stored excerpts. */
        EXCERPTS
    }

    /** A download, answered inline or by redirect. */
    public sealed interface Download {
        String fileName();

        Source source();

        /** The {@code Content-Disposition} value that saves the download under {@link #fileName()}. */
        default String contentDisposition() {
            return ContentDisposition.attachment(fileName());
        }
    }

    public record Inline(String fileName, Source source, byte[] csv) implements Download {
        public String text() {
            return new String(csv, StandardCharsets.UTF_8);
        }
    }

    public record Redirect(String fileName, Source source, URI url, Instant expiresAt) implements Download {
    }

    /** errors.csv of a finished run the caller may see. */
    public Download errors(Caller caller, String runId) {
        Run run = finalRun(caller, runId, "errors");
        Run.FileFacts facts = run.fileFacts();
        List<String> header = facts == null ? List.of() : facts.header();
        char delimiter = facts == null ? ',' : delimiter(facts.delimiter());
        Source[] source = {Source.FILE};
        return export(run, "errors", () -> source[0], out -> {
            try (FileRecords file = open(run)) {
                CsvWriter csv = new CsvWriter(out, delimiter);
                ErrorsCsv errors = new ErrorsCsv(header, delimiter, csv, file);
                errors.writeHeader();
                List<StoredError> record = new ArrayList<>();
                reader.errors(run.runId(), problem -> {
                    if (!record.isEmpty() && record.get(0).recordNo() != problem.recordNo()) {
                        write(errors, record);
                        record.clear();
                    }
                    record.add(problem);
                });
                if (!record.isEmpty()) {
                    write(errors, record);
                }
                csv.flush();
                if (errors.fromExcerpts() > 0) {
                    source[0] = Source.EXCERPTS;
                }
            }
        });
    }

    /** records.csv of a finished run the caller may see. */
    public Download records(Caller caller, String runId) {
        Run run = finalRun(caller, runId, "records");
        List<String> header = run.fileFacts() == null ? List.of() : run.fileFacts().header();
        return export(run, "records", () -> Source.DATABASE, out -> {
            CsvWriter csv = new CsvWriter(out, ',');
            List<String> raw = reader.rawColumns(run.runId());
            if (!raw.isEmpty()) {
                List<String> columns = inHeaderOrder(raw, header);
                csv.untrusted(columns).endRow();
                reader.rawRecords(run.runId(), columns, values -> csv.untrusted(values).endRow());
            } else {
                List<String> extras = run.fileFacts() == null ? List.of() : extraColumns(run.fileFacts());
                csv.trusted(CANONICAL).untrusted(extras).endRow();
                reader.records(run.runId(), extras, values -> {
                    for (int i = 0; i < values.size(); i++) {
                        if (i >= CANONICAL.size() || FILE_TEXT.contains(i)) {
                            csv.untrusted(values.get(i));
                        } else {
                            csv.trusted(values.get(i));
                        }
                    }
                    csv.endRow();
                });
            }
            csv.flush();
        });
    }

    @FunctionalInterface
    private interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    @FunctionalInterface
    private interface SourceOf {
        Source get();
    }

    private Download export(Run run, String kind, SourceOf source, Body body) {
        String key = "exports/" + run.owner() + "/" + run.runId() + "/" + kind + "-" + clock.millis() + ".csv";
        ExportOutput out = new ExportOutput(inlineLimit, () -> objects.create(run.bucket(), key, CONTENT_TYPE));
        ExportOutput.Result result;
        try {
            body.writeTo(out);
            result = out.finish();
        } catch (IOException e) {
            out.abort();
            throw new UncheckedIOException("writing the " + kind + " export of run " + run.runId(), e);
        } catch (RuntimeException e) {
            out.abort();
            throw e;
        }
        String name = downloadName(run.fileName(), source.get() == Source.EXCERPTS ? kind + "-from-excerpts" : kind);
        if (result instanceof ExportOutput.Inline inline) {
            return new Inline(name, source.get(), inline.bytes());
        }
        ObjectStore.PresignedGet link = objects.presignGet(run.bucket(), key, ContentDisposition.attachment(name),
                linkTtl);
        return new Redirect(name, source.get(), link.url(), link.expiresAt());
    }

    private static void write(ErrorsCsv errors, List<StoredError> record) {
        try {
            errors.write(record);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the kept file", e);
        }
    }

    private Run finalRun(Caller caller, String runId, String kind) {
        Run run = runs.run(caller, runId);
        if (!run.status().isFinal()) {
            throw new InvalidRequestException("RUN_NOT_FINAL", 409, "Run " + run.runId() + " is "
                    + run.status().name() + "; its " + kind + " can be downloaded once it has finished. Try again "
                    + "when its status is final.", Map.of("status", run.status().name()));
        }
        return run;
    }

    /** The kept file, pinned to the version the run read; null when it is gone or was replaced. */
    private FileRecords open(Run run) throws IOException {
        Run.FileFacts facts = run.fileFacts();
        if (facts == null || facts.encoding() == null || run.objectETag() == null && run.objectVersionId() == null) {
            return null;
        }
        InputStream in;
        try {
            in = objects.open(run.bucket(), run.key(), new ObjectVersion(run.objectETag(), run.objectVersionId()));
        } catch (ObjectChangedException e) {
            return null;
        }
        try {
            return new FileRecords(in, facts.encoding(), delimiter(facts.delimiter()));
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** The run item keeps a tab as the two characters {@code \t}. */
    static char delimiter(String stored) {
        if (stored == null || stored.isEmpty()) {
            return ',';
        }
        return stored.equals("\\t") ? '\t' : stored.charAt(0);
    }

    /**
     * The header columns that feed no canonical field, in file order, a repeated name once: the keys of a record's
     * {@code extra}, found as the loader finds the mapped columns (the exact name, else the first that matches
     * ignoring case and surrounding spaces).
     */
    static List<String> extraColumns(Run.FileFacts facts) {
        List<String> header = facts.header();
        boolean[] mapped = new boolean[header.size()];
        for (String column : facts.mapping().values()) {
            int index = header.indexOf(column);
            for (int i = 0; index < 0 && i < header.size(); i++) {
                if (header.get(i).trim().equalsIgnoreCase(column.trim())) {
                    index = i;
                }
            }
            if (index >= 0) {
                mapped[index] = true;
            }
        }
        Set<String> extras = new LinkedHashSet<>();
        for (int i = 0; i < header.size(); i++) {
            if (!mapped[i]) {
                extras.add(header.get(i));
            }
        }
        return List.copyOf(extras);
    }

    /** Raw keys in the file's header order; keys the header does not name (renamed duplicates) after, sorted. */
    static List<String> inHeaderOrder(List<String> keys, List<String> header) {
        Set<String> remaining = new java.util.TreeSet<>(keys);
        List<String> ordered = new ArrayList<>();
        for (String name : header) {
            if (remaining.remove(name)) {
                ordered.add(name);
            }
        }
        ordered.addAll(remaining);
        return ordered;
    }

    /** {@code spring.csv} → {@code spring-errors.csv}; a gzip upload's {@code .csv.gz} goes too. */
    static String downloadName(String fileName, String kind) {
        String base = fileName == null || fileName.isBlank() ? "run" : fileName;
        String lower = base.toLowerCase(Locale.ROOT);
        for (String extension : List.of(".csv.gz", ".gz", ".csv", ".tsv", ".txt")) {
            if (lower.endsWith(extension) && lower.length() > extension.length()) {
                base = base.substring(0, base.length() - extension.length());
                break;
            }
        }
        return base + "-" + kind + ".csv";
    }
}
