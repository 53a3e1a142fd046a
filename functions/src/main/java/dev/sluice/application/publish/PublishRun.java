package dev.sluice.application.publish;

import dev.sluice.application.port.DatasetRepository;
import dev.sluice.application.port.PublishListener;
import dev.sluice.application.port.PublishListener.Published;
import dev.sluice.application.port.PublishRuns;
import dev.sluice.application.port.RunPublisher;
import dev.sluice.application.port.RunPublisher.Target;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.dataset.PublishStrategy;
import dev.sluice.domain.run.Run;
import dev.sluice.domain.run.RunStatus;
import java.util.List;
import java.util.Optional;

/**
 * PublishFunction's use case: one delivery of a run's publish message. A run in PUBLISHING is published into its
 * dataset (one transaction, once: see {@link RunPublisher#publish}) and then takes its load outcome; a run in REVIEW
 * gets the counts the run card shows. Any other status means the message is late or repeated: nothing happens.
 * A delivery that published but failed before the run item moved is redelivered; the ledger makes the second
 * publish a no-op that still moves the run item and tells the listener again.
 */
public final class PublishRun {
    private final PublishRuns runs;
    private final DatasetRepository datasets;
    private final RunPublisher publisher;
    private final PublishListener listener;

    /** What one delivery did. */
    public enum Outcome { PUBLISHED, ALREADY_PUBLISHED, REVIEWED, IGNORED }

    public PublishRun(PublishRuns runs, DatasetRepository datasets, RunPublisher publisher,
            PublishListener listener) {
        this.runs = runs;
        this.datasets = datasets;
        this.publisher = publisher;
        this.listener = listener;
    }

    public Outcome handle(String runId) {
        Optional<Run> found = runs.find(runId);
        if (found.isEmpty()) {
            return Outcome.IGNORED;
        }
        Run run = found.get();
        if (run.status() == RunStatus.REVIEW) {
            Target target = target(run);
            runs.recordReview(runId, target.strategy().wireName(), publisher.review(target, 0).counts());
            return Outcome.REVIEWED;
        }
        if (run.status() != RunStatus.PUBLISHING) {
            return Outcome.IGNORED;
        }
        Target target = target(run);
        RunPublisher.Result result = publisher.publish(target);
        RunPublisher.Publication publication = result.publication();
        // Listeners first: once the run is final, its source's checkpoint has moved and its deliveries are queued.
        // A listener that fails leaves the run PUBLISHING; the message comes back and tells them all again.
        listener.published(Published.of(run, publication.strategy()));
        runs.finishPublishing(run, publication.strategy(), publication.counts(), publication.publishedAt());
        return result.publishedNow() ? Outcome.PUBLISHED : Outcome.ALREADY_PUBLISHED;
    }

    /**
     * The run's dataset as it is now; a dataset deleted meanwhile reads as an implicit marketing dataset, whose
     * default (append) publishes the run's records under its id, which deleting the dataset removed already.
     */
    Target target(Run run) {
        Dataset dataset = datasets.find(run.datasetId()).orElseGet(() -> Dataset.implicit(run.datasetId(),
                run.owner()));
        PublishStrategy strategy = dataset.publish().strategy();
        List<String> key = strategy == PublishStrategy.APPEND ? List.of() : dataset.publish().key();
        return new Target(run.runId(), dataset.id(), dataset.kind(), strategy, key);
    }
}
