package dev.sluice.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One started stack shared by every test class that asks for a {@link LocalSluice} parameter; closed when the
 * test run ends. Its event sources are paused (tests read the queues themselves) and ApiFunction is replaced
 * by {@link EchoApi}, which records the event it got.
 */
public final class SharedStack implements ParameterResolver {
    public static final AtomicReference<APIGatewayV2HTTPEvent> LAST_API_EVENT = new AtomicReference<>();

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalSluice.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL);
        return store.getOrComputeIfAbsent(SharedStack.class, key -> start(), LocalSluice.class);
    }

    private static LocalSluice start() {
        try {
            return LocalSluice.start(LocalOptions.builder()
                    .port(0)
                    .dataDir(Files.createTempDirectory("sluice-shared-"))
                    .eventSourcesEnabled(false)
                    .handler("ApiFunction", components -> new EchoApi())
                    .build());
        } catch (Exception e) {
            throw new IllegalStateException("local stack did not start", e);
        }
    }

    /** Records the event and echoes the body back with status 201. */
    public static final class EchoApi implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
        @Override
        public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
            LAST_API_EVENT.set(event);
            return APIGatewayV2HTTPResponse.builder()
                    .withStatusCode(201)
                    .withHeaders(Map.of("content-type", "application/octet-stream",
                            "x-request-id", context.getAwsRequestId()))
                    .withBody(event.getBody())
                    .withIsBase64Encoded(event.getIsBase64Encoded())
                    .build();
        }
    }
}
