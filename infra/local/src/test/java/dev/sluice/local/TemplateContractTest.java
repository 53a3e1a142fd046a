package dev.sluice.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.sluice.local.template.Intrinsics;
import dev.sluice.local.template.SamTemplate;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What must hold for template.yaml to deploy a working system, checked over the parsed template so that functions,
 * queues and policies added later are covered without a new test. Each test collects every violation and fails
 * with the whole list.
 */
class TemplateContractTest {
    /**
     * Declared blank in Globals only so that sam local's env-vars file may set them (it overrides declared variables
     * only); blank means unset to Settings, so on AWS they change nothing.
     */
    private static final Set<String> SAM_LOCAL_VARIABLES = Set.of("SLUICE_LOCAL", "SLUICE_S3_ENDPOINT",
            "SLUICE_SQS_ENDPOINT", "SLUICE_DYNAMODB_ENDPOINT", "SLUICE_STATIC_ACCESS_KEY_ID",
            "SLUICE_STATIC_SECRET_ACCESS_KEY");
    /** Read by the JVM or by Powertools, not by Sluice's code. */
    private static final Set<String> RUNTIME_VARIABLES = Set.of("JAVA_TOOL_OPTIONS", "POWERTOOLS_SERVICE_NAME",
            "POWERTOOLS_METRICS_NAMESPACE", "POWERTOOLS_LOG_LEVEL");
    /**
     * Actions IAM only grants on every resource: X-Ray and CloudWatch metrics (PutMetricData, and GetMetricData for
     * the health check's age of ChunkQueue's oldest message) have no resource-level permissions, and Lambda needs
     * the ENI actions to attach a function to a VPC.
     */
    private static final Set<String> ACTIONS_WITHOUT_RESOURCES = Set.of("xray:PutTraceSegments",
            "xray:PutTelemetryRecords", "cloudwatch:PutMetricData", "cloudwatch:GetMetricData",
            "ec2:CreateNetworkInterface",
            "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses",
            "ec2:UnassignPrivateIpAddresses");
    private static final Pattern REQUIRED_VARIABLE = Pattern.compile("required\\(env, \"([A-Z0-9_]+)\"\\)");
    private static final Pattern OPTIONAL_VARIABLE =
            Pattern.compile("(?:env\\.get(?:OrDefault)?\\(|(?:uri|present)\\(env, )\"([A-Z0-9_]+)\"");
    private static final Pattern DIRECT_VARIABLE = Pattern.compile("System\\.getenv\\(\"([A-Z0-9_]+)\"\\)");

    private static Path repository;
    private static SamTemplate template;
    private static Map<String, Object> resources;

    @BeforeAll
    static void readTemplate() throws IOException {
        Path file = SamTemplate.locate(Path.of("")).orElseThrow(() -> new AssertionError("template.yaml not found"));
        repository = file.getParent();
        template = SamTemplate.read(file);
        resources = map(template.raw().get("Resources"));
    }

