package dev.sluice.application.destination;

import dev.sluice.application.InvalidRequestException;
import dev.sluice.application.dataset.ManageDatasets;
import dev.sluice.application.identity.Caller;
import dev.sluice.application.port.DatasetDependents;
import dev.sluice.application.port.DestinationRepository;
import dev.sluice.application.port.ExternalDatabase;
import dev.sluice.application.port.SecretStore;
import dev.sluice.domain.dataset.Dataset;
import dev.sluice.domain.destination.Destination;
import dev.sluice.domain.destination.LoadStrategy;
import dev.sluice.domain.destination.SslMode;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A dataset's destinations: create, read, change, delete, test the connection and look into the target database.
 * Someone else's destination answers exactly like a missing one (NOT_FOUND), except to administrators. The password
 * goes to the secret store on the way in and is read back only to connect. A dataset's destinations, and the
 * deliveries of its runs, are deleted with it ({@link DatasetDependents}).
 */
public final class ManageDestinations implements DatasetDependents {
    private static final Pattern ID = Pattern.compile("dst_[0-9a-f]{20}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ManageDatasets datasets;
    private final DestinationRepository destinations;
    private final SecretStore secrets;
    private final ExternalDatabase external;
    private final Clock clock;

    public ManageDestinations(ManageDatasets datasets, DestinationRepository destinations, SecretStore secrets,
            ExternalDatabase external, Clock clock) {
        this.datasets = datasets;
        this.destinations = destinations;
        this.secrets = secrets;
        this.external = external;
        this.clock = clock;
    }

    public Destination create(Caller caller, String datasetId, DestinationInput input) {
        Dataset dataset = datasets.visible(caller, datasetId);
        input.complete();
        LoadStrategy strategy = input.strategy() == null ? LoadStrategy.INSERT : input.strategy();
        List<String> key = input.key() == null ? List.of() : input.key();
        DestinationInput.checkKey(strategy, key, input.columns());
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        String id = "dst_" + HexFormat.of().formatHex(random);
        String reference = secrets.put(secretName(id), input.password());
        Instant now = clock.instant();
        Destination destination = new Destination(id, dataset.id(), dataset.owner(), input.name(), input.kind(),
                input.host(), input.port(), input.database(), input.user(), reference,
                input.sslMode() == null ? SslMode.PREFER : input.sslMode(), input.schema(), input.table(),
                input.columns(), strategy, key, now, now);
        destinations.create(destination);
        return destination;
    }

    public List<Destination> list(Caller caller, String datasetId) {
        return destinations.listByDataset(datasets.visible(caller, datasetId).id());
    }

    /** The destination, when it exists and the caller may see it; else NOT_FOUND naming the id. */
    public Destination visible(Caller caller, String id) {
        Optional<Destination> found = id != null && ID.matcher(id).matches() ? destinations.find(id)
                : Optional.empty();
        if (found.isEmpty() || !caller.maySee(found.get().owner())) {
            throw notFound(id);
        }
        return found.get();
    }

    public Destination update(Caller caller, String id, DestinationInput changes) {
        Destination old = visible(caller, id);
        if (changes.kind() != null && changes.kind() != old.kind()) {
            throw InvalidRequestException.badField("kind", "cannot change: create a new destination instead");
        }
        LoadStrategy strategy = changes.strategy() == null ? old.strategy() : changes.strategy();
        var columns = changes.columns() == null ? old.columns() : changes.columns();
        List<String> key = changes.key() != null ? changes.key()
                : strategy == LoadStrategy.UPSERT ? old.key() : List.of();
        DestinationInput.checkKey(strategy, key, columns);
        Destination changed = old.withTarget(or(changes.name(), old.name()), or(changes.host(), old.host()),
                changes.port() == null ? old.port() : changes.port(), or(changes.database(), old.database()),
                or(changes.user(), old.user()), changes.sslMode() == null ? old.sslMode() : changes.sslMode(),
                or(changes.schema(), old.schema()), or(changes.table(), old.table()), columns, strategy, key,
                clock.instant());
        if (changes.password() != null) {
            changed = changed.withPasswordRef(secrets.put(secretName(old.id()), changes.password()));
        }
        if (!destinations.update(changed)) {
            throw notFound(id);
        }
        return changed;
    }

    public void delete(Caller caller, String id) {
        Destination destination = visible(caller, id);
        destinations.delete(destination.id());
        if (destination.passwordRef() != null) {
            secrets.delete(destination.passwordRef());
        }
    }

    /**
     * Nothing holds a dataset's destinations: a delivery under way has read its password already, and one that comes
     * after finds no destination and is dropped ({@link DeliverRuns#deliver}).
     */
    @Override
    public Optional<Busy> busy(String datasetId) {
        return Optional.empty();
    }

    /**
     * The deliveries of the dataset's runs first (the runs go too, so no run is left to show them), then each
     * destination's password before its row, which names it: an interrupted deletion is found and finished by the
     * next.
     */
    @Override
    public int deleteAllOf(String datasetId) {
        destinations.deleteDeliveriesOf(datasetId);
        List<Destination> all = destinations.listByDataset(datasetId);
        for (Destination destination : all) {
            if (destination.passwordRef() != null) {
                secrets.delete(destination.passwordRef());
            }
            destinations.delete(destination.id());
        }
        return all.size();
    }

    /** Empty when the destination can be delivered to; else the problem, in words safe to show. */
    public Optional<ExternalDatabase.Failure> test(Caller caller, String id) {
        return external.test(target(visible(caller, id)));
    }

    public List<String> schemas(Caller caller, String id) {
        ExternalDatabase.Target target = target(visible(caller, id));
        return unreachableAsError(() -> external.schemas(target));
    }

    public List<String> tables(Caller caller, String id, String schema) {
        Destination destination = visible(caller, id);
        ExternalDatabase.Target target = target(destination);
        return unreachableAsError(() -> external.tables(target, schema == null || schema.isBlank()
                ? destination.schema() : schema));
    }

    public List<ExternalDatabase.Column> columns(Caller caller, String id, String schema, String table) {
        Destination destination = visible(caller, id);
        ExternalDatabase.Target target = target(destination);
        return unreachableAsError(() -> external.columns(target, schema == null || schema.isBlank()
                ? destination.schema() : schema, table == null || table.isBlank() ? destination.table() : table));
    }

    /** A target that cannot be asked answers 502 with the problem's code and its safe message. */
    private static <T> T unreachableAsError(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (ExternalDatabase.Failure e) {
            throw new InvalidRequestException(e.problem().name(), 502, e.getMessage());
        }
    }

    /** Where and how to connect, with the password read from the secret store. */
    ExternalDatabase.Target target(Destination destination) {
        return targetOf(destination, secrets);
    }

    static ExternalDatabase.Target targetOf(Destination destination, SecretStore secrets) {
        String password = destination.passwordRef() == null ? "" : secrets.get(destination.passwordRef())
                .orElseThrow(() -> new IllegalStateException("the password of destination " + destination.id()
                        + " is missing from the secret store"));
        return new ExternalDatabase.Target(destination.id(), destination.kind(), destination.host(),
                destination.port(), destination.database(), destination.user(), password, destination.sslMode(),
                destination.schema(), destination.table(), List.copyOf(destination.columns().keySet()),
                destination.strategy(), destination.key());
    }

    static String secretName(String destinationId) {
        return "destinations/" + destinationId + "/password";
    }

    private static String or(String value, String fallback) {
        return value == null ? fallback : value;
    }

    static InvalidRequestException notFound(String id) {
        String shown = id == null ? "" : id.length() > 64 ? id.substring(0, 64) + "..." : id;
        return new InvalidRequestException("NOT_FOUND", 404, "No destination with id '" + shown + "'");
    }
}
