package dev.sluice.application.progress;

import dev.sluice.application.port.ConnectionMessenger;
import dev.sluice.application.port.ConnectionMessenger.Delivery;
import dev.sluice.application.port.ConnectionRepository;
import dev.sluice.application.port.ConnectionRepository.Subscriber;
import dev.sluice.domain.progress.MessageType;
import dev.sluice.domain.progress.ProgressMessage;
import dev.sluice.domain.progress.ProgressTracker;
import dev.sluice.domain.progress.RunProgress;
import dev.sluice.domain.progress.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans the changes of runs out to the connections that watch them. One call is one batch of the runs table's
 * stream, in stream order:
 * <ol>
 *   <li>coalesce: only the latest state of each run in the batch is sent (every change still feeds the rate), so
 *       a connection gets at most one message per run per batch. Lambda polls a stream shard four times a second
 *       and runs one batch of a shard at a time, which bounds it to about 4 messages per run per second; the
 *       latest state is never dropped, so neither is the final one;</li>
 *   <li>each subscriber of the run, of its owner or of all runs gets the message, unless it was already sent a
 *       state at least as new (a snapshot taken after this change was written); each of these topics is read once
 *       per batch, however many of the batch's runs it watches, and a run's own topic only when the run is marked
 *       as watched (a subscription to it marks it);</li>
 *   <li>posts run concurrently, each awaited at most {@code postTimeout}, so one slow socket never delays the
 *       others; a connection that answers Gone is deleted and the fan-out goes on.</li>
 * </ol>
 * Posts to one connection keep their order across batches: a post waits for that connection's previous one,
 * which a timeout may have left running, so a late older state can never overtake a newer one.
 *
 * <p>One instance per function instance: it keeps the rate history and the posts in flight.
 */
