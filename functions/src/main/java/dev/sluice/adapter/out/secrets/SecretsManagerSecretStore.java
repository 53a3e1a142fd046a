package dev.sluice.adapter.out.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.adapter.wire.SignedAwsCall;
import dev.sluice.application.port.SecretStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Secrets in AWS Secrets Manager, one secret per name under {@code prefix} (the stack's name), so the functions'
 * IAM policy can be limited to {@code secret:{prefix}/*}. Signed JSON calls ({@link SignedAwsCall}): the Secrets
 * Manager SDK module is not served at the BOM version. Error messages name the secret and the error type only.
 */
public final class SecretsManagerSecretStore implements SecretStore {
    private final SignedAwsCall aws;
    private final URI endpoint;
    private final String prefix;
    private final ObjectMapper json;

    public SecretsManagerSecretStore(SignedAwsCall aws, String region, String prefix, ObjectMapper json) {
        this(aws, URI.create("https://secretsmanager." + region + ".amazonaws.com/"), prefix, json);
    }

    public SecretsManagerSecretStore(SignedAwsCall aws, URI endpoint, String prefix, ObjectMapper json) {
        this.aws = aws;
        this.endpoint = endpoint;
        this.prefix = prefix;
        this.json = json;
    }

    @Override
    public String put(String name, String value) {
        String id = prefix + "/" + name;
        ObjectNode update = json.createObjectNode().put("SecretId", id).put("SecretString", value);
        SignedAwsCall.Answer answer = call("PutSecretValue", update);
        if (answer.status() == 400 && answer.body().contains("ResourceNotFoundException")) {
            ObjectNode create = json.createObjectNode().put("Name", id).put("SecretString", value)
                    .put("Description", "Sluice: " + name);
            answer = call("CreateSecret", create);
        }
        if (answer.status() != 200) {
            throw new IllegalStateException("storing secret " + id + " failed: HTTP " + answer.status() + " "
                    + errorType(answer));
        }
        return read(answer).path("ARN").asText(id);
    }

    @Override
    public Optional<String> get(String reference) {
        SignedAwsCall.Answer answer = call("GetSecretValue", json.createObjectNode().put("SecretId", reference));
        if (answer.status() == 400 && answer.body().contains("ResourceNotFoundException")) {
            return Optional.empty();
        }
        if (answer.status() != 200) {
            throw new IllegalStateException("reading secret " + reference + " failed: HTTP " + answer.status() + " "
                    + errorType(answer));
        }
        JsonNode value = read(answer).get("SecretString");
        return value == null ? Optional.empty() : Optional.of(value.asText());
    }

    @Override
    public void delete(String reference) {
        SignedAwsCall.Answer answer = call("DeleteSecret", json.createObjectNode().put("SecretId", reference)
                .put("ForceDeleteWithoutRecovery", true));
        if (answer.status() != 200 && !answer.body().contains("ResourceNotFoundException")) {
            throw new IllegalStateException("deleting secret " + reference + " failed: HTTP " + answer.status() + " "
                    + errorType(answer));
        }
    }

    private SignedAwsCall.Answer call(String action, ObjectNode body) {
        return aws.send("POST", endpoint, Map.of("Content-Type", "application/x-amz-json-1.1", "X-Amz-Target",
                "secretsmanager." + action), body.toString());
    }

    private JsonNode read(SignedAwsCall.Answer answer) {
        try {
            return json.readTree(answer.body());
        } catch (IOException e) {
            throw new UncheckedIOException("Secrets Manager answered something that is not JSON", e);
        }
    }

    /** The {@code __type} of an error answer (never its message, which could echo input). */
    private String errorType(SignedAwsCall.Answer answer) {
        try {
            return json.readTree(answer.body()).path("__type").asText("");
        } catch (IOException e) {
            return "";
        }
    }
}
