package dev.sluice.adapter.in.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Stands in for CloudFormation's pre-signed response URL and keeps what was PUT there. */
final class CustomResourceEndpoint implements AutoCloseable {
    record Response(String method, String contentType, JsonNode body) {
    }

    private final HttpServer server;
    private final List<Response> responses = new CopyOnWriteArrayList<>();

    CustomResourceEndpoint() throws IOException {
        ObjectMapper json = new ObjectMapper();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/response", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            responses.add(new Response(exchange.getRequestMethod(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    json.readTree(new String(body, StandardCharsets.UTF_8))));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    List<Response> responses() {
        return responses;
    }

    /** A CloudFormation request event whose ResponseURL points here. */
    Map<String, Object> event(String requestType, Map<String, Object> properties) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("RequestType", requestType);
        event.put("ResponseURL", "http://127.0.0.1:" + server.getAddress().getPort() + "/response?X-Amz-Signature=x");
        event.put("StackId", "arn:aws:cloudformation:us-east-1:123456789012:stack/sluice/guid");
        event.put("RequestId", "request-1");
        event.put("LogicalResourceId", "Resource");
        event.put("ResourceType", "Custom::Test");
        event.put("ResourceProperties", properties);
        if (!requestType.equals("Create")) {
            event.put("PhysicalResourceId", "physical-1");
        }
        return event;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
