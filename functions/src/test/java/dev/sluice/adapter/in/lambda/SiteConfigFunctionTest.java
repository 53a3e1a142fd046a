package dev.sluice.adapter.in.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** config.json as the web app reads it (auth.md "Web app config"); the S3 write is TemplateWiringTest's. */
class SiteConfigFunctionTest {
    private static Map<String, Object> properties(String region, String pool, String client) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("Bucket", "site");
        properties.put("Key", "config.json");
        properties.put("Config", Map.of("apiBase", "https://abc.execute-api.eu-central-1.amazonaws.com/api",
                "wsUrl", "wss://def.execute-api.eu-central-1.amazonaws.com/live"));
        properties.put("Region", region);
        properties.put("UserPoolId", pool);
        properties.put("UserPoolClientId", client);
        return properties;
    }

    @Test
    void theUserPoolBecomesTheAuthBlockBesideTheEndpoints() {
        Map<String, Object> config = SiteConfigFunction.siteConfig(
                properties("eu-central-1", "eu-central-1_AbC123xyz", "5q2b1k3e8r9t0y7u6i4o3p2l1k"));
        assertEquals("https://abc.execute-api.eu-central-1.amazonaws.com/api", config.get("apiBase"));
        assertEquals("wss://def.execute-api.eu-central-1.amazonaws.com/live", config.get("wsUrl"));
        assertEquals(Map.of("kind", "cognito", "region", "eu-central-1", "userPoolId", "eu-central-1_AbC123xyz",
                "clientId", "5q2b1k3e8r9t0y7u6i4o3p2l1k"), config.get("auth"));
        assertEquals(Set.of("apiBase", "wsUrl", "auth"), config.keySet(), "nothing else: the page reads these");
    }

    @Test
    void propertiesThatWouldSendPasswordsElsewhereOrCannotSignInAreRefused() {
        List<Map<String, Object>> refused = List.of(
                properties("evil.example/#", "eu-central-1_AbC", "client1"),
                properties("eu-central-1", "us-east-1_AbC", "client1"),
                properties("eu-central-1", "eu-central-1_AbC", "client-1&x=y"),
                properties("eu-central-1", "eu-central-1_AbC", null));
        for (Map<String, Object> properties : refused) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SiteConfigFunction.siteConfig(properties), properties::toString);
            assertTrue(e.getMessage().startsWith("properties need Region"), e.getMessage());
        }
        Map<String, Object> noConfig = properties("eu-central-1", "eu-central-1_AbC", "client1");
        noConfig.remove("Config");
        assertThrows(IllegalArgumentException.class, () -> SiteConfigFunction.siteConfig(noConfig));
    }
}
