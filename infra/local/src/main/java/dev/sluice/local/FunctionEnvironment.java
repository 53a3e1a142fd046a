package dev.sluice.local;

import dev.sluice.local.auth.LocalIdentity;
import dev.sluice.local.template.Intrinsics;
import dev.sluice.local.template.SamTemplate;
import dev.sluice.local.template.Specs;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A function's environment variables as Lambda would set them: the template's values with Ref, GetAtt and
 * secrets resolved to local ones, plus the emulator endpoints and the local credentials.
 */
final class FunctionEnvironment {
    private static final String DB_SECRET_ARN = "arn:aws:secretsmanager:us-east-1:000000000000:secret:sluice-local-db";

    private final SamTemplate template;
    private final Emulators emulators;
    private final LocalResources resources;
    private final int gatewayPort;
    private final String tokenIssuer;
    private final Path dataDir;
    private final Path secretKeyFile;

    /**
     * @param gatewayPort where the gateway will listen: the WebSocket callback URL names it
     * @param tokenIssuer the local sign-in's issuer, which replaces the Cognito pool the template names
     */
    FunctionEnvironment(SamTemplate template, Emulators emulators, LocalResources resources, int gatewayPort,
            String tokenIssuer) {
        this(template, emulators, resources, gatewayPort, tokenIssuer, Path.of(".sluice"),
                LocalOptions.defaultSecretKeyFile());
    }

    /**
     * @param dataDir       where the local secret store keeps source headers (encrypted), under {@code secrets/}
     * @param secretKeyFile the store's key, outside the data directory so a copied data directory reveals nothing
     */
    FunctionEnvironment(SamTemplate template, Emulators emulators, LocalResources resources, int gatewayPort,
            String tokenIssuer, Path dataDir, Path secretKeyFile) {
        this.dataDir = dataDir;
        this.secretKeyFile = secretKeyFile;
        this.template = template;
        this.emulators = emulators;
        this.resources = resources;
        this.gatewayPort = gatewayPort;
        this.tokenIssuer = tokenIssuer;
    }

