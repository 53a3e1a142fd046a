package dev.sluice.adapter.in.lambda.api;

import dev.sluice.application.identity.Caller;
import dev.sluice.application.identity.SignedInUser;
import java.util.Map;

/** One request matched to a route: the request, the values of the route's path parameters, and who sent it. */
public record ApiCall(ApiRequest request, Map<String, String> pathParameters, SignedInUser user) {

    public ApiCall {
        pathParameters = Map.copyOf(pathParameters);
    }

    /** The value of {@code {name}} in the route's path, as sent (not URL-decoded). */
    public String path(String name) {
        String value = pathParameters.get(name);
        if (value == null) {
            throw new IllegalArgumentException("the route has no path parameter {" + name + "}");
        }
        return value;
    }

    public Caller caller() {
        return user.caller();
    }
}
