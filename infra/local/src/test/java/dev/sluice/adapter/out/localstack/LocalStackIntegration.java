package dev.sluice.adapter.out.localstack;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that runs against LocalStack in Docker (Testcontainers): run only with {@code mvn verify
 * -Plocalstack} (the default build excludes the tag), and skipped with one line when no Docker engine answers.
 * Declare it before {@code @Testcontainers} so the Docker check comes first and Testcontainers never starts
 * looking for an engine that is not there.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("localstack")
@ExtendWith(DockerEngine.class)
public @interface LocalStackIntegration {
}
