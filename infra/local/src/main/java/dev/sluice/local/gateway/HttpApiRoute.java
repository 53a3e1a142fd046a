package dev.sluice.local.gateway;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP API route as the template declares it ({@code Method: ANY}, {@code Path: /api/{proxy+}}), with
 * API Gateway's matching: {@code {name}} is one path segment, {@code {name+}} the rest of the path.
 */
public record HttpApiRoute(String method, String path, Pattern pattern, List<String> parameterNames) {

    /**
     * API Gateway's choice among routes that match one request, least specific first: a route without a greedy
     * {@code {proxy+}} beats one with it, then more literal characters win, then a named method beats {@code ANY}.
     */
    public static final Comparator<HttpApiRoute> SPECIFICITY = Comparator
            .comparing((HttpApiRoute route) -> !route.path().contains("+}"))
            .thenComparingInt(route -> route.path().replaceAll("\\{[^}]*}", "").length())
            .thenComparing(route -> !route.method().equals("ANY"));

    public static HttpApiRoute of(String method, String path) {
        List<String> names = new ArrayList<>();
        StringBuilder regex = new StringBuilder("^");
        Matcher matcher = Pattern.compile("\\{([^}+]+)(\\+?)}").matcher(path);
        int last = 0;
        while (matcher.find()) {
            regex.append(Pattern.quote(path.substring(last, matcher.start())));
            names.add(matcher.group(1));
            regex.append(matcher.group(2).isEmpty() ? "([^/]+)" : "(.+)");
            last = matcher.end();
        }
        regex.append(Pattern.quote(path.substring(last))).append("$");
        String normalizedMethod = method.toUpperCase(Locale.ROOT);
        return new HttpApiRoute(normalizedMethod.equals("*") ? "ANY" : normalizedMethod, path,
                Pattern.compile(regex.toString()), List.copyOf(names));
    }

    /** {@code ANY /api/{proxy+}}, as in the event's routeKey. */
    public String routeKey() {
        return method + " " + path;
    }

    /** Path parameters (decoded, as API Gateway passes them) when the request matches. */
    public Optional<Map<String, String>> match(String requestMethod, String rawPath) {
        if (!method.equals("ANY") && !method.equalsIgnoreCase(requestMethod)) {
            return Optional.empty();
        }
        Matcher matcher = pattern.matcher(rawPath);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < parameterNames.size(); i++) {
            parameters.put(parameterNames.get(i),
                    URLDecoder.decode(matcher.group(i + 1).replace("+", "%2B"), StandardCharsets.UTF_8));
        }
        return Optional.of(parameters);
    }
}
