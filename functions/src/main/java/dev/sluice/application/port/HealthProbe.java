package dev.sluice.application.port;

import java.util.Map;

/** One dependency's cheapest call that proves it answers, for {@code GET /api/health}. */
public interface HealthProbe {

    /** The check's name in the answer: {@code database}, {@code objectStore}, ... */
    String name();

    /**
     * Calls the dependency once; returns facts worth reporting (queue depths), or throws when it does not answer
     * properly. The caller bounds the time; a probe need not.
     */
    Map<String, Object> probe() throws Exception;
}
