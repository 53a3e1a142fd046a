package dev.sluice.adapter.in.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The log fields every line of an invocation carries: its service and whether it was the cold start. */
class TelemetryTest {

    /** A context whose function has its own environment, as the local runtime gives each function. */
    private static final class ContextWithEnvironment
            implements com.amazonaws.services.lambda.runtime.Context, FunctionEnvironment {
        private final String functionName;
        private final Map<String, String> environment;

        ContextWithEnvironment(String functionName, Map<String, String> environment) {
            this.functionName = functionName;
            this.environment = environment;
        }

        private final TestContext base = new TestContext();

        @Override
        public String getFunctionName() {
            return functionName;
        }

        @Override
        public String getAwsRequestId() {
            return base.getAwsRequestId();
        }

        @Override
        public String getLogGroupName() {
            return base.getLogGroupName();
        }

        @Override
        public String getLogStreamName() {
            return base.getLogStreamName();
        }

        @Override
        public String getFunctionVersion() {
            return base.getFunctionVersion();
        }

        @Override
        public String getInvokedFunctionArn() {
            return base.getInvokedFunctionArn();
        }

        @Override
        public com.amazonaws.services.lambda.runtime.CognitoIdentity getIdentity() {
            return null;
        }

        @Override
        public com.amazonaws.services.lambda.runtime.ClientContext getClientContext() {
            return null;
        }

        @Override
        public int getRemainingTimeInMillis() {
            return base.getRemainingTimeInMillis();
        }

        @Override
        public int getMemoryLimitInMB() {
            return base.getMemoryLimitInMB();
        }

        @Override
        public com.amazonaws.services.lambda.runtime.LambdaLogger getLogger() {
            return base.getLogger();
        }

        @Override
        public Optional<String> variable(String name) {
            return Optional.ofNullable(environment.get(name));
        }
    }

    private static List<String> fieldsOf(ContextWithEnvironment context) {
        return Telemetry.invocation(context, () -> List.of(String.valueOf(MDC.get("service")),
                String.valueOf(MDC.get("cold_start"))));
    }

    @Test
    void theFirstInvocationOfEachFunctionIsTheColdStartAndCarriesItsOwnServiceName() {
        ContextWithEnvironment split = new ContextWithEnvironment("TelemetryTestSplit",
                Map.of("POWERTOOLS_SERVICE_NAME", "sluice-split"));
        ContextWithEnvironment load = new ContextWithEnvironment("TelemetryTestLoad",
                Map.of("POWERTOOLS_SERVICE_NAME", "sluice-load"));

        assertEquals(List.of("sluice-split", "true"), fieldsOf(split));
        assertEquals(List.of("sluice-split", "false"), fieldsOf(split));
        assertEquals(List.of("sluice-load", "true"), fieldsOf(load), "another function in the same JVM starts cold");
        assertEquals(List.of("sluice-load", "false"), fieldsOf(load));
    }
}
