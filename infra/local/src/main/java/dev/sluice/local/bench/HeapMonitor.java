package dev.sluice.local.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Peak heap while a benchmark phase runs. Two figures: the highest heap occupancy seen at all (which follows the
 * collector's sizing more than the program), and the highest heap still in use right after a collection — the
 * live set, which is what grows if a program holds a whole file.
 */
final class HeapMonitor implements AutoCloseable {
    private final AtomicLong peakUsedBytes = new AtomicLong();
    private final AtomicLong peakLiveBytes = new AtomicLong();
    private final List<Runnable> unsubscribe = new ArrayList<>();
    private final Thread sampler;
    private volatile boolean running = true;

    HeapMonitor() {
        NotificationListener listener = (notification, handback) -> {
            if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                return;
            }
            GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo
                    .from((CompositeData) notification.getUserData());
            long live = 0;
            long before = 0;
            for (MemoryUsage usage : info.getGcInfo().getMemoryUsageAfterGc().values()) {
                live += usage.getUsed();
            }
            for (MemoryUsage usage : info.getGcInfo().getMemoryUsageBeforeGc().values()) {
                before += usage.getUsed();
            }
            peakLiveBytes.accumulateAndGet(live, Math::max);
            peakUsedBytes.accumulateAndGet(before, Math::max);
        };
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                unsubscribe.add(() -> {
                    try {
                        emitter.removeNotificationListener(listener);
                    } catch (javax.management.ListenerNotFoundException ignored) {
                        // already gone
                    }
                });
            }
        }
        sampler = Thread.ofPlatform().daemon().name("heap-sampler").start(() -> {
            while (running) {
                long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                peakUsedBytes.accumulateAndGet(used, Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    long peakUsedBytes() {
        return peakUsedBytes.get();
    }

    /** Falls back to the sampled peak when no collection ran during the phase. */
    long peakLiveBytes() {
        long live = peakLiveBytes.get();
        return live > 0 ? live : peakUsedBytes.get();
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
        unsubscribe.forEach(Runnable::run);
    }
}
