package dev.sluice.application.reconcile;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.port.ChunkSender;
import dev.sluice.application.port.DeadChunkLedger;
import dev.sluice.application.port.RecoveryRepository;
import dev.sluice.application.port.RunRepository;
import dev.sluice.application.query.RunQueries;
import dev.sluice.domain.chunk.ChunkMessage;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the owner of a run (or an administrator) can do with a run that does not finish by itself: resume it (its
 * chunks not counted yet are sent again from the kept plan), redrive it (its dead chunks are loaded again) or cancel
 * it. Someone else's run answers like a missing one. Sending a chunk again is always safe: the chunk ledger loads it
 * once however often it arrives, so resume needs no proof that the chunks were really lost.
 */
public final class RecoverRuns {
    private final RunQueries queries;
    private final RunRepository runs;
    private final RecoveryRepository recovery;
    private final DeadChunkLedger ledger;
    private final ChunkSender chunks;
    private final Clock clock;

    /** What a resume or redrive did: the run as it now is and how many chunk messages were sent. */
    public record Recovery(Run run, int chunksSent) {
    }

    public RecoverRuns(RunQueries queries, RunRepository runs, RecoveryRepository recovery, DeadChunkLedger ledger,
            ChunkSender chunks, Clock clock) {
        this.queries = queries;
        this.runs = runs;
        this.recovery = recovery;
        this.ledger = ledger;
        this.chunks = chunks;
        this.clock = clock;
    }

    /** A LOADING run: every planned chunk that is neither loaded nor dead is sent again. */
    public Recovery resume(Caller caller, String runId) {
        Run run = queries.run(caller, runId);
        if (run.status() != RunStatus.LOADING) {
            throw notResumable(run);
        }
        List<ChunkMessage> missing = missing(run);
        chunks.send(missing);
        return new Recovery(runs.find(run.runId()).orElse(run), missing.size());
    }

    /**
     * A PARTIAL run with dead chunks: they are uncounted (the run is LOADING again), their CHUNK_FAILED row errors
     * and ledger rows are removed in one transaction, and they are sent again from the plan. Meant for after the
     * cause is fixed. A redrive interrupted after the first step is finished by redriving the LOADING run again.
     */
    public Recovery redrive(Caller caller, String runId) {
        Run run = queries.run(caller, runId);
        if ("FILE_CHANGED".equals(run.failureCode())) {
            throw new InvalidRequestException("FILE_CHANGED", 409, "Run " + run.runId() + " cannot be redriven: its "
                    + "file was replaced or deleted after it was split, so its dead chunks cannot be read again. "
                    + "Import the current file as a new run.");
        }
        if (run.status() == RunStatus.PARTIAL && run.chunksDead() > 0) {
            Map<Integer, ChunkMessage> plan = plan(run);
            List<Run.DeadChunk> dead = run.deadChunks();
            long bytes = 0;
            for (Run.DeadChunk chunk : dead) {
                ChunkMessage planned = plan.get(chunk.chunkNo());
                if (planned == null) {
                    throw planNotKept(run);
                }
                bytes += planned.accountedBytes();
            }
            if (!recovery.reopenDeadChunks(run.runId(), dead, bytes)) {
                throw new InvalidRequestException("CONFLICT", 409, "Run " + run.runId() + " changed while it was being"
                        + " redriven (another redrive?). Reload it and try again if it still has dead chunks.");
            }
            run = runs.find(run.runId()).orElse(run);
        } else if (run.status() != RunStatus.LOADING) {
            throw new InvalidRequestException("NOTHING_TO_REDRIVE", 409, "Run " + run.runId() + " is "
                    + run.status() + " with " + run.chunksDead() + " dead chunks; only a PARTIAL run with dead chunks"
                    + " (or a LOADING one whose redrive was interrupted) can be redriven.");
        }
        List<ChunkMessage> missing = missing(run);
        ledger.forgetDeadChunks(run.runId(), missing.stream().map(ChunkMessage::chunkNo).toList());
        chunks.send(missing);
        return new Recovery(runs.find(run.runId()).orElse(run), missing.size());
    }

    /**
     * Any run that is not final ends CANCELLED, except one being published: its publish transaction may be committing
     * (a large run's takes tens of seconds), and a run cancelled under it would keep its rows in the dataset with no
     * way to roll them back. Such a run answers 409 RUN_PUBLISHING; once published it can be rolled back. Chunks being
     * loaded at that moment still count (their rows are committed); later ones are refused, and the run says how many
     * records were not read.
     */
    public Run cancel(Caller caller, String runId) {
        Run run = queries.run(caller, runId);
        String by = caller.admin() && !caller.owner().equals(run.owner()) ? "an administrator" : "its owner";
        if (run.status() != RunStatus.PUBLISHING && !run.status().isFinal() && recovery.cancel(run.runId(),
                "CANCELLED", "Run cancelled by " + by + " at " + clock.instant() + ". Records stored before are kept;"
                        + " records of chunks not loaded by then were not read (notRead). Import the file again as a"
                        + " new run to load everything.")) {
            return runs.find(run.runId()).orElseThrow();
        }
        // The update's condition refused it: read again, since the run may have moved on since it was read.
        Run now = runs.find(run.runId()).orElse(run);
        if (now.status() == RunStatus.PUBLISHING) {
            throw new InvalidRequestException("RUN_PUBLISHING", 409, "Run " + run.runId() + " is being published"
                    + " into dataset " + run.datasetId() + " and can no longer be cancelled; roll it back"
                    + " (POST /api/runs/" + run.runId() + "/rollback) once it is published.");
        }
        throw new InvalidRequestException("RUN_FINAL", 409, "Run " + run.runId() + " is " + now.status()
                + " already; a final run cannot be cancelled.");
    }

    /** The planned chunks not counted yet, in chunk order. */
    private List<ChunkMessage> missing(Run run) {
        Map<Integer, ChunkMessage> plan = plan(run);
        if (run.chunksTotal() != null && plan.size() < run.chunksTotal()) {
            throw planNotKept(run);
        }
        Set<Integer> counted = recovery.countedChunks(run.runId());
        return plan.values().stream().filter(chunk -> !counted.contains(chunk.chunkNo())).toList();
    }

    private Map<Integer, ChunkMessage> plan(Run run) {
        return recovery.plannedMessages(run.runId()).stream().collect(Collectors.toMap(ChunkMessage::chunkNo,
                Function.identity(), (a, b) -> a, java.util.TreeMap::new));
    }

    private static InvalidRequestException notResumable(Run run) {
        String hint = switch (run.status()) {
            case PARTIAL -> run.chunksDead() > 0 ? " Its dead chunks can be loaded again with POST /api/runs/"
                    + run.runId() + "/redrive." : "";
            case CREATED -> " Its file has not arrived yet.";
            case RECEIVED, SPLITTING -> " Its file is still being split; IngestQueue retries the split, and a split"
                    + " that fails every attempt ends the run FAILED.";
            default -> "";
        };
        return new InvalidRequestException("NOT_RESUMABLE", 409, "Run " + run.runId() + " is " + run.status()
                + "; only a LOADING run can be resumed." + hint);
    }

    private static InvalidRequestException planNotKept(Run run) {
        return new InvalidRequestException("PLAN_NOT_KEPT", 409, "Run " + run.runId() + " has no kept plan for all of"
                + " its chunks (it was split before plans were kept, or the plan expired after 30 days), so its chunks"
                + " cannot be sent again. Import the file again as a new run.");
    }
}