    @Test
    void everyHandlerExistsAndTakesWhatItsEventsDeliver() {
        List<String> problems = new ArrayList<>();
        for (String function : template.functions().keySet()) {
            String handler = String.valueOf(template.functionProperties(function).get("Handler"));
            String className = handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler;
            Class<?> type;
            try {
                type = Class.forName(className);
            } catch (ClassNotFoundException e) {
                problems.add(function + ": handler class " + className + " does not exist");
                continue;
            }
            Optional<Type[]> arguments = requestHandlerArguments(type);
            if (arguments.isEmpty()) {
                problems.add(function + ": " + className + " does not implement RequestHandler<I, O>");
                continue;
            }
            Type input = arguments.get()[0];
            Type output = arguments.get()[1];
            List<String> triggers = triggers(function);
            if (triggers.isEmpty()) {
                problems.add(function + ": nothing invokes it (no event, route or custom resource)");
            }
            for (String trigger : triggers) {
                switch (trigger) {
                    case "SQS" -> {
                        expect(problems, function, trigger, input, SQSEvent.class);
                        expect(problems, function, trigger + " (partial batch failures)", output,
                                SQSBatchResponse.class);
                    }
                    case "HttpApi" -> expect(problems, function, trigger, input, APIGatewayV2HTTPEvent.class);
                    case "Schedule", "ScheduleV2" ->
                            expect(problems, function, trigger, input, ScheduledEvent.class, Map.class);
                    case "DynamoDB" -> expect(problems, function, trigger, input, DynamodbEvent.class);
                    case "WebSocket" -> expect(problems, function, trigger, input, APIGatewayV2WebSocketEvent.class);
                    case "CustomResource" -> expect(problems, function, trigger, input, Map.class);
                    // EventBridge Scheduler schedules the API creates at run time deliver their JSON input as is.
                    case "Scheduler" -> expect(problems, function, trigger, input, Map.class);
                    // A Lambda REQUEST authorizer gets API Gateway's authorizer event, which has no SDK type.
                    case "Authorizer" -> expect(problems, function, trigger, input, Map.class);
                    default -> problems.add(function + ": event type " + trigger + " has no contract in this test");
                }
            }
        }
        assertNoProblems(problems);
    }

    @Test
    void everyVariableTheCodeRequiresIsSetAndEverySetVariableIsRead() throws IOException {
        // Settings reads the environment, and hands the sources' part to SourceSettings.
        String settings = Files.readString(
                repository.resolve("functions/src/main/java/dev/sluice/config/Settings.java"))
                + Files.readString(repository.resolve("functions/src/main/java/dev/sluice/config/SourceSettings.java"));
        Set<String> required = names(REQUIRED_VARIABLE, settings);
        Set<String> settingsReads = new TreeSet<>(required);
        settingsReads.addAll(names(OPTIONAL_VARIABLE, settings));
        assertTrue(required.contains("RUNS_TABLE") && settingsReads.contains("DB_URL"), "Settings.java was parsed");

        List<String> problems = new ArrayList<>();
        for (String function : template.functions().keySet()) {
            Map<String, Object> variables = map(map(template.functionProperties(function).get("Environment"))
                    .get("Variables"));
            String source = handlerSource(function);
            Set<String> reads = new TreeSet<>(names(DIRECT_VARIABLE, source));
            Set<String> mustSet = new TreeSet<>();
            // A handler reads the environment through Settings, directly or through its wiring class's
            // fromEnvironment (ApiWiring), which builds Settings.
            if (source.contains("Settings.fromEnvironment") || source.contains("Wiring.fromEnvironment")) {
                reads.addAll(settingsReads);
                mustSet.addAll(required);
            }
            for (String name : mustSet) {
                if (!variables.containsKey(name)) {
                    problems.add(function + ": " + name + " is required by Settings but not set");
                }
            }
            for (String name : variables.keySet()) {
                if (SAM_LOCAL_VARIABLES.contains(name) && "".equals(variables.get(name))) {
                    continue;
                }
                if (name.startsWith("AWS_") || name.startsWith("SLUICE_")) {
                    problems.add(function + ": " + name + " is set by Lambda or the local runtime, not the template");
                } else if (!reads.contains(name) && !RUNTIME_VARIABLES.contains(name)) {
                    problems.add(function + ": " + name + " is set but no code reads it");
                }
            }
        }
        assertNoProblems(problems);
    }

    @Test
    void exactlyTheFunctionsThatReachAuroraAreInItsVpc() {
        List<String> problems = new ArrayList<>();
        for (String function : template.functions().keySet()) {
            Map<String, Object> properties = template.functionProperties(function);
            boolean database = map(map(properties.get("Environment")).get("Variables")).containsKey("DB_URL");
            boolean vpc = properties.containsKey("VpcConfig");
            if (database != vpc) {
                problems.add(function + (database ? ": reaches Aurora (DB_URL) but has no VpcConfig"
                        : ": has a VpcConfig but never reaches Aurora (no DB_URL); it would need endpoints for "
                                + "nothing"));
            }
        }
        assertNoProblems(problems);
    }

