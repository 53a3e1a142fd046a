package dev.sluice.application.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.dataset.ManageDatasets;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.port.DatasetDependents;
import dev.sluice.application.port.PullScheduler;
import dev.sluice.application.port.SecretStore;
import dev.sluice.application.port.SourceRepository;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.source.Pagination;
import dev.sluice.domain.source.Pull;
import dev.sluice.domain.source.PullStatus;
import dev.sluice.domain.source.Schedule;
import dev.sluice.domain.source.Source;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Creating, reading, changing and deleting sources, and reading their pull history. A source is visible to its
 * dataset's owner (and admins); anyone else gets 404, as for a missing one. Header values go to the secret store and
 * only their names stay on the source; the schedule is kept in step with the scheduler. A dataset's sources are
 * deleted with it ({@link DatasetDependents}).
 */
public final class ManageSources implements DatasetDependents {
    private static final int MAX_SOURCES_PER_DATASET = 50;
    /** A path id is echoed in a 404 only this far: it is whatever the caller typed. */
    private static final int SHOWN_ID_CHARS = 64;

    private final SourceRepository sources;
    private final ManageDatasets datasets;
    private final SecretStore secrets;
    private final PullScheduler scheduler;
    private final SourceCheckpoints checkpoints;
    private final ObjectMapper json;
    private final Clock clock;

    public ManageSources(SourceRepository sources, ManageDatasets datasets, SecretStore secrets,
            PullScheduler scheduler, SourceCheckpoints checkpoints, ObjectMapper json, Clock clock) {
        this.sources = sources;
        this.datasets = datasets;
        this.secrets = secrets;
        this.scheduler = scheduler;
        this.checkpoints = checkpoints;
        this.json = json;
        this.clock = clock;
    }

    public Source create(Caller caller, String datasetId, SourceSpec spec) {
        Dataset dataset = datasets.visible(caller, datasetId);
        if (spec.kind() == null || spec.url() == null) {
            throw SourceSpec.invalid(spec.kind() == null ? "kind" : "url",
                    spec.kind() == null ? "required: csv-url, json-api or feed" : "required");
        }
        if (sources.listByDataset(dataset.id()).size() >= MAX_SOURCES_PER_DATASET) {
            throw new InvalidRequestException("TOO_MANY_SOURCES", 409, "Dataset '" + datasetId + "' has "
                    + MAX_SOURCES_PER_DATASET + " sources, the most it can have.");
        }
        if (spec.schedule() == null && spec.timezone() != null) {
            throw SourceSpec.timezoneWithoutSchedule("none is given");
        }
        String id = UUID.randomUUID().toString();
        Instant now = clock.instant();
        String secretRef = spec.headers() == null || spec.headers().isEmpty() ? null
                : secrets.put(secretName(id), headerJson(spec.headers()));
        Schedule schedule = spec.schedule() == null ? null
                : spec.timezone() == null ? spec.schedule() : spec.schedule().in(spec.timezone());
        Source source = new Source(id, dataset.id(), dataset.owner(), spec.kind(), spec.url(), schedule,
                spec.enabled() == null || spec.enabled(), blankToNull(spec.cursorField()),
                blankToNull(spec.recordsPath()), spec.pagination() == null ? Pagination.NONE : spec.pagination(),
                blankToNull(spec.since()), spec.headers() == null ? List.of() : sorted(spec.headers()), secretRef,
                null, null, now, now);
        sources.create(source);
        scheduler.put(source);
        return source;
    }

    public List<Source> list(Caller caller, String datasetId) {
        Dataset dataset = datasets.visible(caller, datasetId);
        return sources.listByDataset(dataset.id());
    }

    /** The source, brought up to date with its last pull. */
    public Source visible(Caller caller, String id) {
        Source source = sources.find(id).filter(s -> caller.maySee(s.owner())).orElseThrow(() -> notFound(id));
        return checkpoints.settle(source);
    }