    Map<String, String> of(Specs.Function spec) {
        Intrinsics intrinsics = template.intrinsics(new LocalValues());
        Map<String, String> environment = new LinkedHashMap<>();
        spec.environment().forEach((name, value) -> {
            String resolved = intrinsics.resolveString(value);
            if (resolved != null) {
                environment.put(name, resolved);
            }
        });
        String s3 = emulators.s3().endpoint().toString();
        environment.put("AWS_REGION", SamTemplate.REGION);
        environment.put("AWS_DEFAULT_REGION", SamTemplate.REGION);
        environment.put("AWS_LAMBDA_FUNCTION_NAME", spec.logicalId());
        environment.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(spec.memorySizeMb()));
        environment.put("AWS_ENDPOINT_URL_S3", s3);
        environment.put("AWS_ENDPOINT_URL_SQS", emulators.sqs().endpoint().toString());
        environment.put("AWS_ENDPOINT_URL_DYNAMODB", emulators.dynamoDb().endpoint().toString());
        environment.put("SLUICE_STATIC_ACCESS_KEY_ID", LocalSluice.ACCESS_KEY_ID);
        environment.put("SLUICE_STATIC_SECRET_ACCESS_KEY", LocalSluice.SECRET_ACCESS_KEY);
        // Everything binds 127.0.0.1, so the URL functions use is also the one a browser or CLI here can reach.
        environment.put("SLUICE_S3_PUBLIC_ENDPOINT", s3);
        environment.put("SLUICE_LOCAL", "true");
        // Functions share this process's stdout, where `ingest --json` prints its result: no EMF lines there.
        environment.put("POWERTOOLS_METRICS_DISABLED", "true");
        if (environment.containsKey("SOURCES_TABLE")) {
            // Developers and tests pull from servers on their own machine; a deployed function never may.
            environment.put("ALLOW_LOOPBACK_SOURCES", "true");
        }
        if (environment.containsKey("SOURCES_TABLE") || environment.containsKey("DELIVERY_QUEUE_URL")) {
            // Sources' headers and destinations' passwords: encrypted files here, the key outside the data.
            environment.put("SECRETS_DIR", dataDir.resolve("secrets").toAbsolutePath().toString());
            environment.put("SECRET_KEY_FILE", secretKeyFile.toAbsolutePath().toString());
        }
        if (environment.containsKey("DB_URL")) {
            // On AWS the password is read from DB_SECRET_ARN at run time; here there is no Secrets Manager.
            environment.put("DB_PASSWORD", emulators.postgres().password());
        }
        // Tokens come from the local sign-in, not the Cognito pool the template names.
        if (environment.containsKey("TOKEN_ISSUER")) {
            environment.put("TOKEN_ISSUER", tokenIssuer);
            environment.put("TOKEN_AUDIENCE", LocalIdentity.AUDIENCE);
        }
        // PostToConnection reaches the local gateway's @connections endpoint of the stage.
        template.webSocketApis().values().stream().findFirst().ifPresent(api -> environment.put(
                "SLUICE_WEBSOCKET_CALLBACK_URL", "http://127.0.0.1:" + gatewayPort + "/" + api.stageName()));
        // The web app is served by the gateway itself: its origin, not the CloudFront one, opens WebSockets here.
        environment.put("SLUICE_WEBSOCKET_ALLOWED_ORIGINS",
                "http://127.0.0.1:" + gatewayPort + ",http://localhost:" + gatewayPort);
        return environment;
    }

    /** What Ref/GetAtt/secrets mean locally. */
    private final class LocalValues implements Intrinsics.Environment {
        @Override
        public Object ref(String name) {
            if (template.queues().containsKey(name)) {
                return resources.queueUrl(name);
            }
            if (template.tables().containsKey(name) || template.buckets().containsKey(name)) {
                return template.physicalName(name);
            }
            if (template.functions().containsKey(name)) {
                return name;
            }
            return switch (name) {
                case "DatabaseUrl" -> emulators.postgres().jdbcUrl();
                case "DatabaseUser" -> emulators.postgres().user();
                case "DatabaseSecretArn" -> DB_SECRET_ARN;
                case "SubnetIds", "SecurityGroupIds" -> List.of();
                default -> {
                    if (template.hasResource(name)) {
                        yield name;
                    }
                    throw new IllegalArgumentException("!Ref " + name + " has no local value; pass --param "
                            + name + "=...");
                }
            };
        }

        @Override
        public Object getAtt(String resource, String attribute) {
            if (template.queues().containsKey(resource)) {
                return switch (attribute) {
                    case "Arn" -> resources.queueArn(resource);
                    case "QueueName" -> template.queues().get(resource).name();
                    case "QueueUrl" -> resources.queueUrl(resource);
                    default -> throw new IllegalArgumentException("no local value for " + resource + "." + attribute);
                };
            }
            if (template.tables().containsKey(resource)) {
                if (attribute.equals("StreamArn")) {
                    return resources.streamArn(resource);
                }
                return "arn:aws:dynamodb:us-east-1:000000000000:table/" + template.physicalName(resource);
            }
            if (template.buckets().containsKey(resource)) {
                String name = template.physicalName(resource);
                return attribute.equals("Arn") ? "arn:aws:s3:::" + name : emulators.s3().endpoint().getAuthority();
            }
            if (template.functions().containsKey(resource) && attribute.equals("Arn")) {
                return "arn:aws:lambda:us-east-1:000000000000:function:" + resource;
            }
            return resource + "." + attribute;
        }

        @Override
        public String dynamicReference(String reference) {
            if (reference.startsWith("secretsmanager:")) {
                // The only secret in the template is the database password.
                return emulators.postgres().password();
            }
            throw new IllegalArgumentException("dynamic reference {{resolve:" + reference + "}} has no local value");
        }

        @Override
        public boolean condition(String name) {
            throw new IllegalArgumentException("condition " + name + " is not defined");
        }
    }
}
