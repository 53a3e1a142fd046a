package dev.sluice.application.query;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.port.RecordRepository;
import dev.sluice.application.port.RecordRepository.ErrorCursor;
import dev.sluice.application.port.RecordRepository.Page;
import dev.sluice.application.port.RecordRepository.StoredError;
import dev.sluice.application.port.RecordRepository.StoredRecord;
import dev.sluice.application.port.RunRepository;
import dev.sluice.domain.run.Run;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * What a caller may read about runs: a run, its records, its row errors, and the list of runs. Every read of one
 * run goes through {@link #run}, so someone else's run, its records and its errors answer exactly like a missing
 * run ({@code NOT_FOUND}, the same message): run ids are never confirmed to anyone but their owner and admins.
 */
public final class RunQueries {
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final int SHOWN_ID_CHARS = 64;

    private final RunRepository runs;
    private final RecordRepository records;

    public RunQueries(RunRepository runs, RecordRepository records) {
        this.runs = runs;
        this.records = records;
    }

    /** The run, when it exists and the caller may see it (the ownership rule of {@link Caller#maySee}). */
    public Run run(Caller caller, String runId) {
        Optional<Run> run = runId != null && RUN_ID.matcher(runId).matches() ? runs.find(runId) : Optional.empty();
        if (run.isEmpty() || !caller.maySee(run.get().owner())) {
            throw notFound(runId);
        }
        return run.get();
    }

    /**
     * The caller's own most recent runs, read from the runs-by-owner index (administrators list everyone's with
     * {@link #list} and {@code scope=all}).
     */
    public List<Run> ownRuns(Caller caller, int limit) {
        return runs.listByOwner(caller.owner(), limit);
    }

    /**
     * {@code scope=mine} (the default): the caller's own runs; {@code scope=all}: every owner's, for administrators
     * only (anyone else is refused, since the answer would be nothing but other people's runs).
     */
    public List<Run> list(Caller caller, String scope, int limit) {
        if (scope == null || scope.equals("mine")) {
            return ownRuns(caller, limit);
        }
        if (!scope.equals("all")) {
            throw InvalidRequestException.badField("scope", "must be mine or all");
        }
        if (!caller.admin()) {
            throw new InvalidRequestException("FORBIDDEN", 403, "Only administrators can list every user's runs"
                    + " (scope=all); leave scope out to list your own");
        }
        return runs.listRecent(limit);
    }

    /**
     * The run is looked up first and the page's cursor and size read only then: someone else's run is NOT_FOUND
     * whatever else the request says, a malformed cursor included.
     */
    public Page<StoredRecord> records(Caller caller, String runId, LongSupplier afterRecordNo, IntSupplier limit) {
        Run visible = run(caller, runId);
        Page<StoredRecord> page = records.records(visible.runId(), afterRecordNo.getAsLong(), limit.getAsInt());
        // A raw record's keys come back in the file's column order: the run's header, which its chunks keyed by.
        List<String> header = visible.fileFacts() == null ? List.of() : visible.fileFacts().header();
        return new Page<>(page.items().stream().map(r -> r.inColumnOrder(header)).toList(), page.nextCursor());
    }

    /** As {@link #records(Caller, String, LongSupplier, IntSupplier)}: the run first, then the cursor. */
    public Page<StoredError> errors(Caller caller, String runId, Supplier<ErrorCursor> after, IntSupplier limit) {
        String visible = run(caller, runId).runId();
        return records.errors(visible, after.get(), limit.getAsInt());
    }

    private static InvalidRequestException notFound(String runId) {
        String shown = runId == null ? "" : runId.length() > SHOWN_ID_CHARS
                ? runId.substring(0, SHOWN_ID_CHARS) + "..." : runId;
        return new InvalidRequestException("NOT_FOUND", 404, "No run with id '" + shown + "'");
    }
}
