package dev.sluice.local.function;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.local.template.Intrinsics;
import dev.sluice.local.template.SamTemplate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emulates a SAM {@code Schedule} event (an EventBridge rule with a rate expression): every period the function is
 * invoked with the JSON EventBridge sends for a scheduled rule ({@code "detail-type": "Scheduled Event"}, {@code
 * "source": "aws.events"}), or with the event's {@code Input} when the template gives one. Rates take minutes, hours
 * and days as on AWS, and also seconds so that tests need not wait a minute; cron expressions are not emulated.
 * One invocation at a time; a failed invocation is logged (EventBridge's asynchronous retries are not emulated).
 */
public final class ScheduleEventSource implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduleEventSource.class);
    private static final Pattern RATE = Pattern.compile(
            "rate\\(\\s*(\\d+)\\s+(second|seconds|minute|minutes|hour|hours|day|days)\\s*\\)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalFunction function;
    private final String eventName;
    private final Duration period;
    private final String input;
    private final ScheduledExecutorService timer;
    private final AtomicLong invocations = new AtomicLong();
    private volatile boolean paused;

    ScheduleEventSource(LocalFunction function, String eventName, Duration period, String input) {
        this.function = function;
        this.eventName = eventName;
        this.period = period;
        this.input = input;
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon(true)
                .name("schedule-" + function.logicalId() + "-" + eventName).factory());
    }

    /**
     * The Schedule events of the template's functions, started (or paused, when {@code enabled} is false); the
     * expressions are read with the template's parameter values, so {@code --param} can shorten a period.
     */
    public static List<ScheduleEventSource> start(SamTemplate template, Collection<LocalFunction> functions,
            boolean enabled) {
        Intrinsics intrinsics = template.intrinsics(new ParametersOnly());
        List<ScheduleEventSource> sources = new ArrayList<>();
        for (LocalFunction function : functions) {
            Object events = template.functionProperties(function.logicalId()).get("Events");
            if (!(events instanceof Map<?, ?> byName)) {
                continue;
            }
            for (Map.Entry<?, ?> entry : byName.entrySet()) {
                if (!(entry.getValue() instanceof Map<?, ?> event) || !"Schedule".equals(event.get("Type"))) {
                    continue;
                }
                Map<?, ?> properties = event.get("Properties") instanceof Map<?, ?> map ? map : Map.of();
                Object state = intrinsics.resolve(properties.get("State"));
                Object on = intrinsics.resolve(properties.get("Enabled"));
                if ("DISABLED".equals(state) || on != null && !Boolean.parseBoolean(String.valueOf(on))) {
                    continue;
                }
                String expression = intrinsics.resolveString(properties.get("Schedule"));
                Object input = intrinsics.resolve(properties.get("Input"));
                String name = String.valueOf(entry.getKey());
                Duration period;
                try {
                    period = period(expression);
                } catch (IllegalArgumentException e) {
                    LOG.warn("{}.{}: {}; not scheduled locally", function.logicalId(), name, e.getMessage());
                    continue;
                }
                ScheduleEventSource source = new ScheduleEventSource(function, name, period,
                        input == null ? null : String.valueOf(input));
                source.paused = !enabled;
                source.begin();
                sources.add(source);
            }
        }
        return sources;
    }

    /** {@code rate(5 minutes)} → 5 minutes. */
    static Duration period(String expression) {
        Matcher rate = RATE.matcher(expression == null ? "" : expression.trim().toLowerCase(Locale.ROOT));
        if (!rate.matches()) {
            throw new IllegalArgumentException("schedule '" + expression + "' is not a rate expression such as "
                    + "rate(5 minutes); cron expressions are not emulated");
        }
        long value = Long.parseLong(rate.group(1));
        if (value < 1) {
            throw new IllegalArgumentException("schedule '" + expression + "' needs a rate of at least 1");
        }
        ChronoUnit unit = switch (rate.group(2).replaceAll("s$", "")) {
            case "second" -> ChronoUnit.SECONDS;
            case "minute" -> ChronoUnit.MINUTES;
            case "hour" -> ChronoUnit.HOURS;
            default -> ChronoUnit.DAYS;
        };
        return Duration.of(value, unit);
    }

    private void begin() {
        // Like a new EventBridge rule, the first event comes one period after the rule exists.
        timer.scheduleAtFixedRate(this::fire, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void fire() {
        if (paused) {
            return;
        }
        try {
            function.invoke(JSON.readValue(eventJson(Instant.now()), function.eventType()));
            invocations.incrementAndGet();
        } catch (Exception | Error e) {
            LOG.warn("{}.{}: scheduled invocation failed: {}", function.logicalId(), eventName, e.toString());
            LOG.debug("scheduled invocation failure", e);
        }
    }

    /** The event EventBridge delivers for a scheduled rule (or the configured Input). */
    String eventJson(Instant now) throws java.io.IOException {
        if (input != null) {
            return input;
        }
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", "Scheduled Event");
        event.put("source", "aws.events");
        event.put("account", SamTemplate.ACCOUNT_ID);
        event.put("time", now.truncatedTo(ChronoUnit.SECONDS).toString());
        event.put("region", SamTemplate.REGION);
        event.putArray("resources").add("arn:aws:events:" + SamTemplate.REGION + ":" + SamTemplate.ACCOUNT_ID
                + ":rule/" + SamTemplate.STACK_NAME + "-" + function.logicalId() + eventName);
        event.putObject("detail");
        return JSON.writeValueAsString(event);
    }

    public String name() {
        return function.logicalId() + "." + eventName;
    }

    public Duration period() {
        return period;
    }

    /** Scheduled invocations that returned normally. */
    public long invocations() {
        return invocations.get();
    }

    public void pause() {
        paused = true;
    }

    public void resume() {
        paused = false;
    }

    /** Fires no more, without waiting for an invocation in flight ({@link #close()} waits). */
    public void stopFiring() {
        timer.shutdownNow();
    }

    @Override
    public void close() {
        stopFiring();
        try {
            // An invocation in flight finishes first, as with the SQS pollers.
            timer.awaitTermination(Math.max(5, function.spec().timeoutSeconds()), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Schedule properties refer to parameters only; anything else has no meaning for a timer. */
    private static final class ParametersOnly implements Intrinsics.Environment {
        @Override
        public Object ref(String name) {
            throw new IllegalArgumentException("a Schedule property refers to " + name + ", which is no parameter");
        }

        @Override
        public Object getAtt(String resource, String attribute) {
            throw new IllegalArgumentException("a Schedule property uses !GetAtt " + resource + "." + attribute);
        }

        @Override
        public String dynamicReference(String reference) {
            throw new IllegalArgumentException("a Schedule property uses {{resolve:" + reference + "}}");
        }

        @Override
        public boolean condition(String name) {
            throw new IllegalArgumentException("a Schedule property uses condition " + name);
        }
    }
}
