package dev.sluice.application.publish;

import dev.sluice.application.InvalidRequestException;
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
    private static final String DATASET_NOT_FOUND = "DATASET_NOT_FOUND";

    private final PublishRuns runs;
    private final DatasetRepository datasets;
    private final RunPublisher publisher;
    private final PublishListener listener;

    /** What one delivery did; DATASET_NOT_FOUND: the run's dataset was deleted, and the run failed instead. */
    public enum Outcome { PUBLISHED, ALREADY_PUBLISHED, REVIEWED, IGNORED, DATASET_NOT_FOUND }

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
        if (run.status() != RunStatus.REVIEW && run.status() != RunStatus.PUBLISHING) {
            return Outcome.IGNORED;
        }
        Optional<Dataset> dataset = datasets.find(run.datasetId());
        if (dataset.isEmpty()) {
            // Deleting a dataset deletes its runs, so only a run that started as its dataset was deleted gets here.
            // Publishing would write rows under the id of a dataset nobody can see or delete again.
            runs.fail(runId, DATASET_NOT_FOUND, datasetGone(run));
            return Outcome.DATASET_NOT_FOUND;
        }
        Target target = target(run, dataset.get());
        if (run.status() == RunStatus.REVIEW) {
            runs.recordReview(runId, target.strategy().wireName(), publisher.review(target, 0).counts());
            return Outcome.REVIEWED;
        }
        RunPublisher.Result result = publisher.publish(target);
        RunPublisher.Publication publication = result.publication();
        // Listeners first: once the run is final, its source's checkpoint has moved and its deliveries are queued.
        // A listener that fails leaves the run PUBLISHING; the message comes back and tells them all again.
        listener.published(Published.of(run, publication.strategy()));
        runs.finishPublishing(run, publication.strategy(), publication.counts(), publication.publishedAt());
        return result.publishedNow() ? Outcome.PUBLISHED : Outcome.ALREADY_PUBLISHED;
    }

    /** The run's target for a review; 409 DATASET_NOT_FOUND when its dataset is gone. */
    Target target(Run run) {
        return datasets.find(run.datasetId()).map(dataset -> target(run, dataset)).orElseThrow(() ->
                new InvalidRequestException(DATASET_NOT_FOUND, 409, datasetGone(run)));
    }

    private static String datasetGone(Run run) {
        return "File '" + run.fileName() + "' was loaded but not published: its dataset '" + run.datasetId()
                + "' no longer exists (it was deleted). Nothing was published; import the file into another dataset.";
    }

    /** Where and how the run is published: its dataset's strategy and key as they are now. */
    static Target target(Run run, Dataset dataset) {
        PublishStrategy strategy = dataset.publish().strategy();
        List<String> key = strategy == PublishStrategy.APPEND ? List.of() : dataset.publish().key();
        return new Target(run.runId(), dataset.id(), dataset.kind(), strategy, key);
    }
}
