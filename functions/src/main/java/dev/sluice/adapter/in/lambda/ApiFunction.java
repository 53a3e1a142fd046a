package dev.sluice.adapter.in.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.sluice.config.Components;
import dev.sluice.config.Settings;

/** HTTP API (payload format 2.0) routes under /api. */
public final class ApiFunction implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final Components components;

    public ApiFunction() {
        this(new Components(Settings.fromEnvironment(System.getenv())));
    }

    public ApiFunction(Components components) {
        this.components = components;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return APIGatewayV2HTTPResponse.builder().withStatusCode(501)
                .withBody("{\"error\":{\"code\":\"NOT_IMPLEMENTED\",\"message\":\"" + components.settings().region() + "\"}}")
                .build();
    }
}
