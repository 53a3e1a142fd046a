package dev.sluice.local.template;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The parts of {@code template.yaml} the local runtime emulates, read with the parameter values in effect.
 * Environment variables stay unresolved ({@link Specs.Function#environment()}) because they refer to
 * emulator endpoints known only once the emulators run; resolve them with {@link #intrinsics}.
 */
public final class SamTemplate {
    public static final String ACCOUNT_ID = "000000000000";
    public static final String REGION = "us-east-1";
    public static final String STACK_NAME = "sluice";

    /**
     * Resource types the local runtime knows it does not emulate: the network and database around Aurora (the
     * local runtime brings its own PostgreSQL), sign-in, the CDN, IAM, operations (alarms, dashboards, logs) and
     * custom resources (deploy-time steps). Any type neither emulated nor listed here stops the template from
     * loading, so a new resource is a decision, not an accident.
     */
    public static final Set<String> IGNORED_TYPES = Set.of(
            "AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::EC2::RouteTable", "AWS::EC2::SubnetRouteTableAssociation",
            "AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress",
            "AWS::EC2::VPCEndpoint",
            // DestinationEgress=nat's way out of the VPC; locally a destination is reached directly.
            "AWS::EC2::InternetGateway", "AWS::EC2::VPCGatewayAttachment", "AWS::EC2::Route", "AWS::EC2::EIP",
            "AWS::EC2::NatGateway",
            "AWS::RDS::DBSubnetGroup", "AWS::RDS::DBCluster", "AWS::RDS::DBInstance", "AWS::RDS::DBProxy",
            "AWS::RDS::DBProxyTargetGroup", "AWS::SecretsManager::Secret", "AWS::SecretsManager::RotationSchedule",
            "AWS::Cognito::UserPool", "AWS::Cognito::UserPoolClient", "AWS::Cognito::UserPoolGroup",
            "AWS::CloudFront::Distribution", "AWS::CloudFront::OriginAccessControl",
            "AWS::CloudFront::ResponseHeadersPolicy",
            "AWS::S3::BucketPolicy", "AWS::SQS::QueuePolicy",
            "AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::Lambda::Permission",
            "AWS::CloudWatch::Alarm", "AWS::CloudWatch::Dashboard", "AWS::SNS::Topic", "AWS::SNS::Subscription",
            "AWS::Logs::LogGroup", "AWS::Logs::QueryDefinition",
            // Source schedules are created by the API; locally a timer per source fires PullFunction instead.
            "AWS::Scheduler::ScheduleGroup",
            // Routes of the HTTP API are read from the functions' HttpApi events; the WebSocket API's parts are the
            // gateway's business (listed so that a template carrying them loads).
            "AWS::Serverless::HttpApi", "AWS::ApiGatewayV2::Api", "AWS::ApiGatewayV2::Route",
            "AWS::ApiGatewayV2::Integration", "AWS::ApiGatewayV2::Stage", "AWS::ApiGatewayV2::Deployment",
            "AWS::ApiGatewayV2::Authorizer", "AWS::ApiGatewayV2::RouteResponse");

    /**
     * Parameters whose default (empty) means "create it in AWS" but which the local runtime always supplies itself:
     * its PostgreSQL, its user and password, and no VPC. An explicit override (e.g. {@code --jdbc-url}) still wins.
     */
    static final Set<String> LOCALLY_SUPPLIED_PARAMETERS =
            Set.of("DatabaseUrl", "DatabaseUser", "DatabaseSecretArn", "SubnetIds", "SecurityGroupIds");

    private final Map<String, Object> raw;
    private final Map<String, Object> resources;
    private final Map<String, Specs.Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, String> parameterValues = new LinkedHashMap<>();
    private final Map<String, Specs.Queue> queues = new LinkedHashMap<>();
    private final Map<String, Specs.Table> tables = new LinkedHashMap<>();
    private final Map<String, Specs.Bucket> buckets = new LinkedHashMap<>();
    private final Map<String, Specs.Function> functions = new LinkedHashMap<>();
    private final Map<String, WebSocketApiSpec> webSocketApis;
    private final Map<String, List<DynamoDbStreamEventSpec>> dynamoDbStreamEvents;

    private SamTemplate(Map<String, Object> raw, Map<String, String> parameterOverrides) {
        this.raw = raw;
        this.resources = Values.map(raw, "Resources");
        Values.map(raw, "Parameters").forEach((name, value) -> {
            Map<String, Object> properties = Values.map(value);
            parameters.put(name, new Specs.Parameter(name, Values.string(properties, "Type").orElse("String"),
                    Values.string(properties, "Default")));
        });
        parameterOverrides.forEach((name, value) -> {
            if (!parameters.containsKey(name)) {
                throw new IllegalArgumentException(
                        "template has no parameter " + name + " (known: " + parameters.keySet() + ")");
            }
        });
        parameters.values().stream()
                .filter(p -> !LOCALLY_SUPPLIED_PARAMETERS.contains(p.name()))
                .forEach(p -> p.defaultValue().ifPresent(v -> parameterValues.put(p.name(), v)));
        parameterValues.putAll(parameterOverrides);

        Intrinsics structural = intrinsics(new StructuralEnvironment());
        resources.forEach((logicalId, value) -> {
            Map<String, Object> resource = Values.map(value);
            String type = Values.string(resource, "Type").orElse("");
            Map<String, Object> properties = Values.map(resource, "Properties");
            switch (type) {
                case "AWS::SQS::Queue" -> queues.put(logicalId, queue(logicalId, properties, structural));
                case "AWS::DynamoDB::Table" -> tables.put(logicalId, table(logicalId, properties, structural));
                case "AWS::S3::Bucket" -> buckets.put(logicalId, bucket(logicalId, properties, structural));
                case "AWS::Serverless::Function" ->
                        functions.put(logicalId, function(logicalId, properties, structural));
                default -> {
                    if (!IGNORED_TYPES.contains(type) && !type.startsWith("Custom::")
                            && !type.equals("AWS::CloudFormation::CustomResource")) {
                        throw new IllegalArgumentException("template resource " + logicalId + " has type " + type
                                + ", which the local runtime neither emulates nor ignores; add it to "
                                + "SamTemplate.IGNORED_TYPES or emulate it");
                    }
                }
            }
        });
        webSocketApis = WebSocketApiSpec.read(resources, structural);
        dynamoDbStreamEvents = DynamoDbStreamEventSpec.read(resources, structural);
    }

    public static SamTemplate read(Path file) throws IOException {
        return read(file, Map.of());
    }

    public static SamTemplate read(Path file, Map<String, String> parameterOverrides) throws IOException {
        return new SamTemplate(CloudFormationYaml.load(file), parameterOverrides);
    }

    public static SamTemplate read(java.io.Reader reader, Map<String, String> parameterOverrides) {
        return new SamTemplate(CloudFormationYaml.load(reader), parameterOverrides);
    }

    /** Finds {@code template.yaml} in the working directory or the nearest parent that has one. */
    public static Optional<Path> locate(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("template.yaml");
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    public Map<String, Object> raw() {
        return raw;
    }

    public Map<String, Specs.Parameter> parameters() {
        return parameters;
    }

    /** Parameter defaults overlaid with the overrides given when reading. */
    public Map<String, String> parameterValues() {
        return parameterValues;
    }

    public Map<String, Specs.Queue> queues() {
        return queues;
    }

    public Map<String, Specs.Table> tables() {
        return tables;
    }

    public Map<String, Specs.Bucket> buckets() {
        return buckets;
    }

    public Map<String, Specs.Function> functions() {
        return functions;
    }

    /** WebSocket APIs by logical id. */
    public Map<String, WebSocketApiSpec> webSocketApis() {
        return webSocketApis;
    }

    /** The DynamoDB stream events of a function (none for most). */
    public List<DynamoDbStreamEventSpec> dynamoDbStreamEvents(String functionLogicalId) {
        return dynamoDbStreamEvents.getOrDefault(functionLogicalId, List.of());
    }

    /** Globals.Function merged under a function's own properties, the way SAM does it. */
    public Map<String, Object> functionProperties(String logicalId) {
        Map<String, Object> globals = Values.map(Values.map(raw, "Globals"), "Function");
        return Values.merge(globals, Values.map(Values.map(resources.get(logicalId)), "Properties"));
    }

    /** An evaluator whose pseudo parameters, parameters and conditions are this template's. */
    public Intrinsics intrinsics(Intrinsics.Environment resources) {
        return new Intrinsics(new Intrinsics.Environment() {
            @Override
            public Object ref(String name) {
                return switch (name) {
                    case "AWS::StackName" -> STACK_NAME;
                    case "AWS::AccountId" -> ACCOUNT_ID;
                    case "AWS::Region" -> REGION;
                    case "AWS::Partition" -> "aws";
                    case "AWS::URLSuffix" -> "amazonaws.com";
                    case "AWS::StackId" ->
                            "arn:aws:cloudformation:" + REGION + ":" + ACCOUNT_ID + ":stack/" + STACK_NAME + "/local";
                    default -> parameters.containsKey(name) ? parameterValue(name) : resources.ref(name);
                };
            }

            private Object parameterValue(String name) {
                String value = parameterValues.get(name);
                if (value != null) {
                    return value;
                }
                return resources.ref(name);
            }

            @Override
            public Object getAtt(String resource, String attribute) {
                return resources.getAtt(resource, attribute);
            }

            @Override
            public String dynamicReference(String reference) {
                return resources.dynamicReference(reference);
            }

            @Override
            public boolean condition(String name) {
                Object definition = Values.map(raw, "Conditions").get(name);
                if (definition == null) {
                    return resources.condition(name);
                }
                return Boolean.parseBoolean(String.valueOf(intrinsics(resources).resolve(definition)));
            }
        });
    }

    /** Physical names are the logical ids unless the template names the resource. */
    public String physicalName(String logicalId) {
        Map<String, Object> resource = Values.map(resources.get(logicalId));
        String type = Values.string(resource, "Type").orElse("");
        Map<String, Object> properties = Values.map(resource, "Properties");
        String property = switch (type) {
            case "AWS::SQS::Queue" -> "QueueName";
            case "AWS::DynamoDB::Table" -> "TableName";
            case "AWS::S3::Bucket" -> "BucketName";
            default -> null;
        };
        if (property != null && properties.containsKey(property)) {
            return intrinsics(new StructuralEnvironment()).resolveString(properties.get(property));
        }
        return type.equals("AWS::S3::Bucket") ? logicalId.toLowerCase(Locale.ROOT) : logicalId;
    }

    public boolean hasResource(String logicalId) {
        return resources.containsKey(logicalId);
    }

    /** The logical id behind a reference such as {@code !GetAtt Queue.Arn} or {@code !Ref Queue}. */
    static String logicalIdOf(Object resolved) {
        if (resolved instanceof ResourceAttribute attribute) {
            return attribute.logicalId();
        }
        throw new IllegalArgumentException("expected a reference to a template resource, got " + resolved);
    }

    private Specs.Queue queue(String logicalId, Map<String, Object> properties, Intrinsics intrinsics) {
        Optional<Specs.Redrive> redrive = Optional.empty();
        if (properties.containsKey("RedrivePolicy")) {
            Map<String, Object> policy = Values.map(intrinsics.resolve(properties.get("RedrivePolicy")));
            redrive = Optional.of(new Specs.Redrive(logicalIdOf(policy.get("deadLetterTargetArn")),
                    integer(policy.get("maxReceiveCount"), 10)));
        }
        return new Specs.Queue(logicalId, physicalName(logicalId),
                integer(intrinsics.resolve(properties.get("VisibilityTimeout")), 30),
                integer(intrinsics.resolve(properties.get("MessageRetentionPeriod")), 345_600),
                integer(intrinsics.resolve(properties.get("DelaySeconds")), 0),
                integer(intrinsics.resolve(properties.get("ReceiveMessageWaitTimeSeconds")), 0),
                Boolean.parseBoolean(String.valueOf(intrinsics.resolve(properties.get("FifoQueue")))),
                redrive);
    }

    private Specs.Table table(String logicalId, Map<String, Object> properties, Intrinsics intrinsics) {
        Map<String, Object> resolved = Values.map(intrinsics.resolve(properties));
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Object definition : Values.list(resolved.get("AttributeDefinitions"))) {
            Map<String, Object> map = Values.map(definition);
            attributes.put(String.valueOf(map.get("AttributeName")), String.valueOf(map.get("AttributeType")));
        }
        Map<String, Object> stream = Values.map(resolved, "StreamSpecification");
        Map<String, Object> ttl = Values.map(resolved, "TimeToLiveSpecification");
        return new Specs.Table(logicalId, physicalName(logicalId), attributes, keys(resolved.get("KeySchema")),
                indexes(resolved.get("GlobalSecondaryIndexes")), indexes(resolved.get("LocalSecondaryIndexes")),
                Values.string(stream, "StreamViewType"),
                Boolean.parseBoolean(String.valueOf(ttl.get("Enabled")))
                        ? Values.string(ttl, "AttributeName")
                        : Optional.empty());
    }

    private static List<Specs.KeyElement> keys(Object schema) {
        List<Specs.KeyElement> keys = new ArrayList<>();
        for (Object element : Values.list(schema)) {
            Map<String, Object> map = Values.map(element);
            keys.add(new Specs.KeyElement(String.valueOf(map.get("AttributeName")),
                    String.valueOf(map.get("KeyType"))));
        }
        return keys;
    }

    private static List<Specs.Index> indexes(Object definitions) {
        List<Specs.Index> indexes = new ArrayList<>();
        for (Object definition : Values.list(definitions)) {
            Map<String, Object> map = Values.map(definition);
            Map<String, Object> projection = Values.map(map, "Projection");
            List<String> nonKey = Values.list(projection.get("NonKeyAttributes")).stream()
                    .map(String::valueOf).toList();
            indexes.add(new Specs.Index(String.valueOf(map.get("IndexName")), keys(map.get("KeySchema")),
                    Values.string(projection, "ProjectionType").orElse("ALL"), nonKey));
        }
        return indexes;
    }

    private Specs.Bucket bucket(String logicalId, Map<String, Object> properties, Intrinsics intrinsics) {
        List<Specs.QueueNotification> notifications = new ArrayList<>();
        Map<String, Object> configuration = Values.map(properties, "NotificationConfiguration");
        int index = 0;
        for (Object item : Values.list(configuration.get("QueueConfigurations"))) {
            Map<String, Object> queueConfiguration = Values.map(item);
            String prefix = "";
            String suffix = "";
            Map<String, Object> filter = Values.map(Values.map(queueConfiguration, "Filter"), "S3Key");
            for (Object rule : Values.list(filter.get("Rules"))) {
                Map<String, Object> map = Values.map(intrinsics.resolve(rule));
                String name = String.valueOf(map.get("Name")).toLowerCase(Locale.ROOT);
                String value = String.valueOf(map.get("Value"));
                if (name.equals("prefix")) {
                    prefix = value;
                } else if (name.equals("suffix")) {
                    suffix = value;
                }
            }
            index++;
            // Real S3 generates an id when the template gives none; a stable local one keeps events comparable.
            String configurationId = Values.string(queueConfiguration, "Id").orElse(logicalId + "-queue-" + index);
            notifications.add(new Specs.QueueNotification(configurationId,
                    String.valueOf(intrinsics.resolve(queueConfiguration.get("Event"))),
                    logicalIdOf(intrinsics.resolve(queueConfiguration.get("Queue"))), prefix, suffix));
        }
        return new Specs.Bucket(logicalId, physicalName(logicalId), notifications);
    }

    private Specs.Function function(String logicalId, Map<String, Object> ownProperties, Intrinsics intrinsics) {
        Map<String, Object> properties = functionProperties(logicalId);
        String handler = String.valueOf(properties.get("Handler"));
        int separator = handler.indexOf("::");
        String handlerClass = separator < 0 ? handler : handler.substring(0, separator);
        String handlerMethod = separator < 0 ? "handleRequest" : handler.substring(separator + 2);
        List<Specs.SqsEvent> sqsEvents = new ArrayList<>();
        List<Specs.HttpApiEvent> httpApiEvents = new ArrayList<>();
        Values.map(ownProperties, "Events").forEach((name, value) -> {
            Map<String, Object> event = Values.map(value);
            Map<String, Object> eventProperties = Values.map(event, "Properties");
            switch (Values.string(event, "Type").orElse("")) {
                case "SQS" -> {
                    Object maximumConcurrency = intrinsics.resolve(
                            Values.map(eventProperties, "ScalingConfig").get("MaximumConcurrency"));
                    boolean reportFailures = Values
                            .list(intrinsics.resolve(eventProperties.get("FunctionResponseTypes")))
                            .contains("ReportBatchItemFailures");
                    Object enabled = intrinsics.resolve(eventProperties.get("Enabled"));
                    sqsEvents.add(new Specs.SqsEvent(name,
                            logicalIdOf(intrinsics.resolve(eventProperties.get("Queue"))),
                            integer(intrinsics.resolve(eventProperties.get("BatchSize")), 10), reportFailures,
                            maximumConcurrency == null ? Optional.empty() : Optional.of(integer(maximumConcurrency, 2)),
                            enabled == null || Boolean.parseBoolean(String.valueOf(enabled))));
                }
                case "HttpApi" -> httpApiEvents.add(new Specs.HttpApiEvent(name,
                        Values.string(eventProperties, "Path").orElse("$default"),
                        Values.string(eventProperties, "Method").orElse("ANY")));
                default -> {
                    // Other event types: DynamoDB streams are read by DynamoDbStreamEventSpec.
                }
            }
        });
        Map<String, Object> environment = Values.map(Values.map(properties, "Environment"), "Variables");
        return new Specs.Function(logicalId, handlerClass, handlerMethod,
                integer(intrinsics.resolve(properties.get("Timeout")), 3),
                integer(intrinsics.resolve(properties.get("MemorySize")), 128),
                environment, sqsEvents, httpApiEvents);
    }

    private static int integer(Object value, int defaultValue) {
        if (value == null) {
            return defaultValue;
        }
        return Integer.parseInt(String.valueOf(value).trim());
    }

    /** A resource reference seen while reading the template, before any emulator exists. */
    record ResourceAttribute(String logicalId, String attribute) {
        @Override
        public String toString() {
            return logicalId + (attribute.isEmpty() ? "" : "." + attribute);
        }
    }

    private final class StructuralEnvironment implements Intrinsics.Environment {
        @Override
        public Object ref(String name) {
            if (!resources.containsKey(name)) {
                throw new IllegalArgumentException(
                        "!Ref " + name + ": no such parameter or resource, or parameter without value");
            }
            return new ResourceAttribute(name, "");
        }

        @Override
        public Object getAtt(String resource, String attribute) {
            if (!resources.containsKey(resource)) {
                throw new IllegalArgumentException("!GetAtt " + resource + "." + attribute + ": no such resource");
            }
            return new ResourceAttribute(resource, attribute);
        }

        @Override
        public String dynamicReference(String reference) {
            return "{{resolve:" + reference + "}}";
        }

        @Override
        public boolean condition(String name) {
            throw new IllegalArgumentException("unknown condition " + name);
        }
    }
}
