package dev.sluice.adapter.out.apigateway;

import dev.sluice.application.port.ConnectionMessenger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;

/**
 * Posts to a WebSocket connection with API Gateway's @connections API (PostToConnection). The client is built
 * with the stage's callback URL as endpoint ({@code https://{api}.execute-api.{region}.amazonaws.com/{stage}}),
 * so each post is {@code POST {stage}/@connections/{connectionId}}.
 */
public final class ApiGatewayConnectionMessenger implements ConnectionMessenger {
    private static final Logger LOG = LoggerFactory.getLogger(ApiGatewayConnectionMessenger.class);

    private final ApiGatewayManagementApiClient client;

    public ApiGatewayConnectionMessenger(ApiGatewayManagementApiClient client) {
        this.client = client;
    }

    @Override
    public Delivery post(String connectionId, String message) {
        try {
            client.postToConnection(b -> b.connectionId(connectionId).data(SdkBytes.fromUtf8String(message)));
            return Delivery.DELIVERED;
        } catch (GoneException e) {
            return Delivery.GONE;
        } catch (SdkException e) {
            LOG.warn("PostToConnection {} failed: {}", connectionId, e.toString());
            return Delivery.FAILED;
        }
    }
}