    /**
     * DestinationEgress=nat must give every subnet of the functions in the created VPC a default route through a NAT
     * gateway that sits in a subnet routed to an internet gateway, and open the destinations' ports; the default
     * must create none of it (a NAT gateway bills by the hour), and neither may an existing cluster's deploy, whose
     * routes are the operator's.
     */
    @Test
    void destinationEgressRoutesTheFunctionSubnetsThroughANatGatewayOnlyWhenChosen() throws IOException {
        Set<String> egressTypes = Set.of("AWS::EC2::NatGateway", "AWS::EC2::EIP", "AWS::EC2::InternetGateway",
                "AWS::EC2::VPCGatewayAttachment", "AWS::EC2::Route");
        for (Map<String, String> parameters : List.of(Map.of("DatabaseUrl", ""),
                Map.of("DatabaseUrl", "", "DestinationEgress", "none"),
                Map.of("DatabaseUrl", "jdbc:postgresql://db.example:5432/sluice", "DestinationEgress", "nat"))) {
            Deployed deployed = Deployed.with(parameters);
            List<String> created = deployed.resources.entrySet().stream()
                    .filter(r -> egressTypes.contains(String.valueOf(r.getValue().get("Type")))).map(Map.Entry::getKey)
                    .toList();
            assertEquals(List.of(), created, "created with " + parameters);
        }

        Deployed nat = Deployed.with(Map.of("DatabaseUrl", "", "DestinationEgress", "nat"));
        List<String> problems = new ArrayList<>();
        for (String function : List.of("DeliveryFunction", "ApiFunction")) {
            List<?> subnets = list(nat.resolve(map(template.functionProperties(function).get("VpcConfig"))
                    .get("SubnetIds")));
            if (subnets.isEmpty()) {
                problems.add(function + ": no subnets");
            }
            for (Object subnet : subnets) {
                Map<String, Object> route = nat.defaultRoute(String.valueOf(subnet));
                String natGateway = String.valueOf(route.get("NatGatewayId"));
                if (!"AWS::EC2::NatGateway".equals(nat.type(natGateway))) {
                    problems.add(function + ": subnet " + subnet + " has no 0.0.0.0/0 route to a NAT gateway: "
                            + route);
                    continue;
                }
                Map<String, Object> gateway = nat.properties(natGateway);
                String publicSubnet = String.valueOf(gateway.get("SubnetId"));
                String internet = String.valueOf(nat.defaultRoute(publicSubnet).get("GatewayId"));
                if (!"AWS::EC2::InternetGateway".equals(nat.type(internet))) {
                    problems.add(natGateway + ": its subnet " + publicSubnet + " has no route to an internet gateway");
                }
                if (!"AWS::EC2::EIP".equals(nat.type(String.valueOf(gateway.get("AllocationId")).split("\\.")[0]))) {
                    problems.add(natGateway + ": a public NAT gateway needs an Elastic IP");
                }
            }
            for (Object group : list(nat.resolve(map(template.functionProperties(function).get("VpcConfig"))
                    .get("SecurityGroupIds")))) {
                for (int port : List.of(5432, 5439)) {
                    if (!nat.allowsEgressToTheInternet(String.valueOf(group), port)) {
                        problems.add(function + ": security group " + group + " does not allow TCP " + port
                                + " to 0.0.0.0/0");
                    }
                }
            }
        }
        assertNoProblems(problems);
    }