    public Source update(Caller caller, String id, SourceSpec change) {
        Source old = visible(caller, id);
        if (change.kind() != null && change.kind() != old.kind()) {
            throw SourceSpec.invalid("kind", "a source's kind cannot change; create another source");
        }
        String secretRef = old.secretRef();
        List<String> names = old.headerNames();
        if (change.clearHeaders() || change.headers() != null && change.headers().isEmpty()) {
            if (secretRef != null) {
                secrets.delete(secretRef);
            }
            secretRef = null;
            names = List.of();
        } else if (change.headers() != null) {
            secretRef = secrets.put(secretName(id), headerJson(change.headers()));
            names = sorted(change.headers());
        }
        Schedule schedule = schedule(old.schedule(), change);
        Source updated = new Source(id, old.datasetId(), old.owner(), old.kind(), pick(change.url(), old.url()),
                schedule, change.enabled() == null ? old.enabled() : change.enabled(),
                change.cursorField() == null ? old.cursorField() : blankToNull(change.cursorField()),
                change.recordsPath() == null ? old.recordsPath() : blankToNull(change.recordsPath()),
                change.pagination() == null ? old.pagination() : change.pagination(),
                change.since() == null ? old.since() : blankToNull(change.since()), names, secretRef,
                old.checkpoint(), old.activePull(), old.createdAt(), clock.instant());
        sources.updateSettings(updated);
        scheduler.put(updated);
        return updated;
    }

    public void delete(Caller caller, String id) {
        deleteSource(visible(caller, id));
    }

    /**
     * The schedule first, so no pull starts while the rest goes; the source's record (with its pulls) last, since it
     * names the secret: an interrupted deletion is found and finished by the next.
     */
    private void deleteSource(Source source) {
        scheduler.remove(source.id());
        if (source.secretRef() != null) {
            secrets.delete(source.secretRef());
        }
        sources.delete(source.id());
    }

    /**
     * A source of the dataset that is fetching now: its pull would create a run after the dataset's runs were read.
     * A pull that is loading has a run, which the dataset's own runs answer for (one waiting in review does not
     * hold the deletion); a pull whose process died is failed by {@link SourceCheckpoints#settle} first.
     */
    @Override
    public Optional<Busy> busy(String datasetId) {
        for (Source listed : sources.listByDataset(datasetId)) {
            Source source = checkpoints.settle(listed);
            if (source.activePull() == null) {
                continue;
            }
            Optional<Pull> pull = sources.findPull(source.id(), source.activePull());
            if (pull.isPresent() && pull.get().status() == PullStatus.RUNNING) {
                return Optional.of(new Busy("source " + source.id() + " (" + source.kind().wireName()
                        + ") is being pulled (pull " + pull.get().pullId() + ", started "
                        + pull.get().startedAt() + ")", "that pull",
                        Map.of("sourceId", source.id(), "pullId", pull.get().pullId())));
            }
        }
        return Optional.empty();
    }

    @Override
    public int deleteAllOf(String datasetId) {
        List<Source> all = sources.listByDataset(datasetId);
        all.forEach(this::deleteSource);
        return all.size();
    }

    public SourceRepository.PullPage pulls(Caller caller, String id, int limit, String after) {
        visible(caller, id);
        return sources.pulls(id, limit, after);
    }

    /** Every source with a schedule (the local runtime arms its timer with them at start). */
    public List<Source> scheduled() {
        return sources.listScheduled();
    }

    /** One pull of a visible source. */
    public java.util.Optional<dev.sluice.domain.source.Pull> pull(Caller caller, String id, String pullId) {
        visible(caller, id);
        return pullId == null ? java.util.Optional.empty() : sources.findPull(id, pullId);
    }

    /**
     * The schedule after a PATCH, which changes only what it names: a new expression keeps the old time zone unless
     * one is given, and a time zone alone moves the stored expression into it (the caller re-arms the scheduler).
     */
    private static Schedule schedule(Schedule old, SourceSpec change) {
        if (change.clearSchedule()) {
            return null;
        }
        if (change.schedule() != null) {
            ZoneId zone = change.timezone() != null ? change.timezone()
                    : old != null ? old.timezone() : change.schedule().timezone();
            return change.schedule().in(zone);
        }
        if (change.timezone() != null) {
            if (old == null) {
                throw SourceSpec.timezoneWithoutSchedule("the source has none");
            }
            return old.in(change.timezone());
        }
        return old;
    }

    /** A missing source and someone else's answer alike, with the code datasets and destinations answer. */
    static InvalidRequestException notFound(String id) {
        String shown = id == null ? "" : id.length() > SHOWN_ID_CHARS ? id.substring(0, SHOWN_ID_CHARS) + "..." : id;
        return new InvalidRequestException("NOT_FOUND", 404, "No source with id '" + shown + "'");
    }

    private static String secretName(String sourceId) {
        return "sluice/source/" + sourceId;
    }

    private String headerJson(Map<String, String> headers) {
        try {
            return json.writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("headers could not be written as JSON", e);
        }
    }

    private static List<String> sorted(Map<String, String> headers) {
        List<String> names = new ArrayList<>(headers.keySet());
        names.sort(String.CASE_INSENSITIVE_ORDER);
        return names;
    }

    private static String pick(String given, String old) {
        return given == null ? old : given;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
