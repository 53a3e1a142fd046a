package dev.sluice.adapter.out.scheduler;

import dev.sluice.application.port.PullScheduler;
import dev.sluice.domain.source.Source;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local runtime's EventBridge Scheduler: one timer per enabled, scheduled source, firing {@code fire} with the
 * source id at each time the schedule names (the event PullFunction receives on AWS is {@code {"sourceId"}}). A
 * rate counts from when the schedule was set (the source's {@code updatedAt}), as EventBridge counts from
 * creation. A firing that throws is logged; the next one is still scheduled.
 */
public final class TimerPullScheduler implements PullScheduler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TimerPullScheduler.class);

    private final Consumer<String> fire;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final Map<String, ScheduledFuture<?>> scheduled = new ConcurrentHashMap<>();

    public TimerPullScheduler(Consumer<String> fire, Clock clock) {
        this.fire = fire;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-pull-scheduler");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void put(Source source) {
        remove(source.id());
        if (source.schedule() == null || !source.enabled()) {
            return;
        }
        arm(source, clock.instant());
    }

    private void arm(Source source, Instant after) {
        Instant anchor = source.updatedAt() == null ? after : source.updatedAt();
        Instant next = source.schedule().nextAfter(after, anchor);
        if (next == null) {
            return;
        }
        schedule(source, next);
    }

    /**
     * Waits until the wall clock reaches {@code due}: the executor's nanosecond timer and the wall clock drift apart
     * by fractions of a millisecond, so a wake-up that comes before {@code due} by the clock waits again instead of
     * firing early.
     */
    private void schedule(Source source, Instant due) {
        long delayNanos = Math.max(0, Duration.between(clock.instant(), due).toNanos());
        scheduled.put(source.id(), timer.schedule(() -> {
            if (clock.instant().isBefore(due)) {
                if (scheduled.containsKey(source.id())) {
                    schedule(source, due);
                }
                return;
            }
            try {
                fire.accept(source.id());
            } catch (RuntimeException e) {
                LOG.warn("scheduled pull of source {} failed", source.id(), e);
            }
            if (scheduled.containsKey(source.id())) {
                arm(source, due);
            }
        }, delayNanos, TimeUnit.NANOSECONDS));
    }

    @Override
    public void remove(String sourceId) {
        ScheduledFuture<?> old = scheduled.remove(sourceId);
        if (old != null) {
            old.cancel(false);
        }
    }

    /** The sources with a timer armed now (what EventBridge Scheduler would list in the schedule group). */
    public Set<String> scheduledSources() {
        return Set.copyOf(scheduled.keySet());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