    /** The template's resources as a deploy with these parameters creates them, their values resolved. */
    private record Deployed(Intrinsics intrinsics, Map<String, Map<String, Object>> resources) {
        static Deployed with(Map<String, String> parameters) throws IOException {
            SamTemplate template = SamTemplate.read(repository.resolve("template.yaml"), parameters);
            Intrinsics intrinsics = template.intrinsics(new Intrinsics.Environment() {
                @Override
                public Object ref(String name) {
                    return name;
                }

                @Override
                public Object getAtt(String resource, String attribute) {
                    return resource + "." + attribute;
                }

                @Override
                public String dynamicReference(String reference) {
                    return reference;
                }

                @Override
                public boolean condition(String name) {
                    throw new AssertionError("unknown condition " + name);
                }
            });
            Map<String, Map<String, Object>> created = new java.util.LinkedHashMap<>();
            map(template.raw().get("Resources")).forEach((id, value) -> {
                Map<String, Object> resource = map(value);
                Object condition = resource.get("Condition");
                if (condition == null || Boolean.TRUE.equals(intrinsics.resolve(Map.of("Condition", condition)))) {
                    created.put(id, resource);
                }
            });
            return new Deployed(intrinsics, created);
        }

        Object resolve(Object node) {
            return intrinsics.resolve(node);
        }

        String type(String logicalId) {
            return String.valueOf(map(resources.get(logicalId)).get("Type"));
        }

        Map<String, Object> properties(String logicalId) {
            return map(resolve(map(resources.get(logicalId)).get("Properties")));
        }

        /** The created 0.0.0.0/0 route of the route table a subnet is associated with (empty when none). */
        Map<String, Object> defaultRoute(String subnet) {
            Set<String> tables = new TreeSet<>();
            resources.keySet().stream().filter(id -> type(id).equals("AWS::EC2::SubnetRouteTableAssociation"))
                    .map(this::properties).filter(p -> subnet.equals(String.valueOf(p.get("SubnetId"))))
                    .forEach(p -> tables.add(String.valueOf(p.get("RouteTableId"))));
            return resources.keySet().stream().filter(id -> type(id).equals("AWS::EC2::Route")).map(this::properties)
                    .filter(p -> tables.contains(String.valueOf(p.get("RouteTableId")))
                            && "0.0.0.0/0".equals(p.get("DestinationCidrBlock")))
                    .findFirst().orElse(Map.of());
        }

        boolean allowsEgressToTheInternet(String group, int port) {
            List<Map<String, Object>> rules = new ArrayList<>();
            list(properties(group).get("SecurityGroupEgress")).forEach(rule -> rules.add(map(rule)));
            resources.keySet().stream().filter(id -> type(id).equals("AWS::EC2::SecurityGroupEgress"))
                    .map(this::properties).filter(p -> group.equals(String.valueOf(p.get("GroupId"))))
                    .forEach(rules::add);
            return rules.stream().anyMatch(rule -> "0.0.0.0/0".equals(rule.get("CidrIp"))
                    && ("-1".equals(String.valueOf(rule.get("IpProtocol")))
                            || "tcp".equals(rule.get("IpProtocol"))
                                    && Integer.parseInt(String.valueOf(rule.get("FromPort"))) <= port
                                    && port <= Integer.parseInt(String.valueOf(rule.get("ToPort")))));
        }
    }

