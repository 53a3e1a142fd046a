package dev.sluice.local;

import dev.sluice.adapter.out.scheduler.TimerPullScheduler;
import dev.sluice.config.Components;
import dev.sluice.config.Settings;
import dev.sluice.local.auth.TemplateAuth;
import dev.sluice.local.emulator.ElasticMqQueueAge;
import dev.sluice.local.fault.ChunkDeliveryFaults;
import dev.sluice.local.fault.Faults;
import dev.sluice.local.function.DynamoDbStreamEventSource;
import dev.sluice.local.function.LocalFunction;
import dev.sluice.local.function.ScheduleEventSource;
import dev.sluice.local.function.SqsEventSource;
import dev.sluice.local.gateway.HttpApiRoute;
import dev.sluice.local.gateway.HttpGateway;
import dev.sluice.local.template.SamTemplate;
import dev.sluice.local.template.Specs;
import java.lang.reflect.InvocationTargetException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The template's functions deployed in this JVM: a handler instance per function with its environment, and the
 * event sources that invoke them (SQS mappings, schedules, DynamoDB streams). HTTP routes go to the gateway.
 */
final class FunctionDeployment {
    /** The queue whose deliveries the chunk faults wrap. */
    static final String CHUNK_QUEUE = "ChunkQueue";
    private final SamTemplate template;
    private final LocalOptions options;
    private final Emulators emulators;
    private final LocalResources resources;
    private final Lifecycle lifecycle;
    /** The local runtime's fault injection; null when it is off. */
    private final Faults faults;
    static final String PULL_FUNCTION = "PullFunction";
    private final Map<String, LocalFunction> functions = new LinkedHashMap<>();
    private final List<SqsEventSource> eventSources = new ArrayList<>();
    private final List<ScheduleEventSource> schedules = new ArrayList<>();
    private final List<DynamoDbStreamEventSource> streamEventSources = new ArrayList<>();
    private final Map<String, Components> components = new LinkedHashMap<>();
    /** EventBridge Scheduler's part locally: fires PullFunction for each scheduled source; null without one. */
    private TimerPullScheduler pullTimer;

    FunctionDeployment(SamTemplate template, LocalOptions options, Emulators emulators, LocalResources resources,
            Lifecycle lifecycle, Faults faults) {
        this.faults = faults;
        this.template = template;
        this.options = options;
        this.emulators = emulators;
        this.resources = resources;
        this.lifecycle = lifecycle;
    }

    /** One handler per function, built the way Lambda builds it (or by the options' factory, in tests). */
    void createFunctions(FunctionEnvironment environments) throws Exception {
        for (Specs.Function spec : template.functions().values()) {
            Map<String, String> environment = environments.of(spec);
            if (faults != null && environment.containsKey("DB_URL")) {
                environment.put("DB_URL", faults.jdbcUrl(environment.get("DB_URL")));
            }
            Components components = new Components(Settings.fromEnvironment(environment));
            // GET /api/health's age of ChunkQueue's oldest message: CloudWatch on AWS, the emulator's store here.
            components.useQueueAge(new ElasticMqQueueAge(emulators.sqs(), Clock.systemUTC()));
            lifecycle.register(components); // Components may own clients in the future
            this.components.put(spec.logicalId(), components);
            Object handler = options.handlerFactories().containsKey(spec.logicalId())
                    ? options.handlerFactories().get(spec.logicalId()).apply(components)
                    : newHandler(spec, components);
            lifecycle.register(handler);
            functions.put(spec.logicalId(), new LocalFunction(spec, environment, handler));
        }
        LocalFunction pull = functions.get(PULL_FUNCTION);
        if (pull != null) {
            // The schedules the API sets fire PullFunction with the event EventBridge Scheduler sends on AWS.
            pullTimer = lifecycle.register(new TimerPullScheduler(sourceId -> {
                try {
                    pull.invoke(new LinkedHashMap<>(Map.of("sourceId", sourceId)));
                } catch (Exception e) {
                    throw new IllegalStateException("PullFunction failed for source " + sourceId, e);
                }
            }, Clock.systemUTC()));
            this.components.values().forEach(c -> c.usePullScheduler(pullTimer));
        }
    }

