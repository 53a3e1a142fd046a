package dev.sluice.adapter.out.scheduler;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.adapter.wire.SignedAwsCall;
import dev.sluice.application.port.PullScheduler;
import dev.sluice.domain.source.Source;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One EventBridge Scheduler schedule per source, named {@code {prefix}-{sourceId}} in the stack's schedule group,
 * targeting PullFunction with {@code {"sourceId": "…"}} and assumed role SchedulerRole (lambda:InvokeFunction on
 * PullFunction only). A disabled source keeps its schedule with {@code State: DISABLED}; a source without a schedule
 * has none. Signed REST calls ({@link SignedAwsCall}): the scheduler SDK module is not served at the BOM version.
 * The schedule's retry policy is 2 attempts within an hour; a pull that finds another still under way is a no-op.
 */
public final class EventBridgePullScheduler implements PullScheduler {
    private final SignedAwsCall aws;
    private final URI endpoint;
    private final String group;
    private final String namePrefix;
    private final String targetArn;
    private final String roleArn;
    private final ObjectMapper json;

    public EventBridgePullScheduler(SignedAwsCall aws, String region, String group, String namePrefix,
            String targetArn, String roleArn, ObjectMapper json) {
        this.aws = aws;
        this.endpoint = URI.create("https://scheduler." + region + ".amazonaws.com");
        this.group = group;
        this.namePrefix = namePrefix;
        this.targetArn = targetArn;
        this.roleArn = roleArn;
        this.json = json;
    }

    @Override
    public void put(Source source) {
        if (source.schedule() == null) {
            remove(source.id());
            return;
        }
        ObjectNode body = json.createObjectNode();
        body.put("GroupName", group);
        body.put("ScheduleExpression", source.schedule().expression());
        body.put("ScheduleExpressionTimezone", source.schedule().timezone().getId());
        body.put("State", source.enabled() ? "ENABLED" : "DISABLED");
        body.putObject("FlexibleTimeWindow").put("Mode", "OFF");
        ObjectNode target = body.putObject("Target");
        target.put("Arn", targetArn);
        target.put("RoleArn", roleArn);
        target.put("Input", json.createObjectNode().put("sourceId", source.id()).toString());
        target.putObject("RetryPolicy").put("MaximumRetryAttempts", 2).put("MaximumEventAgeInSeconds", 3600);
        SignedAwsCall.Answer answer = aws.send("PUT", uri(source.id(), false), headers(), body.toString());
        if (answer.status() == 404) {
            answer = aws.send("POST", uri(source.id(), false), headers(), body.toString());
        }
        if (answer.status() / 100 != 2) {
            throw new IllegalStateException("saving the schedule of source " + source.id() + " failed: HTTP "
                    + answer.status() + " " + answer.body());
        }
    }

    @Override
    public void remove(String sourceId) {
        SignedAwsCall.Answer answer = aws.send("DELETE", uri(sourceId, true), Map.of(), null);
        if (answer.status() / 100 != 2 && answer.status() != 404) {
            throw new IllegalStateException("deleting the schedule of source " + sourceId + " failed: HTTP "
                    + answer.status() + " " + answer.body());
        }
    }

    private URI uri(String sourceId, boolean withGroup) {
        String name = URLEncoder.encode(namePrefix + "-" + sourceId, StandardCharsets.UTF_8);
        return URI.create(endpoint + "/schedules/" + name
                + (withGroup ? "?groupName=" + URLEncoder.encode(group, StandardCharsets.UTF_8) : ""));
    }

    private static Map<String, String> headers() {
        return Map.of("Content-Type", "application/json");
    }
}
