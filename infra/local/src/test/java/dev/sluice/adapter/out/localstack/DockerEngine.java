package dev.sluice.adapter.out.localstack;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Enables LocalStack tests only when a Docker engine answers {@code GET /_ping} on its socket. Asked directly
 * rather than through Testcontainers, whose own search logs a screenful of errors per strategy when there is no
 * engine; here that becomes one line. A {@code DOCKER_HOST} that is not a Unix socket is left to Testcontainers.
 */
public final class DockerEngine implements ExecutionCondition {
    private static final AtomicBoolean REPORTED = new AtomicBoolean();
    private static volatile Optional<String> missing;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<String> reason = missing();
        if (reason.isEmpty()) {
            return ConditionEvaluationResult.enabled("a Docker engine answers");
        }
        if (REPORTED.compareAndSet(false, true)) {
            System.err.println("LocalStack tests skipped: " + reason.get());
        }
        return ConditionEvaluationResult.disabled(reason.get());
    }

    private static Optional<String> missing() {
        Optional<String> known = missing;
        if (known == null) {
            known = probe(System.getenv("DOCKER_HOST"));
            missing = known;
        }
        return known;
    }

    static Optional<String> probe(String dockerHost) {
        if (dockerHost != null && !dockerHost.isBlank() && !dockerHost.startsWith("unix://")) {
            return Optional.empty();
        }
        Path socket = Path.of(dockerHost == null || dockerHost.isBlank() ? "/var/run/docker.sock"
                : dockerHost.substring("unix://".length()));
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer answer = ByteBuffer.allocate(64);
            channel.read(answer);
            String status = new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII);
            return status.startsWith("HTTP/1.") && status.contains(" 200")
                    ? Optional.empty() : Optional.of("the Docker engine at " + socket + " did not answer its ping");
        } catch (IOException | RuntimeException e) {
            return Optional.of("no Docker engine at " + socket + " (" + e.getClass().getSimpleName()
                    + "); mvn verify -Plocalstack needs one");
        }
    }
}
