package dev.sluice.adapter.in.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent.DynamodbStreamRecord;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import dev.sluice.adapter.wire.RunProgressItems;
import dev.sluice.application.progress.PublishProgress;
import dev.sluice.config.ProgressWiring;
import dev.sluice.config.Settings;
import dev.sluice.domain.progress.RunProgress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fed by the runs table's stream (NEW_AND_OLD_IMAGES): every change of a run item becomes a message to the
 * connections watching it. Other items of the table (chunk markers, connections) are left out by the event source
 * mapping's filter and, should one come through, here too.
 *
 * <p>With ReportBatchItemFailures, a run whose subscribers could not be read is reported by the sequence number of
 * its first record in the batch, and Lambda retries the batch from there: messages sent for later records are sent
 * again, which is harmless because they carry the same state.
 */
public final class ProgressFunction implements RequestHandler<DynamodbEvent, StreamsEventResponse>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressFunction.class);

    private final PublishProgress publish;
    private final Runnable closer;

    /** Lambda's constructor: wired from the process environment. */
    public ProgressFunction() {
        this(Settings.fromEnvironment(System.getenv()));
    }

    /** Wired from the given settings, for a runtime that hosts several functions in one JVM (the local one). */
    public ProgressFunction(Settings settings) {
        this(new ProgressWiring(settings));
    }

    private ProgressFunction(ProgressWiring wiring) {
        this(wiring.publishProgress(), wiring::close);
    }

    public ProgressFunction(PublishProgress publish) {
        this(publish, () -> {
        });
    }

    private ProgressFunction(PublishProgress publish, Runnable closer) {
        this.publish = publish;
        this.closer = closer;
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        return Telemetry.invocation(context, () -> {
            List<RunProgress> changes = new ArrayList<>();
            Set<String> watched = new HashSet<>();
            Instant now = Instant.now();
            Map<String, String> firstSequence = new HashMap<>();
            for (DynamodbStreamRecord record : event.getRecords()) {
                if (record.getDynamodb() == null || record.getDynamodb().getNewImage() == null) {
                    continue; // REMOVE (a TTL deletion or a cleanup): nothing to tell anyone
                }
                Function<String, String> attribute = text(record.getDynamodb().getNewImage());
                if (!RunProgressItems.isRunItem(attribute)) {
                    continue;
                }
                try {
                    RunProgress change = RunProgressItems.fromAttributes(attribute);
                    changes.add(change);
                    if (RunProgressItems.watchedAt(attribute, now)) {
                        watched.add(change.runId());
                    }
                    firstSequence.putIfAbsent(change.runId(), record.getDynamodb().getSequenceNumber());
                } catch (RuntimeException e) {
                    // Retrying cannot fix a malformed image, and would hold up every run behind it in the shard.
                    LOG.error("skipping stream record {}: not a readable run item", record.getEventID(), e);
                }
            }
            PublishProgress.Outcome outcome = publish.publish(changes, watched::contains);
            if (outcome.messages() > 0 || !outcome.failedRuns().isEmpty()) {
                LOG.info("{} changes, {} messages: {} delivered, {} gone, {} failed, {} timed out", changes.size(),
                        outcome.messages(), outcome.delivered(), outcome.gone(), outcome.failed(),
                        outcome.timedOut());
            }
            List<StreamsEventResponse.BatchItemFailure> failures = outcome.failedRuns().stream()
                    .map(firstSequence::get)
                    .min(ProgressFunction::compareSequenceNumbers)
                    .map(sequence -> List.of(new StreamsEventResponse.BatchItemFailure(sequence)))
                    .orElse(List.of());
            return new StreamsEventResponse(failures);
        });
    }

    /** Sequence numbers are decimal strings of up to 40 digits; by length first, then by digits, is numeric order. */
    static int compareSequenceNumbers(String a, String b) {
        return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
    }

    private static Function<String, String> text(Map<String, AttributeValue> image) {
        return name -> {
            AttributeValue value = image.get(name);
            if (value == null) {
                return null;
            }
            // A map (publishCounts) reads as "": present, which is all progress asks of it.
            return value.getM() != null ? "" : value.getS() != null ? value.getS() : value.getN();
        };
    }

    /** Releases the clients this handler built (the local runtime calls it at stop; Lambda never does). */
    @Override
    public void close() {
        closer.run();
    }
}
