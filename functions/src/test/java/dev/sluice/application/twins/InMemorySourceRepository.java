package dev.sluice.application.twins;

import dev.sluice.application.port.SourceRepository;
import dev.sluice.domain.source.Checkpoint;
import dev.sluice.domain.source.Pull;
import dev.sluice.domain.source.PullStatus;
import dev.sluice.domain.source.Source;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/** Sources and pulls in maps, with the same conditions as the DynamoDB adapter (claim, advance). */
public final class InMemorySourceRepository implements SourceRepository {
    private final Map<String, Source> sources = new LinkedHashMap<>();
    private final Map<String, TreeMap<String, Pull>> pulls = new LinkedHashMap<>();

    @Override
    public synchronized void create(Source source) {
        sources.put(source.id(), source);
    }

    @Override
    public synchronized Optional<Source> find(String sourceId) {
        return Optional.ofNullable(sources.get(sourceId));
    }

    @Override
    public synchronized List<Source> listByDataset(String datasetId) {
        return sources.values().stream().filter(s -> s.datasetId().equals(datasetId))
                .sorted(Comparator.comparing(Source::createdAt)).toList();
    }

    @Override
    public synchronized List<Source> listScheduled() {
        return sources.values().stream().filter(s -> s.schedule() != null).toList();
    }

    @Override
    public synchronized void updateSettings(Source source) {
        Source old = sources.get(source.id());
        if (old != null) {
            sources.put(source.id(), source.withCheckpoint(old.checkpoint()).withActivePull(old.activePull()));
        }
    }

    @Override
    public synchronized void delete(String sourceId) {
        sources.remove(sourceId);
        pulls.remove(sourceId);
    }

    @Override
    public synchronized boolean claim(String sourceId, String pullId, String expectedActive) {
        Source source = sources.get(sourceId);
        if (source == null || source.activePull() != null && !source.activePull().equals(expectedActive)) {
            return false;
        }
        sources.put(sourceId, source.withActivePull(pullId));
        return true;
    }

    @Override
    public synchronized void release(String sourceId, String pullId) {
        Source source = sources.get(sourceId);
        if (source != null && Objects.equals(source.activePull(), pullId)) {
            sources.put(sourceId, source.withActivePull(null));
        }
    }

    @Override
    public synchronized void savePull(Pull pull) {
        pulls.computeIfAbsent(pull.sourceId(), k -> new TreeMap<>()).put(pull.pullId(), pull);
    }

    @Override
    public synchronized Optional<Pull> findPull(String sourceId, String pullId) {
        return Optional.ofNullable(pulls.getOrDefault(sourceId, new TreeMap<>()).get(pullId));
    }

    @Override
    public synchronized PullPage pulls(String sourceId, int limit, String after) {
        List<Pull> newestFirst = new ArrayList<>(pulls.getOrDefault(sourceId, new TreeMap<>()).descendingMap()
                .values());
        List<Pull> page = newestFirst.stream().filter(p -> after == null || p.pullId().compareTo(after) < 0)
                .limit(limit + 1L).toList();
        boolean more = page.size() > limit;
        List<Pull> items = more ? page.subList(0, limit) : page;
        return new PullPage(items, more ? items.get(items.size() - 1).pullId() : null);
    }

    @Override
    public synchronized boolean advance(Pull done, Checkpoint checkpoint) {
        Optional<Pull> current = findPull(done.sourceId(), done.pullId());
        if (current.isEmpty() || current.get().status() != PullStatus.LOADING) {
            return false;
        }
        savePull(done);
        Source source = sources.get(done.sourceId());
        if (source != null) {
            Source advanced = source.withCheckpoint(checkpoint);
            sources.put(source.id(), Objects.equals(source.activePull(), done.pullId())
                    ? advanced.withActivePull(null) : advanced);
        }
        return true;
    }
}
