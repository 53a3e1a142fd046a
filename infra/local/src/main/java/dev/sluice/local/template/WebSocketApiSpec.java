package dev.sluice.local.template;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@code AWS::ApiGatewayV2::Api} with {@code ProtocolType: WEBSOCKET}, its routes (route key → the function
 * its Lambda proxy integration invokes), the name of its stage, and the function of the Lambda REQUEST authorizer on
 * {@code $connect} if there is one, as the local gateway serves it.
 */
public record WebSocketApiSpec(String logicalId, String routeSelectionExpression, String stageName,
        Map<String, String> routeFunctions, Optional<String> connectAuthorizerFunction) {
    /** {@code ${Fn.Arn}}, or {@code ${Fn.Alias}} (SAM's reference to the alias AutoPublishAlias makes). */
    private static final Pattern FUNCTION_IN_URI = Pattern.compile("functions/([A-Za-z0-9]+)(\\.Arn|\\.Alias)?/invocations");
    private static final Pattern INTEGRATION_TARGET = Pattern.compile("integrations/([A-Za-z0-9]+)");

    public WebSocketApiSpec {
        routeFunctions = Map.copyOf(routeFunctions);
    }

    public WebSocketApiSpec(String logicalId, String routeSelectionExpression, String stageName,
            Map<String, String> routeFunctions) {
        this(logicalId, routeSelectionExpression, stageName, routeFunctions, Optional.empty());
    }

    /** The field of the message body that selects a route, e.g. {@code action} for {@code $request.body.action}. */
    public String selectionField() {
        String prefix = "$request.body.";
        if (!routeSelectionExpression.startsWith(prefix)) {
            throw new IllegalStateException(logicalId + ": only $request.body.<field> route selection is emulated, not "
                    + routeSelectionExpression);
        }
        return routeSelectionExpression.substring(prefix.length());
    }

    public Optional<String> functionFor(String routeKey) {
        return Optional.ofNullable(routeFunctions.get(routeKey));
    }

    static Map<String, WebSocketApiSpec> read(Map<String, Object> resources, Intrinsics intrinsics) {
        Map<String, WebSocketApiSpec> apis = new LinkedHashMap<>();
        resources.forEach((logicalId, value) -> {
            Map<String, Object> resource = Values.map(value);
            Map<String, Object> properties = Values.map(resource, "Properties");
            if (Values.string(resource, "Type").orElse("").equals("AWS::ApiGatewayV2::Api")
                    && "WEBSOCKET".equals(String.valueOf(properties.get("ProtocolType")))) {
                apis.put(logicalId, api(logicalId, properties, resources, intrinsics));
            }
        });
        return apis;
    }

    private static WebSocketApiSpec api(String apiId, Map<String, Object> apiProperties, Map<String, Object> resources,
            Intrinsics intrinsics) {
        Map<String, String> integrations = new LinkedHashMap<>();
        Map<String, String> routes = new LinkedHashMap<>();
        Map<String, String> authorizers = new LinkedHashMap<>();
        String connectAuthorizer = null;
        String stage = "$default";
        for (Map.Entry<String, Object> entry : resources.entrySet()) {
            Map<String, Object> resource = Values.map(entry.getValue());
            Map<String, Object> properties = Values.map(resource, "Properties");
            if (!properties.containsKey("ApiId")
                    || !apiId.equals(SamTemplate.logicalIdOf(intrinsics.resolve(properties.get("ApiId"))))) {
                continue;
            }
            switch (Values.string(resource, "Type").orElse("")) {
                case "AWS::ApiGatewayV2::Integration" -> {
                    Matcher matcher = FUNCTION_IN_URI.matcher(
                            intrinsics.resolveString(properties.get("IntegrationUri")));
                    if (matcher.find()) {
                        integrations.put(entry.getKey(), matcher.group(1));
                    }
                }
                case "AWS::ApiGatewayV2::Route" -> {
                    String routeKey = String.valueOf(properties.get("RouteKey"));
                    routes.put(routeKey, intrinsics.resolveString(properties.get("Target")));
                    if (routeKey.equals("$connect") && "CUSTOM".equals(properties.get("AuthorizationType"))) {
                        connectAuthorizer = SamTemplate.logicalIdOf(intrinsics.resolve(properties.get("AuthorizerId")));
                    }
                }
                case "AWS::ApiGatewayV2::Authorizer" -> {
                    Matcher matcher = FUNCTION_IN_URI.matcher(
                            intrinsics.resolveString(properties.get("AuthorizerUri")));
                    if ("REQUEST".equals(properties.get("AuthorizerType")) && matcher.find()) {
                        authorizers.put(entry.getKey(), matcher.group(1));
                    }
                }
                case "AWS::ApiGatewayV2::Stage" -> stage = intrinsics.resolveString(properties.get("StageName"));
                default -> {
                    // deployments: nothing to emulate
                }
            }
        }
        Map<String, String> routeFunctions = new LinkedHashMap<>();
        routes.forEach((routeKey, target) -> {
            Matcher matcher = INTEGRATION_TARGET.matcher(target == null ? "" : target);
            if (matcher.find() && integrations.containsKey(matcher.group(1))) {
                routeFunctions.put(routeKey, integrations.get(matcher.group(1)));
            }
        });
        if (connectAuthorizer != null && !authorizers.containsKey(connectAuthorizer)) {
            throw new IllegalArgumentException(apiId + ": $connect names authorizer " + connectAuthorizer
                    + ", which is not a Lambda REQUEST authorizer of this template");
        }
        return new WebSocketApiSpec(apiId, Values.string(apiProperties, "RouteSelectionExpression")
                .orElse("$request.body.action"), stage, routeFunctions,
                Optional.ofNullable(connectAuthorizer).map(authorizers::get));
    }
}
