package dev.sluice.local.auth;

import dev.sluice.local.template.SamTemplate;
import java.util.Map;
import java.util.Optional;

/**
 * Which HTTP API routes of the template sit behind a JWT authorizer, read from the template as SAM declares it: the
 * event's {@code ApiId} names an {@code AWS::Serverless::HttpApi} whose {@code Auth.DefaultAuthorizer} is a
 * {@code JwtConfiguration} authorizer, unless the event says {@code Auth: {Authorizer: NONE}}. The declared issuer
 * and audience (the Cognito pool and app client) have no local meaning: the local sign-in's stand in for them.
 */
public final class TemplateAuth {
    private TemplateAuth() {
    }

    public static boolean tokenRequired(SamTemplate template, String functionLogicalId, String eventName) {
        Map<String, Object> event = map(map(map(template.functionProperties(functionLogicalId).get("Events"))
                .get(eventName)).get("Properties"));
        Optional<String> authorizer = Optional.ofNullable(map(event.get("Auth")).get("Authorizer"))
                .map(String::valueOf);
        if (authorizer.isPresent() && authorizer.get().equals("NONE")) {
            return false;
        }
        Object apiId = map(event.get("ApiId")).get("Ref");
        Map<String, Object> api = map(map(template.raw().get("Resources")).get(String.valueOf(apiId)));
        if (!"AWS::Serverless::HttpApi".equals(api.get("Type"))) {
            return false;
        }
        Map<String, Object> auth = map(map(api.get("Properties")).get("Auth"));
        Object name = authorizer.orElse(auth.get("DefaultAuthorizer") == null ? null
                : String.valueOf(auth.get("DefaultAuthorizer")));
        return name != null && map(map(auth.get("Authorizers")).get(String.valueOf(name))).containsKey("JwtConfiguration");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
    }
}