    /**
     * A handler wired from its function's own settings (all functions share this JVM, so none can read its
     * environment from the process); a handler still wired from Components gets the function's Components.
     */
    private static Object newHandler(Specs.Function spec, Components components) throws Exception {
        Class<?> type = Class.forName(spec.handlerClass());
        try {
            try {
                return type.getConstructor(Settings.class).newInstance(components.settings());
            } catch (NoSuchMethodException e) {
                return type.getConstructor(Components.class).newInstance(components);
            }
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(spec.logicalId() + ": handler " + spec.handlerClass()
                    + " needs a public constructor taking dev.sluice.config.Settings", e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(spec.logicalId() + ": constructing " + spec.handlerClass() + " failed: "
                    + e.getCause(), e.getCause());
        }
    }

    /** The template's HTTP API events, each a route to its function. */
    List<HttpGateway.Binding> httpBindings() {
        List<HttpGateway.Binding> bindings = new ArrayList<>();
        for (LocalFunction function : functions.values()) {
            for (Specs.HttpApiEvent event : function.spec().httpApiEvents()) {
                bindings.add(new HttpGateway.Binding(HttpApiRoute.of(event.method(), event.path()), function,
                        TemplateAuth.tokenRequired(template, function.logicalId(), event.name())));
            }
        }
        return bindings;
    }

    /** The SQS mappings and schedules; paused from the start when the options switch event sources off. */
    void startEventSources() {
        for (LocalFunction function : functions.values()) {
            for (Specs.SqsEvent mapping : function.spec().sqsEvents()) {
                if (!mapping.enabled()) {
                    continue;
                }
                int concurrency = mapping.maximumConcurrency().orElse(LocalOptions.DEFAULT_EVENT_SOURCE_CONCURRENCY);
                if (options.maxConcurrency().isPresent()) {
                    concurrency = Math.min(concurrency, options.maxConcurrency().getAsInt());
                }
                SqsEventSource source = new SqsEventSource(function, mapping,
                        resources.queueUrl(mapping.queueLogicalId()), resources.queueArn(mapping.queueLogicalId()),
                        emulators.sqsClient(), concurrency);
                if (!options.eventSourcesEnabled()) {
                    source.pause();
                }
                if (faults != null && mapping.queueLogicalId().equals(CHUNK_QUEUE)) {
                    source.wrapInvocations(new ChunkDeliveryFaults(faults, emulators.sqsClient()));
                }
                eventSources.add(source);
                source.start();
            }
        }
        schedules.addAll(ScheduleEventSource.start(template, functions.values(), options.eventSourcesEnabled()));
        Components pulls = components.get(PULL_FUNCTION);
        if (pullTimer != null && options.eventSourcesEnabled() && pulls != null) {
            // Schedules outlive a restart: the sources that have one are armed again from SourcesTable.
            pulls.sources().manage().scheduled().forEach(pullTimer::put);
        }
    }

    /** The template's DynamoDB stream events, each polling its table's stream through the Streams API. */
    void startStreamEventSources() {
        for (LocalFunction function : functions.values()) {
            for (var mapping : template.dynamoDbStreamEvents(function.logicalId())) {
                if (!mapping.enabled()) {
                    continue;
                }
                String table = resources.tableName(mapping.tableLogicalId());
                String streamArn = emulators.dynamoDbClient().describeTable(b -> b.tableName(table)).table()
                        .latestStreamArn();
                if (streamArn == null) {
                    throw new IllegalStateException(function.logicalId() + "." + mapping.name() + ": table " + table
                            + " has no stream; give it a StreamSpecification");
                }
                var streams = lifecycle.register(LocalClients.dynamoDbStreams(emulators.dynamoDb().endpoint()));
                DynamoDbStreamEventSource source = new DynamoDbStreamEventSource(function, mapping, streamArn,
                        SamTemplate.REGION, streams);
                streamEventSources.add(source);
                source.start();
                if (!options.eventSourcesEnabled()) {
                    source.pause();
                }
            }
        }
    }

    /**
     * Stops every event source; in-flight invocations finish. All are told first, so their last batches finish
     * side by side instead of one source after another.
     */
    void stopEventSources() {
        eventSources.forEach(SqsEventSource::stopPolling);
        schedules.forEach(ScheduleEventSource::stopFiring);
        streamEventSources.forEach(DynamoDbStreamEventSource::stopPolling);
        eventSources.forEach(SqsEventSource::close);
        schedules.forEach(ScheduleEventSource::close);
        streamEventSources.forEach(DynamoDbStreamEventSource::close);
    }

    Map<String, LocalFunction> functions() {
        return functions;
    }

    /** The sources whose scheduled pulls the local timer has armed (none without PullFunction). */
    Set<String> scheduledPulls() {
        return pullTimer == null ? Set.of() : pullTimer.scheduledSources();
    }

    LocalFunction function(String logicalId) {
        LocalFunction function = functions.get(logicalId);
        if (function == null) {
            throw new IllegalArgumentException("template has no function " + logicalId + " (functions: "
                    + functions.keySet() + ")");
        }
        return function;
    }

    List<SqsEventSource> eventSources() {
        return List.copyOf(eventSources);
    }

    List<SqsEventSource> eventSources(String functionLogicalId) {
        return eventSources.stream().filter(s -> s.function().logicalId().equals(functionLogicalId)).toList();
    }

    List<DynamoDbStreamEventSource> streamEventSources(String functionLogicalId) {
        return streamEventSources.stream().filter(s -> s.function().logicalId().equals(functionLogicalId)).toList();
    }
}
