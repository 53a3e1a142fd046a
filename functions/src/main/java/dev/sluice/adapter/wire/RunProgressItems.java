package dev.sluice.adapter.wire;

import dev.sluice.domain.progress.RunProgress;
import dev.sluice.domain.run.RunStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Reads the progress of a run from a run item, whether it comes from the table (SDK attribute values) or from a
 * stream image (Lambda event attribute values): both are reduced to the text of their S and N values first.
 */
public final class RunProgressItems {
    private RunProgressItems() {
    }

    /**
     * Epoch second until which a connection may be subscribed to the run (set by a subscription, never lowered):
     * a run item without it, or past it, has no run subscribers, so the fan-out need not ask for them.
     */
    public static final String WATCHED_UNTIL = "watchedUntil";

    /** Whether the run item may have subscribers of its own at {@code now}. */
    public static boolean watchedAt(Function<String, String> attribute, Instant now) {
        String until = attribute.apply(WATCHED_UNTIL);
        return until != null && Long.parseLong(until) >= now.getEpochSecond();
    }

    /** True for the run item itself ({@code sk = RUN}), not its chunk markers or connection items. */
    public static boolean isRunItem(Function<String, String> attribute) {
        return "RUN".equals(attribute.apply("sk")) && attribute.apply("runId") != null;
    }

    /** A run's progress from its attributes given as text ({@code null} when absent). */
    public static RunProgress fromAttributes(Function<String, String> attribute) {
        long contentLength = number(attribute, "contentLength");
        // bytesTotal is set by the splitter (0 before it); until then the size the upload announced is the best
        // total known.
        long splitTotal = number(attribute, "bytesTotal");
        long bytesTotal = splitTotal > 0 ? splitTotal : contentLength;
        String updated = attribute.apply("updatedAt") != null ? attribute.apply("updatedAt")
                : attribute.apply("createdAt");
        RunStatus status = RunStatus.valueOf(attribute.apply("status"));
        // Review counts are written on the run item (publishCounts, a map: its text is "") once PublishFunction has
        // computed them; entering REVIEW removes any earlier ones. A stored snapshot keeps the flag as reviewReady.
        boolean reviewReady = status == RunStatus.REVIEW
                && (attribute.apply("publishCounts") != null || "true".equals(attribute.apply("reviewReady")));
        return new RunProgress(
                attribute.apply("runId"),
                attribute.apply("owner"),
                status,
                number(attribute, "records"),
                number(attribute, "stored"),
                number(attribute, "errors"),
                number(attribute, "bytesDone"),
                bytesTotal,
                (int) number(attribute, "chunksDone"),
                (int) number(attribute, "chunksDead"),
                attribute.apply("chunksTotal") == null ? null : (int) number(attribute, "chunksTotal"),
                updated == null ? Instant.EPOCH : Instant.parse(updated),
                reviewReady);
    }

    public static RunProgress fromItem(Map<String, AttributeValue> item) {
        return fromAttributes(name -> text(item.get(name)));
    }

    /** The attributes {@link #fromAttributes} reads back, for storing a state that was sent. */
    public static Map<String, AttributeValue> toAttributes(RunProgress progress) {
        Map<String, AttributeValue> map = new HashMap<>();
        map.put("runId", AttributeValue.fromS(progress.runId()));
        map.put("owner", AttributeValue.fromS(progress.owner()));
        map.put("status", AttributeValue.fromS(progress.status().name()));
        map.put("records", n(progress.records()));
        map.put("stored", n(progress.stored()));
        map.put("errors", n(progress.errors()));
        map.put("bytesDone", n(progress.bytesDone()));
        map.put("bytesTotal", n(progress.bytesTotal()));
        map.put("chunksDone", n(progress.chunksDone()));
        map.put("chunksDead", n(progress.chunksDead()));
        if (progress.chunksTotal() != null) {
            map.put("chunksTotal", n(progress.chunksTotal()));
        }
        map.put("updatedAt", AttributeValue.fromS(progress.updatedAt().toString()));
        if (progress.reviewReady()) {
            map.put("reviewReady", AttributeValue.fromS("true"));
        }
        return map;
    }

    private static String text(AttributeValue value) {
        if (value == null) {
            return null;
        }
        if (value.hasM()) {
            return "";
        }
        return value.s() != null ? value.s() : value.n();
    }

    private static long number(Function<String, String> attribute, String name) {
        String value = attribute.apply(name);
        return value == null ? 0 : Long.parseLong(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
