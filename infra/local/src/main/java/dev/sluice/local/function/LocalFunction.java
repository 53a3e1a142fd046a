package dev.sluice.local.function;

import com.amazonaws.services.lambda.runtime.Context;
import dev.sluice.local.template.Specs;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.UUID;

/**
 * One deployed function: its template spec, the environment it was given, and the single handler instance
 * that serves all its invocations (like one warm Lambda execution environment, but shared by concurrent
 * invocations — handlers must be thread-safe, which Sluice's are by construction).
 */
public final class LocalFunction {
    private final Specs.Function spec;
    private final Map<String, String> environment;
    private final Object handler;
    private final Method method;

    public LocalFunction(Specs.Function spec, Map<String, String> environment, Object handler) {
        this.spec = spec;
        this.environment = Map.copyOf(environment);
        this.handler = handler;
        this.method = findHandlerMethod(handler.getClass(), spec.handlerMethod());
    }

    private static Method findHandlerMethod(Class<?> type, String name) {
        Method best = null;
        for (Method candidate : type.getMethods()) {
            if (!candidate.getName().equals(name) || candidate.isBridge() || candidate.isSynthetic()) {
                continue;
            }
            int count = candidate.getParameterCount();
            if (count == 2 && Context.class.isAssignableFrom(candidate.getParameterTypes()[1])) {
                return candidate;
            }
            if (count == 1) {
                best = candidate;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("no public method " + name + "(event[, Context]) on " + type.getName());
        }
        return best;
    }

    public String logicalId() {
        return spec.logicalId();
    }

    public Specs.Function spec() {
        return spec;
    }

    public Map<String, String> environment() {
        return environment;
    }

    public Object handler() {
        return handler;
    }

    /** The event type the handler method takes (e.g. {@code SQSEvent}). */
    public Class<?> eventType() {
        return method.getParameterTypes()[0];
    }

    /**
     * Invokes the handler like the Lambda runtime does. A handler exception is rethrown as-is (unwrapped),
     * which is what makes Lambda treat the whole batch or request as failed.
     */
    public Object invoke(Object event) throws Exception {
        if (!eventType().isInstance(event)) {
            throw new IllegalArgumentException(spec.logicalId() + " takes " + eventType().getName()
                    + ", the local runtime built " + event.getClass().getName());
        }
        LocalContext context = new LocalContext(UUID.randomUUID().toString(), spec.logicalId(), spec.memorySizeMb(),
                spec.timeoutSeconds(), environment);
        try {
            return method.getParameterCount() == 2
                    ? method.invoke(handler, event, context)
                    : method.invoke(handler, event);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception exception) {
                throw exception;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
