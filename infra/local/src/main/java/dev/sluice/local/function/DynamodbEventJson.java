package dev.sluice.local.function;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.Identity;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * The JSON Lambda sends a function fed by a DynamoDB stream ({@code events/dynamodb-stream-run-progress.json}), made
 * from the records the Streams API returns, and the {@link DynamodbEvent} the Lambda Java runtime reads from it
 * (its field names, e.g. {@code NewImage}, are not the Java beans' names, so the runtime's mapping is done here).
 */
public final class DynamodbEventJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DynamodbEventJson() {
    }

    /** One element of {@code Records}, as Lambda writes it. */
    public static ObjectNode record(Record record, String streamArn, String region) {
        ObjectNode node = JSON.createObjectNode();
        node.put("eventID", record.eventID());
        node.put("eventName", record.eventNameAsString());
        node.put("eventVersion", record.eventVersion() == null ? "1.1" : record.eventVersion());
        node.put("eventSource", "aws:dynamodb");
        node.put("awsRegion", record.awsRegion() == null ? region : record.awsRegion());
        ObjectNode dynamodb = node.putObject("dynamodb");
        var stream = record.dynamodb();
        if (stream.approximateCreationDateTime() != null) {
            dynamodb.put("ApproximateCreationDateTime", stream.approximateCreationDateTime().getEpochSecond());
        }
        dynamodb.set("Keys", image(stream.keys()));
        if (stream.hasNewImage()) {
            dynamodb.set("NewImage", image(stream.newImage()));
        }
        if (stream.hasOldImage()) {
            dynamodb.set("OldImage", image(stream.oldImage()));
        }
        dynamodb.put("SequenceNumber", stream.sequenceNumber());
        if (stream.sizeBytes() != null) {
            dynamodb.put("SizeBytes", stream.sizeBytes());
        }
        dynamodb.put("StreamViewType", stream.streamViewTypeAsString());
        if (record.userIdentity() != null) {
            node.putObject("userIdentity").put("type", record.userIdentity().type())
                    .put("principalId", record.userIdentity().principalId());
        }
        node.put("eventSourceARN", streamArn);
        return node;
    }

    public static ObjectNode event(List<ObjectNode> records) {
        ObjectNode event = JSON.createObjectNode();
        ArrayNode array = event.putArray("Records");
        records.forEach(array::add);
        return event;
    }

    private static ObjectNode image(Map<String, AttributeValue> image) {
        ObjectNode node = JSON.createObjectNode();
        image.forEach((name, value) -> node.set(name, value(value)));
        return node;
    }

    private static ObjectNode value(AttributeValue value) {
        ObjectNode node = JSON.createObjectNode();
        switch (value.type()) {
            case S -> node.put("S", value.s());
            case N -> node.put("N", value.n());
            case BOOL -> node.put("BOOL", value.bool());
            case NUL -> node.put("NULL", true);
            case B -> node.put("B", Base64.getEncoder().encodeToString(value.b().asByteArray()));
            case SS -> value.ss().forEach(node.putArray("SS")::add);
            case NS -> value.ns().forEach(node.putArray("NS")::add);
            case BS -> value.bs().forEach(b -> node.withArray("BS").add(
                    Base64.getEncoder().encodeToString(b.asByteArray())));
            case M -> node.set("M", image(value.m()));
            case L -> {
                ArrayNode list = node.putArray("L");
                value.l().forEach(item -> list.add(value(item)));
            }
            default -> throw new IllegalArgumentException("attribute type " + value.type() + " is not supported");
        }
        return node;
    }

    /** Reads the JSON the way the Lambda Java runtime does for a {@code DynamodbEvent} parameter. */
    public static DynamodbEvent toEvent(JsonNode json) {
        DynamodbEvent event = new DynamodbEvent();
        List<DynamodbEvent.DynamodbStreamRecord> records = new ArrayList<>();
        for (JsonNode node : json.path("Records")) {
            DynamodbEvent.DynamodbStreamRecord record = new DynamodbEvent.DynamodbStreamRecord();
            record.setEventID(text(node, "eventID"));
            record.setEventName(text(node, "eventName"));
            record.setEventVersion(text(node, "eventVersion"));
            record.setEventSource(text(node, "eventSource"));
            record.setAwsRegion(text(node, "awsRegion"));
            record.setEventSourceARN(text(node, "eventSourceARN"));
            JsonNode dynamodb = node.path("dynamodb");
            StreamRecord stream = new StreamRecord();
            if (dynamodb.has("ApproximateCreationDateTime")) {
                stream.setApproximateCreationDateTime(
                        new Date(dynamodb.get("ApproximateCreationDateTime").asLong() * 1000));
            }
            stream.setKeys(lambdaImage(dynamodb.get("Keys")));
            stream.setNewImage(lambdaImage(dynamodb.get("NewImage")));
            stream.setOldImage(lambdaImage(dynamodb.get("OldImage")));
            stream.setSequenceNumber(text(dynamodb, "SequenceNumber"));
            if (dynamodb.has("SizeBytes")) {
                stream.setSizeBytes(dynamodb.get("SizeBytes").asLong());
            }
            if (dynamodb.hasNonNull("StreamViewType")) {
                stream.setStreamViewType(StreamViewType.fromValue(dynamodb.get("StreamViewType").asText()));
            }
            record.setDynamodb(stream);
            if (node.has("userIdentity")) {
                Identity identity = new Identity();
                identity.setType(text(node.get("userIdentity"), "type"));
                identity.setPrincipalId(text(node.get("userIdentity"), "principalId"));
                record.setUserIdentity(identity);
            }
            records.add(record);
        }
        event.setRecords(records);
        return event;
    }

    private static Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> lambdaImage(
            JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        Map<String, com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> image =
                new LinkedHashMap<>();
        node.properties().forEach(field -> image.put(field.getKey(), lambdaValue(field.getValue())));
        return image;
    }

    private static com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue lambdaValue(
            JsonNode node) {
        var value = new com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue();
        var field = node.properties().iterator().next();
        JsonNode content = field.getValue();
        switch (field.getKey()) {
            case "S" -> value.setS(content.asText());
            case "N" -> value.setN(content.asText());
            case "BOOL" -> value.setBOOL(content.asBoolean());
            case "NULL" -> value.setNULL(content.asBoolean());
            case "B" -> value.setB(ByteBuffer.wrap(Base64.getDecoder().decode(content.asText())));
            case "SS" -> value.setSS(strings(content));
            case "NS" -> value.setNS(strings(content));
            case "BS" -> value.setBS(strings(content).stream()
                    .map(s -> ByteBuffer.wrap(Base64.getDecoder().decode(s))).toList());
            case "M" -> value.setM(lambdaImage(content));
            case "L" -> {
                List<com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue> list =
                        new ArrayList<>();
                content.forEach(item -> list.add(lambdaValue(item)));
                value.setL(list);
            }
            default -> throw new IllegalArgumentException("unknown attribute type " + field.getKey());
        }
        return value;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(item -> values.add(item.asText()));
        return values;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
