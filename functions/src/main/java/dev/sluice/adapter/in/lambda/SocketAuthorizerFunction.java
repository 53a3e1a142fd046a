package dev.sluice.adapter.in.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.sluice.application.identity.TokenVerifier;
import dev.sluice.config.Components;
import dev.sluice.config.Settings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket API's {@code $connect} authorizer (Lambda REQUEST authorizer, identity source
 * {@code route.request.querystring.token}): browsers cannot set headers on a WebSocket request, so the sign-in
 * token comes as {@code ?token=}. A valid token is allowed with the context {@code {sub, email, groups}} (groups
 * comma-joined: authorizer context values must be strings, numbers or booleans), which API Gateway hands to
 * SocketFunction as {@code requestContext.authorizer}; anything else is denied. The token is never logged.
 */
public final class SocketAuthorizerFunction implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final Logger LOG = LoggerFactory.getLogger(SocketAuthorizerFunction.class);

    private final TokenVerifier verifier;

    public SocketAuthorizerFunction() {
        this(Components.tokenVerifier(Settings.fromEnvironment(System.getenv())));
    }

    public SocketAuthorizerFunction(Components components) {
        this(components.tokenVerifier());
    }

    public SocketAuthorizerFunction(TokenVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return Telemetry.invocation(context, () -> {
            String methodArn = String.valueOf(event.getOrDefault("methodArn", "*"));
            Optional<String> token = token(event);
            Optional<TokenVerifier.VerifiedToken> verified = token.flatMap(verifier::verify);
            if (verified.isEmpty()) {
                LOG.info("$connect denied: {}", token.isEmpty() ? "no token" : "token not valid");
                return policy("anonymous", "Deny", methodArn, null);
            }
            TokenVerifier.VerifiedToken identity = verified.get();
            Map<String, Object> authorizerContext = new LinkedHashMap<>();
            authorizerContext.put("sub", identity.subject());
            authorizerContext.put("email", identity.email());
            authorizerContext.put("groups", String.join(",", identity.groups()));
            return policy(identity.subject(), "Allow", methodArn, authorizerContext);
        });
    }

    private static Optional<String> token(Map<String, Object> event) {
        if (event.get("queryStringParameters") instanceof Map<?, ?> query && query.get("token") instanceof String t
                && !t.isBlank()) {
            return Optional.of(t);
        }
        return Optional.empty();
    }

    private static Map<String, Object> policy(String principal, String effect, String methodArn,
            Map<String, Object> context) {
        Map<String, Object> statement = new LinkedHashMap<>();
        statement.put("Action", "execute-api:Invoke");
        statement.put("Effect", effect);
        statement.put("Resource", methodArn);
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("Version", "2012-10-17");
        document.put("Statement", List.of(statement));
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("principalId", principal);
        response.put("policyDocument", document);
        if (context != null) {
            response.put("context", context);
        }
        return response;
    }
}
