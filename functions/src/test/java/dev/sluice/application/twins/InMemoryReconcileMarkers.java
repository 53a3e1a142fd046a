package dev.sluice.application.twins;

import dev.sluice.application.port.ReconcileMarkers;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** {@link ReconcileMarkers} in a map, as DynamoReconcileMarkers keeps them in the runs table. */
public final class InMemoryReconcileMarkers implements ReconcileMarkers {
    private final Map<ObjectRef, Marker> markers = new HashMap<>();

    @Override
    public synchronized Map<ObjectRef, Marker> find(Collection<ObjectRef> objects) {
        Map<ObjectRef, Marker> found = new HashMap<>();
        objects.forEach(object -> {
            if (markers.containsKey(object)) {
                found.put(object, markers.get(object));
            }
        });
        return found;
    }

    @Override
    public synchronized void deferred(ObjectRef object, Instant at) {
        Marker marker = markers.get(object);
        if (marker == null || marker.firstSeen() == null) {
            markers.put(object, new Marker(at, marker == null ? null : marker.sentAt()));
        }
    }

    @Override
    public synchronized void sent(ObjectRef object, Instant at) {
        Marker marker = markers.get(object);
        markers.put(object, new Marker(marker == null ? null : marker.firstSeen(), at));
    }
}
