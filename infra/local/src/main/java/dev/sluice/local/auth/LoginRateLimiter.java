package dev.sluice.local.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Failed sign-ins counted per user name and per client address over a sliding window: at
 * {@link #MAX_FAILURES_PER_USER} failures for one name, or {@link #MAX_FAILURES_PER_ADDRESS} from one address, within
 * {@link #WINDOW}, further attempts are refused without checking the password until the oldest failure leaves the
 * window. Per name stops guessing one account from many addresses; per address stops spraying many names.
 */
final class LoginRateLimiter {
    static final int MAX_FAILURES_PER_USER = 5;
    static final int MAX_FAILURES_PER_ADDRESS = 20;
    static final Duration WINDOW = Duration.ofMinutes(5);
    /** Bounds memory when someone sprays random names: the least recently failed keys go first. */
    private static final int MAX_KEYS = 10_000;

    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new LinkedHashMap<>(16, 0.75f, true);

    LoginRateLimiter(Clock clock) {
        this.clock = clock;
    }

    /** How long the caller must wait, when either limit is reached. */
    synchronized Optional<Duration> blocked(String user, String address) {
        Instant now = clock.instant();
        Optional<Duration> byUser = wait("user:" + user, MAX_FAILURES_PER_USER, now);
        Optional<Duration> byAddress = wait("address:" + address, MAX_FAILURES_PER_ADDRESS, now);
        if (byUser.isPresent() && byAddress.isPresent()) {
            return Optional.of(byUser.get().compareTo(byAddress.get()) > 0 ? byUser.get() : byAddress.get());
        }
        return byUser.or(() -> byAddress);
    }

    synchronized void failed(String user, String address) {
        Instant now = clock.instant();
        record("user:" + user, now);
        record("address:" + address, now);
    }

    private Optional<Duration> wait(String key, int limit, Instant now) {
        Deque<Instant> times = failures.get(key);
        if (times == null) {
            return Optional.empty();
        }
        prune(times, now);
        if (times.size() < limit) {
            return Optional.empty();
        }
        // Blocked until enough failures have aged out to leave room for one more attempt.
        Instant freed = times.stream().skip(times.size() - limit).findFirst().orElseThrow().plus(WINDOW);
        return Optional.of(Duration.between(now, freed));
    }

    private void record(String key, Instant now) {
        Deque<Instant> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        prune(times, now);
        times.addLast(now);
        while (failures.size() > MAX_KEYS) {
            failures.remove(failures.keySet().iterator().next());
        }
    }

    private static void prune(Deque<Instant> times, Instant now) {
        while (!times.isEmpty() && !times.peekFirst().plus(WINDOW).isAfter(now)) {
            times.removeFirst();
        }
    }
}
