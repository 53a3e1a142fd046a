package dev.sluice.application.publish;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.port.PublishRuns;
import dev.sluice.application.port.PublishSender;
import dev.sluice.application.port.RunPublisher;
import dev.sluice.application.query.RunQueries;
import dev.sluice.domain.run.ReviewReport;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import java.util.Optional;

/**
 * What a person does with a run's publication over the API: look at a run in REVIEW, publish or discard it, and roll
 * a published run back. Someone else's run answers NOT_FOUND like a missing one; a run in the wrong status answers
 * 409 with a code that names why.
 */
public final class RunPublications {
    /** Samples of each kind a review shows. */
    public static final int REVIEW_SAMPLES = 10;

    private final RunQueries queries;
    private final PublishRuns runs;
    private final PublishRun publishRun;
    private final RunPublisher publisher;
    private final PublishSender sender;

    public RunPublications(RunQueries queries, PublishRuns runs, PublishRun publishRun, RunPublisher publisher,
            PublishSender sender) {
        this.queries = queries;
        this.runs = runs;
        this.publishRun = publishRun;
        this.publisher = publisher;
        this.sender = sender;
    }

    /** GET /api/runs/{id}/review: what publishing would do now, with samples. */
    public ReviewReport review(Caller caller, String runId) {
        Run run = queries.run(caller, runId);
        requireReview(run, "reviewed");
        return publisher.review(publishRun.target(run), REVIEW_SAMPLES);
    }

    /** POST /api/runs/{id}/publish: REVIEW becomes PUBLISHING and the publish message is sent. */
    public Run publish(Caller caller, String runId) {
        Run run = queries.run(caller, runId);
        requireReview(run, "published");
        if (!runs.startPublishing(run.runId())) {
            throw conflict(runs.find(run.runId()).orElse(run), "published");
        }
        sender.send(run.runId());
        return runs.find(run.runId()).orElseThrow();
    }

    /**
     * POST /api/runs/{id}/discard: REVIEW becomes CANCELLED (DISCARDED); the records stay, unpublished. The message
     * names the owner by email when their token has one; an administrator acting on someone else's run is named as
     * one, as a cancel does.
     */
    public Run discard(Caller caller, String runId) {
        Run run = queries.run(caller, runId);
        requireReview(run, "discarded");
        String by = caller.owner().equals(run.owner()) ? caller.displayName() : "an administrator";
        if (!runs.discard(run.runId(), "Discarded in review by " + by + ": not published")) {
            throw conflict(runs.find(run.runId()).orElse(run), "discarded");
        }
        return runs.find(run.runId()).orElseThrow();
    }

    /**
     * POST /api/runs/{id}/rollback: the run's rows leave the dataset (one transaction), then the run becomes
     * ROLLED_BACK. A repeat after a crash between the two finds the ledger rolled back and only moves the run.
     */
    public Run rollback(Caller caller, String runId) {
        Run run = queries.run(caller, runId);
        if (run.status() == RunStatus.ROLLED_BACK) {
            throw new InvalidRequestException("ALREADY_ROLLED_BACK", 409, "Run " + run.runId()
                    + " was rolled back already at " + run.publication().rolledBackAt());
        }
        boolean published = (run.status() == RunStatus.SUCCEEDED || run.status() == RunStatus.PARTIAL)
                && run.publication().publishedAt() != null;
        if (!published) {
            throw new InvalidRequestException("NOT_PUBLISHED", 409, "Run " + run.runId() + " is "
                    + run.status().name() + " and was never published into its dataset: only a published "
                    + "SUCCEEDED or PARTIAL run can be rolled back");
        }
        Optional<RunPublisher.RollbackResult> result = publisher.rollback(run.runId());
        if (result.isEmpty() || result.get().publication().rollback() == null) {
            throw new InvalidRequestException("NOT_PUBLISHED", 409, "Run " + run.runId() + " has no publication "
                    + "in its dataset to roll back");
        }
        RunPublisher.Publication publication = result.get().publication();
        if (!runs.markRolledBack(run.runId(), publication.rollback(), publication.rolledBackAt())) {
            throw new InvalidRequestException("ALREADY_ROLLED_BACK", 409, "Run " + run.runId()
                    + " was rolled back already");
        }
        return runs.find(run.runId()).orElseThrow();
    }

    private static void requireReview(Run run, String verb) {
        if (run.status() != RunStatus.REVIEW) {
            throw conflict(run, verb);
        }
    }

    private static InvalidRequestException conflict(Run run, String verb) {
        return new InvalidRequestException("NOT_IN_REVIEW", 409, "Run " + run.runId() + " is "
                + run.status().name() + ": only a run waiting in REVIEW can be " + verb);
    }
}
