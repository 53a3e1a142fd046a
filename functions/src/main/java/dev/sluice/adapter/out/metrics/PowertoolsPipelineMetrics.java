package dev.sluice.adapter.out.metrics;

import dev.sluice.application.port.PipelineMetrics;
import dev.sluice.domain.run.RunStatus;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * Powertools EMF metrics in the namespace, with the default {@code Service} dimension and the names the dashboard in
 * template.yaml charts. Each event is flushed as its own EMF document at once rather than at the end of the
 * invocation: a handler that throws half-way through a batch still reports what happened before it, and no handler
 * needs to know about metrics. On Lambda the document goes to stdout, and CloudWatch extracts the metrics from the
 * function's log stream.
 */
public final class PowertoolsPipelineMetrics implements PipelineMetrics {
    private static final String RUNS_STARTED = "RunsStarted";
    private static final String RUNS_FINISHED = "RunsFinished";
    private static final String RECORDS_LOADED = "RecordsLoaded";
    private static final String ROW_ERRORS = "RowErrors";
    private static final String CHUNK_LOAD_MILLIS = "ChunkLoadMillis";
    /** The extra dimension of RunsFinished; its values are {@link RunStatus} names. */
    private static final String STATUS_DIMENSION = "status";

    /** The default dimension Powertools names after POWERTOOLS_SERVICE_NAME. */
    private static final String SERVICE_DIMENSION = "Service";

    private final Metrics metrics;
    private final String namespace;
    private final String service;

    private PowertoolsPipelineMetrics(Metrics metrics, String namespace, String service) {
        this.metrics = metrics;
        this.namespace = namespace;
        this.service = service;
    }

    /**
     * Metrics on Powertools' one instance per JVM, with namespace and service set from the settings rather than
     * left to Powertools' own environment reads (absent in tests, where it would name the service
     * "service_undefined").
     */
    public static PowertoolsPipelineMetrics create(String namespace, String service) {
        Metrics metrics = MetricsFactory.getMetricsInstance();
        metrics.setNamespace(namespace);
        metrics.setDefaultDimensions(DimensionSet.of(SERVICE_DIMENSION, service));
        return new PowertoolsPipelineMetrics(metrics, namespace, service);
    }

    @Override
    public synchronized void runStarted() {
        metrics.addMetric(RUNS_STARTED, 1, MetricUnit.COUNT);
        metrics.flush();
    }

    @Override
    public synchronized void runFinished(RunStatus status) {
        // One dimension set {Service, status}, as the dashboard asks for it: addDimension would add {status} as a
        // second set beside the default {Service}, and CloudWatch would publish neither under both.
        metrics.flushSingleMetric(RUNS_FINISHED, 1, MetricUnit.COUNT, namespace,
                DimensionSet.of(SERVICE_DIMENSION, service, STATUS_DIMENSION, status.name()));
    }

    @Override
    public synchronized void chunkCounted(long stored, long rejected) {
        metrics.addMetric(RECORDS_LOADED, stored, MetricUnit.COUNT);
        metrics.addMetric(ROW_ERRORS, rejected, MetricUnit.COUNT);
        metrics.flush();
    }

    @Override
    public synchronized void chunkWritten(long millis) {
        metrics.addMetric(CHUNK_LOAD_MILLIS, millis, MetricUnit.MILLISECONDS);
        metrics.flush();
    }
}
