package dev.sluice.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sluice.local.function.LocalFunction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The env-vars file for {@code sam local invoke FunctionName -e events/….json --env-vars FILE}: per function, the
 * values that point it at this runtime's emulators, PostgreSQL and gateway. {@code serve} writes it to its data
 * directory on every start, because the emulators listen on ports chosen at start.
 *
 * <p>sam local overrides only variables the template declares for the function, so the file holds exactly those
 * (template.yaml declares the endpoint and credential variables blank in Globals for this), each with the value
 * the local runtime gives the same function, except where the local runtime uses a name the template does not
 * declare for the same purpose.
 */
public final class SamLocalEnvironment {
    /** Declared name → the name under which the local runtime hands the function the value. */
    private static final Map<String, String> LOCAL_NAMES = Map.of(
            "SLUICE_S3_ENDPOINT", "AWS_ENDPOINT_URL_S3",
            "SLUICE_SQS_ENDPOINT", "AWS_ENDPOINT_URL_SQS",
            "SLUICE_DYNAMODB_ENDPOINT", "AWS_ENDPOINT_URL_DYNAMODB",
            "WEBSOCKET_CALLBACK_URL", "SLUICE_WEBSOCKET_CALLBACK_URL",
            "WEBSOCKET_ALLOWED_ORIGINS", "SLUICE_WEBSOCKET_ALLOWED_ORIGINS");
    /** Read from the secret on AWS; blank here so the password in the file is used instead. */
    private static final Map<String, String> BLANKED = Map.of("DB_SECRET_ARN", "");

    private SamLocalEnvironment() {
    }

    /** Function logical id → variable → value, for every function, in the template's declared names only. */
    public static Map<String, Map<String, String>> of(Map<String, LocalFunction> functions) {
        Map<String, Map<String, String>> file = new TreeMap<>();
        functions.forEach((logicalId, function) -> {
            Map<String, String> local = function.environment();
            Map<String, String> variables = new TreeMap<>();
            for (String declared : function.spec().environment().keySet()) {
                String value = BLANKED.containsKey(declared) ? BLANKED.get(declared)
                        : local.get(LOCAL_NAMES.getOrDefault(declared, declared));
                if (value != null) {
                    variables.put(declared, value);
                }
            }
            file.put(logicalId, variables);
        });
        return file;
    }

    public static void write(Path file, Map<String, LocalFunction> functions) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>(of(functions));
        Files.createDirectories(file.getParent());
        Files.writeString(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(json) + "\n");
    }
}
