package dev.sluice.adapter.in.lambda.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The route table: a method and a path pattern per endpoint, e.g. {@code routes.get("/api/runs/{id}", this::run)}.
 * A {@code {name}} segment matches any one non-empty segment; where a literal segment and a parameter both match,
 * the route with more literal segments wins, so {@code /api/runs/latest} could sit beside {@code /api/runs/{id}}.
 */
public final class Routes {
    private final List<Route> routes = new ArrayList<>();

    /** What one route does with a call. */
    @FunctionalInterface
    public interface Endpoint {
        ApiResponse handle(ApiCall call);
    }

    private record Route(String method, String pattern, List<String> segments, Endpoint endpoint) {
        int literals() {
            return (int) segments.stream().filter(s -> !isParameter(s)).count();
        }

        /** The path parameters when the path fits this route's pattern, else null. */
        Map<String, String> bind(List<String> path) {
            if (path.size() != segments.size()) {
                return null;
            }
            Map<String, String> parameters = new LinkedHashMap<>();
            for (int i = 0; i < segments.size(); i++) {
                String segment = segments.get(i);
                if (isParameter(segment)) {
                    if (path.get(i).isEmpty()) {
                        return null;
                    }
                    parameters.put(segment.substring(1, segment.length() - 1), path.get(i));
                } else if (!segment.equals(path.get(i))) {
                    return null;
                }
            }
            return parameters;
        }
    }

    /** The outcome of looking a request up. */
    public sealed interface Match {
    }

    public record Found(Endpoint endpoint, Map<String, String> pathParameters) implements Match {
    }

    /** No route has this path, for any method. */
    public record NoRoute() implements Match {
    }

    /** Routes have this path, but not for this method; {@code allowed} are the methods they have. */
    public record WrongMethod(Set<String> allowed) implements Match {
    }

    public Routes get(String pattern, Endpoint endpoint) {
        return add("GET", pattern, endpoint);
    }

    public Routes post(String pattern, Endpoint endpoint) {
        return add("POST", pattern, endpoint);
    }

    public Routes put(String pattern, Endpoint endpoint) {
        return add("PUT", pattern, endpoint);
    }

    public Routes patch(String pattern, Endpoint endpoint) {
        return add("PATCH", pattern, endpoint);
    }

    public Routes delete(String pattern, Endpoint endpoint) {
        return add("DELETE", pattern, endpoint);
    }

    public Routes add(String method, String pattern, Endpoint endpoint) {
        if (!pattern.startsWith("/") || pattern.length() > 1 && pattern.endsWith("/")) {
            throw new IllegalArgumentException("a route pattern starts with '/' and does not end with one: " + pattern);
        }
        List<String> segments = segments(pattern);
        for (String segment : segments) {
            if (segment.isEmpty() || segment.contains("{") && !isParameter(segment)) {
                throw new IllegalArgumentException("bad segment '" + segment + "' in route pattern " + pattern);
            }
        }
        Route route = new Route(method, pattern, segments, endpoint);
        for (Route existing : routes) {
            // Two patterns that differ only in parameter names would match the same requests.
            if (existing.method().equals(method) && shape(existing.segments()).equals(shape(segments))) {
                throw new IllegalArgumentException(method + " " + pattern + " repeats " + existing.pattern());
            }
        }
        routes.add(route);
        return this;
    }

    public Match match(String method, String path) {
        List<String> pathSegments = segments(path);
        Found best = null;
        int bestLiterals = -1;
        Set<String> allowed = new TreeSet<>();
        for (Route route : routes) {
            Map<String, String> parameters = route.bind(pathSegments);
            if (parameters == null) {
                continue;
            }
            allowed.add(route.method());
            if (route.method().equals(method) && route.literals() > bestLiterals) {
                best = new Found(route.endpoint(), parameters);
                bestLiterals = route.literals();
            }
        }
        if (best != null) {
            return best;
        }
        return allowed.isEmpty() ? new NoRoute() : new WrongMethod(allowed);
    }

    private static List<String> segments(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("/", -1));
    }

    private static List<String> shape(List<String> segments) {
        return segments.stream().map(s -> isParameter(s) ? "{}" : s).toList();
    }

    private static boolean isParameter(String segment) {
        return segment.length() > 2 && segment.startsWith("{") && segment.endsWith("}");
    }
}