    @Test
    void everySqsMappingHasADeadLetterQueuePartialFailuresBoundedConcurrencyAndLongEnoughVisibility() {
        List<String> problems = new ArrayList<>();
        Set<String> deadLetterQueues = new LinkedHashSet<>();
        template.queues().values().forEach(
                q -> q.redrive().ifPresent(r -> deadLetterQueues.add(r.deadLetterQueueLogicalId())));
        template.queues().values().forEach(queue -> queue.redrive().ifPresent(redrive -> {
            int dlqRetention = template.queues().get(redrive.deadLetterQueueLogicalId()).messageRetentionSeconds();
            // A message keeps its first enqueue time in the DLQ, so a shorter DLQ retention loses it early.
            if (dlqRetention <= queue.messageRetentionSeconds()) {
                problems.add(queue.logicalId() + ": its DLQ keeps messages " + dlqRetention + " s, not longer than its "
                        + queue.messageRetentionSeconds() + " s");
            }
        }));
        template.functions().values().forEach(function -> function.sqsEvents().forEach(event -> {
            String where = function.logicalId() + "." + event.name();
            var queue = template.queues().get(event.queueLogicalId());
            // SQS keeps a message 14 days at most, so a DLQ cannot have a DLQ that outlives it; a failing consumer of
            // a DLQ is caught by its function-error alarm instead.
            if (queue.redrive().isEmpty() && !deadLetterQueues.contains(queue.logicalId())) {
                problems.add(where + ": queue " + queue.logicalId() + " has no RedrivePolicy (DLQ)");
            }
            if (queue.redrive().isPresent() && queue.redrive().get().maxReceiveCount() < 5) {
                problems.add(where + ": maxReceiveCount below 5 sends a throttled message to the DLQ too early");
            }
            if (!event.reportBatchItemFailures()) {
                problems.add(where + ": no FunctionResponseTypes [ReportBatchItemFailures]");
            }
            if (event.maximumConcurrency().isEmpty()) {
                problems.add(where + ": no ScalingConfig.MaximumConcurrency");
            }
            if (queue.visibilityTimeoutSeconds() < 6 * function.timeoutSeconds()) {
                problems.add(where + ": " + queue.logicalId() + " visibility " + queue.visibilityTimeoutSeconds()
                        + " s is under 6 x the " + function.timeoutSeconds() + " s timeout");
            }
        }));
        assertNoProblems(problems);
    }

    @Test
    void everyIamStatementNamesItsResources() {
        List<String> problems = new ArrayList<>();
        for (String function : template.functions().keySet()) {
            for (Object policy : list(template.functionProperties(function).get("Policies"))) {
                String where = function + " policy " + policy;
                if (policy instanceof String name) {
                    problems.add(where + ": a managed policy by name (" + name + ") grants what it likes");
                } else if (policy instanceof Map<?, ?> raw) {
                    Map<String, Object> item = map(raw);
                    if (item.containsKey("Ref")) {
                        Map<String, Object> target = map(resources.get(String.valueOf(item.get("Ref"))));
                        if (!"AWS::IAM::ManagedPolicy".equals(target.get("Type"))) {
                            problems.add(where + ": refers to something that is not a managed policy in this template");
                        } else {
                            statements(where, map(map(target.get("Properties")).get("PolicyDocument")), problems);
                        }
                    } else if (item.containsKey("Statement")) {
                        statements(where, item, problems);
                    } else {
                        // A SAM policy template: its parameters name the table, bucket, queue or secret.
                        item.forEach((templateName, parameters) -> map(parameters).forEach((key, value) -> {
                            if ("*".equals(value)) {
                                problems.add(where + ": " + templateName + "." + key + " is '*'");
                            }
                        }));
                    }
                }
            }
        }
        resources.forEach((id, value) -> {
            Map<String, Object> resource = map(value);
            String type = String.valueOf(resource.get("Type"));
            if (type.equals("AWS::IAM::ManagedPolicy") || type.equals("AWS::IAM::Policy")) {
                statements(id, map(map(resource.get("Properties")).get("PolicyDocument")), problems);
            }
        });
        assertNoProblems(problems);
    }

