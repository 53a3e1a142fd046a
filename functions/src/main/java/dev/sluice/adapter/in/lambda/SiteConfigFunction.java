package dev.sluice.adapter.in.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.config.SiteConfigWiring;
import dev.sluice.config.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * CloudFormation custom resource that writes the web app's {@code /config.json} (API URL, WebSocket URL and how to
 * sign in) into the site bucket, so the static files need no build step per stack. Properties: {@code Bucket},
 * {@code Key} ({@code config.json}), {@code Config} (the JSON object: {@code apiBase}, {@code wsUrl}) and the user
 * pool's {@code Region}, {@code UserPoolId} and {@code UserPoolClientId}, written as the {@code auth} block of
 * auth.md: {@code {"kind":"cognito","region","userPoolId","clientId"}}. Delete leaves the object: the bucket is
 * emptied as a whole when the stack is torn down.
 */
public final class SiteConfigFunction implements RequestHandler<Map<String, Object>, Void>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SiteConfigFunction.class);
    /** Only a top-level JSON file: the role may write exactly config.json. */
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._-]{1,64}\\.json");
    /**
     * The page builds {@code https://cognito-idp.{region}.amazonaws.com/} from the region and sends passwords there:
     * only a real region name may get into that URL. Pool ids are {@code {region}_{id}}; client ids are alphanumeric.
     */
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");
    private static final Pattern USER_POOL_ID = Pattern.compile("([a-z]{2}(-[a-z]+)+-\\d)_[A-Za-z0-9]{1,55}");
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9]{1,128}");

    private final S3Client s3;
    private final ObjectMapper json;
    private final CustomResourceResponse response;
    private final Runnable closer;

    /** Lambda's constructor: wired from the process environment. */
    public SiteConfigFunction() {
        this(Settings.fromEnvironment(System.getenv()));
    }

    /** Wired from the given settings, for a runtime that hosts several functions in one JVM (the local one). */
    public SiteConfigFunction(Settings settings) {
        this(new SiteConfigWiring(settings));
    }

    private SiteConfigFunction(SiteConfigWiring wiring) {
        this(wiring.s3(), wiring.json(), CustomResourceResponse.create(wiring.json()), wiring::close);
    }

    SiteConfigFunction(S3Client s3, ObjectMapper json, CustomResourceResponse response) {
        this(s3, json, response, () -> {
        });
    }

    private SiteConfigFunction(S3Client s3, ObjectMapper json, CustomResourceResponse response, Runnable closer) {
        this.s3 = s3;
        this.json = json;
        this.response = response;
        this.closer = closer;
    }

    @Override
    public Void handleRequest(Map<String, Object> event, Context context) {
        return Telemetry.invocation(context, () -> {
            String requestType = CustomResourceResponse.text(event, "RequestType");
            Object rawProperties = event.get("ResourceProperties");
            Map<?, ?> properties = rawProperties instanceof Map<?, ?> map ? map : Map.of();
            String bucket = String.valueOf(properties.get("Bucket"));
            String key = String.valueOf(properties.get("Key"));
            String physicalId = "s3://" + bucket + "/" + key;
            CustomResourceResponse.Status status = CustomResourceResponse.Status.SUCCESS;
            String reason = "nothing to do on delete";
            try {
                if (!"Delete".equals(requestType)) {
                    if (!KEY.matcher(key).matches()) {
                        throw new IllegalArgumentException("properties need Key (a .json name)");
                    }
                    String body = render(siteConfig(properties));
                    s3.putObject(b -> b.bucket(bucket).key(key).contentType("application/json")
                            .cacheControl("no-cache"), RequestBody.fromString(body));
                    LOG.info("{}: wrote {}", requestType, physicalId);
                    reason = "wrote " + physicalId;
                }
            } catch (RuntimeException e) {
                LOG.error("{}: writing {} failed", requestType, physicalId, e);
                status = CustomResourceResponse.Status.FAILED;
                reason = e instanceof IllegalArgumentException ? e.getMessage()
                        : CustomResourceResponse.failureReason("writing " + physicalId, e,
                                context == null ? null : context.getLogStreamName());
            }
            response.send(event, status, reason, physicalId, Map.of());
            return null;
        });
    }

    /**
     * The object to write: Config with the {@code auth} block built from the user pool properties. Refuses (the stack
     * then rolls back) properties that would give a page that cannot sign in.
     */
    static Map<String, Object> siteConfig(Map<?, ?> properties) {
        if (!(properties.get("Config") instanceof Map<?, ?> config)) {
            throw new IllegalArgumentException("properties need Config (an object with apiBase and wsUrl)");
        }
        // Not String.valueOf: a missing id would become the text "null", a valid-looking client id.
        String region = properties.get("Region") instanceof String text ? text : "";
        String userPoolId = properties.get("UserPoolId") instanceof String text ? text : "";
        String clientId = properties.get("UserPoolClientId") instanceof String text ? text : "";
        var pool = USER_POOL_ID.matcher(userPoolId);
        if (!REGION.matcher(region).matches() || !pool.matches() || !pool.group(1).equals(region)
                || !CLIENT_ID.matcher(clientId).matches()) {
            throw new IllegalArgumentException("properties need Region (e.g. eu-central-1), UserPoolId of that region"
                    + " (e.g. eu-central-1_AbC123) and UserPoolClientId (letters and digits); got Region=" + region
                    + ", UserPoolId=" + userPoolId + ", UserPoolClientId=" + clientId);
        }
        Map<String, Object> written = new LinkedHashMap<>();
        config.forEach((name, value) -> written.put(String.valueOf(name), value));
        Map<String, Object> auth = new LinkedHashMap<>();
        auth.put("kind", "cognito");
        auth.put("region", region);
        auth.put("userPoolId", userPoolId);
        auth.put("clientId", clientId);
        written.put("auth", auth);
        return written;
    }

    private String render(Map<?, ?> config) {
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Config is not serialisable as JSON", e);
        }
    }

    /** Releases the clients this handler built (the local runtime calls it at stop; Lambda never does). */
    @Override
    public void close() {
        closer.run();
    }
}