public final class PublishProgress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PublishProgress.class);
    private static final int MAX_TRACKED_RUNS = 10_000;

    private final ConnectionRepository connections;
    private final ConnectionMessenger messenger;
    private final SocketMessages messages;
    private final Duration postTimeout;
    private final ProgressTracker tracker = new ProgressTracker(MAX_TRACKED_RUNS);
    private final ExecutorService posters = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, CompletableFuture<Delivery>> lastPost = new ConcurrentHashMap<>();

    public PublishProgress(ConnectionRepository connections, ConnectionMessenger messenger, SocketMessages messages,
            Duration postTimeout) {
        this.connections = connections;
        this.messenger = messenger;
        this.messages = messages;
        this.postTimeout = postTimeout;
    }

    /** What one batch did; {@code failedRuns} could not be fanned out (their subscribers could not be read). */
    public record Outcome(int messages, int delivered, int gone, int failed, int timedOut, Set<String> failedRuns) {
    }

    /** A batch whose runs may all have subscribers of their own. */
    public Outcome publish(List<RunProgress> changesInStreamOrder) {
        return publish(changesInStreamOrder, runId -> true);
    }

    /**
     * A batch in which only the runs {@code watched} accepts may have subscribers of their own (the run item says
     * whether a connection subscribed to it); the others are sent to their owner's and the administrators' topics
     * only, which spares a query per run and batch for the many runs nobody opened.
     */
    public Outcome publish(List<RunProgress> changesInStreamOrder, Predicate<String> watched) {
        Map<String, ProgressTracker.Observation> latest = new LinkedHashMap<>();
        synchronized (tracker) {
            for (RunProgress change : changesInStreamOrder) {
                latest.put(change.runId(), tracker.observe(change));
            }
        }
        Set<String> failedRuns = new LinkedHashSet<>();
        List<Post> posts = new ArrayList<>();
        Map<Topic, CompletableFuture<List<Subscriber>>> subscribers = querySubscribers(latest.values(), watched);
        for (ProgressTracker.Observation observation : latest.values()) {
            RunProgress run = observation.progress();
            Map<String, Optional<RunProgress>> audience;
            try {
                audience = audience(run, topics(run, watched), subscribers);
            } catch (RuntimeException e) {
                LOG.error("reading the subscribers of run {} failed", run.runId(), e);
                failedRuns.add(run.runId());
                continue;
            }
            String text = messages.progress(ProgressMessage.of(MessageType.forChange(run), run,
                    observation.estimate()));
            audience.forEach((connectionId, seen) -> {
                if (seen.isEmpty() || run.isAheadOf(seen.get())) {
                    posts.add(new Post(connectionId, run.runId(), text));
                }
            });
        }
        return fanOut(posts, failedRuns);
    }

    /**
     * Every topic the batch's runs are watched by, each queried once and all at once: the runs of a batch mostly
     * share their owners' topics and always the administrators' one, so a batch of N runs of one owner costs N + 2
     * queries instead of 3N, and their round trips are most of the time between a change and its message.
     */
    private Map<Topic, CompletableFuture<List<Subscriber>>> querySubscribers(
            Iterable<ProgressTracker.Observation> runs, Predicate<String> watched) {
        Map<Topic, CompletableFuture<List<Subscriber>>> queries = new LinkedHashMap<>();
        for (ProgressTracker.Observation observation : runs) {
            for (Topic topic : topics(observation.progress(), watched)) {
                queries.computeIfAbsent(topic, t -> CompletableFuture.supplyAsync(() -> connections.subscribers(t),
                        posters));
            }
        }
        return queries;
    }

    /**
     * Connection → the state it was last sent by a snapshot of this run (the highest when it subscribed more than
     * once); throws when a topic watching the run could not be read.
     */
    private static Map<String, Optional<RunProgress>> audience(RunProgress run, List<Topic> topics,
            Map<Topic, CompletableFuture<List<Subscriber>>> subscribers) {
        Map<String, Optional<RunProgress>> audience = new LinkedHashMap<>();
        for (Topic topic : topics) {
            List<Subscriber> watching;
            try {
                watching = subscribers.get(topic).join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
            for (Subscriber subscriber : watching) {
                audience.merge(subscriber.connectionId(), subscriber.seen().filter(s -> s.runId().equals(run.runId())),
                        (a, b) -> a.isEmpty() ? b : b.isEmpty() ? a : b.get().isAheadOf(a.get()) ? b : a);
            }
        }
        return audience;
    }

    /** The topics whose subscribers hear of a change of the run: its own only while it is watched. */
    private static List<Topic> topics(RunProgress run, Predicate<String> watched) {
        List<Topic> all = Topic.watching(run);
        return watched.test(run.runId()) ? all
                : all.stream().filter(topic -> topic.kind() != Topic.Kind.RUN).toList();
    }

    private record Post(String connectionId, String runId, String text) {
    }

    private Outcome fanOut(List<Post> posts, Set<String> failedRuns) {
        AtomicInteger delivered = new AtomicInteger();
        AtomicInteger gone = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<CompletableFuture<Delivery>> futures = new ArrayList<>();
        for (Post post : posts) {
            futures.add(lastPost.compute(post.connectionId(), (id, previous) -> {
                CompletableFuture<Delivery> before = previous == null ? CompletableFuture.completedFuture(null)
                        : previous.exceptionally(e -> null);
                return before.thenApplyAsync(ignored -> send(post), posters);
            }));
        }
        long deadline = System.nanoTime() + postTimeout.toNanos();
        int timedOut = 0;
        for (CompletableFuture<Delivery> future : futures) {
            try {
                Delivery delivery = future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                switch (delivery) {
                    case DELIVERED -> delivered.incrementAndGet();
                    case GONE -> gone.incrementAndGet();
                    case FAILED -> failed.incrementAndGet();
                }
            } catch (TimeoutException e) {
                timedOut++;
            } catch (ExecutionException e) {
                failed.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        lastPost.entrySet().removeIf(entry -> entry.getValue().isDone());
        return new Outcome(posts.size(), delivered.get(), gone.get(), failed.get(), timedOut, failedRuns);
    }

    private Delivery send(Post post) {
        Delivery delivery;
        try {
            delivery = messenger.post(post.connectionId(), post.text());
        } catch (RuntimeException e) {
            LOG.warn("posting run {} to connection {} failed: {}", post.runId(), post.connectionId(), e.toString());
            return Delivery.FAILED;
        }
        if (delivery == Delivery.GONE) {
            try {
                connections.delete(post.connectionId());
            } catch (RuntimeException e) {
                // The table's TTL removes it later; the other connections matter more now.
                LOG.warn("deleting gone connection {} failed: {}", post.connectionId(), e.toString());
            }
        }
        return delivery;
    }

    @Override
    public void close() {
        posters.shutdown();
    }
}