    @Test
    void everyFunctionRunsJava21OnArmTracedWithPowertoolsAndALogGroupThatExpires() {
        List<String> problems = new ArrayList<>();
        for (String function : template.functions().keySet()) {
            Map<String, Object> properties = template.functionProperties(function);
            if (!"java21".equals(properties.get("Runtime"))) {
                problems.add(function + ": runtime " + properties.get("Runtime"));
            }
            if (!List.of("arm64").equals(properties.get("Architectures"))) {
                problems.add(function + ": architectures " + properties.get("Architectures"));
            }
            if (!properties.containsKey("MemorySize") || !properties.containsKey("Timeout")) {
                problems.add(function + ": no MemorySize or Timeout");
            }
            if (!"Active".equals(properties.get("Tracing"))) {
                problems.add(function + ": X-Ray tracing is not Active");
            }
            Map<String, Object> variables = map(map(properties.get("Environment")).get("Variables"));
            if (!variables.containsKey("POWERTOOLS_SERVICE_NAME")
                    || !variables.containsKey("POWERTOOLS_METRICS_NAMESPACE")) {
                problems.add(function + ": no Powertools service name or metrics namespace (the dashboard reads them)");
            }
            Object logGroup = map(properties.get("LoggingConfig")).get("LogGroup");
            Map<String, Object> group = logGroup instanceof Map<?, ?> ref
                    ? map(resources.get(String.valueOf(map(ref).get("Ref")))) : Map.of();
            if (!"AWS::Logs::LogGroup".equals(group.get("Type"))
                    || !map(group.get("Properties")).containsKey("RetentionInDays")) {
                problems.add(function + ": LoggingConfig.LogGroup is not a log group of this template with retention");
            }
            List<String> triggers = triggers(function);
            boolean interactive = triggers.contains("HttpApi") || triggers.contains("WebSocket")
                    || triggers.contains("DynamoDB");
            boolean snapStart = "PublishedVersions".equals(map(properties.get("SnapStart")).get("ApplyOn"))
                    && properties.containsKey("AutoPublishAlias");
            if (interactive && !snapStart) {
                problems.add(function + ": API, socket and progress functions use SnapStart on a published alias");
            }
        }
        assertNoProblems(problems);
    }

    private static void statements(String where, Map<String, Object> document, List<String> problems) {
        for (Object raw : list(document.get("Statement"))) {
            Map<String, Object> statement = map(raw);
            if (!"Allow".equals(statement.get("Effect"))) {
                continue;
            }
            List<String> actions = list(statement.get("Action")).stream().map(String::valueOf).toList();
            List<?> targets = list(statement.get("Resource"));
            boolean everyResource = targets.isEmpty() || targets.contains("*");
            for (String action : actions) {
                if (action.equals("*") || action.endsWith(":*")) {
                    problems.add(where + ": action " + action + " grants a whole service");
                }
                if (everyResource && !ACTIONS_WITHOUT_RESOURCES.contains(action)) {
                    problems.add(where + ": " + action + " on Resource '*'");
                }
            }
        }
    }

    @Test
    void snapStartFunctionsAreInvokedThroughTheirAlias() {
        assertNoProblems(aliasProblems(template));
    }

    @Test
    void anIntegrationOnTheUnqualifiedFunctionIsCaught() {
        SamTemplate wrong = SamTemplate.read(new java.io.StringReader("""
                Resources:
                  SocketFunction:
                    Type: AWS::Serverless::Function
                    Properties: { Handler: x.Y::handleRequest, AutoPublishAlias: live }
                  SocketIntegration:
                    Type: AWS::ApiGatewayV2::Integration
                    Properties:
                      IntegrationUri: !Sub 'arn:aws:apigateway:r:lambda:path/functions/${SocketFunction.Arn}/x'
                """), Map.of());
        assertEquals(List.of("SocketIntegration: integrates SocketFunction without its alias (SocketFunction.Alias)"),
                aliasProblems(wrong));
    }

    /** SnapStart snapshots published versions only; an integration on the unqualified function runs $LATEST cold. */
    private static List<String> aliasProblems(SamTemplate checked) {
        List<String> problems = new ArrayList<>();
        map(checked.raw().get("Resources")).forEach((id, value) -> {
            Map<String, Object> resource = map(value);
            Object target = map(resource.get("Properties")).get("IntegrationUri");
            if (!"AWS::ApiGatewayV2::Integration".equals(resource.get("Type")) || target == null) {
                return;
            }
            for (String function : checked.functions().keySet()) {
                boolean aliased = checked.functionProperties(function).containsKey("AutoPublishAlias");
                if (aliased && mentions(target, function) && !String.valueOf(target).contains(function + ".Alias")) {
                    problems.add(id + ": integrates " + function + " without its alias (" + function + ".Alias)");
                }
            }
        });
        return problems;
    }

