package dev.sluice.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The settings of sources and pulls (README "Sources and schedules").
 *
 * @param table            SOURCES_TABLE; empty where a function has no sources
 * @param allowLoopback    ALLOW_LOOPBACK_SOURCES, honoured only in the local runtime (SLUICE_LOCAL): a deployed
 *                         function never pulls from a loopback address
 * @param maxBytes         SOURCE_MAX_BYTES: the largest answer one pull reads (after decompression)
 * @param pullTimeout      PULL_TIMEOUT_SECONDS: how long a pull may stay RUNNING before a later one treats its
 *                         process as dead (at least PullFunction's timeout)
 * @param secretsDirectory SECRETS_DIR: where the local secret store keeps its encrypted files (local only)
 * @param secretKeyFile    SECRET_KEY_FILE: the local secret store's key, kept outside the data directory
 * @param secretPrefix     SECRET_PREFIX: the name prefix of the Secrets Manager secrets (the stack name)
 * @param pullFunctionArn  PULL_FUNCTION_ARN: what the EventBridge schedules invoke
 * @param schedulerRoleArn SCHEDULER_ROLE_ARN: the role EventBridge Scheduler assumes to invoke it
 * @param scheduleGroup    SCHEDULE_GROUP: the schedule group the schedules are created in
 */
public record SourceSettings(Optional<String> table, boolean allowLoopback, long maxBytes, Duration pullTimeout,
        Optional<Path> secretsDirectory, Optional<Path> secretKeyFile, String secretPrefix,
        Optional<String> pullFunctionArn, Optional<String> schedulerRoleArn, String scheduleGroup) {

    static SourceSettings fromEnvironment(Map<String, String> env, boolean localRuntime) {
        return new SourceSettings(
                present(env, "SOURCES_TABLE"),
                localRuntime && Boolean.parseBoolean(env.getOrDefault("ALLOW_LOOPBACK_SOURCES", "false")),
                Long.parseLong(env.getOrDefault("SOURCE_MAX_BYTES", "268435456")),
                Duration.ofSeconds(Long.parseLong(env.getOrDefault("PULL_TIMEOUT_SECONDS", "900"))),
                present(env, "SECRETS_DIR").map(Path::of),
                present(env, "SECRET_KEY_FILE").map(Path::of).or(() -> Optional.ofNullable(
                        env.get("HOME")).map(home -> Path.of(home, ".config", "sluice", "secret.key"))),
                env.getOrDefault("SECRET_PREFIX", "sluice"),
                present(env, "PULL_FUNCTION_ARN"),
                present(env, "SCHEDULER_ROLE_ARN"),
                env.getOrDefault("SCHEDULE_GROUP", "default"));
    }

    private static Optional<String> present(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank());
    }
}
