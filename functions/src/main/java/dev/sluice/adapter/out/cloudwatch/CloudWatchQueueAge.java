package dev.sluice.adapter.out.cloudwatch;

import dev.sluice.adapter.wire.SignedAwsCall;
import dev.sluice.application.port.QueueAge;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The age of a queue's oldest message from SQS's own CloudWatch metric {@code ApproximateAgeOfOldestMessage}: one
 * GetMetricData call over the last few minutes, the maximum of the newest minute that has a datapoint. SQS publishes
 * the metric once a minute and CloudWatch shows it a minute or two later, so the figure lags by that much; SQS stops
 * publishing for a queue that has been inactive for six hours, and then there is no datapoint (unknown, not 0).
 * <p>
 * CloudWatch's query protocol (a form POST answered in XML), signed with SigV4: the SDK module speaks Smithy RPC v2
 * CBOR, which the emulator the tests use cannot answer.
 */
public final class CloudWatchQueueAge implements QueueAge {
    private static final Logger LOG = LoggerFactory.getLogger(CloudWatchQueueAge.class);
    /** Wide enough to bridge the metric's publishing delay, short enough that an old figure is not passed off. */
    static final Duration WINDOW = Duration.ofMinutes(5);

    private final SignedAwsCall cloudWatch;
    private final URI endpoint;
    private final Clock clock;

    /** @param cloudWatch signed for the service {@code monitoring}; @param endpoint its URL (monitoring.{region}...) */
    public CloudWatchQueueAge(SignedAwsCall cloudWatch, URI endpoint, Clock clock) {
        this.cloudWatch = cloudWatch;
        this.endpoint = endpoint;
        this.clock = clock;
    }

    public static URI endpoint(String region) {
        return URI.create("https://monitoring." + region + ".amazonaws.com/");
    }

    @Override
    public Reading oldestMessageAge(String queueUrl) {
        String queue = QueueAge.queueName(queueUrl);
        Instant end = clock.instant();
        Map<String, String> form = new LinkedHashMap<>();
        form.put("Action", "GetMetricData");
        form.put("Version", "2010-08-01");
        form.put("StartTime", end.minus(WINDOW).toString());
        form.put("EndTime", end.toString());
        form.put("ScanBy", "TimestampDescending");
        String query = "MetricDataQueries.member.1.";
        form.put(query + "Id", "age");
        form.put(query + "ReturnData", "true");
        form.put(query + "MetricStat.Period", "60");
        form.put(query + "MetricStat.Stat", "Maximum");
        form.put(query + "MetricStat.Metric.Namespace", "AWS/SQS");
        form.put(query + "MetricStat.Metric.MetricName", "ApproximateAgeOfOldestMessage");
        form.put(query + "MetricStat.Metric.Dimensions.member.1.Name", "QueueName");
        form.put(query + "MetricStat.Metric.Dimensions.member.1.Value", queue);
        SignedAwsCall.Answer answer;
        try {
            answer = cloudWatch.send("POST", endpoint,
                    Map.of("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), encode(form));
        } catch (RuntimeException e) {
            // The queue itself answered; only the figure is missing, so the queues check stays up.
            LOG.warn("CloudWatch GetMetricData for {}'s ApproximateAgeOfOldestMessage failed", queue, e);
            return Reading.unknown("CloudWatch did not answer (details in the function's log)");
        }
        if (answer.status() != 200) {
            LOG.warn("CloudWatch GetMetricData for {} answered {}: {}", queue, answer.status(), answer.body());
            return Reading.unknown("CloudWatch refused GetMetricData (HTTP " + answer.status()
                    + "; details in the function's log)");
        }
        Instant newest = null;
        double value = 0;
        try {
            Element result = first(parse(answer.body()), "MetricDataResults");
            List<Node> timestamps = members(first(result, "Timestamps"));
            List<Node> values = members(first(result, "Values"));
            // The newest minute's maximum, picked by timestamp rather than position.
            for (int i = 0; i < Math.min(timestamps.size(), values.size()); i++) {
                Instant at = Instant.parse(timestamps.get(i).getTextContent().trim());
                if (newest == null || at.isAfter(newest)) {
                    newest = at;
                    value = Double.parseDouble(values.get(i).getTextContent().trim());
                }
            }
        } catch (Exception e) {
            LOG.warn("CloudWatch's GetMetricData answer for {} could not be read: {}", queue, answer.body(), e);
            return Reading.unknown("CloudWatch's answer could not be read (details in the function's log)");
        }
        if (newest == null) {
            return Reading.unknown("CloudWatch has no ApproximateAgeOfOldestMessage datapoint for " + queue
                    + " in the last " + WINDOW.toMinutes() + " minutes");
        }
        return Reading.known(Math.round(value), "CloudWatch ApproximateAgeOfOldestMessage (maximum of the minute "
                + "from " + newest + ")");
    }

    private static String encode(Map<String, String> form) {
        return form.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    private static Element parse(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        // An AWS answer has no DTD; refusing one keeps the parser from fetching or expanding anything.
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setNamespaceAware(false);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)))
                .getDocumentElement();
    }

    /** The first element of that name below {@code parent}, at any depth. */
    private static Element first(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        NodeList found = parent.getElementsByTagName(name);
        return found.getLength() == 0 ? null : (Element) found.item(0);
    }

    /** The direct {@code member} children of a list element (none when there is no such element). */
    private static List<Node> members(Element list) {
        List<Node> members = new ArrayList<>();
        for (Node child = list == null ? null : list.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && element.getTagName().equals("member")) {
                members.add(child);
            }
        }
        return members;
    }
}