    /** How a function is invoked: its Events' types, WebSocket integrations and custom resources naming it. */
    private static List<String> triggers(String function) {
        List<String> triggers = new ArrayList<>();
        map(map(map(resources.get(function)).get("Properties")).get("Events"))
                .values().forEach(event -> triggers.add(String.valueOf(map(event).get("Type"))));
        resources.forEach((id, value) -> {
            Map<String, Object> resource = map(value);
            String type = String.valueOf(resource.get("Type"));
            Map<String, Object> properties = map(resource.get("Properties"));
            if ((type.startsWith("Custom::") || type.equals("AWS::CloudFormation::CustomResource"))
                    && mentions(properties.get("ServiceToken"), function)) {
                triggers.add("CustomResource");
            }
            // A role EventBridge Scheduler assumes to invoke the function: its schedules are made at run time.
            if (type.equals("AWS::IAM::Role") && mentions(properties.get("AssumeRolePolicyDocument"),
                    "scheduler.amazonaws.com") && mentions(properties.get("Policies"), function)) {
                triggers.add("Scheduler");
            }
            if (type.equals("AWS::ApiGatewayV2::Authorizer") && mentions(properties.get("AuthorizerUri"), function)) {
                triggers.add("Authorizer");
            }
            if (type.equals("AWS::ApiGatewayV2::Integration") && mentions(properties.get("IntegrationUri"), function)) {
                Object api = map(properties.get("ApiId")).get("Ref");
                Map<String, Object> apiProperties = map(map(resources.get(String.valueOf(api))).get("Properties"));
                if ("WEBSOCKET".equals(apiProperties.get("ProtocolType"))) {
                    triggers.add("WebSocket");
                }
            }
        });
        return triggers;
    }

    /** Whether a property (a Ref, GetAtt or Sub) names the function, its alias or its version. */
    private static boolean mentions(Object node, String function) {
        String text = String.valueOf(node);
        return Pattern.compile("(?<![A-Za-z0-9])" + Pattern.quote(function) + "(?![A-Za-z0-9])").matcher(text).find();
    }

    private static String handlerSource(String function) {
        String handler = String.valueOf(template.functionProperties(function).get("Handler"));
        String className = handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler;
        Path source = repository.resolve("functions/src/main/java/" + className.replace('.', '/') + ".java");
        try {
            return Files.readString(source);
        } catch (IOException e) {
            throw new AssertionError(function + ": no source at " + source, e);
        }
    }

    private static Optional<Type[]> requestHandlerArguments(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Type candidate : c.getGenericInterfaces()) {
                if (candidate instanceof ParameterizedType parameterized
                        && parameterized.getRawType() == RequestHandler.class) {
                    return Optional.of(parameterized.getActualTypeArguments());
                }
            }
        }
        return Optional.empty();
    }

    private static void expect(List<String> problems, String function, String trigger, Type actual,
            Class<?>... allowed) {
        Class<?> raw = actual instanceof ParameterizedType p ? (Class<?>) p.getRawType()
                : actual instanceof Class<?> c ? c : Object.class;
        for (Class<?> type : allowed) {
            if (type.isAssignableFrom(raw)) {
                return;
            }
        }
        problems.add(function + ": " + trigger + " delivers " + List.of(allowed).stream().map(Class::getSimpleName)
                .toList() + " but the handler has " + raw.getSimpleName());
    }

    private static Set<String> names(Pattern pattern, String text) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }

    private static void assertNoProblems(List<String> problems) {
        assertEquals(List.of(), problems, () -> problems.size() + " problem(s):\n  " + String.join("\n  ", problems));
    }

    private static Map<String, Object> map(Object value) {
        if (value instanceof Map<?, ?> raw) {
            Map<String, Object> result = new java.util.LinkedHashMap<>();
            raw.forEach((k, v) -> result.put(String.valueOf(k), v));
            return result;
        }
        return Map.of();
    }

    private static List<?> list(Object value) {
        if (value == null) {
            return List.of();
        }
        return value instanceof List<?> l ? l : List.of(value);
    }
}
