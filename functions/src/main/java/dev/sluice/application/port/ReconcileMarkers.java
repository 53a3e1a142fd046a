package dev.sluice.application.port;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/**
 * What the reconciler remembers per object version between sweeps: when it first found the object without a run
 * while IngestQueue had a backlog, and when it last sent the object's event itself. Without this memory every sweep
 * would send again the event of every file still waiting in a backlog, and so grow the backlog it is waiting on.
 */
public interface ReconcileMarkers {

    /** One version of one object. */
    record ObjectRef(String bucket, String key, String eTag) {
    }

    /** @param firstSeen null when never deferred; @param sentAt null when never sent by the reconciler */
    record Marker(Instant firstSeen, Instant sentAt) {
    }

    /** The markers of those objects that have one. */
    Map<ObjectRef, Marker> find(Collection<ObjectRef> objects);

    /** Remembers that the object was found waiting at {@code at}, unless it was found before. */
    void deferred(ObjectRef object, Instant at);

    /** Remembers that the reconciler sent the object's event at {@code at}. */
    void sent(ObjectRef object, Instant at);

    /** Remembers nothing: every sweep judges every object afresh. */
    static ReconcileMarkers none() {
        return new ReconcileMarkers() {
            @Override
            public Map<ObjectRef, Marker> find(Collection<ObjectRef> objects) {
                return Map.of();
            }

            @Override
            public void deferred(ObjectRef object, Instant at) {
            }

            @Override
            public void sent(ObjectRef object, Instant at) {
            }
        };
    }
}
